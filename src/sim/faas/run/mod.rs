//! # One FaaS run
//!
//! The event handler behind [`super`]: workers and aggregators are actors that execute their
//! round's actions one after another; every action that takes time schedules the event that
//! finishes it, and finishing one starts the next. This file holds the actors and their
//! actions; beside it: [`rounds`] (finishing, recording and forgetting rounds, the sync
//! protocols' bounds), [`invocations`] (the duration limit, checkpoints, re-invocation),
//! [`tree`] (aggregator functions), [`server`] (the VM parameter server), [`billing`] (the bill
//! at any moment, priced once by the model) and [`summary`] (the run's end).

mod billing;
mod invocations;
mod rounds;
mod server;
mod summary;
mod tree;

pub use summary::{RunCounts, RunSummary};

use std::sync::Arc;

use tree::aggregators;

use super::scripts::Layout;
use crate::model::link::Op;
use crate::model::patterns::keys::{Kind, decode, key};
use crate::model::patterns::script::{Action, children_of, parent_of};
use crate::model::{FaasConfig, FaasCost, FaasModel, Pattern, TimeBreakdown};
use crate::profile::faas::FunctionSize;
use crate::scenario::Sync;
use crate::sim::ahead::Arithmetic;
use crate::sim::channel::{Bytes, ChannelSim};
use crate::sim::engine::{Handler, Scheduler};
use crate::sim::noise::Noise;
use crate::sim::outcome::TraceRow;
use crate::sim::store::Store;
use crate::sim::time::SimTime;
use crate::sim::trainer::Work;
use crate::sim::watch::Watch;

/// What happens next.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Event {
    /// A worker's first cold start is over.
    Invoked(u32),
    /// An actor's current action is done.
    Advance(u32),
    /// An actor's bytes start moving through the shared NIC.
    SharedStart(u32),
    /// The shared NIC may have finished transfers (stale unless it is the check pending).
    LinkCheck,
    /// Aggregator `i` has been invoked.
    AggregatorStart(u32),
    /// An object appears.
    Publish(u64),
    /// The parameter server has applied worker `j`'s update of a round.
    ServerApplied(u32, u64),
}

/// The fixed settings of a run.
#[derive(Debug, Clone)]
pub struct FaasRunSettings {
    pub cfg: FaasConfig,
    /// Rounds to run (an upper bound when a target loss may stop training earlier).
    pub rounds: u64,
    pub rounds_per_epoch: u64,
    pub target_loss: Option<f64>,
}

#[derive(Debug, Clone, Default)]
struct WorkerState {
    round: u64,
    plan: Vec<Action>,
    step: usize,
    invocation_start: SimTime,
    billed_usd: f64,
    invocations: u32,
    startup_s: f64,
    load_s: f64,
    batching_s: f64,
    compute_s: f64,
    pending_bytes: f64,
    round_start: SimTime,
    snapshot: Option<Arc<Vec<f32>>>,
    outgoing: Option<Vec<f32>>,
    loss_sum: f64,
    rows: usize,
    finished_at: Option<SimTime>,
    loaded: bool,
    rounds_in_invocation: u32,
    /// Whether this round has been counted as finished (HSP counts it at the barrier).
    counted: bool,
}

#[derive(Debug, Clone, Default)]
struct AggregatorState {
    layer: u32,
    index: u32,
    children: std::ops::Range<u32>,
    round: u64,
    step: u32,
    pending_bytes: f64,
    busy_from: SimTime,
    waiting_for: u32,
}

