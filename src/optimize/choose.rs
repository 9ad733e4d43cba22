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
    #[error("the scenario has no runnable {0} configuration")]
    NoneRuns(&'static str),
}

/// The configuration to simulate on `platform`: the scenario's single one if it fixes every
/// choice, else the analytic model's best plan (with "auto" epochs bounded by `max_epochs`).
pub fn choose_config(
    scenario: &Scenario,
    profiles: &Profiles,
    platform: Platform,
) -> Result<Config, ChooseError> {
    let mut bounded = scenario.clone();
    if let TrainingLength::Auto { max_epochs, .. } = bounded.workload.length {
        bounded.workload.length = TrainingLength::Epochs(f64::from(max_epochs));
    }
    if let Ok(candidate) = estimate(&bounded, profiles, Some(platform))
        && candidate.feasible().is_some()
    {
        return Ok(candidate.config);
    }
    let planned = plan(&bounded, profiles, &bounded.objective)?;
    planned
        .best(platform)
        .map(|c| c.config.clone())
        .ok_or(ChooseError::NoneRuns(platform.label()))
}
