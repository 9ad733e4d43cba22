//! # k-means
//!
//! Lloyd's algorithm (Lloyd 1982) seeded by greedy k-means++ (Arthur & Vassilvitskii 2007;
//! the greedy variant tries 2 + ln k candidates per centre and keeps the one that lowers the
//! potential most). A Lloyd step is split the way distributed k-means exchanges it: each
//! worker adds per-cluster sums and counts of its rows into a statistics buffer
//! ([`KMeans::assign`]); the merged statistics give the new centroids ([`KMeans::update`]).
//! Statistics are `f64` so merged sums do not drift; inertia never rises between steps.

use std::ops::Range;

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

use super::BatchCost;
use crate::data::{Dataset, Row, Rows, Shard};

/// k clusters over `features` dimensions; centroids are a flat `k × features` `f32` vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KMeans {
    pub k: usize,
    pub features: usize,
}

impl KMeans {
    /// Panics if `k` or `features` is zero.
    pub fn new(k: usize, features: usize) -> Self {
        assert!(
            k > 0 && features > 0,
            "k-means needs k > 0 and features > 0"
        );
        KMeans { k, features }
    }

    /// Length of a statistics buffer: k sums of `features` values, then k counts.
    pub fn stats_len(&self) -> usize {
        self.k * (self.features + 1)
    }

    /// Centroid bytes on the wire.
    pub fn model_bytes(&self) -> usize {
        self.k * self.features * size_of::<f32>()
    }

    /// Statistics bytes on the wire.
    pub fn stats_bytes(&self) -> usize {
        self.stats_len() * size_of::<f64>()
    }

    /// Greedy k-means++ centroids drawn from the shard's rows (fewer rows than k repeat rows).
    pub fn init_plus_plus(&self, shard: &Shard, seed: u64) -> Vec<f32> {
        assert!(!shard.is_empty(), "k-means++ needs at least one row");
        crate::with_rows!(shard.data().matrix(), |m| seed_centroids(
            self,
            m,
            shard.ids(),
            seed
        ))
    }

    /// Adds each row's nearest-centroid sum and count into `stats`; returns the rows' inertia.
    pub fn assign(
        &self,
        centroids: &[f32],
        shard: &Shard,
        rows: Range<usize>,
        stats: &mut [f64],
    ) -> f64 {
        let norms = self.squared_norms(centroids);
        let ids = &shard.ids()[rows];
        crate::with_rows!(shard.data().matrix(), |m| {
            let mut inertia = 0.0;
            for &i in ids {
                let x = m.row(i as usize);
                let (cluster, distance) = nearest(x, centroids, &norms, self.features);
                let (sums, counts) = stats.split_at_mut(self.k * self.features);
                x.for_each_nonzero(|j, v| sums[cluster * self.features + j] += f64::from(v));
                counts[cluster] += 1.0;
                inertia += f64::from(distance);
            }
            inertia
        })
    }

    /// Moves each centroid to the mean of its rows; a cluster with no rows stays where it is.
    pub fn update(&self, centroids: &mut [f32], stats: &[f64]) {
        let (sums, counts) = stats.split_at(self.k * self.features);
        for (c, &count) in counts.iter().enumerate().filter(|(_, n)| **n > 0.0) {
            let range = c * self.features..(c + 1) * self.features;
            for (centre, sum) in centroids[range.clone()].iter_mut().zip(&sums[range]) {
                *centre = (sum / count) as f32;
            }
        }
    }

    /// Σ over rows of the squared distance to the nearest centroid.
    pub fn inertia(&self, centroids: &[f32], data: &Dataset) -> f64 {
        let norms = self.squared_norms(centroids);
        crate::with_rows!(data.matrix(), |m| (0..m.rows())
            .map(|i| f64::from(nearest(m.row(i), centroids, &norms, self.features).1))
            .sum())
    }

    /// Work of [`KMeans::assign`]: 3 flops per stored value per centroid.
    pub fn batch_cost(&self, shard: &Shard, rows: Range<usize>) -> BatchCost {
        let (count, stored) = (rows.len() as u64, shard.stored_in(rows) as u64);
        let bytes_per_value = if shard.data().is_sparse() { 8 } else { 4 };
        BatchCost {
            flops: 3 * stored * self.k as u64 + 2 * count * self.k as u64,
            bytes: stored * bytes_per_value,
        }
    }

    fn squared_norms(&self, centroids: &[f32]) -> Vec<f32> {
        centroids
            .chunks_exact(self.features)
            .map(|c| c.iter().map(|v| v * v).sum())
            .collect()
    }
}

/// The nearest centroid (lowest index on ties) and its squared distance.
fn nearest<R: Row>(x: R, centroids: &[f32], norms: &[f32], features: usize) -> (usize, f32) {
    let mut best = (0, f32::INFINITY);
    for (c, (centre, &norm)) in centroids.chunks_exact(features).zip(norms).enumerate() {
        let distance = x.squared_distance(centre, norm);
        if distance < best.1 {
            best = (c, distance);
        }
    }
    best
}

