//! # FaaS model
//!
//! Times and prices one serverless configuration: w functions of z MB exchange state through a
//! channel with a pattern under a synchronisation protocol. Start-up is the channel's
//! provisioning, a cold start and the invocation of w functions; loading reads the shard from
//! S3; each round computes on the function's CPU share and communicates; runs over the duration
//! limit are split into re-invocations. The bill is GB-seconds at the billing granularity,
//! requests, the channel's requests and its node-hours.

use crate::model::channels::{self, ChannelSetup, NodeSetup, ProvisionError};
use crate::model::facts::{FactsError, WorkloadFacts};
use crate::model::limits::{self, Segments, Work};
use crate::model::link::{Link, Op};
use crate::model::patterns::{Pattern, RequestPrices, RoundComm, RoundContext};
use crate::model::{Infeasible, TimeBreakdown};
use crate::profile::faas::FunctionSize;
use crate::profile::runtime::single_thread_share;
use crate::profile::{ChannelKind, FaasProfile, ProfileError, Profiles, Runtime};
use crate::scenario::{Lifecycle, Scenario, Sync};
use crate::units::{BYTES_PER_MB, BYTES_PER_MEMORY_MB};

/// One FaaS configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct FaasConfig {
    pub workers: u32,
    pub memory_mb: u32,
    pub channel: ChannelKind,
    /// The ElastiCache node type of a memcached or redis channel (`None`: the scenario's
    /// first, or the channel profile's default).
    pub cache_node: Option<String>,
    pub pattern: Pattern,
    pub sync: Sync,
}

impl FaasConfig {
    /// The channel this configuration exchanges state through.
    pub fn channel_ref(&self) -> ChannelRef<'_> {
        ChannelRef {
            kind: self.channel,
            node: self.cache_node.as_deref(),
        }
    }
}

/// A channel as a configuration uses it: its kind and, for a cache, the node type it runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChannelRef<'a> {
    pub kind: ChannelKind,
    pub node: Option<&'a str>,
}

impl From<ChannelKind> for ChannelRef<'_> {
    /// The channel on the scenario's default node.
    fn from(kind: ChannelKind) -> Self {
        ChannelRef { kind, node: None }
    }
}

/// The bill of a FaaS run.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct FaasCost {
    /// GB-seconds (and vCPU-seconds) of workers and aggregators.
    pub functions_usd: f64,
    /// Invocation requests.
    pub requests_usd: f64,
    /// Requests to the channel and to S3 for the data.
    pub channel_requests_usd: f64,
    /// Cache node-hours or the parameter-server VM.
    pub channel_node_usd: f64,
}

impl std::ops::AddAssign for FaasCost {
    /// Runs one after another: each part adds up.
    fn add_assign(&mut self, other: FaasCost) {
        self.functions_usd += other.functions_usd;
        self.requests_usd += other.requests_usd;
        self.channel_requests_usd += other.channel_requests_usd;
        self.channel_node_usd += other.channel_node_usd;
    }
}

impl FaasCost {
    pub fn total_usd(&self) -> f64 {
        self.functions_usd + self.requests_usd + self.channel_requests_usd + self.channel_node_usd
    }
}

/// Counts behind a prediction.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct FaasDetail {
    pub rounds: f64,
    /// Invocations per worker (more than 1 when the duration limit splits the run).
    pub invocations_per_worker: f64,
    pub channel_puts: f64,
    pub channel_gets: f64,
    pub bytes_moved: f64,
    pub memory_needed_mb: f64,
    /// A worker's work per round before it communicates: batching and compute.
    pub compute_per_round_s: f64,
    pub comm_per_round_s: f64,
    /// Aggregator functions, their invocations and the round's channel requests, per round.
    pub aggregation_usd_per_round: f64,
}

/// The model's prediction for one FaaS configuration.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FaasPrediction {
    pub time: TimeBreakdown,
    pub cost: FaasCost,
    pub detail: FaasDetail,
}

