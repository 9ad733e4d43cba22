//! # Datasets
//!
//! LIBSVM, delimited-text and MNIST IDX readers; dense and CSR storage; label normalisation;
//! standardisation; seeded partitions into worker shards; synthetic generators shaped like the
//! catalogue datasets. A [`Dataset`] is features plus class labels; kernels read it through
//! [`Shard`] views.

pub mod delimited;
pub mod error;
pub mod idx;
pub mod labels;
pub mod libsvm;
pub mod matrix;
pub mod shard;
pub mod source;
pub mod standardize;
pub mod synthetic;
pub mod vecops;

pub use error::{DataError, DataErrorKind, Location};
pub use matrix::{CsrMatrix, DenseMatrix, Row, Rows, SparseRow};
pub use shard::{Partition, Shard};
pub use source::{Format, LoadOptions, load};
pub use standardize::Standardizer;

/// Feature storage of a dataset.
#[derive(Debug, Clone, PartialEq)]
pub enum Features {
    Dense(DenseMatrix),
    Sparse(CsrMatrix),
}

/// Runs `$body` with `$m` bound to the dense or the sparse matrix of `$features`, so generic
/// code over [`Rows`] is monomorphised once per layout and dispatched once per call.
#[macro_export]
macro_rules! with_rows {
    ($features:expr, |$m:ident| $body:expr) => {
        match $features {
            $crate::data::Features::Dense($m) => $body,
            $crate::data::Features::Sparse($m) => $body,
        }
    };
}

/// One row of either layout.
#[derive(Debug, Clone, Copy)]
pub enum RowRef<'a> {
    Dense(&'a [f32]),
    Sparse(SparseRow<'a>),
}

/// Features and class labels (binary: {0, 1}; multiclass: 0..classes−1).
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    features: Features,
    labels: Vec<u32>,
    classes: usize,
}

