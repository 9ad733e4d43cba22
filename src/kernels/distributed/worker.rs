//! # Worker state
//!
//! What one worker holds between rounds, O(model) in size: its shard view, its local batch
//! size, local parameters, the ADMM dual, a contribution buffer and kernel scratch.

use std::ops::Range;

use crate::data::Shard;
use crate::kernels::Kernel;

/// One worker of a distributed run.
#[derive(Debug, Clone)]
pub struct Worker<'a> {
    pub id: usize,
    pub shard: Shard<'a>,
    /// Rows of the shard per mini-batch (this worker's part of the global batch).
    pub local_batch: usize,
    /// Local model (MA-SGD and ADMM).
    pub params: Vec<f32>,
    /// ADMM scaled dual u (zeros until the first z arrives).
    pub dual: Vec<f32>,
    /// What the last round sends to the merge: a gradient sum, a model, or w + u.
    pub contribution: Vec<f32>,
    /// Rounds this worker has completed.
    pub rounds_done: u64,
    pub(crate) scratch: Vec<f32>,
}

impl<'a> Worker<'a> {
    /// Worker `id` of `workers` over `shard`, with its share of the global `batch_size`.
    pub fn new(
        kernel: &dyn Kernel,
        id: usize,
        workers: usize,
        shard: Shard<'a>,
        batch_size: usize,
    ) -> Self {
        let params = vec![0.0; kernel.num_params()];
        Worker {
            id,
            shard,
            local_batch: local_batch(batch_size, workers, id),
            dual: params.clone(),
            contribution: params.clone(),
            params,
            rounds_done: 0,
            scratch: vec![0.0; kernel.scratch_len()],
        }
    }

    /// Shard positions of mini-batch `round` of an epoch (empty past the shard's end).
    pub fn batch(&self, round: usize) -> Range<usize> {
        let start = (round * self.local_batch).min(self.shard.len());
        start..(start + self.local_batch).min(self.shard.len())
    }

    /// Mini-batches this worker needs for one pass over its shard.
    pub fn batches_per_epoch(&self) -> usize {
        self.shard.len().div_ceil(self.local_batch)
    }
}

/// Worker `id`'s share of a global batch: ⌊B/w⌋, plus one for the first B mod w workers, and
/// at least one row.
pub fn local_batch(batch_size: usize, workers: usize, id: usize) -> usize {
    (batch_size / workers + usize::from(id < batch_size % workers)).max(1)
}

/// Rounds in one epoch: what the slowest-to-finish worker needs.
pub fn rounds_per_epoch(workers: &[Worker]) -> usize {
    workers
        .iter()
        .map(Worker::batches_per_epoch)
        .max()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_batches_add_up_to_the_global_batch() {
        let shares: Vec<usize> = (0..4).map(|j| local_batch(10, 4, j)).collect();
        assert_eq!(shares, vec![3, 3, 2, 2]);
        assert_eq!(local_batch(2, 4, 3), 1);
    }
}
