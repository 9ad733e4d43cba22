//! # Workload facts
//!
//! The quantities of a workload that do not depend on the configuration, computed once per
//! scenario so that evaluating one configuration is a handful of arithmetic operations: bytes
//! per synchronisation, rounds, work per sample, data sizes (LambdaML's R × (compute + comm)).

use crate::profile::StoredFormat;
use crate::scenario::{Algorithm, ModelKind, Recipe, TrainingLength, Workload};

/// Configuration-independent facts of a workload.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkloadFacts {
    /// The algorithm and global mini-batch the facts are of.
    pub recipe: Recipe,
    /// Rows of the training set.
    pub rows: f64,
    /// Bytes of the model (fp32).
    pub model_bytes: f64,
    /// Bytes each worker sends per synchronisation (twice the model for ADMM's [u, w]).
    pub sync_bytes: f64,
    /// Training FLOPs per sample.
    pub flops_per_sample: f64,
    /// Arithmetic intensity of the training kernel.
    pub flops_per_byte: f64,
    /// A network's intensity counted from its layers, which a framework's rate follows.
    pub layer_intensity: Option<f64>,
    /// Whether the model is a neural network (runs on a GPU where there is one).
    pub neural: bool,
    /// Bytes of the dataset in storage, read once by all workers together.
    pub stored_bytes: f64,
    /// Bytes of the dataset in memory, split across workers.
    pub memory_bytes: f64,
    /// Synchronisation rounds in the whole run.
    pub rounds: f64,
    /// Samples processed per round by all workers together.
    pub samples_per_round: f64,
    /// Epochs (passes over the data) in the run.
    pub epochs: f64,
    /// Rounds per epoch (for per-epoch barriers).
    pub rounds_per_epoch: f64,
    /// FLOPs each worker spends per round on model updates (SGD steps of 3 FLOPs a parameter).
    pub update_flops_per_round: f64,
    /// Mini-batch steps each worker takes per round (each pays the runtime's step overhead).
    pub steps_per_round: f64,
    /// How the dataset is stored (text is parsed on loading).
    pub stored_format: StoredFormat,
}

/// Why the facts cannot be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FactsError {
    #[error(
        "workload.epochs = \"auto\" needs the simulator to find R: run `stratus simulate`, then set workload.epochs"
    )]
    EpochsUnknown,
    #[error(
        "workload.algorithm and workload.batch_size list {count} combinations: `plan` (and `report`, and `simulate` of the best plan) search them; this command needs one (--set workload.algorithm=ma-sgd --set workload.batch_size=1000)"
    )]
    SeveralRecipes { count: usize },
}

