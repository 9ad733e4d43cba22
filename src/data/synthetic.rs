//! # Synthetic datasets
//!
//! Seeded generators with the shapes of the catalogue datasets LambdaML trains on (Jiang et
//! al., SIGMOD 2021): Higgs-like dense rows (28 standard-normal features) and RCV1-like sparse
//! rows (47,236 features, about 75 non-zeros per row, positive TF-IDF-like values scaled to
//! unit norm). Labels come from a planted linear model, y = [w*·x + ε > 0] with ε ~ N(0, noise²)
//! and the margin w*·x of unit variance, so logistic regression can learn them.

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use rand_distr::StandardNormal;

use super::{CsrMatrix, Dataset, DenseMatrix, Features, Row, Rows};

/// The shape of a synthetic dataset.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SyntheticSpec {
    pub rows: usize,
    pub features: usize,
    /// Mean non-zeros per sparse row; `None` for dense rows.
    pub nnz_per_row: Option<usize>,
    /// Standard deviation of the label noise, relative to the unit-variance margin.
    pub noise: f32,
    pub seed: u64,
}

/// Higgs-like: `rows` dense rows of 28 features.
pub fn higgs_like(rows: usize, seed: u64) -> Dataset {
    generate(&SyntheticSpec {
        rows,
        features: 28,
        nnz_per_row: None,
        noise: 0.5,
        seed,
    })
}

/// RCV1-like: `rows` sparse rows of 47,236 features with about 75 non-zeros each.
pub fn rcv1_like(rows: usize, seed: u64) -> Dataset {
    generate(&SyntheticSpec {
        rows,
        features: 47_236,
        nnz_per_row: Some(75),
        noise: 0.5,
        seed,
    })
}

/// A dataset of the given shape; the same spec gives the same data.
pub fn generate(spec: &SyntheticSpec) -> Dataset {
    let mut rng = StdRng::seed_from_u64(spec.seed);
    let weight_scale = if spec.nnz_per_row.is_some() {
        1.0
    } else {
        1.0 / (spec.features as f32).sqrt()
    };
    let planted: Vec<f32> = (0..spec.features)
        .map(|_| normal(&mut rng) * weight_scale)
        .collect();
    let features = match spec.nnz_per_row {
        None => Features::Dense(dense_rows(spec, &mut rng)),
        Some(nnz) => Features::Sparse(sparse_rows(spec, nnz, &mut rng)),
    };
    let margins: Vec<f32> = crate::with_rows!(&features, |m| (0..spec.rows)
        .map(|i| m.row(i).dot(&planted))
        .collect());
    let labels = margins
        .iter()
        .map(|z| u32::from(z + spec.noise * normal(&mut rng) > 0.0))
        .collect();
    Dataset::new(features, labels, 2)
}

fn normal(rng: &mut StdRng) -> f32 {
    rng.sample(StandardNormal)
}

fn dense_rows(spec: &SyntheticSpec, rng: &mut StdRng) -> DenseMatrix {
    let values = (0..spec.rows * spec.features)
        .map(|_| normal(rng))
        .collect();
    DenseMatrix::new(spec.features, values)
}

/// Rows of between nnz/2 and 3·nnz/2 distinct indices; low indices are drawn more often (like
/// frequent terms), values are positive and each row has unit norm.
fn sparse_rows(spec: &SyntheticSpec, nnz: usize, rng: &mut StdRng) -> CsrMatrix {
    let mut offsets = Vec::with_capacity(spec.rows + 1);
    offsets.push(0);
    let (mut indices, mut values) = (Vec::new(), Vec::new());
    let mut row: Vec<u32> = Vec::new();
    for _ in 0..spec.rows {
        let count = rng.random_range(nnz / 2..=nnz + nnz / 2).max(1);
        row.clear();
        row.extend((0..count).map(|_| (spec.features as f32 * rng.random::<f32>().powi(2)) as u32));
        row.sort_unstable();
        row.dedup();
        let start = values.len();
        values.extend(row.iter().map(|_| rng.random_range(0.1f32..1.0)));
        let norm = values[start..].iter().map(|v| v * v).sum::<f32>().sqrt();
        values[start..].iter_mut().for_each(|v| *v /= norm);
        indices.extend_from_slice(&row);
        offsets.push(indices.len());
    }
    CsrMatrix::new(spec.features, offsets, indices, values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn higgs_like_rows_are_dense_with_28_features_and_both_labels() {
        let data = higgs_like(2_000, 1);
        assert_eq!(
            (data.rows(), data.features(), data.nnz()),
            (2_000, 28, 56_000)
        );
        let positives = data.labels().iter().filter(|&&l| l == 1).count();
        assert!((700..1300).contains(&positives), "{positives}");
    }

    #[test]
    fn rcv1_like_rows_are_sparse_with_about_75_nonzeros() {
        let data = rcv1_like(1_000, 2);
        assert_eq!(data.features(), 47_236);
        let per_row = data.nnz() as f64 / 1_000.0;
        assert!((60.0..80.0).contains(&per_row), "{per_row}");
    }

    #[test]
    fn the_same_seed_gives_the_same_data() {
        assert_eq!(higgs_like(50, 3), higgs_like(50, 3));
        assert_ne!(rcv1_like(20, 3), rcv1_like(20, 4));
    }
}