/// A FaaS training run: the handler of its events.
pub struct FaasRun<'a> {
    model: &'a FaasModel,
    settings: FaasRunSettings,
    size: FunctionSize,
    layout: Layout,
    arithmetic: Arithmetic<'a>,
    channel: ChannelSim,
    data_channel: ChannelSim,
    store: Store<u32>,
    noise: Noise,
    workers: Vec<WorkerState>,
    aggregators: Vec<AggregatorState>,
    layer_offsets: Vec<u32>,
    round_done: Vec<u32>,
    round_loss: Vec<(f64, usize)>,
    server_free_at: SimTime,
    server_applied: Vec<u32>,
    shared_model: Arc<Vec<f32>>,
    aggregator_usd: f64,
    aggregator_invocations: f64,
    epoch_losses: Vec<f64>,
    trace: Vec<TraceRow>,
    shard_bytes: f64,
    /// Seconds a worker parses its shard after reading it.
    parse_s: f64,
    /// Whether workers stream their shards (re-reading them every epoch).
    streaming: bool,
    /// Seconds a worker gathers its round's rows into mini-batches.
    batching_s: f64,
    /// Seconds of the runtime's fixed per-step work in a worker's round.
    step_overhead_s: f64,
    /// When the shared NIC's pending completion check runs (none pending: `None`).
    link_check_at: Option<SimTime>,
    /// Where finished rounds are counted and a stop may be asked for.
    watch: &'a Watch,
    /// The model's average round (compute and communication) and every worker's checkpoint
    /// write, which time checkpoints.
    round_estimate_s: f64,
    checkpoint_put_s: f64,
}

