//! # Configuration spaces
//!
//! The FaaS and IaaS choices a scenario leaves open: worker counts, memory sizes, channels,
//! communication patterns, aggregation structures and synchronisation protocols (FaaS); instance
//! types and counts (IaaS). "auto" expands to a default grid.

use std::fmt;
use std::str::FromStr;

use serde::Deserialize;

use super::error::{Checked, KeyProblem, Problem};
use super::values::{
    Choice, choice, memory_mb, one_or_many, parsed, string, structure, worker_count,
};
use crate::profile::{ChannelKind, Profiles};

/// Worker counts tried when a scenario says `workers = "auto"` on FaaS.
pub const AUTO_FAAS_WORKERS: [u32; 10] = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];
/// Instance counts tried when a scenario says `workers = "auto"` on IaaS.
pub const AUTO_IAAS_WORKERS: [u32; 6] = [1, 2, 4, 8, 16, 32];
/// Instance types tried when a scenario's `[iaas]` names none.
pub const DEFAULT_INSTANCES: [&str; 6] = [
    "t2.medium",
    "m5.large",
    "c5.2xlarge",
    "c5.4xlarge",
    "p3.2xlarge",
    "g4dn.xlarge",
];

/// How long a generation of functions lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lifecycle {
    /// One generation for the whole job, re-invoking itself at the duration limit (LambdaML).
    #[default]
    Persistent,
    /// A fresh generation every epoch that starts, loads its shard and reads the model (Siren).
    PerEpoch,
}

impl FromStr for Lifecycle {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "persistent" => Ok(Lifecycle::Persistent),
            "per-epoch" => Ok(Lifecycle::PerEpoch),
            _ => Err(format!(
                "unknown lifecycle `{s}` (known: persistent, per-epoch)"
            )),
        }
    }
}

/// How workers synchronise (LambdaML §3.4, Siren's HSP, SSP).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sync {
    /// Bulk synchronous: a barrier every round.
    Bsp,
    /// Asynchronous: read the shared model, overwrite it; no barrier.
    Asp,
    /// Hybrid (Siren): asynchronous within an epoch, a barrier between epochs.
    Hsp,
    /// Stale synchronous: no worker runs more than K rounds ahead of the slowest.
    Ssp(u32),
}

impl Sync {
    /// Whether every round ends at a barrier.
    pub fn is_synchronous(self) -> bool {
        self == Sync::Bsp
    }
}

impl fmt::Display for Sync {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Sync::Bsp => f.write_str("bsp"),
            Sync::Asp => f.write_str("asp"),
            Sync::Hsp => f.write_str("hsp"),
            Sync::Ssp(k) => write!(f, "ssp:{k}"),
        }
    }
}

impl FromStr for Sync {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "bsp" => Ok(Sync::Bsp),
            "asp" => Ok(Sync::Asp),
            "hsp" => Ok(Sync::Hsp),
            _ => match s.strip_prefix("ssp:").map(str::parse::<u32>) {
                Some(Ok(k)) => Ok(Sync::Ssp(k)),
                _ => Err(format!("unknown sync `{s}` (known: bsp, asp, hsp, ssp:K)")),
            },
        }
    }
}

/// A communication pattern for synchronous rounds through a storage channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PatternKind {
    /// Every worker PUTs; one reducer GETs all, merges, PUTs the result; the others GET it.
    AllReduce,
    /// Each worker owns a 1/w shard of the model and reduces it.
    ScatterReduce,
    /// A layered tree of aggregator functions (Feng et al.).
    Tree,
    /// The vm-ps channel's own protocol (named as output names it; only with that channel).
    ParameterServer,
    /// How asynchronous protocols exchange: one shared model (only with asp, hsp or ssp).
    SharedModel,
}

impl PatternKind {
    pub fn name(self) -> &'static str {
        match self {
            PatternKind::AllReduce => "allreduce",
            PatternKind::ScatterReduce => "scatter-reduce",
            PatternKind::Tree => "tree",
            PatternKind::ParameterServer => "parameter-server",
            PatternKind::SharedModel => "shared-model",
        }
    }
}

