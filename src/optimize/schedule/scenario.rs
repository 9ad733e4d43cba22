//! # A schedule for a scenario
//!
//! The options a scenario offers its per-epoch schedule (its worker counts and a ladder up to
//! the largest, at each of its memory sizes), their per-epoch time and cost from the analytic
//! model, their loss curves (the scenario's own, or simulated per worker count), the schedule
//! under a budget, and the fixed plans it is compared with.

use super::{
    EpochOption, Resolution, Schedule, best_fixed, best_schedule, cheapest_fixed,
    cheapest_fixed_among,
};

/// A schedule planned for a scenario, with the best fixed plan under the same budget.
#[derive(Debug, Clone, PartialEq)]
pub struct SchedulePlan {
    pub options: Vec<EpochOption>,
    /// The configuration behind each option, for simulating a schedule.
    pub configs: Vec<crate::model::FaasConfig>,
    pub schedule: Schedule,
    /// The fastest fixed configuration within the budget: option index and epochs.
    pub baseline: (usize, usize),
    /// The cheapest fixed plan among the scenario's own configurations (its listed worker
    /// counts, not the ladder the schedule may also use): option index and epochs.
    pub cheapest_listed: Option<(usize, usize)>,
    pub target_loss: f64,
    pub budget_usd: f64,
    /// Where the loss curves came from: "simulator" or "scenario".
    pub curves_from: &'static str,
}

