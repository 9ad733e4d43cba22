//! # Which configuration to simulate
//!
//! The scenario's own configuration when it fixes every choice, else the analytic model's best
//! plan of the platform — what `simulate` and `validate` run. It lives with the planner so the
//! simulator never imports it.

use crate::model::{Config, Platform};
use crate::profile::Profiles;
use crate::scenario::{Scenario, TrainingLength};

use super::estimate::estimate;
use super::plan::plan;

/// Why no configuration could be chosen.
#[derive(Debug, thiserror::Error)]
pub enum ChooseError {
    #[error(transparent)]
    Plan(#[from] crate::optimize::plan::PlanError),
    /// Why the scenario's configurations of the platform cannot run (or that it has none).
    #[error("{reason}")]
    NoneRuns { reason: String },
}

/// The configuration to simulate on `platform`: the scenario's single one if it fixes every
/// choice, else the analytic model's best plan (with "auto" epochs bounded by `max_epochs`).
///
/// Returns the scenario narrowed to the chosen configuration's algorithm and mini-batch (where
/// it lists several) with the configuration.
pub fn choose_config(
    scenario: &Scenario,
    profiles: &Profiles,
    platform: Platform,
) -> Result<(Scenario, Config), ChooseError> {
    let mut bounded = scenario.clone();
    if let TrainingLength::Auto { max_epochs, .. } = bounded.workload.length {
        bounded.workload.length = TrainingLength::Epochs(f64::from(max_epochs));
    }
    if let Ok(candidate) = estimate(&bounded, profiles, Some(platform))
        && candidate.feasible().is_some()
    {
        return Ok((scenario.clone(), candidate.config));
    }
    let planned = plan(&bounded, profiles, &bounded.objective)?;
    if let Some(best) = planned.best(platform) {
        return Ok((scenario.with_recipe(best.recipe), best.config.clone()));
    }
    let slot = match platform {
        Platform::Faas => &planned.faas,
        Platform::Iaas => &planned.iaas,
    };
    let reason = match slot {
        Some(Err(why)) => why.to_string(),
        _ => format!(
            "the scenario has no [{}] section to simulate",
            platform.label().to_lowercase()
        ),
    };
    Err(ChooseError::NoneRuns { reason })
}
