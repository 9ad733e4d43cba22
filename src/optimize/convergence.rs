//! # Epochs to converge, measured
//!
//! With `workload.epochs = "auto"` and a `target_loss`, R — the epochs a configuration needs
//! to reach the target — is not an input but a measurement: for each worker count and
//! synchronisation protocol the search meets, the simulator trains the real kernels on the
//! scenario's data (or a sample of its shape) with one configuration of that kind, all variance
//! off, until the loss reaches the target or `max_epochs` run out. GA-SGD, MA-SGD and ADMM, BSP
//! and ASP then differ in R where the kernels show they differ (LambdaML §4's R). Each
//! configuration is then priced with the R of its kind.

use std::collections::BTreeMap;

use crate::model::{Candidate, Config, Platform};
use crate::profile::Profiles;
use crate::scenario::{Recipe, Scenario, Sync, TrainingLength};
use crate::sim::{SimError, simulate_config};

/// What R depends on: the platform, the worker count and (FaaS) the synchronisation protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Kind {
    pub platform: Platform,
    pub workers: u32,
    /// `None` for VMs, which synchronise in bulk.
    pub sync: Option<SyncKey>,
}

/// A synchronisation protocol as an ordered key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SyncKey(pub u8, pub u32);

impl SyncKey {
    fn of(sync: Sync) -> Self {
        match sync {
            Sync::Bsp => SyncKey(0, 0),
            Sync::Asp => SyncKey(1, 0),
            Sync::Hsp => SyncKey(2, 0),
            Sync::Ssp(k) => SyncKey(3, k),
        }
    }
}

impl Kind {
    /// The kind of `config`.
    pub fn of(config: &Config) -> Self {
        match config {
            Config::Faas(c) => Kind {
                platform: Platform::Faas,
                workers: c.workers,
                sync: Some(SyncKey::of(c.sync)),
            },
            Config::Iaas(c) => Kind {
                platform: Platform::Iaas,
                workers: c.workers,
                sync: None,
            },
        }
    }
}

/// R measured for one kind of configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct MeasuredEpochs {
    pub kind: Kind,
    /// The algorithm and global mini-batch it trained with.
    pub recipe: Recipe,
    /// The configuration the simulator trained.
    pub config: Config,
    pub epochs: f64,
    /// Whether the target loss was reached (else `epochs` is `max_epochs`).
    pub reached: bool,
    pub final_loss: f64,
}

/// The target loss and epoch bound of an `"auto"` scenario.
pub fn target(scenario: &Scenario) -> Option<(f64, u32)> {
    match scenario.workload.length {
        TrainingLength::Auto {
            target_loss,
            max_epochs,
        } => Some((target_loss, max_epochs)),
        _ => None,
    }
}

/// The scenario trained for `epochs` epochs instead of until the target.
pub fn with_epochs(scenario: &Scenario, epochs: f64) -> Scenario {
    let mut fixed = scenario.clone();
    fixed.workload.length = TrainingLength::Epochs(epochs);
    fixed
}

/// Measures R for every kind among `candidates`, simulating the first feasible candidate of
/// each kind (a kind with none keeps no measurement).
pub fn measure(
    scenario: &Scenario,
    profiles: &Profiles,
    candidates: &[Candidate],
) -> Result<BTreeMap<Kind, MeasuredEpochs>, SimError> {
    let mut quiet = scenario.clone();
    quiet.simulation.straggler_cv = 0.0;
    let mut measured = BTreeMap::new();
    for candidate in candidates.iter().filter(|c| c.feasible().is_some()) {
        let kind = Kind::of(&candidate.config);
        if measured.contains_key(&kind) {
            continue;
        }
        let run = simulate_config(&quiet, profiles, &candidate.config, scenario.seed)?;
        measured.insert(
            kind,
            MeasuredEpochs {
                kind,
                recipe: candidate.recipe,
                config: candidate.config.clone(),
                epochs: run.epochs.max(1.0),
                reached: run.converged,
                final_loss: run.final_loss,
            },
        );
    }
    Ok(measured)
}