impl fmt::Display for PatternKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for PatternKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "allreduce" => Ok(PatternKind::AllReduce),
            "scatter-reduce" | "scatterreduce" => Ok(PatternKind::ScatterReduce),
            "tree" => Ok(PatternKind::Tree),
            "parameter-server" => Ok(PatternKind::ParameterServer),
            "shared-model" => Ok(PatternKind::SharedModel),
            _ => Err(format!(
                "unknown pattern `{s}` (known: allreduce, scatter-reduce, tree, parameter-server, shared-model)"
            )),
        }
    }
}

/// The FaaS choices of a scenario, checked against the profile.
#[derive(Debug, Clone, PartialEq)]
pub struct FaasSpace {
    pub profile: String,
    pub workers: Vec<u32>,
    pub memory_mb: Vec<u32>,
    pub channels: Vec<ChannelKind>,
    pub patterns: Vec<PatternKind>,
    /// A fixed aggregation tree, root first; implies the tree pattern.
    pub structure: Option<Vec<u32>>,
    pub sync: Vec<Sync>,
    /// ElastiCache node types searched for the memcached and redis channels; empty = each
    /// channel profile's default node.
    pub cache_nodes: Vec<String>,
    pub ps_instance: Option<String>,
    /// Functions the account may run at once, when it differs from the profile's default.
    pub concurrency_limit: Option<f64>,
    /// Seconds between a waiting function's polls of a polled channel, when it differs from the
    /// channel profile's (LambdaML sleeps 0.1 s between polls).
    pub poll_interval_s: Option<f64>,
    /// Each missed poll multiplies the wait before the next by this (1: LambdaML's constant).
    pub poll_backoff: f64,
    pub lifecycle: Lifecycle,
}

/// The IaaS choices of a scenario, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct IaasSpace {
    pub instances: Vec<String>,
    pub workers: Vec<u32>,
    pub patterns: Vec<crate::model::IaasPattern>,
}

/// The `[faas]` table as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFaas {
    pub profile: Option<toml::Value>,
    pub workers: Option<toml::Value>,
    pub memory_mb: Option<toml::Value>,
    pub channel: Option<toml::Value>,
    pub pattern: Option<toml::Value>,
    pub structure: Option<toml::Value>,
    pub sync: Option<toml::Value>,
    pub cache_node: Option<toml::Value>,
    pub ps_instance: Option<toml::Value>,
    pub concurrency_limit: Option<toml::Value>,
    pub lifecycle: Option<toml::Value>,
    pub poll_interval_s: Option<toml::Value>,
    pub poll_backoff: Option<toml::Value>,
}

/// The `[iaas]` table as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawIaas {
    pub instances: Option<toml::Value>,
    pub workers: Option<toml::Value>,
    pub pattern: Option<toml::Value>,
}

/// Checks the FaaS space against the profiles.
pub fn check_faas(raw: &RawFaas, profiles: &Profiles) -> Checked<FaasSpace> {
    let profile_name = match &raw.profile {
        Some(v) => string("faas.profile", v)?,
        None => "aws-lambda-x86".to_string(),
    };
    let profile = profiles
        .faas(&profile_name)
        .map_err(|e| KeyProblem::new("faas.profile", Problem::UnknownName(e.to_string())))?;
    let structure = raw
        .structure
        .as_ref()
        .map(|v| structure("faas.structure", v))
        .transpose()?;
    let workers = faas_workers(raw, structure.as_deref())?;
    if let Some(structure) = &structure {
        check_structure(structure, &workers)?;
    }
    let memory_mb = match raw
        .memory_mb
        .as_ref()
        .map(|v| choice("faas.memory_mb", v, memory_mb))
    {
        None | Some(Ok(Choice::Auto)) => profile.search_memory_sizes(),
        Some(Ok(Choice::List(sizes))) => sizes,
        Some(Err(e)) => return Err(e),
    };
    for (i, &mb) in memory_mb.iter().enumerate() {
        profile.check_memory(mb).map_err(|m| {
            KeyProblem::new(
                list_key("faas.memory_mb", i, memory_mb.len()),
                Problem::MemoryOutsideProfile(m),
            )
        })?;
    }
    let space = FaasSpace {
        profile: profile_name,
        workers,
        memory_mb,
        channels: list_or(&raw.channel, "faas.channel", ChannelKind::ALL.to_vec())?,
        patterns: patterns(raw, structure.is_some())?,
        structure,
        sync: list_or(&raw.sync, "faas.sync", vec![Sync::Bsp])?,
        cache_nodes: cache_nodes(raw, profiles)?,
        ps_instance: raw
            .ps_instance
            .as_ref()
            .map(|v| string("faas.ps_instance", v))
            .transpose()?,
        concurrency_limit: raw
            .concurrency_limit
            .as_ref()
            .map(|v| super::values::positive("faas.concurrency_limit", v))
            .transpose()?,
        poll_interval_s: raw
            .poll_interval_s
            .as_ref()
            .map(|v| super::values::positive("faas.poll_interval_s", v))
            .transpose()?,
        poll_backoff: match &raw.poll_backoff {
            Some(v) => poll_backoff(v)?,
            None => 1.0,
        },
        lifecycle: match &raw.lifecycle {
            Some(v) => super::values::parsed("faas.lifecycle", v)?,
            None => Lifecycle::Persistent,
        },
    };
    check_named_resources(&space, profiles)?;
    check_implied_patterns(&space)?;
    check_grid_size(&space)?;
    Ok(space)
}

