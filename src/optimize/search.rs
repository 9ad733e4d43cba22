//! # Configuration search
//!
//! Enumerates every FaaS and IaaS configuration a scenario leaves open and asks the analytic
//! model about each. Trees are not enumerated: for each worker count, memory size and channel
//! the optimal structure comes from the DP (or the scenario fixes it).

use rayon::prelude::*;

use super::tree::{TreeGoal, model_tree};
use crate::model::faas::ChannelRef;
use crate::model::{
    Bill, Candidate, Config, FaasConfig, FaasModel, IaasConfig, IaasModel, Outcome, Pattern,
};
use crate::profile::{ChannelKind, InstanceType, Profiles};
use crate::scenario::{FaasSpace, IaasSpace, PatternKind, Sync};

/// The smallest and the largest of `values` where a scenario lists several: the span `plan`
/// refines its grid over (`refine`).
pub fn listed_span(values: &[u32]) -> Option<(u32, u32)> {
    match (values.iter().min(), values.iter().max()) {
        (Some(&lo), Some(&hi)) if values.len() > 1 => Some((lo, hi)),
        _ => None,
    }
}

/// Every FaaS candidate of the space, in the scenario's order.
pub fn faas_candidates(model: &FaasModel, space: &FaasSpace) -> Vec<Candidate> {
    let grid: Vec<(u32, u32)> = space
        .workers
        .iter()
        .flat_map(|&w| space.memory_mb.iter().map(move |&z| (w, z)))
        .collect();
    grid.par_iter()
        .flat_map_iter(|&(workers, memory_mb)| configs_at(model, space, workers, memory_mb))
        .map(|cfg| faas_candidate(model, cfg))
        .collect()
}

/// `cfg` as `model` predicts it.
pub fn faas_candidate(model: &FaasModel, cfg: FaasConfig) -> Candidate {
    let outcome = model.predict(&cfg).map(|p| Outcome {
        time: p.time,
        bill: Bill::Faas(p.cost),
    });
    Candidate {
        config: Config::Faas(cfg),
        recipe: model.facts().recipe,
        outcome,
    }
}

/// `cfg`, whose instance type is `instance`, as `model` predicts it.
pub fn iaas_candidate(model: &IaasModel, instance: &InstanceType, cfg: IaasConfig) -> Candidate {
    let outcome = model
        .predict(instance, cfg.workers, cfg.pattern)
        .map(|p| Outcome {
            time: p.time,
            bill: Bill::Iaas(p.cost),
        });
    Candidate {
        config: Config::Iaas(cfg),
        recipe: model.facts().recipe,
        outcome,
    }
}

fn configs_at(
    model: &FaasModel,
    space: &FaasSpace,
    workers: u32,
    memory_mb: u32,
) -> Vec<FaasConfig> {
    let mut configs = Vec::new();
    for &channel in &space.channels {
        for cache_node in cache_nodes(space, channel) {
            let at = ChannelRef {
                kind: channel,
                node: cache_node,
            };
            for &sync in &space.sync {
                for pattern in patterns(model, space, workers, memory_mb, at, sync) {
                    configs.push(FaasConfig {
                        workers,
                        memory_mb,
                        channel,
                        cache_node: cache_node.map(str::to_string),
                        pattern,
                        sync,
                    });
                }
            }
        }
    }
    configs
}

/// The node types searched for `channel`: each listed one for a cache, else none.
pub fn cache_nodes(space: &FaasSpace, channel: ChannelKind) -> Vec<Option<&str>> {
    if channel.is_cache() && !space.cache_nodes.is_empty() {
        space.cache_nodes.iter().map(|n| Some(n.as_str())).collect()
    } else {
        vec![None]
    }
}

/// The patterns that make sense for a channel and protocol: the parameter server talks its own
/// protocol; asynchronous workers share one model; synchronous rounds use the listed patterns
/// (one worker needs only one of them, since it exchanges nothing).
pub fn patterns<'c>(
    model: &FaasModel,
    space: &FaasSpace,
    workers: u32,
    memory_mb: u32,
    channel: impl Into<ChannelRef<'c>>,
    sync: Sync,
) -> Vec<Pattern> {
    let channel = channel.into();
    if channel.kind.is_server() {
        return vec![Pattern::ParameterServer];
    }
    if !sync.is_synchronous() {
        return vec![Pattern::SharedModel];
    }
    let mut patterns: Vec<Pattern> = space
        .patterns
        .iter()
        .filter(|_| workers > 1)
        .filter_map(|kind| match kind {
            PatternKind::AllReduce => Some(Pattern::AllReduce),
            PatternKind::ScatterReduce => Some(Pattern::ScatterReduce),
            PatternKind::Tree => Some(Pattern::tree(space.structure.clone().unwrap_or_else(
                || model_tree(model, workers, memory_mb, channel, TreeGoal::Time).structure,
            ))),
            // Implied by the vm-ps channel or an asynchronous protocol, handled above.
            PatternKind::ParameterServer | PatternKind::SharedModel => None,
        })
        .collect();
    if patterns.is_empty() {
        patterns.push(Pattern::AllReduce);
    }
    patterns
}

/// Every IaaS candidate of the space.
pub fn iaas_candidates(
    model: &IaasModel,
    space: &IaasSpace,
    profiles: &Profiles,
) -> Vec<Candidate> {
    let configs = space.instances.iter().flat_map(|name| {
        space.workers.iter().flat_map(move |&workers| {
            // One VM exchanges nothing: the ring alone stands for it.
            let patterns = if workers > 1 {
                &space.patterns[..]
            } else {
                &space.patterns[..1]
            };
            patterns.iter().map(move |&pattern| IaasConfig {
                instance: name.clone(),
                workers,
                pattern,
            })
        })
    });
    configs
        .filter_map(|cfg| {
            let instance = profiles.instance(&cfg.instance).ok()?;
            Some(iaas_candidate(model, instance, cfg))
        })
        .collect()
}
