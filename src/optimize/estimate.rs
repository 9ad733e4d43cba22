//! # Estimate one configuration
//!
//! Evaluates the single configuration a scenario fixes (by the file or by `--set`) with the
//! analytic model, without searching. A list that still holds several values is an error that
//! names the key; a tree without a structure gets the DP-optimal one.

use crate::model::{Candidate, FaasConfig, FaasModel, IaasConfig, IaasModel, Platform};
use crate::profile::Profiles;
use crate::scenario::{FaasSpace, IaasSpace, PatternKind, Problem, Scenario, ScenarioError};

use super::convergence::{self, MeasuredEpochs};
use super::search::{faas_candidate, iaas_candidate, patterns};

/// Why a scenario cannot be estimated.
#[derive(Debug, thiserror::Error)]
pub enum EstimateError {
    #[error(transparent)]
    NotNarrowed(#[from] ScenarioError),
    #[error(transparent)]
    Faas(#[from] crate::model::faas::FaasModelError),
    #[error(transparent)]
    Iaas(#[from] crate::model::iaas::IaasModelError),
    #[error("measuring the epochs to the target loss: {0}")]
    Convergence(#[from] crate::sim::SimError),
}

/// Estimates the scenario's one configuration, and with `epochs = "auto"` the epochs the
/// simulator measured for it (see `convergence`).
pub fn estimate_measuring(
    scenario: &Scenario,
    profiles: &Profiles,
    platform: Option<Platform>,
) -> Result<(Candidate, Option<MeasuredEpochs>), EstimateError> {
    if convergence::target(scenario).is_none() {
        return Ok((estimate_fixed(scenario, profiles, platform)?, None));
    }
    let one = convergence::with_epochs(scenario, 1.0);
    let provisional = estimate_fixed(&one, profiles, platform)?;
    let measured = convergence::measure(scenario, profiles, std::slice::from_ref(&provisional))?
        .into_values()
        .next();
    let Some(m) = measured else {
        // It cannot run at all: say why, as for any length.
        return Ok((provisional, None));
    };
    let fixed = convergence::with_epochs(scenario, m.epochs);
    let mut candidate = estimate_fixed(&fixed, profiles, platform)?;
    if !m.reached {
        // As in `plan`: a configuration that never reaches the target cannot do the job.
        candidate.outcome = Err(crate::model::Infeasible::TargetNotReached {
            target: convergence::target(scenario).map_or(f64::NAN, |(t, _)| t),
            epochs: m.epochs,
            loss: m.final_loss,
        });
    }
    Ok((candidate, Some(m)))
}

/// Estimates the scenario's one configuration on `platform` (FaaS unless the scenario has only
/// IaaS, when `None`); `epochs = "auto"` is measured first.
pub fn estimate(
    scenario: &Scenario,
    profiles: &Profiles,
    platform: Option<Platform>,
) -> Result<Candidate, EstimateError> {
    estimate_measuring(scenario, profiles, platform).map(|(candidate, _)| candidate)
}

fn estimate_fixed(
    scenario: &Scenario,
    profiles: &Profiles,
    platform: Option<Platform>,
) -> Result<Candidate, EstimateError> {
    let platform = platform.unwrap_or(if scenario.faas.is_some() {
        Platform::Faas
    } else {
        Platform::Iaas
    });
    let not_narrowed = |key: &str, problem: Problem| ScenarioError {
        file: scenario.file.clone(),
        key: key.into(),
        problem,
    };
    match platform {
        Platform::Faas => {
            let space = scenario
                .faas
                .as_ref()
                .ok_or_else(|| not_narrowed("faas", Problem::Missing))?;
            let model = FaasModel::new(scenario, profiles)?;
            let cfg = fixed_faas(&model, space).map_err(|(key, p)| not_narrowed(&key, p))?;
            Ok(faas_candidate(&model, cfg))
        }
        Platform::Iaas => {
            let space = scenario
                .iaas
                .as_ref()
                .ok_or_else(|| not_narrowed("iaas", Problem::Missing))?;
            let model = IaasModel::new(scenario, profiles)?;
            let cfg = fixed_iaas(space).map_err(|(key, p)| not_narrowed(&key, p))?;
            let instance = profiles
                .instance(&cfg.instance)
                .map_err(|e| not_narrowed("iaas.instances", Problem::UnknownName(e.to_string())))?;
            Ok(iaas_candidate(&model, instance, cfg))
        }
    }
}

fn one<T: Clone + std::fmt::Debug>(key: &str, values: &[T]) -> Result<T, (String, Problem)> {
    match values {
        [only] => Ok(only.clone()),
        many => Err((
            key.to_string(),
            Problem::Other(format!(
                "lists {} values {many:?}; narrow it to one with --set {key}=VALUE",
                many.len()
            )),
        )),
    }
}

fn fixed_faas(model: &FaasModel, space: &FaasSpace) -> Result<FaasConfig, (String, Problem)> {
    let workers = one("faas.workers", &space.workers)?;
    let memory_mb = one("faas.memory_mb", &space.memory_mb)?;
    let channel = one("faas.channel", &space.channels)?;
    let sync = one("faas.sync", &space.sync)?;
    let narrowed = FaasSpace {
        patterns: vec![one("faas.pattern", &space.patterns).or_else(|e| {
            // The parameter server and asynchronous protocols ignore the pattern list.
            if channel.is_server() || !sync.is_synchronous() {
                Ok(PatternKind::AllReduce)
            } else {
                Err(e)
            }
        })?],
        ..space.clone()
    };
    let cache_node = match super::search::cache_nodes(space, channel).as_slice() {
        [node] => node.map(str::to_string),
        _ => Some(one("faas.cache_node", &space.cache_nodes)?),
    };
    let at = crate::model::faas::ChannelRef {
        kind: channel,
        node: cache_node.as_deref(),
    };
    let pattern = patterns(model, &narrowed, workers, memory_mb, at, sync).remove(0);
    Ok(FaasConfig {
        workers,
        memory_mb,
        channel,
        cache_node,
        pattern,
        sync,
    })
}

fn fixed_iaas(space: &IaasSpace) -> Result<IaasConfig, (String, Problem)> {
    Ok(IaasConfig {
        instance: one("iaas.instances", &space.instances)?,
        workers: one("iaas.workers", &space.workers)?,
        pattern: one("iaas.pattern", &space.patterns)?,
    })
}
