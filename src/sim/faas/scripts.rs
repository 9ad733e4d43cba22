//! # Round scripts
//!
//! Each pattern as the actual sequence of puts, polls, gets and merges one worker (or aggregator)
//! performs in a round — the same transfers the analytic model times (LambdaML §3.3; Feng et
//! al.'s layered tree; a parameter server; the shared model of asynchronous protocols).
//! Scripts are pure functions of (role, round, step); a worker's round is collected into a
//! short list once per round.

use super::keys::{Kind, key};
use crate::model::Pattern;

/// One thing an actor does, in order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Action {
    /// Run the kernel on this round's batch.
    Compute,
    Put {
        key: u64,
        bytes: f64,
    },
    Get {
        key: u64,
        bytes: f64,
    },
    /// Poll until the object exists.
    Await {
        key: u64,
    },
    /// Wait until a coordinator says the object exists (barriers).
    AwaitTold {
        key: u64,
    },
    /// Add `bytes` of received models together.
    Merge {
        bytes: f64,
    },
    /// Write a checkpoint of the model and end this invocation (the duration limit is near).
    EndInvocation,
    /// Wait for a cold start: the function re-invoked itself.
    Restart,
    /// Read this worker's data shard from storage.
    Load,
    /// The round is over for this actor.
    Done,
}

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
        let (w, m) = (self.workers, self.bytes);
        let s = step as usize;
        if w == 1 && self.synchronous && !matches!(self.pattern, Pattern::ParameterServer) {
            return [Action::Compute, Action::Done][s.min(1)];
        }
        match (&self.pattern, self.synchronous) {
            (Pattern::ParameterServer, true) => parameter_server(j, round, s, m),
            (Pattern::ParameterServer, false) => parameter_server_async(j, round, s, m),
            (_, false) => shared_model(round, s, m),
            (Pattern::AllReduce, true) => allreduce(j, w, round, s, m),
            (Pattern::ScatterReduce, true) => scatter_reduce(j, w, round, s, m),
            (Pattern::Tree(_), true) | (Pattern::SharedModel, true) => tree_worker(j, round, s, m),
        }
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
        let fan_in = children.len() as u32;
        let child_kind = |c: u32| {
            if layer + 2 == self.layers() {
                key(Kind::Contribution, round, c, 0)
            } else {
                key(Kind::Aggregate, round, layer + 1, c)
            }
        };
        match step {
            s if s < fan_in => Action::Get {
                key: child_kind(children.start + s),
                bytes: self.bytes,
            },
            s if s == fan_in => Action::Merge {
                bytes: f64::from(fan_in) * self.bytes,
            },
            s if s == fan_in + 1 => {
                let own = if layer == 0 {
                    key(Kind::Result, round, 0, 0)
                } else {
                    key(Kind::Aggregate, round, layer, index)
                };
                Action::Put {
                    key: own,
                    bytes: self.bytes,
                }
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

fn allreduce(j: u32, w: u32, round: u64, s: usize, m: f64) -> Action {
    let result = key(Kind::Result, round, 0, 0);
    match (j, s) {
        (_, 0) => Action::Compute,
        (_, 1) => Action::Put {
            key: key(Kind::Contribution, round, j, 0),
            bytes: m,
        },
        (0, s) if s < 2 + 2 * w as usize => {
            let i = ((s - 2) / 2) as u32;
            let k = key(Kind::Contribution, round, i, 0);
            if s % 2 == 0 {
                Action::Await { key: k }
            } else {
                Action::Get { key: k, bytes: m }
            }
        }
        (0, s) if s == 2 + 2 * w as usize => Action::Merge {
            bytes: f64::from(w) * m,
        },
        (0, s) if s == 3 + 2 * w as usize => Action::Put {
            key: result,
            bytes: m,
        },
        (0, s) if s == 4 + 2 * w as usize => Action::Get {
            key: result,
            bytes: m,
        },
        (0, _) => Action::Done,
        (_, 2) => Action::Await { key: result },
        (_, 3) => Action::Get {
            key: result,
            bytes: m,
        },
        _ => Action::Done,
    }
}

fn scatter_reduce(j: u32, w: u32, round: u64, s: usize, m: f64) -> Action {
    let shard = m / f64::from(w);
    let others = |n: usize| {
        let i = n as u32;
        if i >= j { i + 1 } else { i }
    };
    let n = (w - 1) as usize;
    match s {
        0 => Action::Compute,
        s if s <= n => Action::Put {
            key: key(Kind::Piece, round, j, others(s - 1)),
            bytes: shard,
        },
        s if s <= 3 * n => {
            let k = key(Kind::Piece, round, others((s - n - 1) / 2), j);
            if (s - n - 1).is_multiple_of(2) {
                Action::Await { key: k }
            } else {
                Action::Get {
                    key: k,
                    bytes: shard,
                }
            }
        }
        s if s == 3 * n + 1 => Action::Merge { bytes: m },
        s if s == 3 * n + 2 => Action::Put {
            key: key(Kind::Merged, round, j, 0),
            bytes: shard,
        },
        s if s <= 5 * n + 2 => {
            let k = key(Kind::Merged, round, others((s - 3 * n - 3) / 2), 0);
            if (s - 3 * n - 3).is_multiple_of(2) {
                Action::Await { key: k }
            } else {
                Action::Get {
                    key: k,
                    bytes: shard,
                }
            }
        }
        _ => Action::Done,
    }
}

fn tree_worker(j: u32, round: u64, s: usize, m: f64) -> Action {
    let result = key(Kind::Result, round, 0, 0);
    match s {
        0 => Action::Compute,
        1 => Action::Put {
            key: key(Kind::Contribution, round, j, 0),
            bytes: m,
        },
        2 => Action::Await { key: result },
        3 => Action::Get {
            key: result,
            bytes: m,
        },
        _ => Action::Done,
    }
}

fn parameter_server(j: u32, round: u64, s: usize, m: f64) -> Action {
    tree_worker(j, round, s, m)
}

fn parameter_server_async(j: u32, round: u64, s: usize, m: f64) -> Action {
    match s {
        0 => Action::Get {
            key: key(Kind::Model, 0, 0, 0),
            bytes: m,
        },
        1 => Action::Compute,
        2 => Action::Put {
            key: key(Kind::Contribution, round, j, 0),
            bytes: m,
        },
        3 => Action::Await {
            key: key(Kind::Applied, round, j, 0),
        },
        _ => Action::Done,
    }
}

fn shared_model(round: u64, s: usize, m: f64) -> Action {
    let model = key(Kind::Model, 0, 0, 0);
    let _ = round;
    match s {
        0 => Action::Get {
            key: model,
            bytes: m,
        },
        1 => Action::Compute,
        2 => Action::Put {
            key: model,
            bytes: m,
        },
        _ => Action::Done,
    }
}

/// The children of aggregator `index` when `children` objects feed `aggregators`: contiguous
/// ranges whose sizes differ by at most one (the first ones get the extra).
pub fn children_of(index: u32, aggregators: u32, children: u32) -> std::ops::Range<u32> {
    let (base, extra) = (children / aggregators, children % aggregators);
    let start = index * base + index.min(extra);
    start..start + base + u32::from(index < extra)
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
        (0..)
            .map(|s| l.worker(j, 0, s))
            .take_while(|a| *a != Action::Done)
            .collect()
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
    fn children_are_split_evenly() {
        let sizes: Vec<u32> = (0..22)
            .map(|a| children_of(a, 22, 100).len() as u32)
            .collect();
        assert_eq!(sizes.iter().sum::<u32>(), 100);
        assert_eq!(*sizes.iter().max().unwrap(), 5);
        assert_eq!(children_of(21, 22, 100).end, 100);
    }
}
