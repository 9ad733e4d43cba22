//! # Workload catalogue
//!
//! The datasets and models scenarios may name (LambdaML's workloads and their neighbours):
//! shapes of datasets and, for the CNNs, parameters and training FLOPs per sample.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{ProfileError, from_table, sources::Source};

/// A catalogue dataset's shape.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatasetEntry {
    pub rows: u64,
    pub features: u64,
    pub density: f64,
    pub classes: u32,
    /// Size of the dataset in storage; absent: its binary size (4 B a value, 8 B a non-zero).
    pub stored_bytes: Option<f64>,
    /// How it is stored: "csv" or "libsvm" text, or "binary" arrays (absent: binary).
    #[serde(default)]
    pub stored_format: Option<String>,
}

/// A catalogue model that does not derive from its dataset.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelEntry {
    pub params: u64,
    pub flops_per_sample: f64,
    pub flops_per_byte: f64,
    #[serde(default)]
    pub dataset_independent: bool,
    /// Input values (pixels × channels) `flops_per_sample` is given at; a convolutional network's
    /// work grows with the input's area, so other inputs scale it.
    pub input_features: Option<u64>,
}

/// Every catalogue entry.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalogue {
    pub datasets: BTreeMap<String, DatasetEntry>,
    pub models: BTreeMap<String, ModelEntry>,
}

/// Parses the workload catalogue.
pub fn parse(source: &Source) -> Result<Catalogue, ProfileError> {
    from_table(&source.file, &source.table)
}

#[cfg(test)]
mod tests {
    use crate::profile::Profiles;

    #[test]
    fn lambdaml_workloads_are_in_the_catalogue() {
        let catalogue = Profiles::builtin().unwrap().catalogue;
        for name in ["higgs", "rcv1", "cifar10", "yfcc100m"] {
            assert!(catalogue.datasets.contains_key(name), "{name}");
        }
        assert_eq!(catalogue.models["resnet50"].params, 23_500_000);
        assert_eq!(catalogue.models["mobilenet"].params, 3_200_000);
    }
}
