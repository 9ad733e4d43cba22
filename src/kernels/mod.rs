//! # Kernels
//!
//! The real SGD workloads behind the simulator, after LambdaML (Jiang et al., SIGMOD 2021):
//! logistic regression and linear SVM ([`linear`]), a ReLU multilayer perceptron ([`mlp`]),
//! k-means ([`kmeans`]), the SGD update ([`sgd`]), and the distributed algorithms GA-SGD,
//! MA-SGD and ADMM over in-process workers ([`distributed`]).
//!
//! A [`Kernel`] knows nothing of time or workers: it computes the summed gradient and loss of
//! a parameter vector on a range of a shard's rows into a caller's buffer, scores a model, and
//! says what a mini-batch costs in floating-point operations and bytes, so a discrete-event
//! simulator can charge compute time as FLOPs ÷ rate.

pub mod dense_pass;
pub mod distributed;
pub mod fastmath;
pub mod kmeans;
pub mod linear;
pub mod mlp;
pub mod sgd;
pub mod wide;

use std::ops::Range;

use rayon::prelude::*;

use crate::data::{Dataset, Shard};
use sgd::Sgd;

pub use linear::{LinearSvm, LogisticRegression};
pub use mlp::Mlp;

/// Work of one mini-batch: floating-point operations and bytes of data streamed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BatchCost {
    pub flops: u64,
    pub bytes: u64,
}

impl std::ops::Add for BatchCost {
    type Output = BatchCost;
    fn add(self, other: BatchCost) -> BatchCost {
        BatchCost {
            flops: self.flops + other.flops,
            bytes: self.bytes + other.bytes,
        }
    }
}

/// Summed loss and correct predictions over some rows.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Score {
    pub loss_sum: f64,
    pub correct: usize,
    pub rows: usize,
}

/// Mean loss and accuracy of a model on a dataset.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Evaluation {
    pub loss: f64,
    pub accuracy: f64,
}

/// A differentiable model trained by mini-batch SGD on a flat `f32` parameter vector
/// (`num_params() * 4` bytes on the wire). Implementations allocate nothing per mini-batch.
pub trait Kernel: Send + Sync {
    /// Length of the parameter vector.
    fn num_params(&self) -> usize;

    /// Seeded initial parameters.
    fn init_params(&self, seed: u64) -> Vec<f32>;

    /// `f32` scratch space [`Kernel::gradient`] and [`Kernel::score`] need.
    fn scratch_len(&self) -> usize {
        0
    }

    /// Adds Σ ∇ℓ_i(params) over the shard positions `rows` to `grad` (length `num_params`) and
    /// returns Σ ℓ_i. Regularisation is left to the update rule.
    fn gradient(
        &self,
        params: &[f32],
        shard: &Shard,
        rows: Range<usize>,
        grad: &mut [f32],
        scratch: &mut [f32],
    ) -> f64;

    /// Summed loss and correct predictions over the shard positions `rows`.
    fn score(
        &self,
        params: &[f32],
        shard: &Shard,
        rows: Range<usize>,
        scratch: &mut [f32],
    ) -> Score;

    /// Work of [`Kernel::gradient`] on the shard positions `rows`.
    fn batch_cost(&self, shard: &Shard, rows: Range<usize>) -> BatchCost;

    /// Applies one update from a gradient summed over `rows` rows (plain SGD with L2 decay).
    fn step(&self, params: &mut [f32], grad_sum: &[f32], rows: usize, sgd: Sgd) {
        sgd.step(params, grad_sum, rows);
    }

    /// Local mini-batch SGD over the whole shard in order, `batch` rows at a time: each
    /// batch's gradient at the current `params`, then one `sgd` step. Returns the summed loss
    /// (each batch's taken before its step). `grad` is a `num_params` buffer. Kernels whose
    /// mini-batch gradients touch few parameters override it to skip the O(parameters) work
    /// the default spends per batch.
    fn sgd_pass(
        &self,
        params: &mut [f32],
        shard: &Shard,
        batch: usize,
        sgd: Sgd,
        (grad, scratch): (&mut [f32], &mut [f32]),
    ) -> f64 {
        plain_sgd_pass(self, params, shard, batch, sgd, (grad, scratch))
    }