/// The most configurations of one platform a scenario may ask the planner to evaluate at once:
/// about a second of planning and a few hundred MB of candidates.
pub const MAX_CONFIGURATIONS: usize = 1_000_000;

/// Refuses lists whose combinations would keep the planner busy for minutes and fill memory
/// (3,000 worker counts × 3,000 memory sizes × 5 channels is 45 million configurations).
fn check_grid_size(space: &FaasSpace) -> Checked<()> {
    // Each listed cache node type is one more choice of a cache channel.
    let caches = space.channels.iter().filter(|c| c.is_cache()).count();
    let channels = match space.cache_nodes.len() {
        0 | 1 => (space.channels.len(), "channels"),
        nodes => (
            space.channels.len() - caches + caches * nodes,
            "channel and cache-node choices",
        ),
    };
    let lists = [
        (space.workers.len(), "worker counts"),
        (space.memory_mb.len(), "memory sizes"),
        channels,
        (space.patterns.len(), "patterns"),
        (space.sync.len(), "protocols"),
    ];
    at_most_configurations(
        "faas",
        &lists,
        ", or use \"auto\" for workers and memory_mb",
    )
}

/// Refuses a platform whose `lists` (length, what) combine into more than
/// [`MAX_CONFIGURATIONS`], naming each list; `hint` ends the message.
fn at_most_configurations(key: &str, lists: &[(usize, &str)], hint: &str) -> Checked<()> {
    let total = lists
        .iter()
        .fold(1usize, |n, &(len, _)| n.saturating_mul(len.max(1)));
    if total <= MAX_CONFIGURATIONS {
        return Ok(());
    }
    let parts: Vec<String> = lists
        .iter()
        .map(|(len, what)| format!("{len} {what}"))
        .collect();
    Err(KeyProblem::new(
        key,
        Problem::Other(format!(
            "{total} configurations ({}) are more than the {MAX_CONFIGURATIONS} Stratus plans at once: narrow a list{hint}",
            parts.join(" × ")
        )),
    ))
}

/// `parameter-server` and `shared-model` name what a channel or protocol implies: every
/// channel and protocol listed must then imply one of the patterns listed.
fn check_implied_patterns(space: &FaasSpace) -> Checked<()> {
    let listed = |kind| space.patterns.contains(&kind);
    let exchanging = [
        PatternKind::AllReduce,
        PatternKind::ScatterReduce,
        PatternKind::Tree,
    ];
    if exchanging.iter().any(|&k| listed(k)) {
        return Ok(());
    }
    for &channel in &space.channels {
        for &sync in &space.sync {
            let implied = if channel.is_server() {
                PatternKind::ParameterServer
            } else if !sync.is_synchronous() {
                PatternKind::SharedModel
            } else {
                PatternKind::AllReduce
            };
            if !listed(implied) {
                return Err(KeyProblem::new(
                    "faas.pattern",
                    Problem::Conflict(format!(
                        "the channel {channel} under {sync} runs the {implied} pattern, which is not listed (parameter-server goes with faas.channel = \"vm-ps\", shared-model with asp, hsp or ssp)"
                    )),
                ));
            }
        }
    }
    Ok(())
}