impl FaasPrediction {
    /// `times` runs of this one after another: every time, count and bill part adds up.
    fn repeated(&self, times: f64) -> FaasPrediction {
        let t = &self.time;
        let c = &self.cost;
        let d = &self.detail;
        FaasPrediction {
            time: TimeBreakdown {
                startup_s: times * t.startup_s,
                load_s: times * t.load_s,
                batching_s: times * t.batching_s,
                compute_s: times * t.compute_s,
                comm_s: times * t.comm_s,
            },
            cost: FaasCost {
                functions_usd: times * c.functions_usd,
                requests_usd: times * c.requests_usd,
                channel_requests_usd: times * c.channel_requests_usd,
                channel_node_usd: times * c.channel_node_usd,
            },
            detail: FaasDetail {
                rounds: times * d.rounds,
                invocations_per_worker: times * d.invocations_per_worker,
                channel_puts: times * d.channel_puts,
                channel_gets: times * d.channel_gets,
                bytes_moved: times * d.bytes_moved,
                ..*d
            },
        }
    }
}

/// The FaaS model of one scenario, ready to evaluate configurations.
#[derive(Debug, Clone)]
pub struct FaasModel {
    facts: WorkloadFacts,
    profile: FaasProfile,
    runtime: Runtime,
    /// Each channel on the scenario's default node, in `ChannelKind::ALL` order.
    channels: Vec<ChannelSetup>,
    /// The cache channels on every node type of the catalogue that prices them.
    node_setups: Vec<NodeSetup>,
    /// HSP barriers: one between consecutive epochs of a generation (the last epoch ends
    /// when its functions return, which the launcher sees without a flag).
    epoch_barriers: f64,
    /// Functions the account may run at once.
    concurrency_limit: f64,
    lifecycle: Lifecycle,
    /// With a per-epoch lifecycle over several epochs: the model of one generation's job,
    /// built once.
    generation: Option<Box<FaasModel>>,
}