    /// Work of [`Kernel::step`].
    fn step_cost(&self) -> BatchCost {
        BatchCost {
            flops: Sgd::flops(self.num_params()),
            bytes: 0,
        }
    }

    /// Model size on the wire.
    fn model_bytes(&self) -> usize {
        self.num_params() * size_of::<f32>()
    }

    /// Mean loss and accuracy of `params` on every row of `data`.
    fn evaluate(&self, params: &[f32], data: &Dataset) -> Evaluation {
        let ids: Vec<u32> = (0..data.rows() as u32).collect();
        let shard = Shard::new(data, &ids);
        // Fixed chunks scored on any thread and summed in chunk order: the same sum whatever
        // the thread count.
        let starts: Vec<usize> = (0..shard.len()).step_by(EVALUATION_CHUNK).collect();
        let parts: Vec<Score> = starts
            .par_iter()
            .map(|&start| {
                let rows = start..(start + EVALUATION_CHUNK).min(shard.len());
                self.score(params, &shard, rows, &mut vec![0.0; self.scratch_len()])
            })
            .collect();
        let (loss_sum, correct, rows) = parts.iter().fold((0.0, 0, 0), |(l, c, r), p| {
            (l + p.loss_sum, c + p.correct, r + p.rows)
        });
        let rows = rows.max(1) as f64;
        Evaluation {
            loss: loss_sum / rows,
            accuracy: correct as f64 / rows,
        }
    }
}

/// Rows [`Kernel::evaluate`] scores as one piece of work.
const EVALUATION_CHUNK: usize = 4096;

/// [`Kernel::sgd_pass`] as gradient-then-step per batch, the default every kernel starts from.
pub fn plain_sgd_pass<K: Kernel + ?Sized>(
    kernel: &K,
    params: &mut [f32],
    shard: &Shard,
    batch: usize,
    sgd: Sgd,
    (grad, scratch): (&mut [f32], &mut [f32]),
) -> f64 {
    let mut loss_sum = 0.0;
    for start in (0..shard.len()).step_by(batch.max(1)) {
        let rows = start..(start + batch.max(1)).min(shard.len());
        grad.fill(0.0);
        loss_sum += kernel.gradient(params, shard, rows.clone(), grad, scratch);
        kernel.step(params, grad, rows.len(), sgd);
    }
    loss_sum
}

/// Test helpers shared by the kernels' unit tests.
#[cfg(test)]
pub(crate) mod testing {
    use super::*;

    /// Checks `gradient` against central finite differences of the summed loss, in f64 steps of
    /// `h`; returns the largest error relative to max(1, |analytic|).
    pub fn finite_difference_error(
        kernel: &dyn Kernel,
        params: &[f32],
        data: &Dataset,
        h: f32,
    ) -> f32 {
        let ids: Vec<u32> = (0..data.rows() as u32).collect();
        let shard = Shard::new(data, &ids);
        let mut scratch = vec![0.0; kernel.scratch_len()];
        let mut grad = vec![0.0; kernel.num_params()];
        kernel.gradient(params, &shard, 0..shard.len(), &mut grad, &mut scratch);
        let mut loss_at = |p: &[f32]| {
            kernel
                .score(p, &shard, 0..shard.len(), &mut scratch)
                .loss_sum
        };
        let mut worst = 0.0f32;
        for i in 0..params.len() {
            let (mut up, mut down) = (params.to_vec(), params.to_vec());
            up[i] += h;
            down[i] -= h;
            let numeric = ((loss_at(&up) - loss_at(&down)) / (2.0 * f64::from(h))) as f32;
            worst = worst.max((numeric - grad[i]).abs() / grad[i].abs().max(1.0));
        }
        worst
    }
}
