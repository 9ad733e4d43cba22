//! # Trainer: the arithmetic of a simulated run
//!
//! Executes the real kernels for each worker of a simulated run (LambdaML's GA-SGD, MA-SGD,
//! ADMM and distributed k-means) while the simulator decides when. Under BSP every worker
//! computes on the merged model of the previous round and the merge happens once all have
//! contributed; under asynchronous protocols a worker computes on whatever model it read — a
//! stale one if others wrote since — and its result overwrites the shared model.

use rayon::prelude::*;

use crate::data::{Dataset, Partition, Shard};
use crate::kernels::Kernel;
use crate::kernels::distributed::kmeans::{kmeans_round, merge_kmeans};
use crate::kernels::distributed::{
    Admm, GlobalModel, RoundReport, Worker, admm_round, ga_round, ma_round, make_workers,
    merge_admm, merge_gradients, merge_models,
};
use crate::kernels::kmeans::KMeans;
use crate::kernels::sgd::Sgd;
use crate::scenario::Algorithm;

use super::data::Math;

/// Work one worker did in one round, at full scale.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Work {
    /// FLOPs charged to the clock (the full dataset's, not only the executed rows').
    pub flops: f64,
    pub loss_sum: f64,
    pub rows: usize,
}

/// How work on executed rows scales to the scenario: a worker's round is charged for its share
/// of the full dataset's rows at the kernel's measured FLOPs per executed row, so a scaled-down
/// sample neither shrinks the clock nor skews it by rounding batches.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scaling {
    /// Rows of the full dataset each worker processes per round.
    pub rows_per_round: f64,
    pub flops: f64,
    /// Model-update FLOPs per worker and round at the scenario's model size.
    pub update_flops: f64,
}

/// Learning settings of a run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Learning {
    pub algorithm: Algorithm,
    pub sgd: Sgd,
    pub admm: Admm,
    /// Rounds per epoch (GA-SGD mini-batches).
    pub rounds_per_epoch: usize,
}

/// The workers' state and the global model of one run.
pub struct Trainer<'a> {
    math: &'a Math,
    data: &'a Dataset,
    learning: Learning,
    scaling: Scaling,
    /// Gradient workers (empty for k-means, whose workers need only their shards).
    workers: Vec<Worker<'a>>,
    shards: Vec<Shard<'a>>,
    global: GlobalModel,
    contributed: usize,
    /// Reports of the current BSP round computed ahead for the workers yet to collect them.
    ready: Vec<Option<RoundReport>>,
    /// How many of `ready` are still to be collected.
    uncollected: usize,
    rows: Vec<usize>,
    stats: Vec<Vec<f64>>,
    stats_sum: Vec<f64>,
}

impl<'a> Trainer<'a> {
    /// Workers over `partition` of `data`, sharing the global `batch_size` (executed rows).
    pub fn new(
        math: &'a Math,
        data: &'a Dataset,
        partition: &'a Partition,
        batch_size: usize,
        learning: Learning,
        scaling: Scaling,
        seed: u64,
    ) -> Self {
        let (params, workers, stats_len) = match math {
            Math::Gradient(kernel) => (
                kernel.init_params(seed),
                make_workers(kernel.as_ref(), data, partition, batch_size),
                0,
            ),
            Math::KMeans(km) => {
                let ids: Vec<u32> = (0..data.rows() as u32).collect();
                let centroids = km.init_plus_plus(&Shard::new(data, &ids), seed);
                (centroids, Vec::new(), km.stats_len())
            }
        };
        let count = partition.workers();
        Trainer {
            math,
            data,
            learning,
            scaling,
            workers,
            shards: partition.shards(data),
            global: GlobalModel::new(params),
            contributed: 0,
            ready: vec![None; count],
            uncollected: 0,
            rows: vec![0; count],
            stats: vec![vec![0.0; stats_len]; count],
            stats_sum: vec![0.0; stats_len],
        }
    }

