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
    merge_models, sgd_epoch_on,
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
    /// Stop before `epochs` once the training loss stops improving.
    pub stop: Option<Convergence>,
}

/// When a run has converged: `patience` epochs in a row whose training loss is not below
/// (1 − `tol`) × the best loss before them (scikit-learn's SGD stops the same way, with an
/// absolute tolerance).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Convergence {
    pub tol: f64,
    pub patience: usize,
}

impl Default for Convergence {
    fn default() -> Self {
        Convergence {
            tol: 1e-3,
            patience: 5,
        }
    }
}

impl Convergence {
    /// Whether the run whose training losses after each epoch are `losses` has converged.
    pub fn reached(&self, losses: &[f64]) -> bool {
        let mut best = f64::INFINITY;
        let mut stalled = 0;
        for &loss in losses {
            if loss < best * (1.0 - self.tol) {
                stalled = 0;
            } else {
                stalled += 1;
            }
            best = best.min(loss);
        }
        stalled >= self.patience
    }
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
#[derive(Debug, Clone, Default, PartialEq)]
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
    let mut workers = make_workers(kernel, data, partition, config.batch_size);
    let mut global = GlobalModel::new(kernel.init_params(config.seed));
    let mut outcome = TrainOutcome::default();
    for epoch in 1..=config.epochs {
        let started = Instant::now();
        outcome.flops += run_epoch(kernel, &mut workers, &mut global, config, &mut outcome.comm);
        outcome.seconds += started.elapsed().as_secs_f64();
        let train_loss = kernel.evaluate(&global.params, data).loss;
        outcome.losses.push(train_loss);
        let (params, comm, seconds) = (global.params.as_slice(), outcome.comm, outcome.seconds);
        observer(&EpochReport {
            epoch,
            train_loss,
            params,
            comm,
            seconds,
        });
        if config
            .stop
            .is_some_and(|stop| stop.reached(&outcome.losses))
        {
            break;
        }
    }
    outcome.params = global.params;
    outcome
}

/// One worker per piece of `partition`, each with its share of the global batch.
pub fn make_workers<'a>(
    kernel: &dyn Kernel,
    data: &'a Dataset,
    partition: &'a Partition,
    batch_size: usize,
) -> Vec<Worker<'a>> {
    let count = partition.workers();
    (0..count)
        .map(|j| Worker::new(kernel, j, count, partition.shard(data, j), batch_size))
        .collect()
}

/// One epoch of the configured algorithm; returns the floating-point operations of the rounds.
fn run_epoch(
    kernel: &dyn Kernel,
    workers: &mut [Worker],
    global: &mut GlobalModel,
    config: &TrainConfig,
    comm: &mut CommStats,
) -> u64 {
    let model_bytes = kernel.model_bytes();
    let reports = match config.algorithm {
        Algorithm::GaSgd if workers.len() == 1 => {
            return single_worker_ga_epoch(kernel, &mut workers[0], global, config, comm);
        }
        Algorithm::GaSgd => {
            return (0..rounds_per_epoch(workers))
                .map(|r| ga_step(kernel, workers, global, config, r, comm))
                .sum();
        }
        Algorithm::MaSgd => {
            let params = &global.params;
            let reports =
                for_each_worker(workers, true, |w| ma_round(kernel, w, params, config.sgd));
            merge_models(global, workers.iter().map(|w| w.contribution.as_slice()));
            reports
        }
        Algorithm::Admm(admm) => {
            let z = &global.params;
            let reports = for_each_worker(workers, true, |w| {
                admm_round(kernel, w, z, admm, config.sgd.lr)
            });
            merge_admm(
                global,
                workers.iter().map(|w| w.contribution.as_slice()),
                admm,
            );
            reports
        }
    };
    comm.record_round(workers.len(), model_bytes, model_bytes);
    total_flops(&reports)
}

