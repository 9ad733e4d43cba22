//! Datasets: LIBSVM, delimited text and MNIST IDX readers; CSR and dense storage; shards; synthetic generators.

/// A malformed or unreadable dataset, naming the file, the line and what is wrong.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct DataError(pub String);
