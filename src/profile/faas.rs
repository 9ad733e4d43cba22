//! # FaaS platform profile
//!
//! Memory sizes, the CPU share each size buys, prices and billing granularity, limits, network
//! bandwidth and start-up of one serverless platform. The compute rate follows the roofline
//! model (Williams, Waterman & Patterson, CACM 2009): `min(peak, intensity × memory bandwidth)`
//! per vCPU, times the vCPU share of the memory size.

use serde::Deserialize;

use super::spread::Spread;
use crate::units::{BYTES_PER_MB, MEMORY_MB_PER_GB, is_positive, round_up_to_increment};

/// The step of a memory sweep: Lambda's own increment before its 1 MB steps of December 2020
/// (`aws-lambda-2018.toml`). Sweeping every megabyte costs 64 times as long for answers that
/// differ by a step's share of the memory.
pub const SWEEP_STEP_MB: u32 = 64;

/// The memory sizes a platform allows.
#[derive(Debug, Clone, PartialEq)]
pub enum MemorySizes {
    /// Every size from `min_mb` to `max_mb` in steps of `step_mb`.
    Range {
        min_mb: u32,
        max_mb: u32,
        step_mb: u32,
    },
    /// A fixed list of sizes, ascending.
    List(Vec<u32>),
}

/// How a memory size maps to vCPUs.
#[derive(Debug, Clone, PartialEq)]
pub enum CpuShare {
    /// `memory / mb_per_vcpu`, capped at `max_vcpus` (AWS Lambda).
    Proportional { mb_per_vcpu: f64, max_vcpus: f64 },
    /// One vCPU figure per allowed size (Google Cloud Functions).
    PerSize(Vec<f64>),
}

/// What one memory size buys on a platform, computed once per configuration.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FunctionSize {
    pub memory_mb: u32,
    pub vcpus: f64,
    /// Network bandwidth of the function, bytes per second.
    pub bandwidth_bytes_per_s: f64,
    /// Bytes per second the function streams from memory (merging models).
    pub memory_bytes_per_s: f64,
    /// FLOP/s of the training kernel at this size.
    pub flops_per_s: f64,
    /// Dollars per second running (before rounding).
    pub usd_per_s: f64,
}

/// One FaaS platform, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct FaasProfile {
    pub name: String,
    pub provider: String,
    pub memory: MemorySizes,
    pub cpu: CpuShare,
    pub peak_gflops_per_vcpu: f64,
    pub memory_gb_s_per_vcpu: f64,
    pub usd_per_gb_s: f64,
    pub usd_per_vcpu_s: f64,
    pub usd_per_request: f64,
    pub billing_granularity_s: f64,
    pub bill_init: bool,
    pub max_duration_s: f64,
    /// Functions an account may run at once.
    pub concurrency: f64,
    /// Functions that start at once before the scale-up rate applies.
    pub burst_concurrency: f64,
    /// New functions per 10 s beyond the burst.
    pub scale_up_per_10s: f64,
    pub bandwidth_mb_s: f64,
    pub bandwidth_mb_s_per_vcpu: f64,
    /// Per-function read times of a data shard over their median, where measured.
    pub read_slowdown: Option<Spread>,
    pub cold_start_mean_s: f64,
    pub cold_start_cv: f64,
    pub init_s: f64,
    pub warm_invoke_s: f64,
    /// Warm invocations' overheads over their median, where measured.
    pub warm_invoke_spread: Option<Spread>,
    pub invoke_interval_s: f64,
    pub runtime_baseline_mb: f64,
}