impl WorkloadFacts {
    /// Derives the facts of a checked workload.
    pub fn new(workload: &Workload) -> Result<Self, FactsError> {
        if workload.recipes.len() > 1 {
            return Err(FactsError::SeveralRecipes {
                count: workload.recipes.len(),
            });
        }
        let rows = workload.dataset.rows as f64;
        let batch = (workload.batch_size as f64).min(rows);
        let batches_per_epoch = (rows / batch).ceil();
        let kmeans = match workload.model.kind {
            ModelKind::KMeans { k } => Some(f64::from(k)),
            _ => None,
        };
        // k-means makes one Lloyd step (a pass over the data) per round, whatever the algorithm.
        let rounds_per_epoch = match (kmeans, workload.algorithm) {
            (Some(_), _) => 1.0,
            (None, Algorithm::GaSgd) => batches_per_epoch,
            (None, Algorithm::MaSgd) => 1.0,
            (None, Algorithm::Admm) => 1.0 / f64::from(workload.local_epochs),
        };
        // k-means takes one step (a Lloyd pass) per round; SGD one per mini-batch it trains on.
        let steps_per_round = match (kmeans, workload.algorithm) {
            (Some(_), _) | (None, Algorithm::GaSgd) => 1.0,
            (None, Algorithm::MaSgd) => batches_per_epoch,
            (None, Algorithm::Admm) => f64::from(workload.local_epochs) * batches_per_epoch,
        };
        let update_flops_per_round = match kmeans {
            Some(_) => 0.0,
            None => steps_per_round * 3.0 * workload.model.params as f64,
        };
        let (epochs, rounds) = match workload.length {
            TrainingLength::Epochs(epochs) => (epochs, (epochs * rounds_per_epoch).ceil().max(1.0)),
            TrainingLength::Iterations(n) => (n as f64 / rounds_per_epoch, n as f64),
            TrainingLength::Auto { .. } => return Err(FactsError::EpochsUnknown),
        };
        let model_bytes = workload.model.bytes();
        Ok(WorkloadFacts {
            recipe: workload.recipe(),
            rows,
            model_bytes,
            sync_bytes: match (kmeans, workload.algorithm) {
                // Per-cluster sums and counts in f64.
                (Some(k), _) => 8.0 * k * (workload.dataset.features as f64 + 1.0),
                (None, Algorithm::Admm) => 2.0 * model_bytes,
                (None, _) => model_bytes,
            },
            flops_per_sample: workload.model.flops_per_sample,
            flops_per_byte: workload.model.flops_per_byte,
            layer_intensity: workload.model.layer_intensity,
            neural: workload.model.is_neural(),
            stored_bytes: workload.dataset.stored_bytes,
            memory_bytes: workload.dataset.memory_bytes(),
            rounds,
            samples_per_round: rows / rounds_per_epoch,
            epochs,
            rounds_per_epoch,
            update_flops_per_round,
            steps_per_round,
            stored_format: workload.dataset.stored_format,
        })
    }

    /// Generations of a per-epoch lifecycle: each trains the rounds of one epoch (at least one
    /// round: one ADMM round covers `local_epochs` epochs), until the run's rounds are done.
    pub fn generations(&self) -> f64 {
        (self.rounds / self.rounds_per_epoch.ceil().max(1.0))
            .ceil()
            .max(1.0)
    }

    /// Bytes in memory of the mini-batch one of `workers` workers trains on per step.
    pub fn batch_bytes(&self, workers: u32) -> f64 {
        let rows_per_step = self.samples_per_round / self.steps_per_round / f64::from(workers);
        rows_per_step.min(self.rows) * self.memory_bytes / self.rows
    }

    /// Times a worker that streams its shard reads it again after the first: once at every
    /// epoch boundary a round starts on.
    pub fn reloads(&self) -> f64 {
        ((self.rounds - 1.0).max(0.0) / self.rounds_per_epoch + 1e-9).floor()
    }

    /// Epoch boundaries crossed between round `round − 1` and round `round` (0-based rounds):
    /// the reloads a streaming worker makes before it; they add up to [`Self::reloads`].
    pub fn reloads_before_round(&self, round: u64) -> f64 {
        if round == 0 {
            return 0.0;
        }
        let epochs_at = |r: f64| (r / self.rounds_per_epoch + 1e-9).floor();
        epochs_at(round as f64) - epochs_at(round as f64 - 1.0)
    }

    /// Seconds of a runtime's fixed work per step in one worker's round on one vCPU.
    pub fn step_overhead_s(&self, runtime: &crate::profile::Runtime) -> f64 {
        self.steps_per_round * runtime.step_overhead_s
    }

    /// Seconds one of `workers` workers spends gathering its rows of a round into mini-batches
    /// on one vCPU.
    pub fn batching_s(&self, runtime: &crate::profile::Runtime, workers: u32) -> f64 {
        self.samples_per_round / f64::from(workers) * runtime.row_overhead_s
    }

    /// FLOPs one of `workers` workers spends per round: its share of the round's samples, and
    /// its model updates.
    pub fn flops_per_worker_round(&self, workers: u32) -> f64 {
        self.samples_per_round / f64::from(workers) * self.flops_per_sample
            + self.update_flops_per_round
    }
}
