//! # This host's kernel throughput
//!
//! `stratus profile kernels`: times each training kernel on synthetic data of the catalogue's
//! shapes (Higgs-like dense rows, RCV1-like sparse rows), on one thread, and the host's
//! streaming-read bandwidth next to them. Each kernel runs whole passes until a time budget is
//! spent; the fastest pass counts (the least disturbed by the rest of the machine). FLOPs and
//! bytes are the kernels' own counts ([`crate::kernels::BatchCost`]), so rates are what the
//! simulator's compute times divide by.
//!
//! The calibration it writes grounds a vCPU in this host: `cpu.peak_gflops_per_vcpu` is the
//! fastest kernel's FLOP rate and `cpu.memory_gb_s_per_vcpu` the fastest byte rate of the
//! kernels that are bound by memory, for the FaaS profile named and for the EC2 defaults.

use std::hint::black_box;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::data::synthetic::{higgs_like, rcv1_like};
use crate::data::{Dataset, Shard, vecops};
use crate::kernels::kmeans::KMeans;
use crate::kernels::sgd::Sgd;
use crate::kernels::{BatchCost, Kernel, LinearSvm, LogisticRegression, Mlp};

/// How much to measure.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HostProbe {
    /// Dense rows (Higgs-like); sparse and MLP sets are scaled from it.
    pub dense_rows: usize,
    /// Time each kernel runs passes for (at least two passes).
    pub budget: Duration,
    pub seed: u64,
}

impl HostProbe {
    /// Sets large enough to leave the caches (about 110 MB dense, 120 MB sparse).
    pub fn standard() -> Self {
        HostProbe {
            dense_rows: 1_000_000,
            budget: Duration::from_millis(1000),
            seed: 42,
        }
    }

    /// A fast look: a tenth of the rows, a tenth of the time.
    pub fn quick() -> Self {
        HostProbe {
            dense_rows: 100_000,
            budget: Duration::from_millis(100),
            seed: 42,
        }
    }
}

/// One kernel's measured throughput.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KernelRate {
    pub kernel: String,
    pub rows: usize,
    /// Passes timed; the fastest counts.
    pub passes: usize,
    pub seconds_per_pass: f64,
    pub rows_per_s: f64,
    pub gflops_per_s: f64,
    pub gb_per_s: f64,
    /// FLOPs per byte read: below the host's ridge point the kernel is bound by memory.
    pub flops_per_byte: f64,
}

/// What `profile kernels` found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HostProfile {
    /// Single-thread streaming read bandwidth (a sum over a buffer larger than the caches).
    pub stream_gb_s: f64,
    pub kernels: Vec<KernelRate>,
    /// The fastest kernel FLOP rate: a vCPU's peak as the model uses it.
    pub peak_gflops_per_vcpu: f64,
    /// The fastest byte rate of a memory-bound kernel: a vCPU's bandwidth as the model uses it.
    pub memory_gb_s_per_vcpu: f64,
}

/// Measures every kernel and the streaming bandwidth, reporting each as it finishes.
pub fn measure(probe: &HostProbe, progress: &dyn Fn(&str)) -> HostProfile {
    let dense = higgs_like(probe.dense_rows, probe.seed);
    let sparse = rcv1_like(probe.dense_rows / 5, probe.seed);
    let small = higgs_like(probe.dense_rows / 10, probe.seed);
    let stream_gb_s = stream_gb_s(dense.bytes_in_memory().max(64 << 20), probe.budget);
    progress(&format!("streaming read: {stream_gb_s:.2} GB/s"));
    let sets: [(&str, &Dataset, Box<dyn Kernel>); 4] = [
        (
            "lr-dense",
            &dense,
            Box::new(LogisticRegression::new(dense.features())),
        ),
        (
            "lr-sparse",
            &sparse,
            Box::new(LogisticRegression::new(sparse.features())),
        ),
        (
            "svm-sparse",
            &sparse,
            Box::new(LinearSvm::new(sparse.features())),
        ),
        (
            "mlp-64",
            &small,
            Box::new(Mlp::new(small.features(), &[64], small.classes())),
        ),
    ];
    let mut kernels = Vec::new();
    for (name, data, kernel) in &sets {
        let rate = gradient_rate(name, kernel.as_ref(), data, probe);
        progress(&describe(&rate));
        kernels.push(rate);
    }
    let rate = kmeans_rate(&dense, probe);
    progress(&describe(&rate));
    kernels.push(rate);
    summarise(stream_gb_s, kernels)
}