fn seed_centroids<M: Rows>(model: &KMeans, m: &M, ids: &[u32], seed: u64) -> Vec<f32> {
    let mut rng = StdRng::seed_from_u64(seed);
    let d = model.features;
    let mut centroids = vec![0.0f32; model.k * d];
    let first = ids[rng.random_range(0..ids.len())] as usize;
    m.row(first).for_each_nonzero(|j, v| centroids[j] = v);
    let mut closest: Vec<f64> = distances_to(m, ids, &centroids[..d]);
    let trials = 2 + (model.k as f64).ln() as usize;
    for c in 1..model.k {
        let mut best: Option<(f64, usize, Vec<f64>)> = None;
        for _ in 0..trials {
            let pick = sample_proportional(&closest, &mut rng);
            let mut candidate = vec![0.0f32; d];
            m.row(ids[pick] as usize)
                .for_each_nonzero(|j, v| candidate[j] = v);
            let merged: Vec<f64> = distances_to(m, ids, &candidate)
                .iter()
                .zip(&closest)
                .map(|(a, b)| a.min(*b))
                .collect();
            let potential: f64 = merged.iter().sum();
            if best.as_ref().is_none_or(|b| potential < b.0) {
                best = Some((potential, pick, merged));
            }
        }
        let (_, pick, merged) = best.expect("at least one trial");
        m.row(ids[pick] as usize)
            .for_each_nonzero(|j, v| centroids[c * d + j] = v);
        closest = merged;
    }
    centroids
}

fn distances_to<M: Rows>(m: &M, ids: &[u32], centre: &[f32]) -> Vec<f64> {
    let norm: f32 = centre.iter().map(|v| v * v).sum();
    ids.iter()
        .map(|&i| f64::from(m.row(i as usize).squared_distance(centre, norm)))
        .collect()
}

/// An index drawn with probability proportional to `weights` (uniform when all are zero).
fn sample_proportional(weights: &[f64], rng: &mut StdRng) -> usize {
    let total: f64 = weights.iter().sum();
    if total <= 0.0 {
        return rng.random_range(0..weights.len());
    }
    let mut target = rng.random_range(0.0..total);
    for (i, w) in weights.iter().enumerate() {
        if target < *w {
            return i;
        }
        target -= w;
    }
    weights.len() - 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{DenseMatrix, Features};
    use approx::assert_relative_eq;

    fn two_blobs() -> Dataset {
        let values = vec![
            0.0, 0.0, 0.2, 0.0, 0.0, 0.2, 10.0, 10.0, 10.2, 10.0, 10.0, 10.2,
        ];
        Dataset::new(Features::Dense(DenseMatrix::new(2, values)), vec![0; 6], 2)
    }

    fn lloyd(model: &KMeans, data: &Dataset, centroids: &mut [f32]) -> f64 {
        let ids: Vec<u32> = (0..data.rows() as u32).collect();
        let shard = Shard::new(data, &ids);
        let mut stats = vec![0.0; model.stats_len()];
        let inertia = model.assign(centroids, &shard, 0..shard.len(), &mut stats);
        model.update(centroids, &stats);
        inertia
    }

    #[test]
    fn plus_plus_seeding_puts_one_centre_in_each_blob() {
        let data = two_blobs();
        let ids: Vec<u32> = (0..6).collect();
        let centroids = KMeans::new(2, 2).init_plus_plus(&Shard::new(&data, &ids), 3);
        assert!(
            (centroids[0] < 5.0) != (centroids[2] < 5.0),
            "{centroids:?}"
        );
    }

    #[test]
    fn a_lloyd_step_moves_centres_to_blob_means() {
        let (model, data) = (KMeans::new(2, 2), two_blobs());
        let mut centroids = vec![1.0, 1.0, 9.0, 9.0];
        lloyd(&model, &data, &mut centroids);
        assert_relative_eq!(centroids[0], 0.2 / 3.0, epsilon = 1e-6);
        assert_relative_eq!(centroids[2], 10.0 + 0.2 / 3.0, epsilon = 1e-5);
        assert_relative_eq!(
            model.inertia(&centroids, &data),
            4.0 * 0.04 * 2.0 / 3.0,
            epsilon = 1e-4
        );
    }

    proptest::proptest! {
        #[test]
        fn a_lloyd_step_never_raises_inertia(
            values in proptest::collection::vec(-5.0f32..5.0, 40),
            seed in 0u64..100,
        ) {
            let data = Dataset::new(Features::Dense(DenseMatrix::new(2, values)), vec![0; 20], 2);
            let model = KMeans::new(3, 2);
            let ids: Vec<u32> = (0..20).collect();
            let mut centroids = model.init_plus_plus(&Shard::new(&data, &ids), seed);
            let mut previous = f64::INFINITY;
            for _ in 0..5 {
                let inertia = lloyd(&model, &data, &mut centroids);
                proptest::prop_assert!(inertia <= previous * (1.0 + 1e-6));
                previous = inertia;
            }
        }
    }

    #[test]
    fn an_empty_cluster_keeps_its_centre() {
        let (model, data) = (KMeans::new(2, 2), two_blobs());
        let mut centroids = vec![5.0, 5.0, 100.0, 100.0];
        lloyd(&model, &data, &mut centroids);
        assert_eq!(&centroids[2..], &[100.0, 100.0]);
    }
}
