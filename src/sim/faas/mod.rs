//! # FaaS training in virtual time
//!
//! Functions start (the channel's provisioning, invocation one after another, cold starts),
//! load their shards, and run their rounds as the pattern's actual puts, polls, gets and merges
//! through the channel, computing with the real kernels; aggregator functions of a tree are
//! invoked layer by layer; a parameter server applies updates one at a time. A worker nearing
//! the duration limit checkpoints and re-invokes itself. Asynchronous protocols read whatever
//! model is in storage and overwrite it; SSP bounds staleness; HSP adds a barrier between epochs.

mod run;
pub mod scripts;

pub use run::{FaasRun, FaasRunSettings, RunCounts, RunSummary};
