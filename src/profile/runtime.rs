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

use super::spread::piecewise_linear;
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
    /// Seconds a fresh VM takes to install the framework before it trains: a new environment
    /// and `pip install` of its packages from the registry (absent: nothing to install, as on
    /// an image with the framework baked in). Functions ship it in their package instead.
    #[serde(default)]
    pub install_s: f64,
    /// Seconds of fixed work per mini-batch step on one vCPU, whatever its size.
    pub step_overhead_s: f64,
    /// Seconds per row to gather a mini-batch on one vCPU (PyTorch's DataLoader collates rows
    /// one by one in Python; absent: free).
    #[serde(default)]
    pub row_overhead_s: f64,
    /// FLOP rate per vCPU on a linear model's step beyond the overhead (absent: the hardware's).
    pub linear_gflops_per_vcpu: Option<f64>,
    /// FLOP rate per vCPU on a neural network's step beyond the overhead (absent: the hardware's),
    /// as measured on the probe's own small network.
    pub network_gflops_per_vcpu: Option<f64>,
    /// How a network's rate follows its arithmetic intensity: `[FLOPs per byte, speed]` points,
    /// the speed relative to `network_gflops_per_vcpu`, measured on networks of different
    /// intensity (in increasing order); linear between them, the nearest beyond (absent: one
    /// rate for every network).
    #[serde(default)]
    pub network_speed_by_intensity: Vec<[f64; 2]>,
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
    /// GFLOP/s per vCPU this runtime reaches, for a neural network of `layer_intensity` (FLOPs
    /// per byte counted from its layers; unknown: the probe network's rate) or a linear model.
    pub fn gflops_per_vcpu(&self, neural: bool, layer_intensity: Option<f64>) -> Option<f64> {
        if neural {
            let speed = layer_intensity.map_or(1.0, |i| self.network_speed(i));
            self.network_gflops_per_vcpu.map(|rate| rate * speed)
        } else {
            self.linear_gflops_per_vcpu
        }
    }

    /// A network's speed relative to the probe's own at `flops_per_byte` (1 without a curve).
    fn network_speed(&self, flops_per_byte: f64) -> f64 {
        let curve = &self.network_speed_by_intensity;
        if curve.is_empty() {
            return 1.0;
        }
        piecewise_linear(curve, flops_per_byte)
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
            ("install_s", self.install_s),
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
        self.check_speed_curve()
    }

    fn check_speed_curve(&self) -> Result<(), String> {
        let curve = &self.network_speed_by_intensity;
        for (i, &[intensity, speed]) in curve.iter().enumerate() {
            if !is_positive(intensity) || !is_positive(speed) {
                return Err(format!(
                    "network_speed_by_intensity[{i}] must be two positive numbers (got [{intensity}, {speed}])"
                ));
            }
            if i > 0 && intensity <= curve[i - 1][0] {
                return Err(format!(
                    "network_speed_by_intensity[{i}] must come after a lower intensity (got {intensity} after {})",
                    curve[i - 1][0]
                ));
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
        for name in ["pytorch", "lambdaml-pytorch", "numpy", "native"] {
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

    fn with_curve(curve: &str) -> Result<BTreeMap<String, Runtime>, ProfileError> {
        let text = format!(
            "[torch]\ndescription = \"x\"\nimport_s = 1.0\nstep_overhead_s = 0.0\n\
             network_gflops_per_vcpu = 40.0\nnetwork_speed_by_intensity = {curve}\n"
        );
        parse(&Source {
            file: "profiles/runtimes.toml".into(),
            table: text.parse().unwrap(),
        })
    }

    #[test]
    fn a_networks_rate_follows_its_intensity_between_the_measured_ones() {
        let runtimes = with_curve("[[8.0, 0.5], [10.0, 1.0], [20.0, 2.0]]").unwrap();
        let torch = &runtimes["torch"];
        let rate = |intensity| torch.gflops_per_vcpu(true, Some(intensity)).unwrap();
        assert_eq!(rate(10.0), 40.0);
        assert_eq!(rate(15.0), 60.0);
        assert_eq!(rate(9.0), 30.0);
        // Beyond the measured networks, the nearest one's speed.
        assert_eq!(rate(2.0), 20.0);
        assert_eq!(rate(100.0), 80.0);
        // A network whose layers were not counted runs at the probe network's rate.
        assert_eq!(torch.gflops_per_vcpu(true, None), Some(40.0));
        // A linear model's rate is not a network's.
        assert_eq!(torch.gflops_per_vcpu(false, Some(20.0)), None);
    }

    #[test]
    fn pytorch_trains_the_dense_resnet_faster_per_flop_than_the_depthwise_mobilenet() {
        // As measured: LambdaML's ResNet50 (22.7 FLOPs/byte) at about twice MobileNet's rate.
        let profiles = Profiles::builtin().unwrap();
        let torch = &profiles.runtimes["pytorch"];
        let rate = |intensity| torch.gflops_per_vcpu(true, Some(intensity)).unwrap();
        assert!(
            rate(22.7) > 1.5 * rate(8.0),
            "{} vs {}",
            rate(22.7),
            rate(8.0)
        );
    }

    #[test]
    fn rejects_a_speed_curve_out_of_order_naming_the_point() {
        let err = with_curve("[[10.0, 1.0], [8.0, 0.5]]")
            .unwrap_err()
            .to_string();
        assert!(err.contains("torch.network_speed_by_intensity[1]"), "{err}");
        let err = with_curve("[[10.0, 0.0]]").unwrap_err().to_string();
        assert!(err.contains("network_speed_by_intensity[0]"), "{err}");
    }

    #[test]
    fn single_threaded_work_gets_at_most_one_vcpu() {
        assert_eq!(single_thread_share(0.25), 0.25);
        assert_eq!(single_thread_share(4.0), 1.0);
    }
}