fn list_key(key: &str, index: usize, len: usize) -> String {
    if len == 1 {
        key.to_string()
    } else {
        format!("{key}[{index}]")
    }
}

fn list_or<T: FromStr<Err = String>>(
    value: &Option<toml::Value>,
    key: &str,
    default: Vec<T>,
) -> Checked<Vec<T>> {
    match value {
        Some(v) => one_or_many(key, v, parsed),
        None => Ok(default),
    }
}

fn faas_workers(raw: &RawFaas, structure: Option<&[u32]>) -> Checked<Vec<u32>> {
    match (
        raw.workers
            .as_ref()
            .map(|v| choice("faas.workers", v, worker_count)),
        structure,
    ) {
        (Some(Err(e)), _) => Err(e),
        (None, Some(structure)) => Ok(vec![*structure.last().unwrap_or(&1)]),
        (None | Some(Ok(Choice::Auto)), _) => Ok(AUTO_FAAS_WORKERS.to_vec()),
        (Some(Ok(Choice::List(list))), _) => Ok(list),
    }
}

fn patterns(raw: &RawFaas, has_structure: bool) -> Checked<Vec<PatternKind>> {
    let all = vec![
        PatternKind::AllReduce,
        PatternKind::ScatterReduce,
        PatternKind::Tree,
    ];
    let patterns = list_or(
        &raw.pattern,
        "faas.pattern",
        if has_structure {
            vec![PatternKind::Tree]
        } else {
            all
        },
    )?;
    if has_structure && patterns != [PatternKind::Tree] {
        return Err(KeyProblem::new(
            "faas.pattern",
            Problem::Conflict("faas.structure fixes the pattern to \"tree\"".into()),
        ));
    }
    Ok(patterns)
}

/// Checks an aggregation structure: rooted at 1, strictly increasing, ending at the workers.
pub fn check_structure(structure: &[u32], workers: &[u32]) -> Checked<()> {
    const KEY: &str = "faas.structure";
    if structure.first() != Some(&1) {
        return Err(KeyProblem::new(
            KEY,
            Problem::StructureNotRootedAtOne(structure.to_vec()),
        ));
    }
    if structure.windows(2).any(|w| w[0] >= w[1]) {
        return Err(KeyProblem::new(
            KEY,
            Problem::StructureNotIncreasing(structure.to_vec()),
        ));
    }
    let last = *structure.last().unwrap_or(&1);
    match workers {
        [w] if *w == last => Ok(()),
        [w] => Err(KeyProblem::new(
            KEY,
            Problem::StructureNotEndingAtWorkers {
                structure: structure.to_vec(),
                workers: *w,
            },
        )),
        _ => Err(KeyProblem::new(
            "faas.workers",
            Problem::Conflict("a fixed faas.structure needs exactly one worker count".into()),
        )),
    }
}

/// A poll backoff factor: at least 1 (a constant interval), at most 10.
fn poll_backoff(value: &toml::Value) -> Checked<f64> {
    const KEY: &str = "faas.poll_backoff";
    let factor = super::values::positive(KEY, value)?;
    if (1.0..=10.0).contains(&factor) {
        Ok(factor)
    } else {
        Err(KeyProblem::new(
            KEY,
            Problem::Other(format!(
                "{factor} is not a backoff factor: 1 polls at a constant interval, 2 doubles the wait after each miss (at most 10)"
            )),
        ))
    }
}

/// The cache node types listed (each known), or with "auto" every node type of the catalogue.
fn cache_nodes(raw: &RawFaas, profiles: &Profiles) -> Checked<Vec<String>> {
    const KEY: &str = "faas.cache_node";
    let nodes = match raw.cache_node.as_ref().map(|v| choice(KEY, v, string)) {
        None => return Ok(Vec::new()),
        Some(Ok(Choice::Auto)) => return Ok(profiles.cache_nodes.keys().cloned().collect()),
        Some(Ok(Choice::List(nodes))) => nodes,
        Some(Err(e)) => return Err(e),
    };
    for (i, node) in nodes.iter().enumerate() {
        profiles.cache_node(node).map_err(|e| {
            KeyProblem::new(
                list_key(KEY, i, nodes.len()),
                Problem::UnknownName(e.to_string()),
            )
        })?;
    }
    Ok(nodes)
}

