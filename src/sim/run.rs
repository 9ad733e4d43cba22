//! # Running a simulation
//!
//! Prepares one simulated run of a configuration — data, kernel, partition, learning settings,
//! variance — drives the engine to the end and collects what it measured. FaaS runs are
//! event-driven ([`super::faas`]); an IaaS cluster is synchronous (every round ends with a ring
//! AllReduce after the slowest VM), so its rounds are stepped directly.

use crate::data::Partition;
use crate::data::shard::shuffled_order;
use crate::kernels::distributed::Admm;
use crate::kernels::sgd::{Sgd, default_linear_lr};
use crate::model::{
    Bill, Config, FaasConfig, FaasModel, IaasConfig, IaasModel, TimeBreakdown, WorkloadFacts,
};
use crate::profile::Profiles;
use crate::scenario::{Algorithm, ModelKind, Scenario, TrainingLength};

use super::ahead::{Ahead, Arithmetic, Plan, may_compute_ahead};
use super::data::{Math, SimData, SimDataError, prepare};
use super::engine::Simulation;
use super::faas::{FaasRun, FaasRunSettings};
use super::iaas::exchange_end_s;
use super::noise::Noise;
use super::outcome::{SimOutcome, TraceRow, converged};
use super::trainer::{Learning, Scaling, Trainer, evaluate};
use super::watch::Watch;

