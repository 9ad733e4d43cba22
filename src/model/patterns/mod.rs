//! # Communication patterns
//!
//! The transfers of one synchronisation round, one file per pattern: AllReduce through one
//! reducer and ScatterReduce (LambdaML §3.3), a layered aggregation tree (Feng et al.), a VM
//! parameter server (LambdaML's HybridPS), the shared model of asynchronous protocols, and for
//! VMs the ring AllReduce and a parameter server of their own. Each FaaS pattern implements
//! [`Exchange`] once: the analytic model times its round, and the simulator plays its script,
//! so a new pattern is one new file and one [`Pattern`] variant.

pub mod allreduce;
pub mod keys;
pub mod parameter_server;
pub mod rhythm;
pub mod ring;
pub mod scatter_reduce;
pub mod script;
pub mod shared_model;
pub mod tree;
pub mod vm_server;

use std::fmt;

use super::link::Link;
use crate::profile::FaasProfile;
pub use script::{Action, Step};
pub use tree::Tree;

/// One FaaS communication pattern, as the model and the simulator both use it.
pub trait Exchange {
    /// The name used in output.
    fn name(&self) -> &'static str;

    /// The communication of one round among `ctx.workers` (two or more) workers: its time on
    /// the critical path and what it asks of the channel.
    fn round(&self, ctx: &RoundContext) -> RoundComm;

    /// What a worker does at one step of a round (the simulator plays these through its
    /// channel); [`Action::Done`] once the round is over for it.
    fn worker_step(&self, at: &Step) -> Action;

    /// Whether one worker still exchanges through the channel (a server holds the model).
    fn alone_exchanges(&self) -> bool {
        false
    }
}

/// The communication pattern of a FaaS configuration.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Pattern {
    AllReduce,
    ScatterReduce,
    /// Layer sizes from the root (1) to the workers.
    Tree(Tree),
    ParameterServer,
    /// Asynchronous protocols: each worker reads the shared model and overwrites it.
    SharedModel,
}

impl Pattern {
    /// A layered aggregation tree with `layers`, root first.
    pub fn tree(layers: Vec<u32>) -> Pattern {
        Pattern::Tree(Tree::new(layers))
    }

    /// The pattern's one implementation.
    pub fn exchange(&self) -> &dyn Exchange {
        match self {
            Pattern::AllReduce => &allreduce::AllReduce,
            Pattern::ScatterReduce => &scatter_reduce::ScatterReduce,
            Pattern::Tree(tree) => tree,
            Pattern::ParameterServer => &parameter_server::ParameterServer,
            Pattern::SharedModel => &shared_model::SharedModel,
        }
    }

    /// The name used in output.
    pub fn name(&self) -> &'static str {
        self.exchange().name()
    }

    /// The aggregation structure, for tree patterns.
    pub fn structure(&self) -> Option<&[u32]> {
        match self {
            Pattern::Tree(tree) => Some(&tree.layers),
            _ => None,
        }
    }

    /// The communication of one round (none for a worker alone, unless a server is involved).
    pub fn round(&self, ctx: &RoundContext) -> RoundComm {
        let exchange = self.exchange();
        if ctx.workers <= 1.0 && !exchange.alone_exchanges() {
            return RoundComm::default();
        }
        exchange.round(ctx)
    }

    /// What worker `at.worker` does at `at.step`: a worker alone only computes, and without a
    /// barrier every pattern but the server's reads and writes the shared model.
    pub fn worker_step(&self, at: &Step) -> Action {
        let exchange: &dyn Exchange = match self {
            Pattern::ParameterServer => self.exchange(),
            _ if !at.synchronous => &shared_model::SharedModel,
            _ if at.workers == 1 => return [Action::Compute, Action::Done][at.step.min(1)],
            _ => self.exchange(),
        };
        exchange.worker_step(at)
    }
}

impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Pattern::Tree(tree) => {
                let text: Vec<String> = tree.layers.iter().map(u32::to_string).collect();
                write!(f, "tree {}", text.join("-"))
            }
            other => f.write_str(other.name()),
        }
    }
}

