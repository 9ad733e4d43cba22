//! # Rounds and merges
//!
//! One local round of each algorithm on one worker, given the global model version it read,
//! and the merge of worker contributions into a new global model. A simulator may call these
//! in any interleaving (stale models for asynchronous protocols); the driver calls them in
//! lockstep.

use super::{Admm, Worker};
use crate::kernels::sgd::Sgd;
use crate::kernels::{BatchCost, Kernel};

/// The shared model and the buffer merges add into.
#[derive(Debug, Clone, PartialEq)]
pub struct GlobalModel {
    pub params: Vec<f32>,
    /// Number of merges applied so far.
    pub version: u64,
    sum: Vec<f32>,
}

impl GlobalModel {
    pub fn new(params: Vec<f32>) -> Self {
        let sum = vec![0.0; params.len()];
        GlobalModel {
            params,
            version: 0,
            sum,
        }
    }
}

/// What a worker's round did: rows visited, their summed loss, and the work it cost.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RoundReport {
    pub rows: usize,
    pub loss_sum: f64,
    pub cost: BatchCost,
}

/// GA-SGD: the gradient of `global` summed over the shard positions `batch` becomes the
/// worker's contribution.
pub fn ga_round(
    kernel: &dyn Kernel,
    worker: &mut Worker,
    global: &[f32],
    batch: std::ops::Range<usize>,
) -> RoundReport {
    worker.contribution.fill(0.0);
    let loss_sum = kernel.gradient(
        global,
        &worker.shard,
        batch.clone(),
        &mut worker.contribution,
        &mut worker.scratch,
    );
    worker.rounds_done += 1;
    RoundReport {
        rows: batch.len(),
        loss_sum,
        cost: kernel.batch_cost(&worker.shard, batch),
    }
}

/// MA-SGD: one local epoch of mini-batch SGD from `global`; the local model becomes the
/// contribution.
pub fn ma_round(kernel: &dyn Kernel, worker: &mut Worker, global: &[f32], sgd: Sgd) -> RoundReport {
    worker.params.copy_from_slice(global);
    let report = local_sgd_epoch(kernel, worker, sgd);
    worker.contribution.copy_from_slice(&worker.params);
    worker.rounds_done += 1;
    report
}

/// One pass of mini-batch SGD over the worker's shard on its local model, through
/// [`Kernel::sgd_pass`] (which sparse-aware kernels run in O(non-zeros) per batch); the
/// report counts the work as `local_epoch` does, batch by batch.
pub fn local_sgd_epoch(kernel: &dyn Kernel, worker: &mut Worker, sgd: Sgd) -> RoundReport {
    let mut params = std::mem::take(&mut worker.params);
    let report = sgd_epoch_on(kernel, worker, &mut params, sgd);
    worker.params = params;
    report
}

/// [`local_sgd_epoch`] on `params` (the worker's shard and buffers, someone else's model).
pub fn sgd_epoch_on(
    kernel: &dyn Kernel,
    worker: &mut Worker,
    params: &mut [f32],
    sgd: Sgd,
) -> RoundReport {
    let loss_sum = kernel.sgd_pass(
        params,
        &worker.shard,
        worker.local_batch,
        sgd,
        (&mut worker.contribution, &mut worker.scratch),
    );
    let cost = (0..worker.batches_per_epoch())
        .map(|b| kernel.batch_cost(&worker.shard, worker.batch(b)) + kernel.step_cost())
        .fold(BatchCost::default(), |a, b| a + b);
    RoundReport {
        rows: worker.shard.len(),
        loss_sum,
        cost,
    }
}

/// ADMM: takes the consensus `z` (updating the dual u ← u + w − z after the first round), runs
/// `local_epochs` epochs of SGD on the loss plus ρ/2‖w − z + u‖², and contributes w + u.
pub fn admm_round(
    kernel: &dyn Kernel,
    worker: &mut Worker,
    z: &[f32],
    admm: Admm,
    lr: f32,
) -> RoundReport {
    if worker.rounds_done == 0 {
        worker.params.copy_from_slice(z);
    } else {
        worker
            .dual
            .iter_mut()
            .zip(&worker.params)
            .zip(z)
            .for_each(|((u, w), z)| *u += w - z);
    }
    let dual = std::mem::take(&mut worker.dual);
    let mut report = RoundReport::default();
    for _ in 0..admm.local_epochs {
        let epoch = local_epoch(kernel, worker, |w, g, rows| {
            proximal_step(w, g, rows, z, &dual, lr, admm.rho)
        });
        report = merge_reports(report, epoch);
    }
    worker.dual = dual;
    let contribution = worker
        .contribution
        .iter_mut()
        .zip(&worker.params)
        .zip(&worker.dual);
    contribution.for_each(|((c, w), u)| *c = w + u);
    worker.rounds_done += 1;
    report
}

