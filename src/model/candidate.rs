//! # Candidates
//!
//! A configuration of either platform together with what the model predicts for it — the unit
//! that searches rank, reports print and the simulator validates.

use super::{FaasConfig, FaasCost, IaasConfig, IaasCost, Infeasible, TimeBreakdown};
use crate::scenario::Recipe;

/// Serverless functions or virtual machines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Platform {
    Faas,
    Iaas,
}

impl Platform {
    pub fn name(self) -> &'static str {
        match self {
            Platform::Faas => "faas",
            Platform::Iaas => "iaas",
        }
    }

    /// How people write it.
    pub fn label(self) -> &'static str {
        match self {
            Platform::Faas => "FaaS",
            Platform::Iaas => "IaaS",
        }
    }
}

/// One configuration of either platform.
#[derive(Debug, Clone, PartialEq)]
pub enum Config {
    Faas(FaasConfig),
    Iaas(IaasConfig),
}

impl Config {
    pub fn platform(&self) -> Platform {
        match self {
            Config::Faas(_) => Platform::Faas,
            Config::Iaas(_) => Platform::Iaas,
        }
    }

    /// A one-line description: `100 × 1769 MB, s3, scatter-reduce, bsp` or `10 × c5.4xlarge`.
    pub fn describe(&self) -> String {
        match self {
            Config::Faas(c) => {
                let channel = match &c.cache_node {
                    Some(node) => format!("{} on {node}", c.channel),
                    None => c.channel.to_string(),
                };
                format!(
                    "{} × {} MB, {channel}, {}, {}",
                    c.workers, c.memory_mb, c.pattern, c.sync
                )
            }
            Config::Iaas(c) => match c.pattern.extra_vms(c.workers) {
                0 => format!("{} × {}", c.workers, c.instance),
                _ => format!("{} × {}, {} (+1 server)", c.workers, c.instance, c.pattern),
            },
        }
    }
}

/// The bill of either platform.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Bill {
    Faas(FaasCost),
    Iaas(IaasCost),
}

impl Bill {
    pub fn total_usd(&self) -> f64 {
        match self {
            Bill::Faas(c) => c.total_usd(),
            Bill::Iaas(c) => c.total_usd(),
        }
    }

    /// The parts of the bill, named as in the JSON output.
    pub fn parts(&self) -> Vec<(&'static str, f64)> {
        match self {
            Bill::Faas(c) => vec![
                ("functions", c.functions_usd),
                ("requests", c.requests_usd),
                ("channel_requests", c.channel_requests_usd),
                ("channel_node", c.channel_node_usd),
            ],
            Bill::Iaas(c) => vec![
                ("instances", c.instances_usd),
                ("storage_requests", c.storage_requests_usd),
            ],
        }
    }
}

/// What the model predicts for a feasible configuration.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Outcome {
    pub time: TimeBreakdown,
    pub bill: Bill,
}

impl Outcome {
    pub fn total_s(&self) -> f64 {
        self.time.total_s()
    }

    pub fn total_usd(&self) -> f64 {
        self.bill.total_usd()
    }
}

/// A configuration and its prediction (or why it cannot run).
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub config: Config,
    /// The algorithm and global mini-batch it trains with.
    pub recipe: Recipe,
    pub outcome: Result<Outcome, Infeasible>,
}

impl Candidate {
    pub fn platform(&self) -> Platform {
        self.config.platform()
    }

    /// The prediction, if the configuration can run.
    pub fn feasible(&self) -> Option<&Outcome> {
        self.outcome.as_ref().ok()
    }

    /// The configuration in words, and its algorithm and mini-batch when `with_recipe` (where
    /// the candidates compared train differently).
    pub fn describe(&self, with_recipe: bool) -> String {
        match with_recipe {
            true => format!("{}, {}", self.config.describe(), self.recipe),
            false => self.config.describe(),
        }
    }
}

/// Whether `candidates` train with more than one algorithm or mini-batch.
pub fn recipes_vary(candidates: &[Candidate]) -> bool {
    candidates.windows(2).any(|p| p[0].recipe != p[1].recipe)
}