    /// The arithmetic and the executed data the trainer computes with.
    pub fn parts(&self) -> (&'a Math, &'a Dataset) {
        (self.math, self.data)
    }

    /// The number of workers.
    pub fn workers(&self) -> usize {
        self.shards.len()
    }

    /// The global model (BSP) or the initial one.
    pub fn params(&self) -> &[f32] {
        &self.global.params
    }

    /// Starts from `params` (a model trained earlier) instead of the seeded initial one.
    pub fn start_from(&mut self, params: &[f32]) {
        self.global.params.copy_from_slice(params);
    }

    /// Worker `j`'s round `round` on the global model; merges when the last worker contributes.
    ///
    /// Under BSP every worker's round reads only the merged model and its own state, so the
    /// first worker to reach a round computes the round of all of them at once, across cores;
    /// the others collect their report when their turn comes in virtual time. Each worker's
    /// arithmetic is the same whichever thread runs it, so results do not depend on the
    /// thread count.
    pub fn compute(&mut self, j: usize, round: u64) -> Work {
        if self.uncollected == 0 {
            self.compute_all(round);
            self.uncollected = self.ready.len();
        }
        let report = match self.ready[j].take() {
            Some(report) => {
                self.uncollected -= 1;
                report
            }
            None => self.compute_one(j, round),
        };
        self.rows[j] = report.rows;
        self.contributed += 1;
        if self.contributed == self.shards.len() {
            self.merge();
        }
        self.work(j, &report)
    }

    /// Every worker's round `round` on the current global model, in parallel.
    fn compute_all(&mut self, round: u64) {
        let in_epoch = round as usize % self.learning.rounds_per_epoch.max(1);
        let (global, learning) = (&self.global.params, self.learning);
        self.ready = match self.math {
            Math::Gradient(kernel) => self
                .workers
                .par_iter_mut()
                .map(|worker| {
                    Some(gradient_round(
                        kernel.as_ref(),
                        worker,
                        global,
                        learning,
                        in_epoch,
                    ))
                })
                .collect(),
            Math::KMeans(km) => self
                .shards
                .par_iter()
                .zip(self.stats.par_iter_mut())
                .map(|(shard, stats)| Some(kmeans_report(km, global, shard, stats)))
                .collect(),
        };
    }

    /// Worker `j`'s round alone (a worker that comes back within a round it already computed).
    fn compute_one(&mut self, j: usize, round: u64) -> RoundReport {
        let in_epoch = round as usize % self.learning.rounds_per_epoch.max(1);
        let global = &self.global.params;
        match self.math {
            Math::Gradient(kernel) => gradient_round(
                kernel.as_ref(),
                &mut self.workers[j],
                global,
                self.learning,
                in_epoch,
            ),
            Math::KMeans(km) => kmeans_report(km, global, &self.shards[j], &mut self.stats[j]),
        }
    }

    fn merge(&mut self) {
        self.contributed = 0;
        match self.math {
            Math::KMeans(km) => merge_kmeans(
                km,
                &mut self.global.params,
                self.stats.iter().map(Vec::as_slice),
                &mut self.stats_sum,
            ),
            Math::Gradient(_) => {
                let contributions = self.workers.iter().map(|w| w.contribution.as_slice());
                match self.learning.algorithm {
                    Algorithm::GaSgd => merge_gradients(
                        &mut self.global,
                        contributions.zip(self.rows.iter().copied()),
                        self.learning.sgd,
                    ),
                    Algorithm::MaSgd => merge_models(&mut self.global, contributions),
                    Algorithm::Admm => {
                        merge_admm(&mut self.global, contributions, self.learning.admm)
                    }
                }
            }
        }
    }