/// What a pattern needs to time one round.
#[derive(Debug, Clone, Copy)]
pub struct RoundContext<'a> {
    pub workers: f64,
    /// Bytes each worker contributes per round.
    pub bytes: f64,
    /// Bytes per second a function merges (adds) received models at.
    pub merge_bytes_per_s: f64,
    pub link: &'a Link,
    /// Latency of invoking a (warm) aggregator function.
    pub invoke_s: f64,
    /// Parameter-server update throughput, bytes per second.
    pub update_bytes_per_s: f64,
    /// A worker's compute time per round (asynchronous servers overlap it).
    pub compute_s: f64,
    /// Whether the round ends at a barrier (BSP).
    pub synchronous: bool,
    /// Rounds one generation of workers runs from its invocation, over which a pattern's
    /// rhythm is averaged (at most [`rhythm::ROUNDS_FOLLOWED`]).
    pub rounds: f64,
    /// The platform aggregator functions run on, and their dollars per second.
    pub profile: &'a FaasProfile,
    pub usd_per_s: f64,
}

/// What requests cost on a platform and channel.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RequestPrices {
    pub put_unit_usd: f64,
    pub get_unit_usd: f64,
    /// One function invocation.
    pub invocation_usd: f64,
}

/// The communication of one round: critical-path time and what it asked of the channel.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RoundComm {
    pub time_s: f64,
    /// PUT requests and their billed units.
    pub puts: f64,
    pub put_units: f64,
    /// GET requests (polls included) and their billed units.
    pub gets: f64,
    pub get_units: f64,
    pub bytes_moved: f64,
    /// Aggregator functions invoked and their bill (trees).
    pub aggregator_invocations: f64,
    pub aggregator_usd: f64,
}

impl RoundComm {
    /// Adds `count` requests of one object of `bytes` each.
    fn add(&mut self, link: &Link, op: super::link::Op, count: f64, bytes: f64) {
        let requests = count * link.requests(bytes);
        let units = count * link.units(op, bytes);
        match op {
            super::link::Op::Put => {
                self.puts += requests;
                self.put_units += units;
            }
            super::link::Op::Get => {
                self.gets += requests;
                self.get_units += units;
            }
        }
        self.bytes_moved += count * bytes;
    }

    /// Lengthens the round to the time `link`'s request limits need to admit the PUT and GET
    /// units counted so far, less the `compute_s` between rounds: round after round, a limit
    /// busy with the last round's requests holds the next ones back (an object over DynamoDB's
    /// item limit is many items). Polls are left out: they wait on the object, not the limit.
    fn pace_by_limits(&mut self, link: &Link, compute_s: f64) {
        let put_s = link
            .put_units_per_s
            .map_or(0.0, |rate| self.put_units / rate);
        let get_s = link
            .get_units_per_s
            .map_or(0.0, |rate| self.get_units / rate);
        self.time_s = self.time_s.max(put_s.max(get_s) - compute_s);
    }

    /// Adds polls that found nothing: one GET request and unit each, no payload.
    fn add_polls(&mut self, count: f64) {
        self.gets += count;
        self.get_units += count;
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    //! A hand-sized link and context for checking each pattern against arithmetic done by hand.
    use super::RoundContext;
    use crate::model::link::Link;
    use crate::profile::{FaasProfile, Profiles};

    /// 10 ms per request, 100 MB/s per client, no shared NIC, no limits, no polling.
    pub fn link() -> Link {
        Link {
            latency_s: 0.01,
            client_bytes_per_s: 100e6,
            shared_bytes_per_s: None,
            max_object_bytes: None,
            put_unit_bytes: None,
            get_unit_bytes: None,
            put_units_per_s: None,
            get_units_per_s: None,
            key_put_units_per_s: None,
            key_get_units_per_s: None,
            poll_interval_s: 0.0,
            poll_backoff: 1.0,
        }
    }

    pub fn profile() -> FaasProfile {
        Profiles::builtin()
            .unwrap()
            .faas("aws-lambda-x86")
            .unwrap()
            .clone()
    }

    /// w workers exchanging 1 MB, merging at 1 GB/s, 100 ms aggregator invocations.
    pub fn ctx<'a>(link: &'a Link, profile: &'a FaasProfile, workers: f64) -> RoundContext<'a> {
        RoundContext {
            workers,
            bytes: 1e6,
            merge_bytes_per_s: 1e9,
            link,
            invoke_s: 0.1,
            update_bytes_per_s: 100e6,
            compute_s: 0.0,
            synchronous: true,
            rounds: 16.0,
            profile,
            usd_per_s: profile.usd_per_s(1024),
        }
    }
}
