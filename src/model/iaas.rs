//! # IaaS model
//!
//! Times and prices training on w VMs of one instance type: boot, the training framework's
//! install and import, the workers meeting; each VM reading its shard from S3 over its NIC,
//! computing on its vCPUs (or its GPU for neural networks), and a ring AllReduce per round over
//! the VM network, or a parameter server on one more VM. VMs are billed per second with a
//! minimum.

use crate::model::facts::{FactsError, WorkloadFacts};
use crate::model::link::{Link, Op};
use crate::model::patterns::{ring, vm_server};
use crate::model::{Infeasible, TimeBreakdown};
use crate::profile::runtime::single_thread_share;
use crate::profile::{ChannelKind, InstanceType, ProfileError, Profiles, Runtime};
use crate::scenario::Scenario;

/// One IaaS configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct IaasConfig {
    pub instance: String,
    pub workers: u32,
    pub pattern: IaasPattern,
}

/// How VMs exchange updates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IaasPattern {
    /// Each VM talks to its neighbours (PyTorch DDP, Horovod).
    RingAllReduce,
    /// Workers push to and pull from a server on one more VM (PyTorch RPC, Angel).
    ParameterServer,
}

impl IaasPattern {
    pub const ALL: [IaasPattern; 2] = [IaasPattern::RingAllReduce, IaasPattern::ParameterServer];

    /// The name used in scenarios and output.
    pub fn name(self) -> &'static str {
        match self {
            IaasPattern::RingAllReduce => "ring-allreduce",
            IaasPattern::ParameterServer => "parameter-server",
        }
    }

    /// VMs billed besides the workers.
    pub fn extra_vms(self, workers: u32) -> u32 {
        match self {
            IaasPattern::ParameterServer if workers > 1 => 1,
            _ => 0,
        }
    }
}

impl std::fmt::Display for IaasPattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for IaasPattern {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        IaasPattern::ALL
            .into_iter()
            .find(|p| p.name() == s)
            .ok_or_else(|| {
                let known: Vec<&str> = IaasPattern::ALL.iter().map(|p| p.name()).collect();
                format!("unknown IaaS pattern `{s}` (known: {})", known.join(", "))
            })
    }
}

/// What VMs of one instance type exchange updates over.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VmNetwork {
    /// Each VM's NIC, bytes per second in each direction.
    pub nic_bytes_per_s: f64,
    /// One message's latency between two VMs (a ring step, half a push's round trip).
    pub step_latency_s: f64,
    /// Bytes per second a server adds updates at, on one thread.
    pub sum_bytes_per_s: f64,
}

/// The bill of an IaaS run.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct IaasCost {
    pub instances_usd: f64,
    /// S3 requests to read the data.
    pub storage_requests_usd: f64,
}

impl IaasCost {
    pub fn total_usd(&self) -> f64 {
        self.instances_usd + self.storage_requests_usd
    }
}

/// The model's prediction for one IaaS configuration.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IaasPrediction {
    pub time: TimeBreakdown,
    pub cost: IaasCost,
    pub rounds: f64,
    /// A worker's work per round before it communicates: batching and compute.
    pub compute_per_round_s: f64,
    pub comm_per_round_s: f64,
}