    /// Worker `j`'s round on the model it read; returns its work and the model it writes back.
    pub fn compute_async(&mut self, j: usize, round: u64, snapshot: &[f32]) -> (Work, Vec<f32>) {
        let in_epoch = round as usize % self.learning.rounds_per_epoch.max(1);
        let Math::Gradient(kernel) = self.math else {
            unreachable!("asynchronous protocols are refused for k-means before a run starts")
        };
        let worker = &mut self.workers[j];
        let report = match self.learning.algorithm {
            Algorithm::GaSgd => {
                let batch = worker.batch(in_epoch % worker.batches_per_epoch().max(1));
                let report = ga_round(kernel.as_ref(), worker, snapshot, batch);
                worker.params.copy_from_slice(snapshot);
                kernel.step(
                    &mut worker.params,
                    &worker.contribution,
                    report.rows,
                    self.learning.sgd,
                );
                report
            }
            _ => ma_round(kernel.as_ref(), worker, snapshot, self.learning.sgd),
        };
        let model = match self.learning.algorithm {
            Algorithm::GaSgd => worker.params.clone(),
            _ => worker.contribution.clone(),
        };
        (self.work(j, &report), model)
    }

    /// The clock's view of worker `j`'s round: the kernel's FLOPs per executed row (its local
    /// SGD steps taken out, since those follow the model's size, not the rows) times its share of
    /// the full dataset, plus the model updates at the scenario's model size.
    fn work(&self, j: usize, report: &RoundReport) -> Work {
        let (step, batches) = match self.math {
            Math::Gradient(kernel) => (
                kernel.step_cost().flops as f64,
                self.workers[j].batches_per_epoch() as f64,
            ),
            Math::KMeans(_) => (0.0, 0.0),
        };
        let steps = match self.learning.algorithm {
            Algorithm::GaSgd => 0.0,
            Algorithm::MaSgd => batches,
            Algorithm::Admm => self.learning.admm.local_epochs as f64 * batches,
        };
        let data_flops = (report.cost.flops as f64 - steps * step).max(0.0);
        let per_row = data_flops / report.rows.max(1) as f64;
        Work {
            flops: per_row * self.scaling.rows_per_round * self.scaling.flops
                + self.scaling.update_flops,
            loss_sum: report.loss_sum,
            rows: report.rows,
        }
    }

    /// Mean training loss of `params` on the executed data (inertia per row for k-means).
    pub fn train_loss(&self, params: &[f32]) -> f64 {
        evaluate(self.math, params, self.data).0
    }
}

/// Mean loss (inertia per row for k-means) and accuracy (NaN for k-means) of `params`.
pub fn evaluate(math: &Math, params: &[f32], data: &Dataset) -> (f64, f64) {
    match math {
        Math::Gradient(kernel) => {
            let e = kernel.evaluate(params, data);
            (e.loss, e.accuracy)
        }
        Math::KMeans(km) => (
            km.inertia(params, data) / data.rows().max(1) as f64,
            f64::NAN,
        ),
    }
}

/// One gradient worker's synchronous round of `learning.algorithm` on `global`.
fn gradient_round(
    kernel: &dyn Kernel,
    worker: &mut Worker,
    global: &[f32],
    learning: Learning,
    in_epoch: usize,
) -> RoundReport {
    match learning.algorithm {
        Algorithm::GaSgd => {
            let batch = worker.batch(in_epoch % worker.batches_per_epoch().max(1));
            ga_round(kernel, worker, global, batch)
        }
        Algorithm::MaSgd => ma_round(kernel, worker, global, learning.sgd),
        Algorithm::Admm => admm_round(kernel, worker, global, learning.admm, learning.sgd.lr),
    }
}

/// One k-means worker's round: its shard's statistics against `centroids`.
fn kmeans_report(km: &KMeans, centroids: &[f32], shard: &Shard, stats: &mut [f64]) -> RoundReport {
    let inertia = kmeans_round(km, centroids, shard, stats);
    RoundReport {
        rows: shard.len(),
        loss_sum: inertia,
        cost: km.batch_cost(shard, 0..shard.len()),
    }
}