/// The vCPU figures from the kernel rates: the ridge point is where the best FLOP rate meets
/// the streaming bandwidth.
pub fn summarise(stream_gb_s: f64, kernels: Vec<KernelRate>) -> HostProfile {
    let peak = kernels.iter().map(|k| k.gflops_per_s).fold(0.0, f64::max);
    let ridge = peak / stream_gb_s.max(f64::MIN_POSITIVE);
    let memory = kernels
        .iter()
        .filter(|k| k.flops_per_byte < ridge)
        .map(|k| k.gb_per_s)
        .fold(0.0, f64::max);
    HostProfile {
        stream_gb_s,
        peak_gflops_per_vcpu: peak,
        memory_gb_s_per_vcpu: if memory > 0.0 { memory } else { stream_gb_s },
        kernels,
    }
}

fn describe(rate: &KernelRate) -> String {
    format!(
        "{}: {:.3} M rows/s, {:.2} GFLOP/s, {:.2} GB/s",
        rate.kernel,
        rate.rows_per_s / 1e6,
        rate.gflops_per_s,
        rate.gb_per_s
    )
}

/// Single-thread read bandwidth: the fastest of repeated sums over `bytes` of `f32`s.
fn stream_gb_s(bytes: usize, budget: Duration) -> f64 {
    let buffer: Vec<f32> = (0..bytes / 4).map(|i| (i % 7) as f32).collect();
    let best = best_pass(budget, || {
        black_box(vecops::sum(black_box(&buffer)));
    });
    bytes as f64 / best.0 / 1e9
}

/// Runs `pass` at least twice and until `budget` is spent; the fastest pass and the count.
fn best_pass(budget: Duration, mut pass: impl FnMut()) -> (f64, usize) {
    let start = Instant::now();
    let mut best = f64::INFINITY;
    let mut passes = 0;
    while passes < 2 || start.elapsed() < budget {
        let t = Instant::now();
        pass();
        best = best.min(t.elapsed().as_secs_f64());
        passes += 1;
    }
    (best.max(1e-9), passes)
}

/// Mini-batch SGD passes (batches of 1,000 rows) of one gradient kernel over `data`.
fn gradient_rate(name: &str, kernel: &dyn Kernel, data: &Dataset, probe: &HostProbe) -> KernelRate {
    const BATCH: usize = 1_000;
    let ids: Vec<u32> = (0..data.rows() as u32).collect();
    let shard = Shard::new(data, &ids);
    let mut params = kernel.init_params(probe.seed);
    let mut grad = vec![0.0; kernel.num_params()];
    let mut scratch = vec![0.0; kernel.scratch_len()];
    let sgd = Sgd { lr: 0.01, l2: 1e-5 };
    let mut cost = BatchCost::default();
    for start in (0..shard.len()).step_by(BATCH) {
        let rows = start..(start + BATCH).min(shard.len());
        cost = cost + kernel.batch_cost(&shard, rows) + kernel.step_cost();
    }
    let (seconds, passes) = best_pass(probe.budget, || {
        for start in (0..shard.len()).step_by(BATCH) {
            let rows = start..(start + BATCH).min(shard.len());
            grad.fill(0.0);
            kernel.gradient(&params, &shard, rows.clone(), &mut grad, &mut scratch);
            kernel.step(&mut params, &grad, rows.len(), sgd);
        }
    });
    rate(name, data.rows(), passes, seconds, cost)
}

/// Lloyd steps of k-means (k = 10) over `data`.
fn kmeans_rate(data: &Dataset, probe: &HostProbe) -> KernelRate {
    let kmeans = KMeans::new(10, data.features());
    let ids: Vec<u32> = (0..data.rows() as u32).collect();
    let shard = Shard::new(data, &ids);
    let mut centroids = kmeans.init_plus_plus(&shard, probe.seed);
    let mut stats = vec![0.0; kmeans.stats_len()];
    let cost = kmeans.batch_cost(&shard, 0..shard.len());
    let (seconds, passes) = best_pass(probe.budget, || {
        stats.fill(0.0);
        black_box(kmeans.assign(&centroids, &shard, 0..shard.len(), &mut stats));
        kmeans.update(&mut centroids, &stats);
    });
    rate("kmeans-10", data.rows(), passes, seconds, cost)
}

