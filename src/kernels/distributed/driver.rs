//! # Synchronous training driver
//!
//! Bulk-synchronous (BSP) training in process: every round all workers run in parallel on
//! the same global model version, then their contributions merge in worker order. After each
//! epoch the observer gets the exact training loss of the global model. A thin loop over
//! [`super::rounds`]; the simulator replaces it to run the same blocks in virtual time.

use std::time::Instant;

use rayon::prelude::*;

use super::rounds::{
    GlobalModel, RoundReport, admm_round, ga_round, ma_round, merge_admm, merge_gradients,
    merge_models,
};
use super::{Algorithm, CommStats, Worker, rounds_per_epoch};
use crate::data::shard::shuffled_order;
use crate::data::{Dataset, Partition};
use crate::kernels::Kernel;
use crate::kernels::sgd::Sgd;

/// Settings of a distributed training run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrainConfig {
    pub algorithm: Algorithm,
    pub workers: usize,
    /// Passes over the data (GA-SGD, MA-SGD) or ADMM rounds of `local_epochs` passes each.
    pub epochs: usize,
    /// Global mini-batch size (see the module docs of [`super`]).
    pub batch_size: usize,
    pub sgd: Sgd,
    /// Seeds the partition and the initial parameters.
    pub seed: u64,
}

/// Progress after one epoch.
#[derive(Debug, Clone, Copy)]
pub struct EpochReport<'a> {
    /// 1-based.
    pub epoch: usize,
    /// Mean loss of the global model over the whole training set.
    pub train_loss: f64,
    pub params: &'a [f32],
    pub comm: CommStats,
    /// Wall-clock seconds spent in rounds and merges so far (evaluation excluded).
    pub seconds: f64,
}

/// The trained model and what it took.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainOutcome {
    pub params: Vec<f32>,
    /// Training loss after each epoch.
    pub losses: Vec<f64>,
    pub comm: CommStats,
    pub seconds: f64,
    /// Floating-point operations of all workers' rounds.
    pub flops: u64,
}

/// Trains on a seeded shuffled partition of `data` across `config.workers` workers. Like
/// LambdaML's pre-partitioned files, the shuffled rows are first laid out contiguously (one
/// copy of the data for the whole run, none per worker), so each worker streams its shard
/// instead of gathering rows from random places; the result is the same as training on
/// [`Partition::shuffled`] views of `data`.
pub fn train(
    kernel: &dyn Kernel,
    data: &Dataset,
    config: &TrainConfig,
    observer: &mut dyn FnMut(&EpochReport),
) -> TrainOutcome {
    let laid_out = data.select(&shuffled_order(data.rows(), config.seed));
    let partition = Partition::in_order(data.rows(), config.workers);
    train_partitioned(kernel, &laid_out, &partition, config, observer)
}

/// Trains with a given partition (its worker count wins over `config.workers`).
pub fn train_partitioned(
    kernel: &dyn Kernel,
    data: &Dataset,
    partition: &Partition,
    config: &TrainConfig,
    observer: &mut dyn FnMut(&EpochReport),
) -> TrainOutcome {
    let count = partition.workers();
    let mut workers: Vec<Worker> = (0..count)
        .map(|j| {
            Worker::new(
                kernel,
                j,
                count,
                partition.shard(data, j),
                config.batch_size,
            )
        })
        .collect();
    let mut global = GlobalModel::new(kernel.init_params(config.seed));
    let mut outcome = TrainOutcome {
        params: Vec::new(),
        losses: Vec::new(),
        comm: CommStats::default(),
        seconds: 0.0,
        flops: 0,
    };
    for epoch in 1..=config.epochs {
        let started = Instant::now();
        let reports = run_epoch(kernel, &mut workers, &mut global, config, &mut outcome.comm);
        outcome.seconds += started.elapsed().as_secs_f64();
        outcome.flops += reports.iter().map(|r| r.cost.flops).sum::<u64>();
        let train_loss = kernel.evaluate(&global.params, data).loss;
        outcome.losses.push(train_loss);
        observer(&EpochReport {
            epoch,
            train_loss,
            params: &global.params,
            comm: outcome.comm,
            seconds: outcome.seconds,
        });
    }
    outcome.params = global.params;
    outcome
}

/// One epoch of the configured algorithm; returns every worker round's report.
fn run_epoch(
    kernel: &dyn Kernel,
    workers: &mut [Worker],
    global: &mut GlobalModel,
    config: &TrainConfig,
    comm: &mut CommStats,
) -> Vec<RoundReport> {
    let model_bytes = kernel.model_bytes();
    let mut reports = Vec::new();
    match config.algorithm {
        Algorithm::GaSgd => {
            for round in 0..rounds_per_epoch(workers) {
                let params = &global.params;
                let split = config.batch_size >= PARALLEL_MIN_ROWS;
                reports.extend(for_each_worker(workers, split, |w| {
                    ga_round(kernel, w, params, w.batch(round))
                }));
                let contributions = workers
                    .iter()
                    .zip(&reports[reports.len() - workers.len()..]);
                merge_gradients(
                    global,
                    contributions.map(|(w, r)| (w.contribution.as_slice(), r.rows)),
                    config.sgd,
                );
                comm.record_round(workers.len(), model_bytes, model_bytes);
            }
        }
        Algorithm::MaSgd => {
            let params = &global.params;
            reports = for_each_worker(workers, true, |w| ma_round(kernel, w, params, config.sgd));
            merge_models(global, workers.iter().map(|w| w.contribution.as_slice()));
            comm.record_round(workers.len(), model_bytes, model_bytes);
        }
        Algorithm::Admm(admm) => {
            let z = &global.params;
            reports = for_each_worker(workers, true, |w| {
                admm_round(kernel, w, z, admm, config.sgd.lr)
            });
            merge_admm(
                global,
                workers.iter().map(|w| w.contribution.as_slice()),
                admm,
            );
            comm.record_round(workers.len(), model_bytes, model_bytes);
        }
    }
    reports
}

/// Global batches below this many rows run their workers one after another: handing them to
/// threads would cost more than the gradients.
const PARALLEL_MIN_ROWS: usize = 4096;

/// Runs `round` on every worker, on threads when `split` and there are several, returning
/// reports in worker order (so results do not depend on the thread count).
fn for_each_worker(
    workers: &mut [Worker],
    split: bool,
    round: impl Fn(&mut Worker) -> RoundReport + Sync + Send,
) -> Vec<RoundReport> {
    if split && workers.len() > 1 {
        workers.par_iter_mut().map(round).collect()
    } else {
        workers.iter_mut().map(round).collect()
    }
}
