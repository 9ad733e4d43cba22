//! # Round scripts of one run
//!
//! The shape of a run's rounds (workers, bytes, pattern, barrier) and the scripts its workers
//! and a tree's aggregators play: each pattern writes its own in `model::patterns`, the same
//! file whose analytic round the model times, so the two cannot drift apart.

use crate::model::Pattern;
use crate::model::patterns::{Action, Step};

/// The shape of one run's rounds.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub workers: u32,
    /// Bytes each worker contributes per round.
    pub bytes: f64,
    pub pattern: Pattern,
    pub synchronous: bool,
}

impl Layout {
    /// What worker `j` does at `step` of `round`.
    pub fn worker(&self, j: u32, round: u64, step: u32) -> Action {
        self.pattern.worker_step(&Step {
            worker: j,
            workers: self.workers,
            round,
            step: step as usize,
            bytes: self.bytes,
            synchronous: self.synchronous,
        })
    }

    /// What aggregator `index` of tree layer `layer` does at `step`, for its `children`.
    pub fn aggregator(
        &self,
        layer: u32,
        index: u32,
        children: std::ops::Range<u32>,
        round: u64,
        step: u32,
    ) -> Action {
        match &self.pattern {
            Pattern::Tree(tree) => {
                tree.aggregator_step((layer, index), children, round, (step, self.bytes))
            }
            _ => Action::Done,
        }
    }

    /// Appends worker `j`'s actions in `round` to `plan`, up to (not including) `Done`.
    pub fn worker_round(&self, j: u32, round: u64, plan: &mut Vec<Action>) {
        plan.extend(
            (0..)
                .map(|s| self.worker(j, round, s))
                .take_while(|a| !matches!(a, Action::Done)),
        );
    }

    /// Layers of the tree, workers included.
    pub fn layers(&self) -> u32 {
        self.pattern.structure().map_or(0, |s| s.len() as u32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout(pattern: Pattern, w: u32) -> Layout {
        Layout {
            workers: w,
            bytes: 100.0,
            pattern,
            synchronous: true,
        }
    }

    fn script(l: &Layout, j: u32) -> Vec<Action> {
        let mut plan = Vec::new();
        l.worker_round(j, 0, &mut plan);
        plan
    }

    fn transfers(actions: &[Action]) -> usize {
        actions
            .iter()
            .filter(|a| matches!(a, Action::Put { .. } | Action::Get { .. }))
            .count()
    }

    #[test]
    fn the_reducer_makes_w_plus_3_transfers_and_the_others_2() {
        let l = layout(Pattern::AllReduce, 5);
        assert_eq!(transfers(&script(&l, 0)), 5 + 3);
        assert_eq!(transfers(&script(&l, 3)), 2);
    }

    #[test]
    fn scatter_reduce_makes_3w_minus_2_transfers_per_worker() {
        let l = layout(Pattern::ScatterReduce, 4);
        for j in 0..4 {
            assert_eq!(transfers(&script(&l, j)), 3 * 4 - 2);
        }
    }

    #[test]
    fn a_single_worker_only_computes() {
        assert_eq!(
            script(&layout(Pattern::AllReduce, 1), 0),
            vec![Action::Compute]
        );
    }

    #[test]
    fn without_a_barrier_workers_read_and_write_the_shared_model() {
        let mut l = layout(Pattern::AllReduce, 4);
        l.synchronous = false;
        assert_eq!(transfers(&script(&l, 2)), 2);
        assert!(script(&l, 2).contains(&Action::Compute));
    }
}
