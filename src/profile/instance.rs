//! # EC2 instance types
//!
//! vCPUs, memory, price, sustained network bandwidth, optional GPU, boot and billing of the VMs
//! the IaaS side (and the VM parameter server) runs on. Compute follows the same roofline as
//! functions; a GPU, where present, runs neural networks at a fraction of its fp32 peak.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{ProfileError, from_table, invalid, sources::Source};
use crate::units::{BYTES_PER_S_PER_GBPS, SECONDS_PER_HOUR, is_positive};

/// A GPU attached to an instance.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Gpu {
    pub name: String,
    pub tflops: f64,
    pub memory_gb_s: f64,
    /// Fraction of the fp32 peak this GPU reaches training CNNs: a published training (or,
    /// lacking one, inference) throughput over the peak, stated with each GPU (no default, so
    /// that no GPU's speed is a guess).
    pub efficiency: f64,
}

/// One EC2 instance type with its defaults filled in.
#[derive(Debug, Clone, PartialEq)]
pub struct InstanceType {
    pub name: String,
    pub vcpus: f64,
    pub memory_gib: f64,
    pub usd_per_hour: f64,
    pub network_gbps: f64,
    pub gpu: Option<Gpu>,
    pub boot_s: f64,
    pub setup_s: f64,
    pub billing_minimum_s: f64,
    pub peak_gflops_per_vcpu: f64,
    pub memory_gb_s_per_vcpu: f64,
    pub step_latency_s: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEc2 {
    defaults: RawDefaults,
    instances: BTreeMap<String, RawInstance>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDefaults {
    boot_s: f64,
    setup_s: f64,
    billing_minimum_s: f64,
    peak_gflops_per_vcpu: f64,
    memory_gb_s_per_vcpu: f64,
    step_latency_s: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInstance {
    vcpus: f64,
    memory_gib: f64,
    usd_per_hour: f64,
    network_gbps: f64,
    gpu: Option<Gpu>,
    boot_s: Option<f64>,
    setup_s: Option<f64>,
    peak_gflops_per_vcpu: Option<f64>,
    memory_gb_s_per_vcpu: Option<f64>,
}

/// Parses the instance file, filling each type's gaps from `[defaults]`.
pub fn parse(source: &Source) -> Result<BTreeMap<String, InstanceType>, ProfileError> {
    let raw: RawEc2 = from_table(&source.file, &source.table)?;
    raw.instances
        .into_iter()
        .map(|(name, inst)| {
            let d = &raw.defaults;
            let instance = InstanceType {
                name: name.clone(),
                vcpus: inst.vcpus,
                memory_gib: inst.memory_gib,
                usd_per_hour: inst.usd_per_hour,
                network_gbps: inst.network_gbps,
                gpu: inst.gpu,
                boot_s: inst.boot_s.unwrap_or(d.boot_s),
                setup_s: inst.setup_s.unwrap_or(d.setup_s),
                billing_minimum_s: d.billing_minimum_s,
                peak_gflops_per_vcpu: inst.peak_gflops_per_vcpu.unwrap_or(d.peak_gflops_per_vcpu),
                memory_gb_s_per_vcpu: inst.memory_gb_s_per_vcpu.unwrap_or(d.memory_gb_s_per_vcpu),
                step_latency_s: d.step_latency_s,
            };
            instance
                .check()
                .map_err(|m| invalid(&source.file, format!("instances.\"{name}\": {m}")))?;
            Ok((name, instance))
        })
        .collect()
}

impl InstanceType {
    fn check(&self) -> Result<(), String> {
        let positive = [
            ("vcpus", self.vcpus),
            ("memory_gib", self.memory_gib),
            ("usd_per_hour", self.usd_per_hour),
            ("network_gbps", self.network_gbps),
            ("peak_gflops_per_vcpu", self.peak_gflops_per_vcpu),
            ("memory_gb_s_per_vcpu", self.memory_gb_s_per_vcpu),
        ];
        for (key, value) in positive {
            if !is_positive(value) {
                return Err(format!("{key} must be a positive number (got {value})"));
            }
        }
        if let Some(gpu) = &self.gpu
            && !(is_positive(gpu.efficiency) && gpu.efficiency <= 1.0)
        {
            return Err(format!(
                "gpu.efficiency is a fraction of the peak in (0, 1] (got {})",
                gpu.efficiency
            ));
        }
        Ok(())
    }

    /// FLOP/s on the CPUs for work of the given arithmetic intensity (roofline).
    pub fn cpu_flops_per_s(&self, flops_per_byte: f64) -> f64 {
        self.peak_gflops_per_vcpu
            .min(flops_per_byte * self.memory_gb_s_per_vcpu)
            * 1e9
            * self.vcpus
    }

    /// FLOP/s for training: the GPU for neural networks where there is one, else the CPUs.
    pub fn flops_per_s(&self, flops_per_byte: f64, neural: bool) -> f64 {
        match (&self.gpu, neural) {
            (Some(gpu), true) => {
                (gpu.tflops * 1e12 * gpu.efficiency).min(flops_per_byte * gpu.memory_gb_s * 1e9)
            }
            _ => self.cpu_flops_per_s(flops_per_byte),
        }
    }

    /// Sustained network bandwidth in bytes per second.
    pub fn network_bytes_per_s(&self) -> f64 {
        self.network_gbps * BYTES_PER_S_PER_GBPS
    }

    /// Bytes per second the CPUs stream from memory.
    pub fn memory_bytes_per_s(&self) -> f64 {
        self.memory_gb_s_per_vcpu * 1e9 * self.vcpus
    }

    /// The bill of `count` instances that ran `duration_s`: per second, with a minimum.
    pub fn usd(&self, count: u32, duration_s: f64) -> f64 {
        let billed_s = duration_s.ceil().max(self.billing_minimum_s);
        f64::from(count) * self.usd_per_hour * billed_s / SECONDS_PER_HOUR
    }
}

#[cfg(test)]
mod tests {
    use crate::profile::Profiles;
    use approx::assert_relative_eq;

    #[test]
    fn bills_per_second_with_a_sixty_second_minimum() {
        let profiles = Profiles::builtin().unwrap();
        let c5 = profiles.instance("c5.2xlarge").unwrap();
        assert_relative_eq!(c5.usd(1, 10.0), 0.34 * 60.0 / 3600.0);
        assert_relative_eq!(c5.usd(3, 3600.0), 3.0 * 0.34);
        assert_relative_eq!(c5.usd(1, 90.2), 0.34 * 91.0 / 3600.0);
    }

    #[test]
    fn a_gpu_states_its_efficiency_as_a_fraction_of_its_peak() {
        let gpu = |efficiency: &str| {
            let text = format!(
                "[ec2.instances.\"g9.test\"]\nvcpus = 4\nmemory_gib = 16\nusd_per_hour = 1.0\n\
                 network_gbps = 5.0\ngpu = {{ name = \"X\", tflops = 10.0, memory_gb_s = 300.0{efficiency} }}\n"
            );
            Profiles::calibrated(&text.parse().unwrap())
        };
        let missing = gpu("").unwrap_err().to_string();
        assert!(missing.contains("efficiency"), "{missing}");
        let above_peak = gpu(", efficiency = 1.5").unwrap_err().to_string();
        assert!(above_peak.contains("gpu.efficiency"), "{above_peak}");
        let profiles = gpu(", efficiency = 0.5").unwrap();
        let g9 = profiles.instance("g9.test").unwrap();
        assert_relative_eq!(g9.flops_per_s(1000.0, true), 5e12);
    }

    #[test]
    fn the_gpu_trains_neural_networks_and_the_cpus_train_linear_models() {
        let profiles = Profiles::builtin().unwrap();
        let p3 = profiles.instance("p3.2xlarge").unwrap();
        assert!(p3.flops_per_s(50.0, true) > 10.0 * p3.flops_per_s(50.0, false));
        assert_relative_eq!(p3.flops_per_s(1.0, false), p3.cpu_flops_per_s(1.0));
    }

    #[test]
    fn every_instance_the_issue_names_is_known() {
        let profiles = Profiles::builtin().unwrap();
        for name in [
            "t2.medium",
            "m4.large",
            "m5.large",
            "c5.large",
            "c5.2xlarge",
            "c5.4xlarge",
            "p3.2xlarge",
            "g4dn.xlarge",
        ] {
            assert!(profiles.instance(name).is_ok(), "{name}");
        }
    }
}