/// Why the FaaS model cannot be built for a scenario.
#[derive(Debug, thiserror::Error)]
pub enum FaasModelError {
    #[error(transparent)]
    Facts(#[from] FactsError),
    #[error(transparent)]
    Profile(#[from] ProfileError),
    #[error(transparent)]
    Channel(#[from] ProvisionError),
    #[error("the scenario has no [faas] section")]
    NoFaas,
}

impl FaasModel {
    /// Builds the model of `scenario`'s FaaS side.
    pub fn new(scenario: &Scenario, profiles: &Profiles) -> Result<Self, FaasModelError> {
        let space = scenario.faas.as_ref().ok_or(FaasModelError::NoFaas)?;
        let facts = WorkloadFacts::new(&scenario.workload)?;
        let channels = channels::setups(space, profiles)?;
        let node_setups = channels::node_setups(space, profiles);
        let profile = profiles.faas(&space.profile)?.clone();
        let mut model = FaasModel {
            concurrency_limit: space.concurrency_limit.unwrap_or(profile.concurrency),
            lifecycle: space.lifecycle,
            epoch_barriers: barriers_between(facts.epochs),
            facts,
            profile,
            runtime: profiles.runtime(&scenario.workload.runtime)?.clone(),
            channels,
            node_setups,
            generation: None,
        };
        if model.lifecycle == Lifecycle::PerEpoch && model.facts.generations() > 1.0 {
            model.generation = Some(Box::new(model.one_epoch()));
        }
        Ok(model)
    }

    /// The workload facts the model uses.
    pub fn facts(&self) -> &WorkloadFacts {
        &self.facts
    }

    /// The platform profile.
    pub fn profile(&self) -> &FaasProfile {
        &self.profile
    }

    /// The training runtime.
    pub fn runtime(&self) -> &Runtime {
        &self.runtime
    }

    /// What a function of `memory_mb` gets for this workload's kernel: the rate the runtime was
    /// measured to reach per vCPU, or, for a runtime without one (native kernels), the
    /// hardware's roofline.
    pub fn size(&self, memory_mb: u32) -> FunctionSize {
        let mut size = self.profile.size(memory_mb, self.facts.flops_per_byte);
        if let Some(gflops) = self
            .runtime
            .gflops_per_vcpu(self.facts.neural, self.facts.layer_intensity)
        {
            size.flops_per_s = gflops * 1e9 * size.vcpus;
        }
        size
    }

    /// The link a function of `size` has to `channel` for models: its NIC and the runtime's
    /// (de)serialisation of each object, one after the other.
    pub fn link<'c>(&self, channel: impl Into<ChannelRef<'c>>, size: &FunctionSize) -> Link {
        let mut link = self.data_link_of(channel.into(), size);
        let serialize = self.runtime.serialize_bytes_per_s() * single_thread_share(size.vcpus);
        link.client_bytes_per_s = in_series(link.client_bytes_per_s, serialize);
        link
    }

    /// The link a function of `size` reads its data shard through (S3).
    pub fn data_link(&self, size: &FunctionSize) -> Link {
        self.data_link_of(ChannelKind::S3.into(), size)
    }

    fn data_link_of(&self, channel: ChannelRef, size: &FunctionSize) -> Link {
        let mut link = self.setup(channel).link;
        link.client_bytes_per_s = link.client_bytes_per_s.min(size.bandwidth_bytes_per_s);
        link
    }

    /// Seconds a function of `size` spends importing the runtime after each cold start.
    pub fn import_s(&self, size: &FunctionSize) -> f64 {
        self.runtime.import_s / single_thread_share(size.vcpus)
    }

    /// Seconds of the runtime's fixed work per step in one worker's round, on one thread.
    pub fn step_overhead_s(&self, size: &FunctionSize) -> f64 {
        self.facts.step_overhead_s(&self.runtime) / single_thread_share(size.vcpus)
    }

    /// Seconds one of `workers` workers of `size` gathers its round's rows into mini-batches,
    /// on one thread.
    pub fn batching_per_round_s(&self, workers: u32, size: &FunctionSize) -> f64 {
        self.facts.batching_s(&self.runtime, workers) / single_thread_share(size.vcpus)
    }

    /// Seconds every one of `workers` workers' checkpoint takes through `link`, written and read
    /// back: all checkpoint at about the same moment, so a limit queues them.
    pub fn checkpoint_s(&self, link: &Link, workers: f64) -> (f64, f64) {
        let bytes = self.facts.model_bytes;
        (
            link.phase_s(Op::Put, 1.0, bytes, workers),
            link.phase_s(Op::Get, 1.0, bytes, workers),
        )
    }

    /// Seconds one of `workers` functions of `size` parses its shard once it has arrived.
    pub fn parse_s(&self, workers: u32, size: &FunctionSize) -> f64 {
        let rate = self.runtime.parse_bytes_per_s(self.facts.stored_format)
            * single_thread_share(size.vcpus);
        self.facts.stored_bytes / f64::from(workers) / rate
    }

    /// The round context a pattern needs for `cfg` (with the worker compute time per round).
    pub fn round_context<'a>(
        &'a self,
        cfg: &FaasConfig,
        size: &FunctionSize,
        link: &'a Link,
        compute_s: f64,
    ) -> RoundContext<'a> {
        RoundContext {
            workers: f64::from(cfg.workers),
            bytes: self.facts.sync_bytes,
            merge_bytes_per_s: size.memory_bytes_per_s,
            link,
            invoke_s: self.profile.warm_invoke_s,
            update_bytes_per_s: self.setup(cfg.channel_ref()).update_bytes_per_s,
            compute_s,
            synchronous: cfg.sync.is_synchronous(),
            rounds: self.facts.rounds,
            profile: &self.profile,
            usd_per_s: size.usd_per_s,
        }
    }

