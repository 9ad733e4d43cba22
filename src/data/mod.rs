//! Datasets: LIBSVM, delimited text and MNIST IDX readers; CSR and dense storage; shards; synthetic generators.