impl Dataset {
    /// A dataset. Panics if the label count differs from the row count or a label is not below
    /// `classes` (parsers and generators guarantee both).
    pub fn new(features: Features, labels: Vec<u32>, classes: usize) -> Self {
        let rows = with_rows!(&features, |m| m.rows());
        assert_eq!(rows, labels.len(), "one label per row");
        assert!(
            labels.iter().all(|&l| (l as usize) < classes),
            "labels below the class count"
        );
        Dataset {
            features,
            labels,
            classes,
        }
    }
    pub fn rows(&self) -> usize {
        self.labels.len()
    }
    /// Number of feature columns.
    pub fn features(&self) -> usize {
        with_rows!(&self.features, |m| m.cols())
    }
    /// Stored values: every value when dense, the non-zeros when sparse.
    pub fn nnz(&self) -> usize {
        match &self.features {
            Features::Dense(m) => m.values().len(),
            Features::Sparse(m) => m.nnz(),
        }
    }
    pub fn classes(&self) -> usize {
        self.classes
    }
    pub fn is_sparse(&self) -> bool {
        matches!(self.features, Features::Sparse(_))
    }
    pub fn labels(&self) -> &[u32] {
        &self.labels
    }
    pub fn matrix(&self) -> &Features {
        &self.features
    }
    pub fn matrix_mut(&mut self) -> &mut Features {
        &mut self.features
    }
    pub fn row(&self, i: usize) -> RowRef<'_> {
        match &self.features {
            Features::Dense(m) => RowRef::Dense(m.row(i)),
            Features::Sparse(m) => RowRef::Sparse(m.row(i)),
        }
    }
    /// Bytes held by features and labels.
    pub fn bytes_in_memory(&self) -> usize {
        let features = match &self.features {
            Features::Dense(m) => m.bytes_in_memory(),
            Features::Sparse(m) => m.bytes_in_memory(),
        };
        features + self.labels.len() * size_of::<u32>()
    }
    /// Mean squared Euclidean norm of the rows, Σ‖x‖²/n (sets default step sizes).
    pub fn mean_squared_norm(&self) -> f64 {
        let squares: f64 = match &self.features {
            Features::Dense(m) => m.values().iter().map(|v| f64::from(*v).powi(2)).sum(),
            Features::Sparse(m) => m.entries().map(|(_, v)| f64::from(v).powi(2)).sum(),
        };
        squares / self.rows().max(1) as f64
    }
    /// The rows at `ids`, copied in that order (for train/test splits).
    pub fn select(&self, ids: &[u32]) -> Dataset {
        let features = match &self.features {
            Features::Dense(m) => Features::Dense(m.select(ids)),
            Features::Sparse(m) => Features::Sparse(m.select(ids)),
        };
        let labels = ids.iter().map(|&i| self.labels[i as usize]).collect();
        Dataset {
            features,
            labels,
            classes: self.classes,
        }
    }

    /// Makes a test set comparable with this training set: the same class count, and for sparse
    /// data the same (widest) feature count. Dense sets must already have equal widths.
    pub fn align_with(&mut self, test: &mut Dataset) -> Result<(), DataError> {
        let classes = self.classes.max(test.classes);
        (self.classes, test.classes) = (classes, classes);
        let cols = self.features().max(test.features());
        for set in [&mut *self, &mut *test] {
            if let Features::Sparse(m) = &mut set.features {
                m.widen(cols);
            }
        }
        if test.features() != self.features() {
            let kind = DataErrorKind::FeatureCountMismatch {
                expected: self.features(),
                found: test.features(),
            };
            return Err(DataError::new(Location::Input, kind));
        }
        Ok(())
    }

    /// A seeded split into (train, test) with `test_fraction` of the rows (rounded) in test;
    /// an error when either side would be empty (too few rows for that fraction).
    pub fn split(&self, test_fraction: f64, seed: u64) -> Result<(Dataset, Dataset), DataError> {
        let order = shard::shuffled_order(self.rows(), seed);
        let test_rows = ((self.rows() as f64) * test_fraction.clamp(0.0, 1.0)).round() as usize;
        if test_rows == 0 || test_rows >= self.rows() {
            let kind = DataErrorKind::SplitEmpty {
                rows: self.rows(),
                fraction: test_fraction,
            };
            return Err(DataError::new(Location::Input, kind));
        }
        let (test_ids, train_ids) = order.split_at(test_rows);
        Ok((self.select(train_ids), self.select(test_ids)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sparse_set() -> Dataset {
        let csr = CsrMatrix::new(
            4,
            vec![0, 1, 3, 4],
            vec![0, 1, 3, 2],
            vec![1.0, 2.0, 3.0, 4.0],
        );
        Dataset::new(Features::Sparse(csr), vec![0, 1, 1], 2)
    }

    #[test]
    fn reports_shape_and_counts() {
        let set = sparse_set();
        assert_eq!(
            (set.rows(), set.features(), set.nnz(), set.classes()),
            (3, 4, 4, 2)
        );
        assert_eq!(set.bytes_in_memory(), 4 * 8 + 4 * 8 + 3 * 4);
        assert!((set.mean_squared_norm() - 30.0 / 3.0).abs() < 1e-9);
    }

    #[test]
    fn aligning_widens_sparse_sets_and_shares_the_class_count() {
        let mut train = sparse_set();
        let csr = CsrMatrix::new(7, vec![0, 1], vec![6], vec![1.0]);
        let mut test = Dataset::new(Features::Sparse(csr), vec![4], 5);
        train.align_with(&mut test).unwrap();
        assert_eq!((train.features(), train.classes()), (7, 5));
    }

    #[test]
    fn aligning_rejects_dense_sets_of_different_widths() {
        let mut train = Dataset::new(
            Features::Dense(DenseMatrix::new(2, vec![0.0; 4])),
            vec![0, 1],
            2,
        );
        let mut test = Dataset::new(
            Features::Dense(DenseMatrix::new(3, vec![0.0; 3])),
            vec![0],
            2,
        );
        let err = train.align_with(&mut test).unwrap_err();
        assert!(matches!(
            err.kind,
            DataErrorKind::FeatureCountMismatch {
                expected: 2,
                found: 3
            }
        ));
    }

    #[test]
    fn split_is_seeded_and_covers_every_row_once() {
        let set = Dataset::new(
            Features::Dense(DenseMatrix::new(1, (0..10).map(|i| i as f32).collect())),
            vec![0; 10],
            2,
        );
        let (train, test) = set.split(0.2, 7).unwrap();
        assert_eq!((train.rows(), test.rows()), (8, 2));
        assert_eq!(set.split(0.2, 7).unwrap(), (train.clone(), test.clone()));
        assert!(set.split(0.01, 7).is_err(), "no test row");
        assert!(set.split(0.99, 7).is_err(), "no training row");
        let mut all: Vec<f32> = [train, test]
            .iter()
            .flat_map(|s| match s.matrix() {
                Features::Dense(m) => m.values().to_vec(),
                Features::Sparse(_) => unreachable!(),
            })
            .collect();
        all.sort_by(f32::total_cmp);
        assert_eq!(all, (0..10).map(|i| i as f32).collect::<Vec<_>>());
    }
}