    /// What requests cost through `channel` on this platform.
    pub fn request_prices<'c>(&self, channel: impl Into<ChannelRef<'c>>) -> RequestPrices {
        let setup = self.setup(channel.into());
        RequestPrices {
            put_unit_usd: setup.usd_per_put_unit,
            get_unit_usd: setup.usd_per_get_unit,
            invocation_usd: self.profile.usd_per_request,
        }
    }

    /// Seconds one of `workers` workers of `size` works per round before it communicates:
    /// batching its rows, then its steps.
    pub fn compute_per_round_s(&self, workers: u32, size: &FunctionSize) -> f64 {
        self.batching_per_round_s(workers, size) + self.steps_per_round_s(workers, size)
    }

    /// Seconds one of `workers` workers of `size` computes its steps per round: the runtime's
    /// per-step work and the FLOPs at the function's rate.
    pub fn steps_per_round_s(&self, workers: u32, size: &FunctionSize) -> f64 {
        self.step_overhead_s(size) + self.facts.flops_per_worker_round(workers) / size.flops_per_s
    }

    /// Predicts the time and bill of one configuration: one generation of functions for the
    /// whole job, or (`faas.lifecycle = "per-epoch"`) a fresh generation for each epoch, each
    /// paying its start-up, loading and bill as a one-epoch job does (Siren; the schedule
    /// optimiser's epochs and the simulator's generations are the same runs).
    pub fn predict(&self, cfg: &FaasConfig) -> Result<FaasPrediction, Infeasible> {
        match &self.generation {
            Some(one) => Ok(one
                .predict_generation(cfg)?
                .repeated(self.facts.generations())),
            None => self.predict_generation(cfg),
        }
    }

    /// The model of one epoch of this workload: a per-epoch generation's job.
    pub fn one_epoch(&self) -> FaasModel {
        let mut model = self.clone();
        model.facts.rounds = self.facts.rounds_per_epoch.ceil().max(1.0);
        model.facts.epochs = model.facts.rounds / self.facts.rounds_per_epoch;
        model.epoch_barriers = barriers_between(model.facts.epochs);
        model.lifecycle = Lifecycle::Persistent;
        model.generation = None;
        model
    }

    /// How long generations of functions live.
    pub fn lifecycle(&self) -> Lifecycle {
        self.lifecycle
    }

    fn predict_generation(&self, cfg: &FaasConfig) -> Result<FaasPrediction, Infeasible> {
        let concurrent = self.concurrent_functions(cfg);
        if concurrent > self.concurrency_limit {
            return Err(Infeasible::ConcurrencyLimit {
                needed: concurrent,
                limit: self.concurrency_limit,
            });
        }
        let (memory_needed_mb, streaming) = self.residency(cfg)?;
        self.check_node_capacity(cfg)?;
        let setup = self.setup(cfg.channel_ref());
        let size = self.size(cfg.memory_mb);
        let link = self.link(cfg.channel_ref(), &size);
        let batching_s = self.batching_per_round_s(cfg.workers, &size);
        let steps_s = self.steps_per_round_s(cfg.workers, &size);
        let compute_s = batching_s + steps_s;
        let comm = cfg
            .pattern
            .round(&self.round_context(cfg, &size, &link, compute_s));
        let w = f64::from(cfg.workers);
        let barrier_s = if cfg.sync == Sync::Hsp {
            self.epoch_barriers * barrier_s(&link, w)
        } else {
            0.0
        };
        let load_s = self.load_s(cfg.workers, &size);
        let reload_s = if streaming {
            self.facts.reloads() * load_s
        } else {
            0.0
        };
        let checkpoint = self.checkpoint_s(&link, w);
        let segments = limits::split(&Work {
            limit_s: self.profile.max_duration_s,
            load_s,
            round_s: compute_s + comm.time_s,
            rounds: self.facts.rounds,
            extra_s: barrier_s + reload_s,
            checkpoint_put_s: checkpoint.0,
            checkpoint_get_s: checkpoint.1,
        })
        .map_err(|e| Infeasible::RoundOverLimit {
            needed_s: e.needed_s,
            limit_s: e.limit_s,
        })?;
        let restarts = segments.restarts();
        let time = TimeBreakdown {
            startup_s: setup.startup_s
                + (self.profile.cold_start_mean_s + self.import_s(&size)) * (1.0 + restarts)
                + w * self.profile.invoke_interval_s
                + self.profile.scale_up_delay_s(w - 1.0),
            load_s: load_s * segments.count + reload_s,
            batching_s: self.facts.rounds * batching_s,
            compute_s: self.facts.rounds * steps_s,
            comm_s: self.facts.rounds * comm.time_s
                + barrier_s
                + restarts * (checkpoint.0 + checkpoint.1),
        };
        let cost = self.bill(cfg, &size, &segments, &comm, (time.total_s(), streaming));
        Ok(FaasPrediction {
            time,
            cost,
            detail: FaasDetail {
                rounds: self.facts.rounds,
                invocations_per_worker: segments.count,
                channel_puts: self.facts.rounds * comm.puts,
                channel_gets: self.facts.rounds * comm.gets,
                bytes_moved: self.facts.rounds * comm.bytes_moved,
                memory_needed_mb,
                compute_per_round_s: compute_s,
                comm_per_round_s: comm.time_s,
                aggregation_usd_per_round: self.round_usd(cfg.channel_ref(), &comm),
            },
        })
    }

    /// Functions running at once: the workers and a tree's aggregators.
    pub fn concurrent_functions(&self, cfg: &FaasConfig) -> f64 {
        let aggregators: u32 = cfg
            .pattern
            .structure()
            .map_or(0, |layers| layers[..layers.len() - 1].iter().sum());
        f64::from(cfg.workers) + f64::from(aggregators)
    }

    /// The bill of `channel`'s node (cache node-hours or the PS VM) for a run of `total_s`.
    pub fn channel_node_usd<'c>(&self, channel: impl Into<ChannelRef<'c>>, total_s: f64) -> f64 {
        self.setup(channel.into()).node_usd(total_s)
    }

    /// Bytes per second a parameter server on `channel` applies updates at (infinite elsewhere).
    pub fn update_bytes_per_s<'c>(&self, channel: impl Into<ChannelRef<'c>>) -> f64 {
        self.setup(channel.into()).update_bytes_per_s
    }

    /// Start-up of `channel` before the functions are invoked.
    pub fn channel_startup_s<'c>(&self, channel: impl Into<ChannelRef<'c>>) -> f64 {
        self.setup(channel.into()).startup_s
    }

    /// How `channel` is set up: on its node type when one is named and known, else on the
    /// scenario's default node.
    fn setup(&self, channel: ChannelRef) -> &ChannelSetup {
        channel
            .node
            .and_then(|name| {
                self.node_setups
                    .iter()
                    .find(|n| n.kind == channel.kind && n.node == name)
            })
            .map_or(&self.channels[channel.kind as usize], |n| &n.setup)
    }

    /// Refuses a configuration whose round leaves more objects on the cache node than it
    /// holds: every worker's update and the merged one (AllReduce and ScatterReduce alike).
    fn check_node_capacity(&self, cfg: &FaasConfig) -> Result<(), Infeasible> {
        let capacity = self.setup(cfg.channel_ref()).capacity_bytes;
        let needed = (f64::from(cfg.workers) + 1.0) * self.facts.sync_bytes;
        if needed <= capacity {
            return Ok(());
        }
        Err(Infeasible::CacheNodeTooSmall {
            needed_mb: needed / BYTES_PER_MB,
            node_mb: capacity / BYTES_PER_MB,
        })
    }

    /// Dollars of one round's aggregators, their invocations and its channel requests.
    fn round_usd(&self, channel: ChannelRef, comm: &RoundComm) -> f64 {
        let prices = self.request_prices(channel);
        comm.aggregator_usd
            + comm.aggregator_invocations * prices.invocation_usd
            + comm.put_units * prices.put_unit_usd
            + comm.get_units * prices.get_unit_usd
    }

    /// MB a worker of `cfg` needs and whether it streams its shard: it holds the shard in
    /// memory when that fits, else streams mini-batches from storage as Cirrus does (a batch
    /// in use and one prefetched), re-reading the shard every epoch.
    pub fn residency(&self, cfg: &FaasConfig) -> Result<(f64, bool), Infeasible> {
        let memory_mb = f64::from(cfg.memory_mb);
        let resident_mb = self.memory_needed_mb(cfg.workers);
        if resident_mb <= memory_mb {
            return Ok((resident_mb, false));
        }
        let streaming_mb = self.streaming_memory_mb(cfg.workers);
        if streaming_mb <= memory_mb {
            return Ok((streaming_mb, true));
        }
        Err(Infeasible::MemoryTooSmall {
            needed_mb: streaming_mb,
            memory_mb,
        })
    }

    /// MB a worker streaming its shard needs: model state, two mini-batches and the runtime.
    pub fn streaming_memory_mb(&self, workers: u32) -> f64 {
        let state_copies = 3.0 * self.facts.sync_bytes / self.facts.model_bytes;
        let bytes = 2.0 * self.facts.batch_bytes(workers) + state_copies * self.facts.model_bytes;
        bytes / BYTES_PER_MEMORY_MB + self.profile.runtime_baseline_mb
    }

    /// MB a worker needs: its data shard, model state (model, gradient, merge buffer; ADMM also
    /// keeps z and u) and the runtime.
    pub fn memory_needed_mb(&self, workers: u32) -> f64 {
        let state_copies = 3.0 * self.facts.sync_bytes / self.facts.model_bytes;
        let bytes =
            self.facts.memory_bytes / f64::from(workers) + state_copies * self.facts.model_bytes;
        bytes / BYTES_PER_MEMORY_MB + self.profile.runtime_baseline_mb
    }

    /// Seconds one of `workers` functions of `size` takes to read its shard from S3 and parse it.
    pub fn load_s(&self, workers: u32, size: &FunctionSize) -> f64 {
        let shard = self.facts.stored_bytes / f64::from(workers);
        self.data_link(size).transfer_s(shard, f64::from(workers)) + self.parse_s(workers, size)
    }

    fn bill(
        &self,
        cfg: &FaasConfig,
        size: &FunctionSize,
        segments: &Segments,
        comm: &RoundComm,
        (total_s, streaming): (f64, bool),
    ) -> FaasCost {
        let w = f64::from(cfg.workers);
        let rounds = self.facts.rounds;
        let p = &self.profile;
        let setup = self.setup(cfg.channel_ref());
        let worker_usd = segments.sum_over(|d| p.billed_s(d, true) * size.usd_per_s);
        let s3 = &self.channels[ChannelKind::S3 as usize];
        let shard = self.facts.stored_bytes / w;
        let reads = segments.count + if streaming { self.facts.reloads() } else { 0.0 };
        let data_gets = w * reads * s3.link.units(Op::Get, shard);
        let restarts = segments.restarts();
        let checkpoint_puts = w * restarts * setup.link.units(Op::Put, self.facts.model_bytes);
        let checkpoint_gets = w * restarts * setup.link.units(Op::Get, self.facts.model_bytes);
        // HSP: a flag PUT and GET per worker per barrier.
        let flags = if cfg.sync == Sync::Hsp {
            w * self.epoch_barriers
        } else {
            0.0
        };
        let usage = Usage {
            functions_usd: w * worker_usd + rounds * comm.aggregator_usd,
            invocations: w * segments.count + rounds * comm.aggregator_invocations,
            put_units: rounds * comm.put_units + checkpoint_puts + flags,
            get_units: rounds * comm.get_units + checkpoint_gets + flags,
            data_get_units: data_gets,
        };
        self.price(cfg.channel_ref(), &usage, total_s)
    }

    /// The bill of a run through `channel` that used `usage` and lasted `total_s`: its
    /// functions, their invocations, the channel's requests and the S3 reads of the data at
    /// the price lists, and the channel's node by the hour. The model and the simulator both
    /// bill here.
    pub fn price<'c>(
        &self,
        channel: impl Into<ChannelRef<'c>>,
        usage: &Usage,
        total_s: f64,
    ) -> FaasCost {
        let setup = self.setup(channel.into());
        let s3 = &self.channels[ChannelKind::S3 as usize];
        FaasCost {
            functions_usd: usage.functions_usd,
            requests_usd: usage.invocations * self.profile.usd_per_request,
            channel_requests_usd: usage.put_units * setup.usd_per_put_unit
                + usage.get_units * setup.usd_per_get_unit
                + usage.data_get_units * s3.usd_per_get_unit,
            channel_node_usd: setup.node_usd(total_s),
        }
    }
}