/// A FaaS profile file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFaasProfile {
    name: String,
    kind: String,
    provider: String,
    memory: RawMemory,
    cpu: RawCpu,
    price: RawPrice,
    limits: RawLimits,
    network: RawNetwork,
    startup: RawStartup,
    runtime: RawRuntime,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMemory {
    min_mb: Option<u32>,
    max_mb: Option<u32>,
    step_mb: Option<u32>,
    sizes_mb: Option<Vec<u32>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCpu {
    mb_per_vcpu: Option<f64>,
    max_vcpus: Option<f64>,
    vcpus_by_size: Option<Vec<f64>>,
    peak_gflops_per_vcpu: f64,
    memory_gb_s_per_vcpu: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPrice {
    usd_per_gb_s: f64,
    #[serde(default)]
    usd_per_vcpu_s: f64,
    usd_per_request: f64,
    billing_granularity_ms: f64,
    bill_init: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLimits {
    max_duration_s: f64,
    concurrency: f64,
    burst_concurrency: f64,
    scale_up_per_10s: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNetwork {
    bandwidth_mb_s: f64,
    bandwidth_mb_s_per_vcpu: f64,
    read_slowdown: Option<Vec<[f64; 2]>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStartup {
    cold_start_mean_s: f64,
    cold_start_cv: f64,
    init_s: f64,
    warm_invoke_s: f64,
    warm_invoke_spread: Option<Vec<[f64; 2]>>,
    invoke_interval_s: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRuntime {
    baseline_mb: f64,
}

/// The measured spread written at `key`, if any; the error names the key.
fn spread(points: Option<Vec<[f64; 2]>>, key: &str) -> Result<Option<Spread>, String> {
    points
        .as_deref()
        .map(Spread::new)
        .transpose()
        .map_err(|e| format!("{key} {e}"))
}

impl FaasProfile {
    /// Checks a profile as written; the error names the key at fault.
    pub fn try_from_raw(raw: RawFaasProfile) -> Result<Self, String> {
        if raw.kind != "faas" {
            return Err(format!("kind must be \"faas\" (got \"{}\")", raw.kind));
        }
        let memory = memory_sizes(&raw.memory)?;
        let cpu = cpu_share(&raw.cpu, &memory)?;
        let profile = FaasProfile {
            name: raw.name,
            provider: raw.provider,
            memory,
            cpu,
            peak_gflops_per_vcpu: raw.cpu.peak_gflops_per_vcpu,
            memory_gb_s_per_vcpu: raw.cpu.memory_gb_s_per_vcpu,
            usd_per_gb_s: raw.price.usd_per_gb_s,
            usd_per_vcpu_s: raw.price.usd_per_vcpu_s,
            usd_per_request: raw.price.usd_per_request,
            billing_granularity_s: raw.price.billing_granularity_ms / 1e3,
            bill_init: raw.price.bill_init,
            max_duration_s: raw.limits.max_duration_s,
            concurrency: raw.limits.concurrency,
            burst_concurrency: raw.limits.burst_concurrency,
            scale_up_per_10s: raw.limits.scale_up_per_10s,
            bandwidth_mb_s: raw.network.bandwidth_mb_s,
            bandwidth_mb_s_per_vcpu: raw.network.bandwidth_mb_s_per_vcpu,
            read_slowdown: spread(raw.network.read_slowdown, "network.read_slowdown")?,
            cold_start_mean_s: raw.startup.cold_start_mean_s,
            cold_start_cv: raw.startup.cold_start_cv,
            init_s: raw.startup.init_s,
            warm_invoke_s: raw.startup.warm_invoke_s,
            warm_invoke_spread: spread(
                raw.startup.warm_invoke_spread,
                "startup.warm_invoke_spread",
            )?,
            invoke_interval_s: raw.startup.invoke_interval_s,
            runtime_baseline_mb: raw.runtime.baseline_mb,
        };
        profile.check_positive()?;
        Ok(profile)
    }

    fn check_positive(&self) -> Result<(), String> {
        let rules = [
            ("cpu.peak_gflops_per_vcpu", self.peak_gflops_per_vcpu),
            ("cpu.memory_gb_s_per_vcpu", self.memory_gb_s_per_vcpu),
            ("price.billing_granularity_ms", self.billing_granularity_s),
            ("limits.max_duration_s", self.max_duration_s),
            ("limits.concurrency", self.concurrency),
            ("limits.burst_concurrency", self.burst_concurrency),
            ("limits.scale_up_per_10s", self.scale_up_per_10s),
            ("network.bandwidth_mb_s", self.bandwidth_mb_s),
            (
                "network.bandwidth_mb_s_per_vcpu",
                self.bandwidth_mb_s_per_vcpu,
            ),
        ];
        let non_negative = [
            ("price.usd_per_gb_s", self.usd_per_gb_s),
            ("price.usd_per_vcpu_s", self.usd_per_vcpu_s),
            ("price.usd_per_request", self.usd_per_request),
            ("startup.cold_start_mean_s", self.cold_start_mean_s),
            ("startup.cold_start_cv", self.cold_start_cv),
            ("startup.init_s", self.init_s),
            ("startup.warm_invoke_s", self.warm_invoke_s),
            ("startup.invoke_interval_s", self.invoke_interval_s),
            ("runtime.baseline_mb", self.runtime_baseline_mb),
        ];
        for (key, value) in rules {
            if !is_positive(value) {
                return Err(format!("{key} must be a positive number (got {value})"));
            }
        }
        for (key, value) in non_negative {
            if !(value >= 0.0 && value.is_finite()) {
                return Err(format!("{key} must not be negative (got {value})"));
            }
        }
        Ok(())
    }

    /// The smallest and largest memory sizes allowed.
    pub fn memory_bounds_mb(&self) -> (u32, u32) {
        match &self.memory {
            MemorySizes::Range { min_mb, max_mb, .. } => (*min_mb, *max_mb),
            MemorySizes::List(sizes) => (sizes[0], sizes[sizes.len() - 1]),
        }
    }

    /// Why `memory_mb` is not a size this platform offers, if it is not.
    pub fn check_memory(&self, memory_mb: u32) -> Result<(), String> {
        let allowed = match &self.memory {
            MemorySizes::Range {
                min_mb,
                max_mb,
                step_mb,
            } => {
                (*min_mb..=*max_mb).contains(&memory_mb)
                    && (memory_mb - min_mb).is_multiple_of(*step_mb)
            }
            MemorySizes::List(sizes) => sizes.contains(&memory_mb),
        };
        if allowed {
            return Ok(());
        }
        Err(match &self.memory {
            MemorySizes::Range {
                min_mb,
                max_mb,
                step_mb,
            } => format!(
                "{memory_mb} MB is not offered by {}: {min_mb}–{max_mb} MB in steps of {step_mb} MB",
                self.name
            ),
            MemorySizes::List(sizes) => {
                format!(
                    "{memory_mb} MB is not offered by {}: one of {sizes:?} MB",
                    self.name
                )
            }
        })
    }

    /// Every memory size the platform allows, ascending.
    pub fn all_memory_sizes(&self) -> Vec<u32> {
        match &self.memory {
            MemorySizes::Range {
                min_mb,
                max_mb,
                step_mb,
            } => (*min_mb..=*max_mb).step_by(*step_mb as usize).collect(),
            MemorySizes::List(sizes) => sizes.clone(),
        }
    }

    /// The sizes a memory sweep tries: every allowed size at a step of [`SWEEP_STEP_MB`] (or the
    /// profile's own, if coarser) and the search ladder's.
    pub fn sweep_memory_sizes(&self) -> Vec<u32> {
        let mut sizes = match &self.memory {
            MemorySizes::List(sizes) => sizes.clone(),
            MemorySizes::Range {
                min_mb,
                max_mb,
                step_mb,
            } => {
                let step = SWEEP_STEP_MB.div_ceil(*step_mb) * step_mb;
                (*min_mb..=*max_mb).step_by(step as usize).collect()
            }
        };
        sizes.extend(self.search_memory_sizes());
        sizes.sort_unstable();
        sizes.dedup();
        sizes
    }

    /// A coarse grid of memory sizes for searches ("auto"): the listed sizes, or a standard
    /// ladder snapped onto the allowed range and step.
    pub fn search_memory_sizes(&self) -> Vec<u32> {
        const LADDER_MB: [u32; 13] = [
            128, 256, 512, 768, 1024, 1536, 1769, 2048, 3008, 4096, 6144, 8192, 10240,
        ];
        match &self.memory {
            MemorySizes::List(sizes) => sizes.clone(),
            MemorySizes::Range {
                min_mb,
                max_mb,
                step_mb,
            } => {
                let mut sizes: Vec<u32> = LADDER_MB
                    .iter()
                    .map(|&mb| mb.clamp(*min_mb, *max_mb))
                    .map(|mb| min_mb + (mb - min_mb) / step_mb * step_mb)
                    .collect();
                sizes.push(*max_mb - (max_mb - min_mb) % step_mb);
                sizes.sort_unstable();
                sizes.dedup();
                sizes
            }
        }
    }

    /// vCPUs a function of `memory_mb` gets.
    pub fn vcpus(&self, memory_mb: u32) -> f64 {
        match &self.cpu {
            CpuShare::Proportional {
                mb_per_vcpu,
                max_vcpus,
            } => (f64::from(memory_mb) / mb_per_vcpu).min(*max_vcpus),
            CpuShare::PerSize(vcpus) => {
                let index = match &self.memory {
                    MemorySizes::List(sizes) => sizes.partition_point(|&mb| mb < memory_mb),
                    MemorySizes::Range { .. } => 0,
                };
                vcpus[index.min(vcpus.len() - 1)]
            }
        }
    }

    /// Network bandwidth of one function in MB/s: its NIC, or less where its CPU share limits it.
    pub fn bandwidth_mb_s(&self, memory_mb: u32) -> f64 {
        self.size(memory_mb, 1.0).bandwidth_bytes_per_s / BYTES_PER_MB
    }

    /// Dollars per second of one running function of `memory_mb` (before rounding).
    pub fn usd_per_s(&self, memory_mb: u32) -> f64 {
        self.size(memory_mb, 1.0).usd_per_s
    }

    /// Dollars per MB-second: `p` of Feng et al.'s C(z) = p·n·z·t(z).
    pub fn usd_per_mb_s(&self) -> f64 {
        self.usd_per_gb_s / MEMORY_MB_PER_GB
    }

    /// Seconds before the function with 0-based start order `index` can start: none within
    /// the burst, then the scale-up rate's 10-second steps.
    pub fn scale_up_delay_s(&self, index: f64) -> f64 {
        const STEP_S: f64 = 10.0;
        if index < self.burst_concurrency {
            return 0.0;
        }
        ((index + 1.0 - self.burst_concurrency) / self.scale_up_per_10s).ceil() * STEP_S
    }

    /// The billed duration of one invocation that ran `duration_s` (INIT included where billed).
    pub fn billed_s(&self, duration_s: f64, cold: bool) -> f64 {
        let init_s = if cold && self.bill_init {
            self.init_s
        } else {
            0.0
        };
        round_up_to_increment(duration_s + init_s, self.billing_granularity_s)
    }

    /// What `memory_mb` buys for work of arithmetic intensity `flops_per_byte`.
    pub fn size(&self, memory_mb: u32, flops_per_byte: f64) -> FunctionSize {
        let vcpus = self.vcpus(memory_mb);
        let per_vcpu_flops = self
            .peak_gflops_per_vcpu
            .min(flops_per_byte * self.memory_gb_s_per_vcpu)
            * 1e9;
        FunctionSize {
            memory_mb,
            vcpus,
            bandwidth_bytes_per_s: self
                .bandwidth_mb_s
                .min(self.bandwidth_mb_s_per_vcpu * vcpus)
                * BYTES_PER_MB,
            memory_bytes_per_s: self.memory_gb_s_per_vcpu * 1e9 * vcpus,
            flops_per_s: per_vcpu_flops * vcpus,
            usd_per_s: f64::from(memory_mb) / MEMORY_MB_PER_GB * self.usd_per_gb_s
                + vcpus * self.usd_per_vcpu_s,
        }
    }

    /// The duration part of one invocation's bill: billed seconds at the memory size's rate.
    pub fn duration_usd(&self, memory_mb: u32, duration_s: f64, cold: bool) -> f64 {
        self.billed_s(duration_s, cold) * self.usd_per_s(memory_mb)
    }

    /// The bill of one invocation: its duration part plus the request.
    pub fn invocation_usd(&self, memory_mb: u32, duration_s: f64, cold: bool) -> f64 {
        self.duration_usd(memory_mb, duration_s, cold) + self.usd_per_request
    }
}

fn memory_sizes(raw: &RawMemory) -> Result<MemorySizes, String> {
    match (&raw.sizes_mb, raw.min_mb, raw.max_mb) {
        (Some(sizes), None, None) => {
            if sizes.is_empty() || sizes.windows(2).any(|w| w[0] >= w[1]) || sizes[0] == 0 {
                return Err("memory.sizes_mb must be positive and strictly increasing".into());
            }
            Ok(MemorySizes::List(sizes.clone()))
        }
        (None, Some(min_mb), Some(max_mb)) => {
            let step_mb = raw.step_mb.unwrap_or(1);
            if min_mb == 0 || max_mb < min_mb || step_mb == 0 {
                return Err(format!(
                    "memory: need 0 < min_mb ≤ max_mb and step_mb > 0 (got {min_mb}, {max_mb}, {step_mb})"
                ));
            }
            Ok(MemorySizes::Range {
                min_mb,
                max_mb,
                step_mb,
            })
        }
        _ => Err("memory: give either sizes_mb, or min_mb and max_mb (with step_mb)".into()),
    }
}

fn cpu_share(raw: &RawCpu, memory: &MemorySizes) -> Result<CpuShare, String> {
    match (&raw.vcpus_by_size, raw.mb_per_vcpu, raw.max_vcpus) {
        (Some(vcpus), None, None) => match memory {
            MemorySizes::List(sizes) if sizes.len() == vcpus.len() => {
                if !vcpus.iter().all(|&v| is_positive(v)) {
                    return Err("cpu.vcpus_by_size must be positive".into());
                }
                Ok(CpuShare::PerSize(vcpus.clone()))
            }
            _ => Err("cpu.vcpus_by_size needs memory.sizes_mb of the same length".into()),
        },
        (None, Some(mb_per_vcpu), Some(max_vcpus)) if mb_per_vcpu > 0.0 && max_vcpus > 0.0 => {
            Ok(CpuShare::Proportional {
                mb_per_vcpu,
                max_vcpus,
            })
        }
        _ => Err("cpu: give either vcpus_by_size, or positive mb_per_vcpu and max_vcpus".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::Profiles;
    use approx::assert_relative_eq;

    fn profile(name: &str) -> FaasProfile {
        Profiles::builtin().unwrap().faas(name).unwrap().clone()
    }

    #[test]
    fn feng_price_per_mb_second_comes_out_of_the_x86_profile() {
        // Feng et al.: p = 1.63e-8 $/(MB·s) = $0.0000166667 per GB-s ÷ 1024.
        assert_relative_eq!(
            profile("aws-lambda-x86").usd_per_mb_s(),
            1.63e-8,
            max_relative = 2e-3
        );
    }

    #[test]
    fn one_vcpu_per_1769_mb_capped_at_six() {
        let lambda = profile("aws-lambda-x86");
        assert_relative_eq!(lambda.vcpus(1769), 1.0);
        assert_relative_eq!(lambda.vcpus(10240), 10240.0 / 1769.0);
        assert!(lambda.vcpus(10240) <= 6.0);
        assert_relative_eq!(lambda.vcpus(128), 128.0 / 1769.0);
    }

    #[test]
    fn a_one_second_1024_mb_invocation_costs_its_list_price() {
        let lambda = profile("aws-lambda-x86");
        // 1 GB × 1 s × $0.0000166667 + one request at $0.20 per million.
        assert_relative_eq!(
            lambda.invocation_usd(1024, 1.0, false),
            0.0000166667 + 0.0000002,
            max_relative = 1e-12
        );
    }

    #[test]
    fn the_2018_price_list_bills_in_100_ms_units() {
        let lambda = profile("aws-lambda-2018");
        assert_relative_eq!(lambda.billed_s(0.101, false), 0.2, epsilon = 1e-12);
        assert_relative_eq!(
            profile("aws-lambda-x86").billed_s(0.101, false),
            0.101,
            epsilon = 1e-12
        );
    }

    #[test]
    fn google_bills_memory_and_cpu_clock() {
        let gcf = profile("gcp-cloud-functions");
        // 2 GB at 2.4 GHz: $0.0000025 × 2 + $0.0000100 × 2.4 = $0.000029 per second.
        assert_relative_eq!(gcf.usd_per_s(2048), 0.000029, max_relative = 1e-9);
    }

    #[test]
    fn rejects_memory_outside_the_profile() {
        let lambda = profile("aws-lambda-2018");
        assert!(lambda.check_memory(3008).is_ok());
        assert!(lambda.check_memory(3009).is_err());
        assert!(lambda.check_memory(64).is_err());
        assert!(lambda.check_memory(200).is_err(), "not on the 64 MB grid");
    }

    #[test]
    fn search_grid_stays_inside_the_profile() {
        for name in ["aws-lambda-x86", "aws-lambda-2018", "gcp-cloud-functions"] {
            let p = profile(name);
            for mb in p.search_memory_sizes() {
                assert!(p.check_memory(mb).is_ok(), "{name}: {mb}");
            }
        }
    }

    #[test]
    fn small_functions_get_less_bandwidth() {
        let lambda = profile("aws-lambda-x86");
        assert_relative_eq!(lambda.bandwidth_mb_s(128), 156.0 * 128.0 / 1769.0);
        assert_relative_eq!(lambda.bandwidth_mb_s(3008), 99.8);
    }
}