fn check_named_resources(space: &FaasSpace, profiles: &Profiles) -> Checked<()> {
    if let Some(instance) = &space.ps_instance {
        profiles.instance(instance).map_err(|e| {
            KeyProblem::new("faas.ps_instance", Problem::UnknownName(e.to_string()))
        })?;
    }
    Ok(())
}

/// Checks the IaaS space against the instance list.
pub fn check_iaas(raw: &RawIaas, profiles: &Profiles) -> Checked<IaasSpace> {
    let instances = match &raw.instances {
        Some(v) => one_or_many("iaas.instances", v, string)?,
        None => DEFAULT_INSTANCES.iter().map(|s| s.to_string()).collect(),
    };
    for (i, name) in instances.iter().enumerate() {
        profiles.instance(name).map_err(|e| {
            KeyProblem::new(
                list_key("iaas.instances", i, instances.len()),
                Problem::UnknownName(e.to_string()),
            )
        })?;
    }
    let workers = match raw
        .workers
        .as_ref()
        .map(|v| choice("iaas.workers", v, worker_count))
    {
        None | Some(Ok(Choice::Auto)) => AUTO_IAAS_WORKERS.to_vec(),
        Some(Ok(Choice::List(list))) => list,
        Some(Err(e)) => return Err(e),
    };
    let patterns = list_or(
        &raw.pattern,
        "iaas.pattern",
        vec![crate::model::IaasPattern::RingAllReduce],
    )?;
    at_most_configurations(
        "iaas",
        &[
            (instances.len(), "instance types"),
            (workers.len(), "worker counts"),
            (patterns.len(), "patterns"),
        ],
        "",
    )?;
    Ok(IaasSpace {
        instances,
        workers,
        patterns,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn faas_space(text: &str) -> Checked<FaasSpace> {
        let raw: RawFaas = toml::from_str(text).unwrap();
        check_faas(&raw, &Profiles::builtin().unwrap())
    }

    #[test]
    fn cache_nodes_are_the_default_a_list_or_every_node() {
        assert!(faas_space("").unwrap().cache_nodes.is_empty());
        let one = faas_space(r#"cache_node = "cache.r5.large""#).unwrap();
        assert_eq!(one.cache_nodes, ["cache.r5.large"]);
        let all = faas_space(r#"cache_node = "auto""#).unwrap();
        assert_eq!(
            all.cache_nodes.len(),
            Profiles::builtin().unwrap().cache_nodes.len()
        );
        let err = faas_space(r#"cache_node = ["cache.m5.large", "cache.x9.huge"]"#).unwrap_err();
        assert_eq!(err.key, "faas.cache_node[1]");
    }

    #[test]
    fn a_poll_backoff_is_a_factor_from_one_to_ten() {
        assert_eq!(faas_space("").unwrap().poll_backoff, 1.0);
        assert_eq!(faas_space("poll_backoff = 2").unwrap().poll_backoff, 2.0);
        for bad in [
            "poll_backoff = 0.5",
            "poll_backoff = 11",
            "poll_backoff = \"x\"",
        ] {
            assert_eq!(
                faas_space(bad).unwrap_err().key,
                "faas.poll_backoff",
                "{bad}"
            );
        }
    }

    #[test]
    fn sync_names_round_trip() {
        for text in ["bsp", "asp", "hsp", "ssp:3"] {
            assert_eq!(text.parse::<Sync>().unwrap().to_string(), text);
        }
        assert!("ssp:x".parse::<Sync>().is_err());
    }

    #[test]
    fn rejects_structure_that_does_not_start_at_one() {
        let err = check_structure(&[2, 10], &[10]).unwrap_err();
        assert!(matches!(err.problem, Problem::StructureNotRootedAtOne(_)));
    }

    #[test]
    fn rejects_structure_that_is_not_increasing() {
        let err = check_structure(&[1, 5, 5, 10], &[10]).unwrap_err();
        assert!(matches!(err.problem, Problem::StructureNotIncreasing(_)));
    }

    #[test]
    fn rejects_structure_that_does_not_end_at_worker_count() {
        let err = check_structure(&[1, 5, 50], &[100]).unwrap_err();
        assert!(matches!(
            err.problem,
            Problem::StructureNotEndingAtWorkers { .. }
        ));
    }
}