/// Why the IaaS model cannot be built.
#[derive(Debug, thiserror::Error)]
pub enum IaasModelError {
    #[error(transparent)]
    Facts(#[from] FactsError),
    #[error(transparent)]
    Profile(#[from] ProfileError),
}

/// The IaaS model of one scenario.
#[derive(Debug, Clone)]
pub struct IaasModel {
    facts: WorkloadFacts,
    runtime: Runtime,
    s3: Link,
    s3_usd_per_get_unit: f64,
}

impl IaasModel {
    /// Builds the model of `scenario`'s workload on VMs.
    pub fn new(scenario: &Scenario, profiles: &Profiles) -> Result<Self, IaasModelError> {
        let s3 = profiles.channels.get(ChannelKind::S3);
        Ok(IaasModel {
            facts: WorkloadFacts::new(&scenario.workload)?,
            runtime: profiles.runtime(&scenario.workload.runtime)?.clone(),
            s3: Link::new(s3, f64::INFINITY, None),
            s3_usd_per_get_unit: s3.usd_per_get_unit,
        })
    }

    /// The workload facts the model uses.
    pub fn facts(&self) -> &WorkloadFacts {
        &self.facts
    }

    /// Predicts time and bill of `workers` VMs of type `instance` exchanging by `pattern`.
    pub fn predict(
        &self,
        instance: &InstanceType,
        workers: u32,
        pattern: IaasPattern,
    ) -> Result<IaasPrediction, Infeasible> {
        let w = f64::from(workers);
        let streaming = self.streams(instance, workers)?;
        let batching_s = self.batching_per_round_s(workers);
        let steps_s = self.steps_per_round_s(instance, workers);
        let compute_s = batching_s + steps_s;
        let comm_s = self.comm_per_round_s(instance, w, pattern);
        let time = TimeBreakdown {
            startup_s: self.startup_s(instance),
            load_s: self.load_s(instance, w) * (1.0 + streaming_reloads(streaming, &self.facts)),
            batching_s: self.facts.rounds * batching_s,
            compute_s: self.facts.rounds * steps_s,
            comm_s: self.facts.rounds * comm_s,
        };
        let cost = self.bill(instance, workers, pattern, time.total_s());
        Ok(IaasPrediction {
            time,
            cost,
            rounds: self.facts.rounds,
            compute_per_round_s: compute_s,
            comm_per_round_s: comm_s,
        })
    }

    /// Whether each of `workers` VMs of `instance` streams its shard from storage (re-reading
    /// it every epoch) because it does not fit in memory beside the model state; an error when
    /// not even two mini-batches fit.
    pub fn streams(&self, instance: &InstanceType, workers: u32) -> Result<bool, Infeasible> {
        const GIB: f64 = (1u64 << 30) as f64;
        let state = 3.0 * self.facts.sync_bytes;
        let resident_gib = (self.facts.memory_bytes / f64::from(workers) + state) / GIB;
        if resident_gib <= instance.memory_gib {
            return Ok(false);
        }
        let streaming_gib = (2.0 * self.facts.batch_bytes(workers) + state) / GIB;
        if streaming_gib <= instance.memory_gib {
            return Ok(true);
        }
        Err(Infeasible::MemoryTooSmall {
            needed_mb: streaming_gib * 1024.0,
            memory_mb: instance.memory_gib * 1024.0,
        })
    }

    /// Seconds of one round's exchange among `workers` VMs of `instance` by `pattern`.
    pub fn comm_per_round_s(
        &self,
        instance: &InstanceType,
        workers: f64,
        pattern: IaasPattern,
    ) -> f64 {
        let (m, net) = (self.facts.sync_bytes, self.network(instance));
        match pattern {
            IaasPattern::RingAllReduce => {
                ring::allreduce_s(workers, m, net.nic_bytes_per_s, net.step_latency_s)
            }
            IaasPattern::ParameterServer => vm_server::round_s(
                workers,
                m,
                net.nic_bytes_per_s,
                net.sum_bytes_per_s,
                net.step_latency_s,
            ),
        }
    }

    /// The network VMs of `instance` exchange updates over, and a server's summing rate.
    pub fn network(&self, instance: &InstanceType) -> VmNetwork {
        VmNetwork {
            nic_bytes_per_s: instance.network_bytes_per_s(),
            step_latency_s: instance.step_latency_s,
            sum_bytes_per_s: instance.memory_gb_s_per_vcpu * 1e9,
        }
    }

    /// The bill of `workers` VMs of `instance` (and a server's, by `pattern`) that ran
    /// `total_s`, and their reads of the data.
    pub fn bill(
        &self,
        instance: &InstanceType,
        workers: u32,
        pattern: IaasPattern,
        total_s: f64,
    ) -> IaasCost {
        let w = f64::from(workers);
        let shard = self.facts.stored_bytes / w;
        IaasCost {
            instances_usd: instance.usd(workers + pattern.extra_vms(workers), total_s),
            storage_requests_usd: w * self.s3.units(Op::Get, shard) * self.s3_usd_per_get_unit,
        }
    }

    /// Seconds from asking for the VMs to the framework running on them: boot, the runtime's
    /// install and import, and the workers meeting.
    pub fn startup_s(&self, instance: &InstanceType) -> f64 {
        instance.boot_s + self.runtime.install_s + self.runtime.import_s + instance.setup_s
    }

    /// FLOP/s of `instance` for this workload: the GPU for neural networks where there is one,
    /// else the rate the runtime was measured to reach per vCPU (the CPUs' roofline for a
    /// runtime without one).
    pub fn flops_per_s(&self, instance: &InstanceType) -> f64 {
        let on_gpu = instance.gpu.is_some() && self.facts.neural;
        match self
            .runtime
            .gflops_per_vcpu(self.facts.neural, self.facts.layer_intensity)
        {
            Some(gflops) if !on_gpu => gflops * 1e9 * instance.vcpus,
            _ => instance.flops_per_s(self.facts.flops_per_byte, self.facts.neural),
        }
    }

    /// Seconds of the runtime's fixed work per step in one VM's round (one thread).
    pub fn step_overhead_s(&self) -> f64 {
        self.facts.step_overhead_s(&self.runtime)
    }

    /// Seconds one of `workers` VMs gathers its round's rows into mini-batches (one thread).
    pub fn batching_per_round_s(&self, workers: u32) -> f64 {
        self.facts.batching_s(&self.runtime, workers)
    }

    /// Seconds one of `workers` VMs of `instance` works per round before it communicates:
    /// batching its rows, then its steps.
    pub fn compute_per_round_s(&self, instance: &InstanceType, workers: u32) -> f64 {
        self.batching_per_round_s(workers) + self.steps_per_round_s(instance, workers)
    }

    /// Seconds one of `workers` VMs of `instance` computes its steps per round: the runtime's
    /// per-step work (one thread) and the FLOPs.
    pub fn steps_per_round_s(&self, instance: &InstanceType, workers: u32) -> f64 {
        self.step_overhead_s()
            + self.facts.flops_per_worker_round(workers) / self.flops_per_s(instance)
    }

    /// Seconds one of `workers` VMs reads its shard from S3 and parses it (one thread).
    pub fn load_s(&self, instance: &InstanceType, workers: f64) -> f64 {
        let mut link = self.s3;
        link.client_bytes_per_s = link.client_bytes_per_s.min(instance.network_bytes_per_s());
        let shard = self.facts.stored_bytes / workers;
        let parse = self.runtime.parse_bytes_per_s(self.facts.stored_format)
            * single_thread_share(instance.vcpus);
        link.transfer_s(shard, workers) + shard / parse
    }

    /// Resolves an instance name and predicts.
    pub fn predict_named(
        &self,
        profiles: &Profiles,
        cfg: &IaasConfig,
    ) -> Result<Result<IaasPrediction, Infeasible>, ProfileError> {
        Ok(self.predict(profiles.instance(&cfg.instance)?, cfg.workers, cfg.pattern))
    }
}

/// Reads of the shard after the first: one per epoch boundary when streaming.
pub fn streaming_reloads(streaming: bool, facts: &WorkloadFacts) -> f64 {
    if streaming { facts.reloads() } else { 0.0 }
}
