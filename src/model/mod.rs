//! # Analytic model
//!
//! LambdaML's analytic model of distributed training (Jiang et al., SIGMOD 2021 §4): total time
//! = start-up + data loading + R × (computation + communication), for functions (FaaS) and for
//! VMs (IaaS), and the bill of each. Communication is timed pattern by pattern through the
//! channel's latency, bandwidth and limits; the bill follows each price list exactly.

pub mod candidate;
pub mod channels;
pub mod faas;
pub mod facts;
pub mod iaas;
pub mod limits;
pub mod link;
pub mod patterns;

pub use candidate::{Bill, Candidate, Config, Outcome, Platform};
pub use faas::{FaasConfig, FaasCost, FaasModel, FaasPrediction};
pub use facts::WorkloadFacts;
pub use iaas::{IaasConfig, IaasCost, IaasModel, IaasPattern, IaasPrediction};
pub use patterns::Pattern;

/// Where the time of a run goes.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct TimeBreakdown {
    pub startup_s: f64,
    pub load_s: f64,
    /// Gathering mini-batches from the rows held (a DataLoader collating rows one by one),
    /// apart from the steps' compute: frameworks time the two apart (LambdaML's `cal` starts
    /// once the batch is in hand).
    pub batching_s: f64,
    pub compute_s: f64,
    pub comm_s: f64,
}

impl std::ops::AddAssign for TimeBreakdown {
    /// Runs one after another: each term adds up.
    fn add_assign(&mut self, other: TimeBreakdown) {
        self.startup_s += other.startup_s;
        self.load_s += other.load_s;
        self.batching_s += other.batching_s;
        self.compute_s += other.compute_s;
        self.comm_s += other.comm_s;
    }
}

impl TimeBreakdown {
    /// The whole run, start to finish.
    pub fn total_s(&self) -> f64 {
        self.startup_s + self.load_s + self.batching_s + self.compute_s + self.comm_s
    }

    /// The largest term and its name.
    pub fn dominant(&self) -> (&'static str, f64) {
        [
            ("start-up", self.startup_s),
            ("data loading", self.load_s),
            ("batching", self.batching_s),
            ("computation", self.compute_s),
            ("communication", self.comm_s),
        ]
        .into_iter()
        .fold(("start-up", f64::NEG_INFINITY), |best, term| {
            if term.1 > best.1 { term } else { best }
        })
    }
}

/// Why a configuration cannot run at all.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Infeasible {
    #[error(
        "needs {needed_mb:.0} MB of memory per worker (model state, runtime and its data shard, or two mini-batches when it streams) but has {memory_mb} MB"
    )]
    MemoryTooSmall { needed_mb: f64, memory_mb: f64 },
    #[error(
        "needs {needed:.0} functions at once, over the account's concurrency limit of {limit:.0} (faas.concurrency_limit raises it once AWS has)"
    )]
    ConcurrencyLimit { needed: f64, limit: f64 },
    #[error(
        "does not reach the target loss {target} within {epochs} epochs (the simulator ends at {loss:.4})"
    )]
    TargetNotReached { target: f64, epochs: f64, loss: f64 },
    #[error(
        "one invocation needs {needed_s:.0} s to load, checkpoint and run one round, over the {limit_s:.0} s limit"
    )]
    RoundOverLimit { needed_s: f64, limit_s: f64 },
    #[error(
        "leaves {needed_mb:.0} MB of updates on the cache node at once, over the node's {node_mb:.0} MB (a larger faas.cache_node holds them)"
    )]
    CacheNodeTooSmall { needed_mb: f64, node_mb: f64 },
}

impl Infeasible {
    /// A short name of the rule broken, for grouping.
    pub fn kind(&self) -> &'static str {
        match self {
            Infeasible::MemoryTooSmall { .. } => "too little memory",
            Infeasible::ConcurrencyLimit { .. } => "over the concurrency limit",
            Infeasible::RoundOverLimit { .. } => "a round over the duration limit",
            Infeasible::TargetNotReached { .. } => "the target loss not reached",
            Infeasible::CacheNodeTooSmall { .. } => "a cache node too small",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_dominant_term() {
        let t = TimeBreakdown {
            startup_s: 1.0,
            load_s: 2.0,
            batching_s: 0.5,
            compute_s: 3.0,
            comm_s: 10.0,
        };
        assert_eq!(t.dominant().0, "communication");
        assert_eq!(t.total_s(), 16.5);
    }
}