/// Why a schedule cannot be planned.
#[derive(Debug, thiserror::Error)]
pub enum ScheduleError {
    #[error(transparent)]
    Plan(#[from] crate::optimize::plan::PlanError),
    #[error(transparent)]
    Sim(#[from] crate::sim::SimError),
    #[error("workload.loss_curve needs at least two losses (the start and after epoch 1)")]
    ShortCurve,
    #[error(transparent)]
    Facts(#[from] crate::model::facts::FactsError),
    #[error("no fixed configuration reaches the target loss {target:.6} in {epochs} epochs")]
    Unreachable { target: f64, epochs: usize },
    #[error(
        "no schedule reaches loss {target:.6} for at most ${budget_usd:.6}: the cheapest fixed plan costs ${cheapest_usd:.6}"
    )]
    OverBudget {
        target: f64,
        budget_usd: f64,
        cheapest_usd: f64,
    },
}

/// Worker counts a schedule may use: the scenario's, and a ladder up to its largest.
fn worker_choices(listed: &[u32]) -> Vec<u32> {
    const LADDER: [u32; 11] = [1, 2, 5, 10, 20, 50, 100, 150, 200, 500, 1000];
    let max = listed.iter().copied().max().unwrap_or(1);
    let mut all: Vec<u32> = LADDER
        .iter()
        .copied()
        .filter(|&w| w <= max)
        .chain(listed.iter().copied())
        .collect();
    all.sort_unstable();
    all.dedup();
    all
}

/// Plans the per-epoch schedule of `scenario` under `budget_usd` (default: the cheapest fixed
/// plan's cost), with loss curves from the scenario's `loss_curve` or from the simulator.
pub fn plan_schedule(
    scenario: &crate::scenario::Scenario,
    profiles: &crate::profile::Profiles,
    budget_usd: Option<f64>,
) -> Result<SchedulePlan, ScheduleError> {
    use crate::model::{Config, FaasModel, Platform};
    use crate::scenario::TrainingLength;
    let template = crate::optimize::workers::best_template(
        scenario,
        profiles,
        &scenario.objective,
        Platform::Faas,
    )?;
    let Config::Faas(template) = template else {
        unreachable!("a FaaS plan")
    };
    let space = scenario.faas.as_ref().expect("a FaaS plan implies [faas]");
    let (epochs, target_given) = match scenario.workload.length {
        TrainingLength::Auto {
            target_loss,
            max_epochs,
        } => (max_epochs as usize, Some(target_loss)),
        TrainingLength::Epochs(e) => (e.ceil() as usize, None),
        // A length in rounds is scheduled over the epochs those rounds span.
        TrainingLength::Iterations(_) => {
            let facts = crate::model::WorkloadFacts::new(&scenario.workload)?;
            (facts.epochs.ceil().max(1.0) as usize, None)
        }
    };
    let mut one_epoch = scenario.clone();
    one_epoch.workload.length = TrainingLength::Epochs(1.0);
    let model =
        FaasModel::new(&one_epoch, profiles).map_err(crate::optimize::plan::PlanError::from)?;
    let horizon = 2 * epochs.max(1);
    let mut choices = worker_choices(&space.workers);
    if !choices.contains(&template.workers) {
        choices.push(template.workers);
    }
    let (curves, curves_from) = curves(scenario, profiles, &template, &choices, horizon)?;
    let (mut options, mut configs) = (Vec::new(), Vec::new());
    for (&workers, curve) in &curves {
        for &memory_mb in &space.memory_mb {
            let cfg = crate::model::FaasConfig {
                workers,
                memory_mb,
                ..template.clone()
            };
            let cfg = match &cfg.pattern {
                crate::model::Pattern::Tree(_) => {
                    crate::optimize::workers::faas_point(&model, &cfg, workers).config
                }
                _ => Config::Faas(cfg),
            };
            let Config::Faas(cfg) = cfg else { continue };
            if let Ok(p) = model.predict(&cfg) {
                options.push(EpochOption {
                    workers,
                    memory_mb,
                    epoch_s: p.time.total_s(),
                    epoch_usd: p.cost.total_usd(),
                    curve: curve.clone(),
                });
                configs.push(cfg);
            }
        }
    }
    // Without a target: as good as the planned configuration gets in the scenario's epochs.
    let planned = &curves[&template.workers];
    let target = target_given.unwrap_or(planned[epochs.min(planned.len() - 1)]);
    let (_, cheapest_usd) = cheapest_fixed(&options, target).ok_or(ScheduleError::Unreachable {
        target,
        epochs: horizon,
    })?;
    let cheapest_listed =
        cheapest_fixed_among(&options, target, |o| space.workers.contains(&o.workers));
    let budget = budget_usd.unwrap_or(cheapest_usd);
    let start = options
        .iter()
        .map(|o| o.curve[0])
        .fold(f64::NEG_INFINITY, f64::max);
    let over = ScheduleError::OverBudget {
        target,
        budget_usd: budget,
        cheapest_usd,
    };
    let schedule = best_schedule(
        &options,
        start,
        target,
        budget,
        horizon,
        Resolution::default(),
    )
    .ok_or(over)?;
    let baseline = best_fixed(&options, target, budget).ok_or(ScheduleError::OverBudget {
        target,
        budget_usd: budget,
        cheapest_usd,
    })?;
    Ok(SchedulePlan {
        options,
        configs,
        schedule,
        baseline,
        target_loss: target,
        budget_usd: budget,
        curves_from,
        cheapest_listed,
    })
}

type Curves = std::collections::BTreeMap<u32, Vec<f64>>;

/// A loss curve as a record of progress: the best loss so far after each epoch, tilted down by
/// a hair per epoch so that plateaus still say how far along a run is.
fn record_of_progress(mut curve: Vec<f64>) -> Vec<f64> {
    let tilt = 1e-9 * curve.first().map_or(1.0, |l| l.abs().max(1e-12));
    for i in 1..curve.len() {
        curve[i] = curve[i].min(curve[i - 1]) - tilt;
    }
    curve
}

/// Loss curves per worker count: the scenario's one curve for all, or simulated (all variance
/// off, the scenario's protocol) for `horizon` epochs.
fn curves(
    scenario: &crate::scenario::Scenario,
    profiles: &crate::profile::Profiles,
    template: &crate::model::FaasConfig,
    workers: &[u32],
    horizon: usize,
) -> Result<(Curves, &'static str), ScheduleError> {
    if let Some(curve) = &scenario.workload.loss_curve {
        if curve.len() < 2 {
            return Err(ScheduleError::ShortCurve);
        }
        let curve = record_of_progress(curve.clone());
        return Ok((
            workers.iter().map(|&w| (w, curve.clone())).collect(),
            "scenario",
        ));
    }
    let mut long = scenario.clone();
    long.workload.length = crate::scenario::TrainingLength::Epochs(horizon as f64);
    long.simulation.straggler_cv = 0.0;
    let mut curves = Curves::new();
    for &w in workers {
        let cfg = crate::model::Config::Faas(crate::model::FaasConfig {
            workers: w,
            ..template.clone()
        });
        let run = crate::sim::simulate_config(&long, profiles, &cfg, scenario.seed)?;
        let mut curve = vec![run.initial_loss];
        curve.extend(run.epoch_losses.iter().copied());
        curves.insert(w, record_of_progress(curve));
    }
    Ok((curves, "simulator"))
}