/// GA-SGD with one worker is local mini-batch SGD on the global model: the epoch runs as one
/// [`Kernel::sgd_pass`] (sparse-aware kernels skip the per-round O(parameters) work), with
/// the rounds and their messages counted as [`ga_step`] counts them.
fn single_worker_ga_epoch(
    kernel: &dyn Kernel,
    worker: &mut Worker,
    global: &mut GlobalModel,
    config: &TrainConfig,
    comm: &mut CommStats,
) -> u64 {
    let report = sgd_epoch_on(kernel, worker, &mut global.params, config.sgd);
    let rounds = worker.batches_per_epoch();
    global.version += rounds as u64;
    worker.rounds_done += rounds as u64;
    for _ in 0..rounds {
        comm.record_round(1, kernel.model_bytes(), kernel.model_bytes());
    }
    report.cost.flops
}

/// One GA-SGD round: every worker's gradient on mini-batch `round`, then one merged step.
fn ga_step(
    kernel: &dyn Kernel,
    workers: &mut [Worker],
    global: &mut GlobalModel,
    config: &TrainConfig,
    round: usize,
    comm: &mut CommStats,
) -> u64 {
    let params = &global.params;
    let split = config.batch_size >= PARALLEL_MIN_ROWS;
    let reports = for_each_worker(workers, split, |w| {
        ga_round(kernel, w, params, w.batch(round))
    });
    let contributions = workers
        .iter()
        .zip(&reports)
        .map(|(w, r)| (w.contribution.as_slice(), r.rows));
    merge_gradients(global, contributions, config.sgd);
    comm.record_round(workers.len(), kernel.model_bytes(), kernel.model_bytes());
    total_flops(&reports) + kernel.step_cost().flops
}