/// What a FaaS run used that is billed.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Usage {
    /// The functions' billed GB-seconds (and aggregators'), priced.
    pub functions_usd: f64,
    /// Invocations of workers and aggregators.
    pub invocations: f64,
    /// Write and read request units through the channel.
    pub put_units: f64,
    pub get_units: f64,
    /// Read request units of the training data from S3.
    pub data_get_units: f64,
}

/// The rate of two stages every byte passes through one after the other.
fn in_series(a_bytes_per_s: f64, b_bytes_per_s: f64) -> f64 {
    1.0 / (1.0 / a_bytes_per_s + 1.0 / b_bytes_per_s)
}

/// HSP barriers in a generation training `epochs` epochs: one between each two.
fn barriers_between(epochs: f64) -> f64 {
    (epochs.ceil() - 1.0).max(0.0)
}

/// An HSP barrier at an epoch's end: every worker writes a flag, the coordinator that sees all
/// of them tells the workers, and each reads the barrier flag; then all start together.
fn barrier_s(link: &Link, workers: f64) -> f64 {
    const FLAG_BYTES: f64 = 8.0;
    // The release is a burst: the rate limit spreads the next requests once, by its slowest op.
    // Each worker writes its own flag; all read the one barrier flag (its key's read limit).
    let stagger_s =
        link.stagger_s(Op::Put, workers, FLAG_BYTES)
            .max(
                link.one_key(FLAG_BYTES)
                    .stagger_s(Op::Get, workers, FLAG_BYTES),
            );
    link.transfer_s(FLAG_BYTES, workers) + link.transfer_s(FLAG_BYTES, workers) + stagger_s
}

