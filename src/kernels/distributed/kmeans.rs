//! # Distributed k-means
//!
//! Lloyd's algorithm over w workers as LambdaML runs it: each round every worker assigns its
//! shard's rows to the current centroids and sends per-cluster sums and counts; the merge adds
//! them in worker order and moves the centroids. Centroids start from greedy k-means++ on the
//! whole training set.

use rayon::prelude::*;

use super::CommStats;
use crate::data::shard::shuffled_order;
use crate::data::{Dataset, Partition};
use crate::kernels::kmeans::KMeans;

/// One worker's k-means round: statistics of its rows under `centroids` into `stats`
/// (cleared first); returns the rows' inertia.
pub fn kmeans_round(
    model: &KMeans,
    centroids: &[f32],
    shard: &crate::data::Shard,
    stats: &mut [f64],
) -> f64 {
    stats.fill(0.0);
    model.assign(centroids, shard, 0..shard.len(), stats)
}

/// Adds the workers' statistics in order and moves the centroids.
pub fn merge_kmeans<'c>(
    model: &KMeans,
    centroids: &mut [f32],
    stats: impl IntoIterator<Item = &'c [f64]>,
    sum: &mut [f64],
) {
    sum.fill(0.0);
    for s in stats {
        sum.iter_mut().zip(s).for_each(|(total, v)| *total += v);
    }
    model.update(centroids, sum);
}

/// Settings of a distributed k-means run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KMeansConfig {
    pub workers: usize,
    /// Lloyd rounds per run.
    pub iterations: usize,
    /// Runs from different k-means++ seeds (seed, seed + 1, …); the lowest final inertia wins.
    pub restarts: usize,
    /// Seeds the partition and the first run's k-means++ draw.
    pub seed: u64,
}

/// Centroids after `iterations` Lloyd rounds, with the inertia before each round and at the end.
#[derive(Debug, Clone, PartialEq)]
pub struct KMeansOutcome {
    pub centroids: Vec<f32>,
    /// Inertia of the centroids each round started from, then of the final centroids.
    pub inertia: Vec<f64>,
    pub comm: CommStats,
}

/// Runs distributed k-means `restarts` times from different k-means++ seeds and keeps the run
/// with the lowest final inertia (communication of every run is counted);
/// `observer(run, round, inertia)` sees each round's starting inertia (run and round 1-based).
pub fn train_kmeans(
    model: &KMeans,
    data: &Dataset,
    config: &KMeansConfig,
    observer: &mut dyn FnMut(usize, usize, f64),
) -> KMeansOutcome {
    let KMeansConfig {
        workers,
        iterations,
        restarts,
        seed,
    } = *config;
    let laid_out = data.select(&shuffled_order(data.rows(), seed));
    let partition = Partition::in_order(data.rows(), workers);
    let mut best: Option<KMeansOutcome> = None;
    let mut comm = CommStats::default();
    for restart in 0..restarts.max(1) as u64 {
        let run = lloyd_run(
            model,
            &laid_out,
            &partition,
            iterations,
            seed.wrapping_add(restart),
            &mut |round, inertia| observer(restart as usize + 1, round, inertia),
        );
        comm.add(run.comm);
        if best
            .as_ref()
            .is_none_or(|b| run.inertia.last() < b.inertia.last())
        {
            best = Some(run);
        }
    }
    KMeansOutcome {
        comm,
        ..best.expect("at least one run")
    }
}

/// One distributed Lloyd run from a k-means++ start seeded by `seed`.
fn lloyd_run(
    model: &KMeans,
    data: &Dataset,
    partition: &Partition,
    iterations: usize,
    seed: u64,
    observer: &mut dyn FnMut(usize, f64),
) -> KMeansOutcome {
    let shards = partition.shards(data);
    let all: Vec<u32> = (0..data.rows() as u32).collect();
    let mut centroids = model.init_plus_plus(&crate::data::Shard::new(data, &all), seed);
    let mut stats = vec![vec![0.0; model.stats_len()]; shards.len()];
    let mut sum = vec![0.0; model.stats_len()];
    let mut outcome = KMeansOutcome {
        centroids: Vec::new(),
        inertia: Vec::new(),
        comm: CommStats::default(),
    };
    for round in 1..=iterations {
        let per_worker: Vec<f64> = shards
            .par_iter()
            .zip(stats.par_iter_mut())
            .map(|(s, st)| kmeans_round(model, &centroids, s, st))
            .collect();
        let inertia = per_worker.iter().sum();
        observer(round, inertia);
        outcome.inertia.push(inertia);
        merge_kmeans(
            model,
            &mut centroids,
            stats.iter().map(Vec::as_slice),
            &mut sum,
        );
        outcome
            .comm
            .record_round(shards.len(), model.stats_bytes(), model.model_bytes());
    }
    outcome.inertia.push(model.inertia(&centroids, data));
    outcome.centroids = centroids;
    outcome
}