fn total_flops(reports: &[RoundReport]) -> u64 {
    reports.iter().map(|r| r.cost.flops).sum()
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::synthetic::{higgs_like, rcv1_like};
    use crate::kernels::LogisticRegression;
    use crate::kernels::distributed::Admm;
    use approx::assert_relative_eq;

    fn config(algorithm: Algorithm, workers: usize, batch_size: usize) -> TrainConfig {
        TrainConfig {
            algorithm,
            workers,
            epochs: 3,
            batch_size,
            sgd: Sgd { lr: 0.5, l2: 1e-4 },
            seed: 5,
            stop: None,
        }
    }

    /// Row ids in the order single-worker SGD must visit them to see, in every round, exactly
    /// the rows the w workers see together: round r takes each worker's r-th local batch.
    fn interleaved_order(partition: &Partition, data: &Dataset, batch_size: usize) -> Vec<u32> {
        let shards = partition.shards(data);
        let w = shards.len();
        let mut order = Vec::new();
        for round in 0.. {
            let before = order.len();
            for (j, shard) in shards.iter().enumerate() {
                let b = super::super::worker::local_batch(batch_size, w, j);
                let start = (round * b).min(shard.len());
                order.extend_from_slice(&shard.ids()[start..(start + b).min(shard.len())]);
            }
            if order.len() == before {
                return order;
            }
        }
        unreachable!()
    }

    #[test]
    fn ga_sgd_over_workers_equals_single_worker_sgd_with_the_same_global_batch() {
        let data = higgs_like(1_200, 8);
        let kernel = LogisticRegression::new(data.features());
        let partition = Partition::shuffled(data.rows(), 4, 3);
        let distributed = train_partitioned(
            &kernel,
            &data,
            &partition,
            &config(Algorithm::GaSgd, 4, 40),
            &mut |_| {},
        );
        let single = Partition::from_order(interleaved_order(&partition, &data, 40), 1);
        let reference = train_partitioned(
            &kernel,
            &data,
            &single,
            &config(Algorithm::GaSgd, 1, 40),
            &mut |_| {},
        );
        // Equal up to float summation order: the workers' partial gradient sums are added
        // together, where the single worker sums the same rows in one run.
        for (a, b) in distributed.params.iter().zip(&reference.params) {
            assert_relative_eq!(a, b, epsilon = 1e-5, max_relative = 1e-4);
        }
        assert_eq!(distributed.comm.rounds, reference.comm.rounds);
    }

    #[test]
    fn convergence_needs_patience_epochs_without_a_relative_improvement() {
        let stop = Convergence {
            tol: 0.01,
            patience: 2,
        };
        assert!(!stop.reached(&[1.0, 0.9, 0.8]));
        assert!(!stop.reached(&[1.0, 0.995]));
        assert!(stop.reached(&[1.0, 0.995, 0.992]));
        assert!(
            !stop.reached(&[1.0, 0.995, 0.98]),
            "an improvement resets the count"
        );
        assert!(
            stop.reached(&[1.0, 1.2, 1.1]),
            "a rising loss counts as stalled"
        );
    }

    #[test]
    fn a_converged_run_stops_before_its_epoch_limit() {
        let data = higgs_like(600, 3);
        let kernel = LogisticRegression::new(data.features());
        let mut cfg = config(Algorithm::GaSgd, 1, 50);
        cfg.epochs = 500;
        cfg.stop = Some(Convergence::default());
        let outcome = train(&kernel, &data, &cfg, &mut |_| {});
        let epochs = outcome.losses.len();
        assert!(epochs < 500, "ran all {epochs} epochs");
        assert!(Convergence::default().reached(&outcome.losses));
        assert!(!Convergence::default().reached(&outcome.losses[..epochs - 1]));
    }

    #[test]
    fn every_algorithm_lowers_the_training_loss_on_sparse_data() {
        let data = rcv1_like(2_000, 4);
        let kernel = LogisticRegression::new(data.features());
        let start = kernel.evaluate(&kernel.init_params(0), &data).loss;
        let admm = Algorithm::Admm(Admm {
            rho: 1e-3,
            lambda: 1e-7,
            local_epochs: 2,
        });
        for algorithm in [Algorithm::GaSgd, Algorithm::MaSgd, admm] {
            let mut cfg = config(algorithm, 4, 64);
            cfg.sgd.lr = 4.0;
            let outcome = train(&kernel, &data, &cfg, &mut |_| {});
            assert!(
                outcome.losses[2] < 0.95 * start,
                "{algorithm:?}: {:?} vs {start}",
                outcome.losses
            );
        }
    }

    #[test]
    fn communication_is_counted_per_round() {
        let data = higgs_like(1_000, 1);
        let kernel = LogisticRegression::new(28);
        let ga = train(
            &kernel,
            &data,
            &config(Algorithm::GaSgd, 5, 100),
            &mut |_| {},
        );
        let ma = train(
            &kernel,
            &data,
            &config(Algorithm::MaSgd, 5, 100),
            &mut |_| {},
        );
        let model_bytes = 29 * 4;
        assert_eq!(
            ga.comm,
            CommStats {
                rounds: 30,
                messages: 300,
                bytes: 30 * 5 * 2 * model_bytes
            }
        );
        assert_eq!(
            ma.comm,
            CommStats {
                rounds: 3,
                messages: 30,
                bytes: 3 * 5 * 2 * model_bytes
            }
        );
    }

    #[test]
    fn the_observer_sees_every_epoch_in_order() {
        let data = higgs_like(300, 2);
        let mut epochs = Vec::new();
        let outcome = train(
            &LogisticRegression::new(28),
            &data,
            &config(Algorithm::MaSgd, 2, 30),
            &mut |r| epochs.push((r.epoch, r.train_loss)),
        );
        assert_eq!(
            epochs.iter().map(|e| e.0).collect::<Vec<_>>(),
            vec![1, 2, 3]
        );
        assert_eq!(
            epochs.iter().map(|e| e.1).collect::<Vec<_>>(),
            outcome.losses
        );
    }
}