fn rate(name: &str, rows: usize, passes: usize, seconds: f64, cost: BatchCost) -> KernelRate {
    KernelRate {
        kernel: name.to_string(),
        rows,
        passes,
        seconds_per_pass: seconds,
        rows_per_s: rows as f64 / seconds,
        gflops_per_s: cost.flops as f64 / seconds / 1e9,
        gb_per_s: cost.bytes as f64 / seconds / 1e9,
        flops_per_byte: cost.flops as f64 / (cost.bytes as f64).max(1.0),
    }
}

/// The calibration file: the CPU rates of `faas_profile` and of the EC2 defaults, and a
/// `[fit.host]` report of every kernel.
pub fn calibration(host: &HostProfile, faas_profile: &str) -> toml::Table {
    let mut cpu = toml::Table::new();
    cpu.insert(
        "peak_gflops_per_vcpu".into(),
        round3(host.peak_gflops_per_vcpu).into(),
    );
    cpu.insert(
        "memory_gb_s_per_vcpu".into(),
        round3(host.memory_gb_s_per_vcpu).into(),
    );
    let mut profile = toml::Table::new();
    profile.insert("cpu".into(), cpu.clone().into());
    let mut faas = toml::Table::new();
    faas.insert(faas_profile.to_string(), profile.into());
    let mut ec2 = toml::Table::new();
    ec2.insert("defaults".into(), cpu.into());
    let mut fit = toml::Table::new();
    fit.insert(
        "host".into(),
        toml::Value::try_from(host).expect("numbers and strings"),
    );
    let mut file = toml::Table::new();
    file.insert("faas".into(), faas.into());
    file.insert("ec2".into(), ec2.into());
    file.insert("fit".into(), fit.into());
    file
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kernel(name: &str, gflops: f64, gb: f64) -> KernelRate {
        KernelRate {
            kernel: name.into(),
            rows: 1,
            passes: 2,
            seconds_per_pass: 1.0,
            rows_per_s: 1.0,
            gflops_per_s: gflops,
            gb_per_s: gb,
            flops_per_byte: gflops / gb,
        }
    }

    #[test]
    fn peak_is_the_fastest_kernel_and_bandwidth_the_fastest_memory_bound_one() {
        // Ridge at 8 / 10 = 0.8 FLOP/byte: the MLP (8 FLOP/byte) is compute-bound.
        let host = summarise(
            10.0,
            vec![
                kernel("lr", 1.5, 6.0),
                kernel("mlp", 8.0, 1.0),
                kernel("svm", 1.0, 4.0),
            ],
        );
        assert_eq!(host.peak_gflops_per_vcpu, 8.0);
        assert_eq!(host.memory_gb_s_per_vcpu, 6.0);
    }

    #[test]
    fn a_quick_probe_measures_every_kernel_with_positive_rates() {
        let probe = HostProbe {
            dense_rows: 5_000,
            budget: Duration::from_millis(1),
            seed: 1,
        };
        let host = measure(&probe, &|_| {});
        assert_eq!(host.kernels.len(), 5);
        for k in &host.kernels {
            assert!(
                k.gflops_per_s > 0.0 && k.gb_per_s > 0.0 && k.passes >= 2,
                "{k:?}"
            );
        }
        assert!(host.stream_gb_s > 0.0);
    }

    #[test]
    fn the_calibration_patches_the_faas_profile_and_the_ec2_defaults() {
        let host = summarise(10.0, vec![kernel("lr", 1.5, 6.0), kernel("mlp", 8.0, 1.0)]);
        let file = calibration(&host, "aws-lambda-x86");
        let text = toml::to_string(&file).unwrap();
        let profiles = crate::profile::Profiles::calibrated(&file).unwrap();
        let lambda = profiles.faas("aws-lambda-x86").unwrap();
        assert_eq!(lambda.peak_gflops_per_vcpu, 8.0, "{text}");
        assert_eq!(lambda.memory_gb_s_per_vcpu, 6.0);
        let c5 = &profiles.instances["c5.large"];
        assert_eq!(
            (c5.peak_gflops_per_vcpu, c5.memory_gb_s_per_vcpu),
            (8.0, 6.0)
        );
    }
}
