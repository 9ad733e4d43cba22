//! # Distributed training over in-process workers
//!
//! The three algorithms LambdaML compares (Jiang et al., SIGMOD 2021), as building blocks a
//! discrete-event simulator can interleave in virtual time, plus a thin synchronous driver:
//!
//! * **GA-SGD** — every round each worker computes the gradient of the global model on its next
//!   local mini-batch; the merged (summed) gradients make one SGD step.
//! * **MA-SGD** — every round each worker runs one local epoch of mini-batch SGD from the
//!   global model; the merged model is the workers' average.
//! * **ADMM** — consensus ADMM (Boyd et al., *Foundations and Trends in ML* 2011, §7–8): each
//!   worker runs local epochs of SGD on its loss plus ρ/2‖w − z + u‖², the merge sets
//!   z = S_{λ/(Nρ)}(mean(w_i + u_i)) by soft-thresholding, and each worker's dual follows
//!   u ← u + w − z when it receives z.
//! * **k-means** — every round each worker sends per-cluster sums and counts ([`kmeans`]).
//!
//! Batch semantics: `batch_size` is the **global** mini-batch. Worker j of w takes
//! ⌊B/w⌋ rows of its shard per round, plus one when j < B mod w, so a GA-SGD round uses exactly
//! B rows, and GA-SGD over w workers is mini-batch SGD with batch B on the interleaved rows.
//! An epoch is as many rounds as the longest shard needs. Workers may run in parallel (rayon);
//! merges add contributions in worker order, so results are bit-for-bit the same for a seed
//! whatever the thread count.
//!
//! Communication is counted as each worker uploading its contribution once and downloading
//! the merged result once per round: 2·w messages and 2·w·m bytes for an m-byte model.

pub mod driver;
pub mod kmeans;
pub mod rounds;
pub mod worker;

pub use driver::{
    Convergence, EpochReport, TrainConfig, TrainOutcome, make_workers, train, train_partitioned,
};
pub use rounds::{
    GlobalModel, RoundReport, admm_round, ga_round, ma_round, merge_admm, merge_gradients,
    merge_models,
};
pub use worker::{Worker, rounds_per_epoch};

/// Which distributed algorithm trains the model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Algorithm {
    /// Gradient averaging every mini-batch.
    GaSgd,
    /// Model averaging every epoch.
    MaSgd,
    /// Consensus ADMM: `local_epochs` local passes per round with penalty `rho`, L1 strength
    /// `lambda` on the consensus model.
    Admm(Admm),
}

/// ADMM settings. The local loss is the *mean* loss of the worker's shard, so ρ is relative to
/// it: with learning rate η each local step pulls w towards z − u by η·ρ of the gap (keep η·ρ
/// well below 1/steps-per-epoch or the workers barely move).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Admm {
    pub rho: f32,
    pub lambda: f32,
    pub local_epochs: usize,
}

impl Default for Admm {
    fn default() -> Self {
        Admm {
            rho: 0.01,
            lambda: 0.0,
            local_epochs: 2,
        }
    }
}

/// Bytes and messages exchanged with the merge point.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CommStats {
    pub rounds: u64,
    pub messages: u64,
    pub bytes: u64,
}

impl CommStats {
    /// Adds another run's counts.
    pub fn add(&mut self, other: CommStats) {
        self.rounds += other.rounds;
        self.messages += other.messages;
        self.bytes += other.bytes;
    }

    /// Counts one synchronous round: each of `workers` uploads `up_bytes` and downloads `down_bytes`.
    pub fn record_round(&mut self, workers: usize, up_bytes: usize, down_bytes: usize) {
        self.rounds += 1;
        self.messages += 2 * workers as u64;
        self.bytes += (workers * (up_bytes + down_bytes)) as u64;
    }
}