impl<'a> FaasRun<'a> {
    /// A run of `settings.cfg` on `model`'s platform and channel, computing with `arithmetic`.
    pub fn new(
        model: &'a FaasModel,
        settings: FaasRunSettings,
        (arithmetic, noise): (Arithmetic<'a>, Noise),
        watch: &'a Watch,
    ) -> Self {
        let cfg = &settings.cfg;
        let size = model.size(cfg.memory_mb);
        let link = model.link(cfg.channel_ref(), &size);
        let w = cfg.workers as usize;
        let layout = Layout {
            workers: cfg.workers,
            bytes: model.facts().sync_bytes,
            pattern: cfg.pattern.clone(),
            synchronous: cfg.sync.is_synchronous(),
        };
        let (aggregators, layer_offsets) = aggregators(&cfg.pattern);
        let shared_model = Arc::new(arithmetic.params().to_vec());
        FaasRun {
            size,
            layout,
            channel: ChannelSim::new(link),
            data_channel: ChannelSim::new(model.data_link(&size)),
            store: Store::new(link.poller()),
            noise,
            workers: vec![WorkerState::default(); w],
            aggregators,
            layer_offsets,
            round_done: Vec::new(),
            round_loss: Vec::new(),
            server_free_at: SimTime::ZERO,
            server_applied: Vec::new(),
            shared_model,
            aggregator_usd: 0.0,
            aggregator_invocations: 0.0,
            epoch_losses: Vec::new(),
            trace: Vec::new(),
            shard_bytes: model.facts().stored_bytes / w as f64,
            parse_s: model.parse_s(cfg.workers, &size),
            streaming: model.residency(cfg).is_ok_and(|(_, streaming)| streaming),
            batching_s: model.batching_per_round_s(cfg.workers, &size),
            step_overhead_s: model.step_overhead_s(&size),
            link_check_at: None,
            watch,
            round_estimate_s: model.predict(cfg).map_or(0.0, |p| {
                p.detail.compute_per_round_s + p.detail.comm_per_round_s
            }),
            checkpoint_put_s: model.checkpoint_s(&link, w as f64).0,
            arithmetic,
            settings,
            model,
        }
    }

    /// Schedules every worker's invocation: after the channel is up, one client invokes them one
    /// after another, and each pays a cold start.
    pub fn start(&mut self, scheduler: &mut Scheduler<Event>) {
        let profile = self.model.profile();
        let channel_s = self
            .model
            .channel_startup_s(self.settings.cfg.channel_ref());
        for j in 0..self.workers.len() {
            let invoked_s = channel_s
                + (j as f64 + 1.0) * profile.invoke_interval_s
                + profile.scale_up_delay_s(j as f64);
            let cold_s = self.noise.cold_start_s() + self.model.import_s(&self.size);
            self.workers[j].startup_s = invoked_s + cold_s;
            scheduler.at(
                SimTime::from_secs(invoked_s + cold_s),
                Event::Invoked(j as u32),
            );
        }
    }

    fn actor_is_worker(&self, actor: u32) -> bool {
        (actor as usize) < self.workers.len()
    }

    /// Starts worker `j`'s next round (or finishes it), with a checkpoint first if the next
    /// round might not fit the duration limit.
    fn begin_round(&mut self, j: u32, now: SimTime, s: &mut Scheduler<Event>) {
        let round = self.workers[j as usize].round;
        if round >= self.settings.rounds {
            self.finish_worker(j, now);
            return;
        }
        // The last round's plan, emptied: its allocation is reused.
        let mut plan = std::mem::take(&mut self.workers[j as usize].plan);
        plan.clear();
        if !self.workers[j as usize].loaded {
            self.workers[j as usize].loaded = true;
            plan.push(Action::Load);
        } else if self.must_checkpoint(j, now) {
            self.workers[j as usize].rounds_in_invocation = 0;
            let ckpt = key(Kind::Checkpoint, 0, j, 0);
            let bytes = self.model.facts().model_bytes;
            plan.extend([
                Action::Put { key: ckpt, bytes },
                Action::EndInvocation,
                Action::Restart,
                Action::Load,
                Action::Get { key: ckpt, bytes },
            ]);
        }
        if self.streaming {
            // A worker that streams its shard reads it again at every epoch boundary.
            let reloads = self.model.facts().reloads_before_round(round) as usize;
            plan.extend(std::iter::repeat_n(Action::Load, reloads));
        }
        if let (Sync::Ssp(k), true) = (self.settings.cfg.sync, round > u64::from(self.ssp_bound()))
        {
            plan.push(Action::Await {
                key: key(Kind::AllDone, round - u64::from(k) - 1, 0, 0),
            });
        }
        self.layout.worker_round(j, round, &mut plan);
        // HSP: a barrier between epochs; the last epoch ends as its functions return.
        if self.settings.cfg.sync == Sync::Hsp
            && self.ends_epoch(round)
            && round + 1 < self.settings.rounds
        {
            const FLAG_BYTES: f64 = 8.0;
            plan.extend([
                Action::Put {
                    key: key(Kind::Barrier, round, j, 0),
                    bytes: FLAG_BYTES,
                },
                Action::AwaitTold {
                    key: key(Kind::AllDone, round, 0, 0),
                },
                Action::Get {
                    key: key(Kind::AllDone, round, 0, 0),
                    bytes: FLAG_BYTES,
                },
            ]);
        }
        let worker = &mut self.workers[j as usize];
        worker.plan = plan;
        worker.step = 0;
        worker.round_start = now;
        worker.counted = false;
        self.run(j, now, s);
    }

    /// Runs actor `actor`'s actions until one takes time (or its plan ends).
    fn run(&mut self, actor: u32, now: SimTime, s: &mut Scheduler<Event>) {
        loop {
            let Some(action) = self.current(actor) else {
                self.end_of_plan(actor, now, s);
                return;
            };
            match action {
                Action::Await { key } => match self.store.wait(key, actor, now) {
                    Some(_) => self.step(actor),
                    None => return,
                },
                Action::AwaitTold { key } => match self.store.wait_told(key, actor, now) {
                    Some(_) => self.step(actor),
                    None => return,
                },
                Action::EndInvocation => {
                    self.close_invocation(actor, now);
                    self.step(actor);
                }
                Action::Done => {
                    self.end_of_plan(actor, now, s);
                    return;
                }
                other => {
                    self.begin(actor, other, now, s);
                    return;
                }
            }
        }
    }

    fn current(&self, actor: u32) -> Option<Action> {
        if self.actor_is_worker(actor) {
            let w = &self.workers[actor as usize];
            w.plan.get(w.step).copied()
        } else {
            let a = &self.aggregators[actor as usize - self.workers.len()];
            Some(
                self.layout
                    .aggregator(a.layer, a.index, a.children.clone(), a.round, a.step),
            )
        }
    }

    fn step(&mut self, actor: u32) {
        if self.actor_is_worker(actor) {
            self.workers[actor as usize].step += 1;
        } else {
            self.aggregators[actor as usize - self.workers.len()].step += 1;
        }
    }

    /// Starts an action that takes time.
    fn begin(&mut self, actor: u32, action: Action, now: SimTime, s: &mut Scheduler<Event>) {
        match action {
            Action::Compute => {
                let duration_s = self.compute(actor, now);
                s.at(now + duration_s, Event::Advance(actor));
            }
            Action::Put { key, bytes } => self.transfer(actor, (Op::Put, key), bytes, now, s),
            Action::Get { key, bytes } => {
                if decode(key).is_some_and(|(kind, ..)| kind == Kind::Model)
                    && self.actor_is_worker(actor)
                {
                    self.workers[actor as usize].snapshot = Some(Arc::clone(&self.shared_model));
                }
                self.transfer(actor, (Op::Get, key), bytes, now, s)
            }
            Action::Merge { bytes } => s.at(
                now + bytes / self.size.memory_bytes_per_s,
                Event::Advance(actor),
            ),
            Action::Restart => {
                let cold_s = self.noise.cold_start_s() + self.model.import_s(&self.size);
                self.workers[actor as usize].startup_s += cold_s;
                s.at(now + cold_s, Event::Advance(actor));
            }
            Action::Load => {
                let Bytes::DoneAt(done) =
                    self.data_channel
                        .start(now, Op::Get, self.shard_bytes, u64::from(actor))
                else {
                    unreachable!("S3 has no shared NIC")
                };
                let read_s = (done - now) * self.noise.read_slowdown();
                let parsed = now + read_s + self.parse_s;
                self.workers[actor as usize].load_s += parsed - now;
                s.at(parsed, Event::Advance(actor));
            }
            Action::Await { .. }
            | Action::AwaitTold { .. }
            | Action::EndInvocation
            | Action::Done => {
                unreachable!("instant actions")
            }
        }
    }

    fn transfer(
        &mut self,
        actor: u32,
        (op, key): (Op, u64),
        bytes: f64,
        now: SimTime,
        s: &mut Scheduler<Event>,
    ) {
        match self.channel.start(now, op, bytes, key) {
            Bytes::DoneAt(done) => s.at(done, Event::Advance(actor)),
            Bytes::SharedFrom(from) => {
                self.set_pending(actor, bytes);
                s.at(from, Event::SharedStart(actor));
            }
        }
    }

    fn set_pending(&mut self, actor: u32, bytes: f64) {
        if self.actor_is_worker(actor) {
            self.workers[actor as usize].pending_bytes = bytes;
        } else {
            self.aggregators[actor as usize - self.workers.len()].pending_bytes = bytes;
        }
    }

    /// Runs the kernel for worker `j`'s round and returns how long it takes in virtual time.
    fn compute(&mut self, actor: u32, _now: SimTime) -> f64 {
        let j = actor as usize;
        let round = self.workers[j].round;
        let work: Work = if self.layout.synchronous {
            self.arithmetic.compute(j, round)
        } else {
            let snapshot = self.workers[j]
                .snapshot
                .take()
                .unwrap_or_else(|| Arc::clone(&self.shared_model));
            let (work, model) = self.arithmetic.compute_async(j, round, &snapshot);
            self.workers[j].outgoing = Some(model);
            work
        };
        let straggler = self.noise.straggler();
        let batching_s = self.batching_s * straggler;
        let steps_s = (self.step_overhead_s + work.flops / self.size.flops_per_s) * straggler;
        let worker = &mut self.workers[j];
        worker.batching_s += batching_s;
        worker.compute_s += steps_s;
        worker.loss_sum += work.loss_sum;
        worker.rows += work.rows;
        batching_s + steps_s
    }

    /// An actor's current action is done: its side effects, then the next action.
    fn finish(&mut self, actor: u32, now: SimTime, s: &mut Scheduler<Event>) {
        match self.current(actor) {
            Some(Action::Put { key, .. }) => self.stored(actor, key, now, s),
            Some(Action::Restart) => self.workers[actor as usize].invocation_start = now,
            _ => {}
        }
        self.step(actor);
        self.run(actor, now, s);
    }

    /// A PUT completed: the object exists (and the server or the tree may react).
    fn stored(&mut self, actor: u32, key: u64, now: SimTime, s: &mut Scheduler<Event>) {
        let Some((kind, round, a, _)) = decode(key) else {
            return;
        };
        match (kind, &self.settings.cfg.pattern) {
            (Kind::Contribution, Pattern::ParameterServer) => {
                self.server_receives(a, round, now, s)
            }
            (Kind::Model, _) => {
                if let Some(model) = self.workers[actor as usize].outgoing.take() {
                    self.shared_model = Arc::new(model);
                }
                self.publish(key, now, s);
            }
            (Kind::Barrier, _) => self.count_round(actor, now, s),
            _ => self.publish(key, now, s),
        }
    }

    /// Makes `key` exist: waiters poll it up, and a tree parent may be complete.
    fn publish(&mut self, key: u64, now: SimTime, s: &mut Scheduler<Event>) {
        // Waiters go on through the queue, after whoever stored the object has gone on: it
        // knows first, so its next request is the first to be admitted.
        for found in self.store.publish(key, now) {
            self.channel.count_polls(found.missed_polls);
            s.at(found.at.max(now), Event::Advance(found.actor));
        }
        if let (Some((kind, round, a, b)), Pattern::Tree(_)) =
            (decode(key), &self.settings.cfg.pattern)
        {
            let child = match kind {
                Kind::Contribution => Some((self.layout.layers() - 1, a)),
                Kind::Aggregate => Some((a, b)),
                _ => None,
            };
            if let Some((layer, index)) = child.filter(|(layer, _)| *layer > 0) {
                self.child_arrived(layer, index, round, now, s);
            }
        }
    }
}

impl Handler<Event> for FaasRun<'_> {
    fn handle(&mut self, event: Event, s: &mut Scheduler<Event>) {
        let now = s.now();
        match event {
            Event::Invoked(j) => {
                self.workers[j as usize].invocation_start = now;
                self.begin_round(j, now, s);
            }
            Event::Advance(actor) => self.finish(actor, now, s),
            Event::SharedStart(actor) => {
                let bytes = if self.actor_is_worker(actor) {
                    self.workers[actor as usize].pending_bytes
                } else {
                    self.aggregators[actor as usize - self.workers.len()].pending_bytes
                };
                let shared = self.channel.shared().expect("a shared NIC");
                shared.start(now, bytes, u64::from(actor));
                self.check_link(s);
            }
            Event::LinkCheck => {
                if self.link_check_at == Some(now) {
                    self.link_check_at = None;
                    let shared = self.channel.shared().expect("a shared NIC");
                    for actor in shared.complete_due(now) {
                        self.finish(actor as u32, now, s);
                    }
                    self.check_link(s);
                }
            }
            Event::AggregatorStart(i) => {
                let agg = &mut self.aggregators[i as usize];
                agg.step = 0;
                agg.busy_from = now;
                let actor = self.workers.len() as u32 + i;
                self.run(actor, now, s);
            }
            Event::Publish(key) => self.publish(key, now, s),
            Event::ServerApplied(j, round) => {
                if let Some(model) = self.workers[j as usize].outgoing.take() {
                    self.shared_model = Arc::new(model);
                }
                self.publish(key(Kind::Applied, round, j, 0), now, s);
            }
        }
    }
}

impl FaasRun<'_> {
    /// Makes sure a completion check runs by the shared NIC's next completion. A pending check
    /// that comes sooner stays (it finds nothing due and looks again), so a burst of starts,
    /// each pushing completions later, schedules one check rather than one each.
    fn check_link(&mut self, s: &mut Scheduler<Event>) {
        let shared = self.channel.shared().expect("a shared NIC");
        if let Some(next) = shared.next_completion()
            && self.link_check_at.is_none_or(|at| next < at)
        {
            self.link_check_at = Some(next);
            s.at(next, Event::LinkCheck);
        }
    }
}
