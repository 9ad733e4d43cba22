//! # Training runtimes
//!
//! The framework a worker trains with — PyTorch, NumPy or Stratus's own kernels — decides much
//! of a step's time beyond its FLOPs (LambdaML's functions and its EC2 baseline are Python with
//! PyTorch, papers.md §1): a fixed cost per mini-batch step (Python dispatch, autograd, the
//! optimiser) and per row it batches, the FLOP rate it reaches on a linear model and on a convolutional network, the
//! rate at which it parses text training data, and how fast it (de)serialises a model for the
//! storage channel. Rates are per vCPU; the single-threaded parts (dispatch, parsing,
//! serialisation, import) run on one vCPU at most. `stratus profile runtime` measures them.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{ProfileError, from_table, invalid, sources::Source};
use crate::units::{BYTES_PER_MB, is_positive};

/// One training runtime, checked.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Runtime {
    /// What it is, in a few words.
    pub description: String,
    /// Seconds to import the framework in a fresh process, on one vCPU.
    pub import_s: f64,
    /// Seconds of fixed work per mini-batch step on one vCPU, whatever its size.
    pub step_overhead_s: f64,
    /// Seconds per row to gather a mini-batch on one vCPU (PyTorch's DataLoader collates rows
    /// one by one in Python; absent: free).
    #[serde(default)]
    pub row_overhead_s: f64,
    /// FLOP rate per vCPU on a linear model's step beyond the overhead (absent: the hardware's).
    pub linear_gflops_per_vcpu: Option<f64>,
    /// FLOP rate per vCPU on a neural network's step beyond the overhead (absent: the hardware's).
    pub network_gflops_per_vcpu: Option<f64>,
    /// MB/s of dense CSV text parsed into arrays on one vCPU (absent: free).
    pub parse_csv_mb_s: Option<f64>,
    /// MB/s of LIBSVM text parsed on one vCPU (absent: free).
    pub parse_libsvm_mb_s: Option<f64>,
    /// MB/s of model bytes serialised and deserialised (one round trip) on one vCPU (absent: free).
    pub serialize_mb_s: Option<f64>,
}

/// How a dataset is stored, which decides what reading it costs beyond the transfer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoredFormat {
    Csv,
    Libsvm,
    Binary,
}

impl Runtime {
    /// FLOP/s per vCPU this runtime reaches, for a neural network or a linear model.
    pub fn gflops_per_vcpu(&self, neural: bool) -> Option<f64> {
        if neural {
            self.network_gflops_per_vcpu
        } else {
            self.linear_gflops_per_vcpu
        }
    }

    /// Bytes per second one vCPU turns stored data of `format` into arrays (infinite: free);
    /// binary arrays are deserialised, one direction of the measured round trip.
    pub fn parse_bytes_per_s(&self, format: StoredFormat) -> f64 {
        match format {
            StoredFormat::Csv => mb_s(self.parse_csv_mb_s),
            StoredFormat::Libsvm => mb_s(self.parse_libsvm_mb_s),
            StoredFormat::Binary => self.serialize_bytes_per_s(),
        }
    }

    /// Bytes per second one vCPU serialises (before a PUT) or deserialises (after a GET) model
    /// bytes: twice the measured round-trip rate, each transfer doing one direction (infinite:
    /// free).
    pub fn serialize_bytes_per_s(&self) -> f64 {
        2.0 * mb_s(self.serialize_mb_s)
    }

    fn check(&self) -> Result<(), String> {
        let non_negative = [
            ("import_s", self.import_s),
            ("step_overhead_s", self.step_overhead_s),
            ("row_overhead_s", self.row_overhead_s),
        ];
        for (key, value) in non_negative {
            if !(value >= 0.0 && value.is_finite()) {
                return Err(format!("{key} must not be negative (got {value})"));
            }
        }
        let rates = [
            ("linear_gflops_per_vcpu", self.linear_gflops_per_vcpu),
            ("network_gflops_per_vcpu", self.network_gflops_per_vcpu),
            ("parse_csv_mb_s", self.parse_csv_mb_s),
            ("parse_libsvm_mb_s", self.parse_libsvm_mb_s),
            ("serialize_mb_s", self.serialize_mb_s),
        ];
        for (key, value) in rates {
            if let Some(v) = value.filter(|&v| !is_positive(v)) {
                return Err(format!("{key} must be a positive number (got {v})"));
            }
        }
        Ok(())
    }
}

fn mb_s(rate: Option<f64>) -> f64 {
    rate.map_or(f64::INFINITY, |r| r * BYTES_PER_MB)
}

/// The share of one vCPU that single-threaded work gets on a machine of `vcpus`.
pub fn single_thread_share(vcpus: f64) -> f64 {
    vcpus.min(1.0)
}

/// Parses the runtimes file: one table per runtime.
pub fn parse(source: &Source) -> Result<BTreeMap<String, Runtime>, ProfileError> {
    let runtimes: BTreeMap<String, Runtime> = from_table(&source.file, &source.table)?;
    for (name, runtime) in &runtimes {
        runtime
            .check()
            .map_err(|message| invalid(&source.file, format!("{name}.{message}")))?;
    }
    Ok(runtimes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::Profiles;

    #[test]
    fn the_builtin_runtimes_include_the_frameworks_lambdaml_ran() {
        let profiles = Profiles::builtin().unwrap();
        for name in ["pytorch", "numpy", "native"] {
            assert!(profiles.runtimes.contains_key(name), "{name}");
        }
        let native = &profiles.runtimes["native"];
        assert_eq!(native.step_overhead_s, 0.0);
        assert!(native.parse_bytes_per_s(StoredFormat::Csv).is_infinite());
    }

    #[test]
    fn rejects_a_negative_overhead_naming_the_runtime_and_key() {
        let table: toml::Table =
            "[slow]\ndescription = \"x\"\nimport_s = 1.0\nstep_overhead_s = -1.0\n"
                .parse()
                .unwrap();
        let source = Source {
            file: "profiles/runtimes.toml".into(),
            table,
        };
        let err = parse(&source).unwrap_err().to_string();
        assert!(err.contains("slow.step_overhead_s"), "{err}");
    }

    #[test]
    fn single_threaded_work_gets_at_most_one_vcpu() {
        assert_eq!(single_thread_share(0.25), 0.25);
        assert_eq!(single_thread_share(4.0), 1.0);
    }
}