/// Why a simulation cannot run.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error(transparent)]
    Data(#[from] SimDataError),
    #[error(transparent)]
    Faas(#[from] crate::model::faas::FaasModelError),
    #[error(transparent)]
    Iaas(#[from] crate::model::iaas::IaasModelError),
    #[error(transparent)]
    Profile(#[from] crate::profile::ProfileError),
    #[error("{0}")]
    Unsupported(String),
}

/// Simulates `config` of `scenario` with the given seed.
pub fn simulate_config(
    scenario: &Scenario,
    profiles: &Profiles,
    config: &Config,
    seed: u64,
) -> Result<SimOutcome, SimError> {
    simulate_config_watched(scenario, profiles, config, seed, &Watch::default())
}

/// [`simulate_config`], counting rounds on `watch` and ending early when it asks to stop.
pub fn simulate_config_watched(
    scenario: &Scenario,
    profiles: &Profiles,
    config: &Config,
    seed: u64,
    watch: &Watch,
) -> Result<SimOutcome, SimError> {
    let bounded = with_bounded_length(scenario);
    let data = prepare(&scenario.workload, scenario.simulation.max_rows, seed)?;
    match config {
        Config::Faas(cfg) if per_epoch(scenario) => {
            let generations = vec![cfg.clone(); generations(scenario)];
            schedule(scenario, profiles, &generations, seed, watch)
        }
        Config::Faas(cfg) => simulate_faas(&bounded, profiles, cfg, &data, (seed, watch)),
        Config::Iaas(cfg) => simulate_iaas(&bounded, profiles, cfg, &data, (seed, watch)),
    }
}

/// The scenario with "auto" epochs replaced by their upper bound, so rounds can be planned.
/// The scenario with `epochs = "auto"` bounded by its `max_epochs`, stopping at the target loss.
fn with_bounded_length(scenario: &Scenario) -> Scenario {
    let mut bounded = scenario.clone();
    if let TrainingLength::Auto {
        max_epochs,
        target_loss,
    } = bounded.workload.length
    {
        bounded.workload.length = TrainingLength::Epochs(f64::from(max_epochs));
        bounded.simulation.stop_at_loss = Some(target_loss);
    }
    bounded
}

fn target_loss(scenario: &Scenario) -> Option<f64> {
    match scenario.workload.length {
        TrainingLength::Auto { target_loss, .. } => Some(target_loss),
        _ => scenario.simulation.stop_at_loss,
    }
}

/// The learning settings and batch the kernels run with on the executed rows.
fn learning(scenario: &Scenario, facts: &WorkloadFacts, data: &SimData) -> (Learning, usize) {
    let workload = &scenario.workload;
    let batches_per_epoch = (facts.rows / (workload.batch_size as f64).min(facts.rows))
        .ceil()
        .max(1.0) as usize;
    let batch = data.train.rows().div_ceil(batches_per_epoch).max(1);
    let default_lr = match (&workload.model.kind, &data.math) {
        (ModelKind::Lr | ModelKind::Svm, _) => default_linear_lr(&data.train),
        _ => 0.05,
    };
    let lr = workload.learning_rate.map_or(default_lr, |x| x as f32);
    let admm = Admm {
        local_epochs: workload.local_epochs as usize,
        ..Admm::default()
    };
    let learning = Learning {
        algorithm: workload.algorithm,
        sgd: Sgd { lr, l2: 1e-5 },
        admm,
        rounds_per_epoch: batches_per_epoch,
    };
    (learning, batch)
}

fn scaling(facts: &WorkloadFacts, data: &SimData, workers: u32) -> Scaling {
    Scaling {
        rows_per_round: facts.samples_per_round / f64::from(workers),
        flops: data.flop_scale,
        update_flops: facts.update_flops_per_round,
    }
}

fn check_supported(scenario: &Scenario, data: &SimData, synchronous: bool) -> Result<(), SimError> {
    if synchronous {
        return Ok(());
    }
    if matches!(data.math, Math::KMeans(_)) || scenario.workload.algorithm == Algorithm::Admm {
        return Err(SimError::Unsupported(
            "asynchronous protocols (asp, hsp, ssp) run GA-SGD or MA-SGD on gradient models; k-means and ADMM need bsp".into(),
        ));
    }
    Ok(())
}

/// Refuses runs the simulator's object keys cannot name: more than 65,535 workers or more
/// than 16,777,215 rounds (the analytic model still answers for them).
fn check_size(workers: u32, rounds: f64) -> Result<(), SimError> {
    use crate::model::patterns::keys::MAX_INDEX;
    if u64::from(workers) > MAX_INDEX {
        return Err(SimError::Unsupported(format!(
            "faas.workers = {workers}: the simulator runs at most {MAX_INDEX} functions (plan and estimate model more)"
        )));
    }
    check_rounds(rounds)
}

/// Refuses runs of more rounds than a FaaS run's keys can name, on either platform: at a few
/// microseconds a round and a trace row each, that is about a minute and a GB of trace.
fn check_rounds(rounds: f64) -> Result<(), SimError> {
    use crate::model::patterns::keys::MAX_ROUND;
    if rounds.is_nan() || rounds > MAX_ROUND as f64 {
        return Err(SimError::Unsupported(format!(
            "{rounds:.0} rounds: the simulator runs at most {MAX_ROUND} rounds (fewer epochs or a larger workload.batch_size)"
        )));
    }
    Ok(())
}

/// Simulates a FaaS configuration.
fn simulate_faas(
    scenario: &Scenario,
    profiles: &Profiles,
    cfg: &FaasConfig,
    data: &SimData,
    (seed, watch): (u64, &Watch),
) -> Result<SimOutcome, SimError> {
    let run = run_faas(scenario, profiles, cfg, data, (seed, watch), None)?;
    let epochs = run.summary.rounds as f64 / run.rounds_per_epoch;
    let summary = run.summary;
    Ok(finish(
        scenario,
        data,
        Config::Faas(cfg.clone()),
        summary.time,
        Bill::Faas(summary.cost),
        summary.rounds,
        epochs,
        (run.initial_loss.unwrap_or(f64::NAN), summary.epoch_losses),
        summary.trace,
        &summary.final_params,
        (run.events, summary.counts),
    ))
}

/// One FaaS run driven to its end, from the seeded initial model or from `start`.
struct FaasRunResult {
    summary: super::faas::RunSummary,
    /// Training loss of the seeded initial model; `None` when the run continued from a model
    /// whose loss the caller already has.
    initial_loss: Option<f64>,
    rounds_per_epoch: f64,
    events: u64,
}

fn run_faas(
    scenario: &Scenario,
    profiles: &Profiles,
    cfg: &FaasConfig,
    data: &SimData,
    (seed, watch): (u64, &Watch),
    start: Option<&[f32]>,
) -> Result<FaasRunResult, SimError> {
    check_supported(scenario, data, cfg.sync.is_synchronous())?;
    let model = FaasModel::new(scenario, profiles)?;
    let facts = model.facts().clone();
    check_size(cfg.workers, facts.rounds)?;
    let (learning, batch) = learning(scenario, &facts, data);
    let laid_out = data.train.select(&shuffled_order(data.train.rows(), seed));
    let partition = Partition::in_order(laid_out.rows(), cfg.workers as usize);
    let mut trainer = Trainer::new(
        &data.math,
        &laid_out,
        &partition,
        batch,
        learning,
        scaling(&facts, data, cfg.workers),
        seed,
    );
    if let Some(params) = start {
        trainer.start_from(params);
    }
    let initial_loss = start
        .is_none()
        .then(|| trainer.train_loss(trainer.params()));
    let profile = model.profile();
    let noise = Noise::new(
        seed,
        scenario.simulation.straggler_cv,
        profile.cold_start_mean_s,
        profile.cold_start_cv,
    )
    .with_reads(seed, profile.read_slowdown.as_ref())
    .with_invocations(seed, profile.warm_invoke_spread.as_ref());
    let settings = FaasRunSettings {
        cfg: cfg.clone(),
        rounds: facts.rounds as u64,
        rounds_per_epoch: facts.rounds_per_epoch.round().max(1.0) as u64,
        target_loss: target_loss(scenario),
    };
    let planned = settings.rounds;
    watch.plan(planned);
    let plan = Plan {
        rounds: settings.rounds,
        rounds_per_epoch: settings.rounds_per_epoch,
    };
    let ahead = cfg.sync.is_synchronous() && may_compute_ahead();
    let events = |arithmetic| {
        let mut sim = Simulation::new(FaasRun::new(&model, settings, (arithmetic, noise), watch));
        sim.model.start(&mut sim.scheduler);
        sim.run();
        // Rounds a target loss or a stop made unnecessary count as done.
        watch.finish(planned.saturating_sub(sim.model.rounds_recorded()));
        Ok(FaasRunResult {
            summary: sim.model.summary(),
            initial_loss,
            rounds_per_epoch: facts.rounds_per_epoch,
            events: sim.scheduler.processed(),
        })
    };
    if !ahead {
        return events(Arithmetic::Inline(trainer));
    }
    // Under BSP the arithmetic runs ahead of the clock, on the pool.
    std::thread::scope(|scope| events(Arithmetic::Ahead(Ahead::spawn(scope, trainer, plan))))
}

/// Whether the scenario's functions live one epoch each.
fn per_epoch(scenario: &Scenario) -> bool {
    scenario
        .faas
        .as_ref()
        .is_some_and(|f| f.lifecycle == crate::scenario::Lifecycle::PerEpoch)
}

/// The generations of a per-epoch run: one per epoch begun (as the model counts them).
fn generations(scenario: &Scenario) -> usize {
    match (
        &scenario.workload.length,
        WorkloadFacts::new(&scenario.workload),
    ) {
        (TrainingLength::Auto { max_epochs, .. }, _) => *max_epochs as usize,
        (_, Ok(facts)) => facts.generations() as usize,
        (_, Err(_)) => 1,
    }
}

/// Simulates a per-epoch schedule (Siren): epoch t runs as a fresh generation of functions of
/// `epochs[t]`'s size, invoked, loading their partition and training one epoch from the model
/// the previous generation left. Being fresh, each generation draws its own split of the data
/// (seed + t) and starts its per-worker state (ADMM's duals, say) anew. Times, bills, traffic and
/// traces add up epoch by epoch; the outcome's `config` is the first epoch's.
pub fn simulate_schedule(
    scenario: &Scenario,
    profiles: &Profiles,
    epochs: &[FaasConfig],
    seed: u64,
) -> Result<SimOutcome, SimError> {
    schedule(scenario, profiles, epochs, seed, &Watch::default())
}

/// [`simulate_schedule`], counting rounds on `watch`; a stop ends it after the epoch in flight.
fn schedule(
    scenario: &Scenario,
    profiles: &Profiles,
    epochs: &[FaasConfig],
    seed: u64,
    watch: &Watch,
) -> Result<SimOutcome, SimError> {
    let first = epochs
        .first()
        .ok_or_else(|| SimError::Unsupported("a schedule needs at least one epoch".into()))?;
    let mut one_epoch = with_bounded_length(scenario);
    one_epoch.workload.length = TrainingLength::Epochs(1.0);
    let data = prepare(&scenario.workload, scenario.simulation.max_rows, seed)?;
    let mut total = ScheduleTotals::default();
    let mut params: Option<Vec<f32>> = None;
    for (t, cfg) in epochs.iter().enumerate() {
        let epoch_seed = seed.wrapping_add(t as u64);
        let run = run_faas(
            &one_epoch,
            profiles,
            cfg,
            &data,
            (epoch_seed, watch),
            params.as_deref(),
        )?;
        total.add(t as u64, run.initial_loss, &run.summary, run.events);
        params = Some(run.summary.final_params);
        // Generations stop once the target loss is reached (epochs = "auto") or when asked.
        if watch.stopping() {
            break;
        }
        if target_loss(&one_epoch).is_some_and(|target| {
            total
                .epoch_losses
                .last()
                .is_some_and(|&loss| loss <= target)
        }) {
            break;
        }
    }
    let params = params.expect("at least one epoch");
    Ok(finish(
        scenario,
        &data,
        Config::Faas(first.clone()),
        total.time,
        Bill::Faas(total.cost),
        total.rounds,
        epochs.len() as f64,
        (total.initial_loss.unwrap_or(f64::NAN), total.epoch_losses),
        total.trace,
        &params,
        (total.events, total.counts),
    ))
}

/// A schedule's epochs added up.
#[derive(Default)]
struct ScheduleTotals {
    time: TimeBreakdown,
    cost: crate::model::FaasCost,
    rounds: u64,
    initial_loss: Option<f64>,
    epoch_losses: Vec<f64>,
    trace: Vec<TraceRow>,
    events: u64,
    counts: super::faas::RunCounts,
}

impl ScheduleTotals {
    fn add(
        &mut self,
        epoch: u64,
        initial_loss: Option<f64>,
        run: &super::faas::RunSummary,
        events: u64,
    ) {
        let (elapsed_s, usd) = (self.time.total_s(), self.cost.total_usd());
        let (bytes, requests) = (self.counts.bytes_moved, self.requests());
        self.trace.extend(run.trace.iter().map(|row| TraceRow {
            time_s: elapsed_s + row.time_s,
            epoch: epoch + 1,
            round: self.rounds + row.round,
            bytes: bytes + row.bytes,
            requests: requests + row.requests,
            usd: usd + row.usd,
            ..*row
        }));
        self.initial_loss = self.initial_loss.or(initial_loss);
        self.epoch_losses.extend(&run.epoch_losses);
        self.time += run.time;
        self.cost += run.cost;
        self.rounds += run.rounds;
        self.events += events;
        self.counts.add(&run.counts);
    }

    fn requests(&self) -> f64 {
        self.counts.channel_puts + self.counts.channel_gets
    }
}

#[allow(clippy::too_many_arguments)]
fn finish(
    scenario: &Scenario,
    data: &SimData,
    config: Config,
    time: TimeBreakdown,
    bill: Bill,
    rounds: u64,
    epochs: f64,
    (initial_loss, epoch_losses): (f64, Vec<f64>),
    trace: Vec<TraceRow>,
    params: &[f32],
    (events, counts): (u64, super::faas::RunCounts),
) -> SimOutcome {
    let (final_loss, _) = evaluate(&data.math, params, &data.train);
    let test = data.test.as_ref().map(|t| evaluate(&data.math, params, t));
    SimOutcome {
        config,
        recipe: scenario.workload.recipe(),
        time,
        bill,
        rounds,
        epochs,
        final_loss,
        test_loss: test.map(|t| t.0),
        test_accuracy: test.map(|t| t.1).filter(|a| a.is_finite()),
        converged: converged(&epoch_losses, target_loss(scenario)),
        initial_loss,
        epoch_losses,
        trace,
        notes: data.notes.clone(),
        events,
        counts,
    }
}

/// Simulates an IaaS cluster: VMs boot, load their shards, and each round computes (with
/// straggler noise) then exchanges, the ring AllReduce or the parameter server played as
/// events from the moment each VM is ready (`sim::iaas`).
fn simulate_iaas(
    scenario: &Scenario,
    profiles: &Profiles,
    cfg: &IaasConfig,
    data: &SimData,
    (seed, watch): (u64, &Watch),
) -> Result<SimOutcome, SimError> {
    let instance = profiles.instance(&cfg.instance)?;
    let model = IaasModel::new(scenario, profiles)?;
    let facts = model.facts().clone();
    check_rounds(facts.rounds)?;
    let (learning, batch) = learning(scenario, &facts, data);
    let laid_out = data.train.select(&shuffled_order(data.train.rows(), seed));
    let partition = Partition::in_order(laid_out.rows(), cfg.workers as usize);
    let mut trainer = Trainer::new(
        &data.math,
        &laid_out,
        &partition,
        batch,
        learning,
        scaling(&facts, data, cfg.workers),
        seed,
    );
    let initial_loss = trainer.train_loss(trainer.params());
    let mut noise = Noise::new(seed, scenario.simulation.straggler_cv, 0.0, 0.0);
    let rate = model.flops_per_s(instance);
    let (batching_s, overhead_s) = (
        model.batching_per_round_s(cfg.workers),
        model.step_overhead_s(),
    );
    let w = f64::from(cfg.workers);
    let startup_s = model.startup_s(instance);
    let load_s = model.load_s(instance, w);
    let streaming = model
        .streams(instance, cfg.workers)
        .map_err(|e| SimError::Unsupported(e.to_string()))?;
    let mut loaded_s = load_s;
    let network = model.network(instance);
    let mut ready_s = vec![0.0; cfg.workers as usize];
    let vms = cfg.workers + cfg.pattern.extra_vms(cfg.workers);
    let rounds_per_epoch = facts.rounds_per_epoch.round().max(1.0) as u64;
    let (mut now, mut batched_s, mut compute_s, mut comm_s, mut rounds) =
        (startup_s + load_s, 0.0, 0.0, 0.0, facts.rounds as u64);
    let (mut epoch_losses, mut trace) = (Vec::new(), Vec::new());
    let planned = rounds;
    watch.plan(planned);
    let mut round = 0;
    while round < rounds {
        if streaming {
            // Each VM reads its shard again at every epoch boundary.
            let reload_s = facts.reloads_before_round(round) * load_s;
            now += reload_s;
            loaded_s += reload_s;
        }
        // Each VM computes (the slowest's batching and compute are the round's), then the
        // exchange plays from the moment each is ready.
        let mut slowest = (0.0, 0.0);
        let (mut loss, mut rows) = (0.0, 0);
        for (j, ready) in ready_s.iter_mut().enumerate() {
            let work = trainer.compute(j, round);
            let straggler = noise.straggler();
            let (batch_s, step_s) = (
                batching_s * straggler,
                (overhead_s + work.flops / rate) * straggler,
            );
            if batch_s + step_s > slowest.0 + slowest.1 {
                slowest = (batch_s, step_s);
            }
            *ready = batch_s + step_s;
            loss += work.loss_sum;
            rows += work.rows;
        }
        let round_s = exchange_end_s(cfg.pattern, &ready_s, facts.sync_bytes, &network);
        now += round_s;
        batched_s += slowest.0;
        compute_s += slowest.1;
        comm_s += round_s - slowest.0 - slowest.1;
        if (round + 1) % rounds_per_epoch == 0 {
            let epoch_loss = trainer.train_loss(trainer.params());
            epoch_losses.push(epoch_loss);
            if target_loss(scenario).is_some_and(|t| epoch_loss <= t) {
                rounds = round + 1;
            }
        }
        let usd = instance.usd(vms, now);
        trace.push(TraceRow {
            time_s: now,
            epoch: round / rounds_per_epoch + 1,
            round: round + 1,
            loss: loss / rows.max(1) as f64,
            bytes: (round + 1) as f64 * 2.0 * facts.sync_bytes * w,
            requests: 0.0,
            active: cfg.workers,
            usd,
        });
        watch.finish(1);
        if watch.stopping() {
            rounds = round + 1;
        }
        round += 1;
    }
    watch.finish(planned.saturating_sub(rounds));
    let time = TimeBreakdown {
        startup_s,
        load_s: loaded_s,
        batching_s: batched_s,
        compute_s,
        comm_s,
    };
    let cost = model.bill(instance, cfg.workers, cfg.pattern, time.total_s());
    let epochs = rounds as f64 / facts.rounds_per_epoch;
    let params = trainer.params().to_vec();
    Ok(finish(
        scenario,
        data,
        Config::Iaas(cfg.clone()),
        time,
        Bill::Iaas(cost),
        rounds,
        epochs,
        (initial_loss, epoch_losses),
        trace,
        &params,
        (0, Default::default()),
    ))
}
