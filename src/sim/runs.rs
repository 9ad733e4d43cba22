//! # Choosing and repeating runs
//!
//! Which configuration `simulate` runs (the scenario's own when it names one, else the best plan
//! of the platform), and K seeded runs of it in parallel — deterministic whatever the thread
//! count, since each run owns its seed — summarised by their 50th and 95th percentiles.

use rayon::prelude::*;

use super::outcome::SimOutcome;
use super::run::{SimError, simulate_config};
use crate::model::{Config, Platform};
use crate::optimize::estimate::estimate;
use crate::optimize::plan::plan;
use crate::profile::Profiles;
use crate::scenario::{Scenario, TrainingLength};

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

/// Runs `config` with seeds `seed`, `seed + 1`, … in parallel; results in seed order.
/// `finished` is called as each run ends (in whatever order they end).
pub fn simulate_runs(
    scenario: &Scenario,
    profiles: &Profiles,
    config: &Config,
    (seed, runs): (u64, u32),
    finished: &(dyn Fn() + Sync),
) -> Result<Vec<SimOutcome>, SimError> {
    (0..u64::from(runs.max(1)))
        .into_par_iter()
        .map(|k| {
            let run = simulate_config(scenario, profiles, config, seed.wrapping_add(k));
            finished();
            run
        })
        .collect()
}

/// The p-th percentile (0–100) of `values`, by linear interpolation between closest ranks.
pub fn percentile(values: &[f64], p: f64) -> f64 {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted.sort_by(f64::total_cmp);
    let rank = p / 100.0 * (sorted.len() - 1) as f64;
    let (lo, hi) = (rank.floor() as usize, rank.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_interpolate_between_ranks() {
        let v = [4.0, 1.0, 3.0, 2.0, 5.0];
        assert_eq!(percentile(&v, 50.0), 3.0);
        assert_eq!(percentile(&v, 95.0), 4.8);
        assert_eq!(percentile(&[7.0], 95.0), 7.0);
        assert!(percentile(&[], 50.0).is_nan());
    }
}
