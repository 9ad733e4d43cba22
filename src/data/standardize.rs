//! # Standardisation
//!
//! Per-feature z-scores with mean and variance measured on the training set only and then
//! applied unchanged to the test set (no information leaks from test to train). Sparse data is
//! only scaled, x/σ, never centred: centring would turn every implicit zero into a stored value
//! (the `with_mean=False` choice of scikit-learn's StandardScaler). σ counts implicit zeros;
//! constant features keep scale 1.

use super::{Dataset, Features, Rows};

/// Per-feature shift and scale learned from a training set.
#[derive(Debug, Clone, PartialEq)]
pub struct Standardizer {
    /// Subtracted before scaling (all zeros for sparse data).
    pub mean: Vec<f32>,
    /// Multiplies each feature: 1/σ, or 1 for a constant feature.
    pub inverse_std: Vec<f32>,
}

impl Standardizer {
    /// Measures mean and standard deviation of every feature of `train`.
    pub fn fit(train: &Dataset) -> Self {
        let cols = train.features();
        let (mut sum, mut sum_sq) = (vec![0.0f64; cols], vec![0.0f64; cols]);
        let mut add = |i: usize, v: f32| {
            sum[i] += f64::from(v);
            sum_sq[i] += f64::from(v) * f64::from(v);
        };
        match train.matrix() {
            Features::Dense(m) => (0..m.rows())
                .for_each(|r| m.row(r).iter().enumerate().for_each(|(i, &v)| add(i, v))),
            Features::Sparse(m) => m.entries().for_each(|(i, v)| add(i, v)),
        }
        let n = train.rows().max(1) as f64;
        let mean: Vec<f64> = sum.iter().map(|s| s / n).collect();
        let inverse_std = sum_sq
            .iter()
            .zip(&mean)
            .map(|(sq, mu)| inverse(sq / n - mu * mu))
            .collect();
        let centre = !train.is_sparse();
        let mean = mean
            .iter()
            .map(|&mu| if centre { mu as f32 } else { 0.0 })
            .collect();
        Standardizer { mean, inverse_std }
    }

    /// Rescales `data` in place. Features beyond those seen in training are left as they are.
    pub fn apply(&self, data: &mut Dataset) {
        match data.matrix_mut() {
            Features::Dense(m) => {
                let width = m.cols();
                for row in m.values_mut().chunks_exact_mut(width) {
                    for ((x, mu), s) in row.iter_mut().zip(&self.mean).zip(&self.inverse_std) {
                        *x = (*x - mu) * s;
                    }
                }
            }
            Features::Sparse(m) => m.scale_columns(&self.inverse_std),
        }
    }
}

fn inverse(variance: f64) -> f32 {
    if variance > 1e-12 {
        (1.0 / variance.sqrt()) as f32
    } else {
        1.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{CsrMatrix, DenseMatrix};
    use approx::assert_relative_eq;

    #[test]
    fn dense_training_features_get_zero_mean_and_unit_variance() {
        let mut train = Dataset::new(
            Features::Dense(DenseMatrix::new(2, vec![1.0, 5.0, 3.0, 5.0])),
            vec![0, 1],
            2,
        );
        let scaler = Standardizer::fit(&train);
        scaler.apply(&mut train);
        let Features::Dense(m) = train.matrix() else {
            unreachable!()
        };
        assert_eq!(m.values(), &[-1.0, 0.0, 1.0, 0.0]);
    }

    #[test]
    fn test_set_uses_the_training_statistics() {
        let train = Dataset::new(
            Features::Dense(DenseMatrix::new(1, vec![0.0, 2.0])),
            vec![0, 1],
            2,
        );
        let mut test = Dataset::new(Features::Dense(DenseMatrix::new(1, vec![3.0])), vec![0], 2);
        Standardizer::fit(&train).apply(&mut test);
        let Features::Dense(m) = test.matrix() else {
            unreachable!()
        };
        assert_relative_eq!(m.values()[0], 2.0);
    }

    #[test]
    fn sparse_data_is_scaled_but_not_centred() {
        let csr = CsrMatrix::new(2, vec![0, 1, 2], vec![0, 0], vec![2.0, 4.0]);
        let mut train = Dataset::new(Features::Sparse(csr), vec![0, 1], 2);
        let scaler = Standardizer::fit(&train);
        assert_eq!(scaler.mean, vec![0.0, 0.0]);
        scaler.apply(&mut train);
        assert_eq!(train.nnz(), 2);
        let Features::Sparse(m) = train.matrix() else {
            unreachable!()
        };
        assert_relative_eq!(m.row(1).values()[0], 4.0);
    }
}