/// The bill of a FaaS run that happened: `workers` functions of `memory_mb`, each working
/// `duration_s` (rounded up to the billing granularity; past the duration limit, as chained
/// invocations), and `requests` invocations in all (default: every invocation made).
pub fn price_run(
    profile: &FaasProfile,
    workers: u32,
    memory_mb: u32,
    duration_s: f64,
    requests: Option<f64>,
) -> FaasCost {
    let chained = chained_invocations(profile, duration_s);
    let last_s = duration_s - (chained - 1.0) * profile.max_duration_s;
    let per_worker = (chained - 1.0)
        * profile.duration_usd(memory_mb, profile.max_duration_s, false)
        + profile.duration_usd(memory_mb, last_s, false);
    FaasCost {
        functions_usd: f64::from(workers) * per_worker,
        requests_usd: requests.unwrap_or(f64::from(workers) * chained) * profile.usd_per_request,
        channel_requests_usd: 0.0,
        channel_node_usd: 0.0,
    }
}

/// Invocations one after another that `duration_s` of work needs on `profile`: one, or as
/// many as the duration limit makes of it (each billed on its own).
pub fn chained_invocations(profile: &FaasProfile, duration_s: f64) -> f64 {
    (duration_s / profile.max_duration_s).ceil().max(1.0)
}
