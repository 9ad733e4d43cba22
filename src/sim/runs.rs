//! # Repeating runs
//!
//! K seeded runs of one configuration in parallel — deterministic whatever the thread
//! count, since each run owns its seed — summarised by their 50th and 95th percentiles.

use rayon::prelude::*;

use super::outcome::SimOutcome;
use super::run::{SimError, simulate_config_watched};
use super::watch::Watch;
use crate::model::Config;
use crate::profile::Profiles;
use crate::scenario::Scenario;

/// Runs `config` with seeds `seed`, `seed + 1`, … in parallel; results in seed order. Every
/// run counts its rounds on `watch` and ends early when it asks to stop.
pub fn simulate_runs(
    scenario: &Scenario,
    profiles: &Profiles,
    config: &Config,
    (seed, runs): (u64, u32),
    watch: &Watch,
) -> Result<Vec<SimOutcome>, SimError> {
    (0..u64::from(runs.max(1)))
        .into_par_iter()
        .map(|k| simulate_config_watched(scenario, profiles, config, seed.wrapping_add(k), watch))
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