/// Runs the worker's mini-batches over its shard once, applying `step` to its local model.
fn local_epoch(
    kernel: &dyn Kernel,
    worker: &mut Worker,
    mut step: impl FnMut(&mut [f32], &[f32], usize),
) -> RoundReport {
    let mut report = RoundReport::default();
    for b in 0..worker.batches_per_epoch() {
        let batch = worker.batch(b);
        worker.contribution.fill(0.0);
        let loss_sum = kernel.gradient(
            &worker.params,
            &worker.shard,
            batch.clone(),
            &mut worker.contribution,
            &mut worker.scratch,
        );
        step(&mut worker.params, &worker.contribution, batch.len());
        let cost = kernel.batch_cost(&worker.shard, batch.clone()) + kernel.step_cost();
        report = merge_reports(
            report,
            RoundReport {
                rows: batch.len(),
                loss_sum,
                cost,
            },
        );
    }
    report
}

/// w ← w − η·(g/b + ρ(w − z + u)).
fn proximal_step(
    w: &mut [f32],
    grad_sum: &[f32],
    rows: usize,
    z: &[f32],
    u: &[f32],
    lr: f32,
    rho: f32,
) {
    let scale = 1.0 / rows.max(1) as f32;
    for (((w, g), z), u) in w.iter_mut().zip(grad_sum).zip(z).zip(u) {
        *w -= lr * (g * scale + rho * (*w - z + u));
    }
}

fn merge_reports(a: RoundReport, b: RoundReport) -> RoundReport {
    RoundReport {
        rows: a.rows + b.rows,
        loss_sum: a.loss_sum + b.loss_sum,
        cost: a.cost + b.cost,
    }
}

/// GA-SGD merge: sums the gradients in the order given and takes one SGD step over all their rows.
pub fn merge_gradients<'c>(
    global: &mut GlobalModel,
    contributions: impl IntoIterator<Item = (&'c [f32], usize)>,
    sgd: Sgd,
) {
    let mut contributions = contributions.into_iter();
    let (first, second) = (contributions.next(), contributions.next());
    if let (Some((gradient, rows)), None) = (first, second) {
        // One worker: step from its gradient directly (the same numbers as summing into zeros).
        sgd.step(&mut global.params, gradient, rows);
    } else {
        global.sum.fill(0.0);
        let mut rows = 0;
        for (gradient, count) in first.into_iter().chain(second).chain(contributions) {
            global
                .sum
                .iter_mut()
                .zip(gradient)
                .for_each(|(s, g)| *s += g);
            rows += count;
        }
        sgd.step(&mut global.params, &global.sum, rows);
    }
    global.version += 1;
}

/// MA-SGD merge: the mean of the models, added in the order given.
pub fn merge_models<'c>(global: &mut GlobalModel, models: impl IntoIterator<Item = &'c [f32]>) {
    let count = sum_into(&mut global.sum, models);
    global
        .params
        .iter_mut()
        .zip(&global.sum)
        .for_each(|(p, s)| *p = s / count as f32);
    global.version += 1;
}

/// ADMM merge: z = S_κ(mean(w_i + u_i)) with κ = λ/(Nρ), S the soft-threshold.
pub fn merge_admm<'c>(
    global: &mut GlobalModel,
    contributions: impl IntoIterator<Item = &'c [f32]>,
    admm: Admm,
) {
    let count = sum_into(&mut global.sum, contributions);
    let kappa = admm.lambda / (count as f32 * admm.rho);
    global
        .params
        .iter_mut()
        .zip(&global.sum)
        .for_each(|(z, s)| *z = soft_threshold(s / count as f32, kappa));
    global.version += 1;
}

fn sum_into<'c>(sum: &mut [f32], vectors: impl IntoIterator<Item = &'c [f32]>) -> usize {
    sum.fill(0.0);
    let mut count = 0;
    for v in vectors {
        sum.iter_mut().zip(v).for_each(|(s, x)| *s += x);
        count += 1;
    }
    count.max(1)
}

/// sign(v)·max(|v| − κ, 0).
pub fn soft_threshold(v: f32, kappa: f32) -> f32 {
    v.signum() * (v.abs() - kappa).max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn soft_threshold_shrinks_towards_zero() {
        assert_relative_eq!(soft_threshold(3.0, 1.0), 2.0);
        assert_relative_eq!(soft_threshold(-3.0, 1.0), -2.0);
        assert_eq!(soft_threshold(0.5, 1.0), 0.0);
    }

    #[test]
    fn merging_models_averages_them() {
        let mut global = GlobalModel::new(vec![0.0; 2]);
        merge_models(&mut global, [&[1.0, 2.0][..], &[3.0, 6.0][..]]);
        assert_eq!((global.params.clone(), global.version), (vec![2.0, 4.0], 1));
    }

    #[test]
    fn merging_gradients_steps_on_their_mean_over_all_rows() {
        let mut global = GlobalModel::new(vec![1.0]);
        merge_gradients(
            &mut global,
            [(&[4.0][..], 2), (&[2.0][..], 1)],
            Sgd { lr: 0.5, l2: 0.0 },
        );
        assert_relative_eq!(global.params[0], 0.0);
    }

    #[test]
    fn admm_merge_soft_thresholds_the_mean() {
        let mut global = GlobalModel::new(vec![0.0]);
        merge_admm(
            &mut global,
            [&[3.0][..], &[5.0][..]],
            Admm {
                rho: 0.5,
                lambda: 1.0,
                local_epochs: 1,
            },
        );
        assert_relative_eq!(global.params[0], 3.0);
    }
}
