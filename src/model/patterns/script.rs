//! # Round scripts
//!
//! A pattern as the sequence of puts, polls, gets and merges one worker performs in a round:
//! the same transfers the pattern's analytic round times, written as steps the simulator plays
//! through its channel in virtual time. Scripts are pure functions of (worker, round, step).

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

/// Where a worker is in a round's script.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Step {
    /// The worker, 0-based.
    pub worker: u32,
    pub workers: u32,
    pub round: u64,
    /// The step within the round, 0-based.
    pub step: usize,
    /// Bytes each worker contributes per round.
    pub bytes: f64,
    /// Whether the round ends at a barrier (BSP).
    pub synchronous: bool,
}

/// The children of aggregator `index` when `children` objects feed `aggregators`: contiguous
/// ranges whose sizes differ by at most one (the first ones get the extra).
pub fn children_of(index: u32, aggregators: u32, children: u32) -> std::ops::Range<u32> {
    let (base, extra) = (children / aggregators, children % aggregators);
    let start = index * base + index.min(extra);
    start..start + base + u32::from(index < extra)
}

/// The aggregator of `parents` that child `child` of `children` belongs to (the inverse of
/// [`children_of`]).
pub fn parent_of(child: u32, parents: u32, children: u32) -> u32 {
    let (base, extra) = (children / parents, children % parents);
    let boundary = extra * (base + 1);
    if child < boundary {
        child / (base + 1)
    } else {
        extra + (child - boundary) / base.max(1)
    }
}

/// Awaits then gets `key` of `bytes`: the step pair of every object a worker waits for, at
/// `offset` steps into the pairs.
pub fn await_then_get(offset: usize, key: u64, bytes: f64) -> Action {
    if offset.is_multiple_of(2) {
        Action::Await { key }
    } else {
        Action::Get { key, bytes }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn children_are_split_evenly() {
        let sizes: Vec<u32> = (0..22)
            .map(|a| children_of(a, 22, 100).len() as u32)
            .collect();
        assert_eq!(sizes.iter().sum::<u32>(), 100);
        assert_eq!(*sizes.iter().max().unwrap(), 5);
        assert_eq!(children_of(21, 22, 100).end, 100);
    }

    #[test]
    fn parent_of_inverts_children_of() {
        for (parents, children) in [(22, 100), (5, 22), (1, 7), (3, 3)] {
            for p in 0..parents {
                for c in children_of(p, parents, children) {
                    assert_eq!(parent_of(c, parents, children), p);
                }
            }
        }
    }
}
