//! # Simulation outcome
//!
//! What a simulated run measured: where its time went, its bill, how far training got, and one
//! trace row per round (time, epoch, loss, bytes moved, requests, active functions, dollars so far).

use crate::model::{Bill, Config, TimeBreakdown};
use crate::scenario::Recipe;

/// One round of a run, as the trace records it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TraceRow {
    /// When the last worker finished the round.
    pub time_s: f64,
    pub epoch: u64,
    pub round: u64,
    /// Mean loss of the round's mini-batches (per row).
    pub loss: f64,
    /// Bytes moved through the channel so far.
    pub bytes: f64,
    /// Channel requests so far (polls included).
    pub requests: f64,
    /// Functions (or VMs) running at that moment.
    pub active: u32,
    /// Dollars accrued so far (running time unrounded, requests, node pro rata).
    pub usd: f64,
}

/// The result of one simulated run.
#[derive(Debug, Clone, PartialEq)]
pub struct SimOutcome {
    pub config: Config,
    /// The algorithm and global mini-batch it trained with.
    pub recipe: Recipe,
    pub time: TimeBreakdown,
    pub bill: Bill,
    pub rounds: u64,
    pub epochs: f64,
    /// Training loss (k-means: inertia per row) of the final model on the executed data.
    pub final_loss: f64,
    pub test_loss: Option<f64>,
    pub test_accuracy: Option<f64>,
    /// Training loss of the initial model, then after each epoch.
    pub initial_loss: f64,
    pub epoch_losses: Vec<f64>,
    /// Whether the target loss was reached (or, without one, the last epoch improved < 1%).
    pub converged: bool,
    pub trace: Vec<TraceRow>,
    /// What was executed in place of the scenario's data or model.
    pub notes: Vec<String>,
    /// Events the engine processed.
    pub events: u64,
    /// Invocations and channel traffic (FaaS; zeros for VMs).
    pub counts: crate::sim::faas::RunCounts,
}

/// Whether training converged: the target reached, or without a target a plateau (the last
/// epoch lowered the loss by less than 1%).
pub fn converged(epoch_losses: &[f64], target_loss: Option<f64>) -> bool {
    match (target_loss, epoch_losses) {
        (Some(target), [.., last]) => *last <= target,
        (None, [.., before, last]) => (before - last) <= 0.01 * before.abs(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_target_is_reached_or_not() {
        assert!(converged(&[0.9, 0.5], Some(0.6)));
        assert!(!converged(&[0.9, 0.7], Some(0.6)));
    }

    #[test]
    fn without_a_target_a_plateau_counts() {
        assert!(converged(&[0.9, 0.5, 0.499], None));
        assert!(!converged(&[0.9, 0.5], None));
        assert!(!converged(&[0.5], None));
    }
}
