//! # Discrete-event simulator
//!
//! Simulates FaaS and IaaS training in virtual time while every worker really computes its
//! gradients with the SGD kernels on its shard of real data: time and money advance by the
//! platform, channel and pattern; convergence, staleness and stragglers come from the arithmetic.

pub mod ahead;
pub mod channel;
pub mod data;
pub mod engine;
pub mod faas;
pub mod iaas;
pub mod noise;
pub mod outcome;
pub mod run;
pub mod runs;
pub mod shared_link;
pub mod store;
pub mod time;
pub mod trainer;
pub mod watch;

pub use outcome::SimOutcome;
pub use run::{SimError, simulate_config, simulate_config_watched, simulate_schedule};
pub use watch::Watch;
