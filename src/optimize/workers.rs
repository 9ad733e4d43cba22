//! # Worker count
//!
//! Sweeps the number of workers with every other choice fixed (the scenario's, or the best
//! plan's where the scenario leaves several) and picks the count that minimises time, cost or
//! their product under a budget and a deadline. The curve shows where communication stops the
//! speed-up: past the fastest count, adding workers costs more and finishes later (LambdaML §5).

use crate::model::{
    Candidate, Config, FaasConfig, FaasModel, IaasConfig, IaasModel, Infeasible, Pattern, Platform,
};
use crate::profile::Profiles;
use crate::scenario::{Objective, Scenario};

use rayon::prelude::*;

use super::plan::{PlanError, to_sweep_through};
use super::search::{faas_candidate, iaas_candidate, listed_span};
use super::select::{NoFeasiblePlan, best_against, top_score};
use super::tree::{TreeGoal, model_tree};

/// One point of the sweep.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkerPoint {
    pub workers: u32,
    pub candidate: Candidate,
}

/// The sweep and its choice.
#[derive(Debug, Clone)]
pub struct WorkersChoice {
    pub platform: Platform,
    pub curve: Vec<WorkerPoint>,
    /// Index into `curve` of the chosen count.
    pub best: usize,
    /// The count with the shortest time: past it communication outweighs the added compute.
    pub fastest_workers: u32,
}

/// Why the sweep has no answer.
#[derive(Debug, thiserror::Error)]
pub enum WorkersError {
    #[error(transparent)]
    Plan(#[from] PlanError),
    #[error("--max-workers {0}: at most {max} workers are swept", max = crate::scenario::MAX_WORKERS)]
    TooMany(u32),
    #[error(transparent)]
    NoneQualifies(#[from] NoFeasiblePlan),
}

/// The largest worker count a sweep tries unless told otherwise (Lambda's default account
/// concurrency, `concurrency_limit` in the profiles).
pub const DEFAULT_MAX_WORKERS: u32 = 1000;

/// A sweep stops at the first count, past the fastest, that is this much slower than the
/// fastest and dearer than the cheapest count before it: beyond the point where communication
/// stops the speed-up both only grow, and no count that far off is near a tie.
pub const PAST_THE_KNEE: f64 = 1.25;

/// Sweeps the worker counts on `platform` — 1..=`max_workers`, or without it the counts
/// [`scenario_range`] gives — the other choices taken from the scenario's best plan, and picks
/// among them as `plan` would (so the plan's best wins here too).
pub fn optimize_workers(
    scenario: &Scenario,
    profiles: &Profiles,
    objective: &Objective,
    platform: Platform,
    max_workers: Option<u32>,
) -> Result<WorkersChoice, WorkersError> {
    if let Some(max) = max_workers.filter(|&m| m > crate::scenario::MAX_WORKERS) {
        return Err(WorkersError::TooMany(max));
    }
    let range = max_workers.map_or_else(|| scenario_range(scenario, platform), |max| (1, max));
    let (base, chosen) = to_sweep_through(scenario, profiles, objective, platform)?;
    let template = chosen.config;
    let one = scenario.with_recipe(chosen.recipe);
    let curve = match &template {
        Config::Faas(_) => {
            let model = FaasModel::new(&one, profiles).map_err(PlanError::from)?;
            sweep(&template, &Evaluator::Faas(&model), range)
        }
        Config::Iaas(_) => {
            let model = IaasModel::new(&one, profiles).map_err(PlanError::from)?;
            sweep(&template, &Evaluator::Iaas(&model, profiles), range)
        }
    };
    let reference = top_score(&base.candidates, platform, objective);
    let candidates: Vec<Candidate> = curve.iter().map(|p| p.candidate.clone()).collect();
    let chosen = best_against(&candidates, platform, objective, reference)?;
    let best_index = candidates
        .iter()
        .position(|c| std::ptr::eq(c, chosen))
        .expect("from the list");
    let fastest_workers = fastest(&candidates).unwrap_or(1);
    Ok(WorkersChoice {
        platform,
        curve,
        best: best_index,
        fastest_workers,
    })
}

/// The model a sweep predicts with.
pub enum Evaluator<'a> {
    Faas(&'a FaasModel),
    Iaas(&'a IaasModel, &'a Profiles),
}

impl Evaluator<'_> {
    /// The candidate `template` becomes with `workers` workers.
    fn point(&self, template: &Config, workers: u32) -> Candidate {
        match (self, template) {
            (Evaluator::Faas(model), Config::Faas(cfg)) => faas_point(model, cfg, workers),
            (Evaluator::Iaas(model, profiles), Config::Iaas(cfg)) => {
                iaas_point(model, profiles, cfg, workers)
            }
            _ => unreachable!("a sweep evaluates its template's platform"),
        }
    }
}

/// The worker counts a scenario leaves to choose on `platform`: from the fewest it lists to
/// the most (`plan` refines its grid between them), or 1 to [`DEFAULT_MAX_WORKERS`] where it
/// names one count.
pub fn scenario_range(scenario: &Scenario, platform: Platform) -> (u32, u32) {
    let listed = match platform {
        Platform::Faas => scenario.faas.as_ref().map(|s| &s.workers[..]),
        Platform::Iaas => scenario.iaas.as_ref().map(|s| &s.workers[..]),
    };
    listed
        .and_then(listed_span)
        .unwrap_or((1, DEFAULT_MAX_WORKERS))
}

/// `template` at every count of [`sweep_counts`] in `range`, in ascending order, until the
/// counts are [`PAST_THE_KNEE`] or the first over the account's concurrency limit; chunks of
/// counts are predicted in parallel and the stop is found in order, so the curve is the same on
/// any number of threads.
pub fn sweep(template: &Config, model: &Evaluator, range: (u32, u32)) -> Vec<WorkerPoint> {
    sweep_within(template, model, range, &mut Budget::unlimited())
}

/// Work a search may still do, in worker-evaluations (a prediction of w workers costs about w:
/// the model follows each), and whether it ran out.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Budget {
    pub left: u64,
    pub ran_out: bool,
}

impl Budget {
    pub fn new(left: u64) -> Self {
        Budget {
            left,
            ran_out: false,
        }
    }

    fn unlimited() -> Self {
        Budget::new(u64::MAX)
    }

    /// Spends `work` if there is that much left; else says it ran out.
    pub fn spend(&mut self, work: u64) -> bool {
        if work > self.left {
            self.ran_out = true;
            return false;
        }
        self.left -= work;
        true
    }
}

/// [`sweep`], cut short before a chunk of counts whose workers add up to more than `budget`
/// has left.
pub fn sweep_within(
    template: &Config,
    model: &Evaluator,
    range: (u32, u32),
    budget: &mut Budget,
) -> Vec<WorkerPoint> {
    const CHUNK: usize = 32;
    let counts = sweep_counts(template, range);
    let mut curve = Vec::new();
    let (mut fastest_s, mut cheapest_usd) = (f64::INFINITY, f64::INFINITY);
    for chunk in counts.chunks(CHUNK) {
        if !budget.spend(chunk.iter().map(|&w| u64::from(w)).sum()) {
            return curve;
        }
        let points: Vec<WorkerPoint> = chunk
            .par_iter()
            .map(|&workers| WorkerPoint {
                workers,
                candidate: model.point(template, workers),
            })
            .collect();
        for point in points {
            let outcome = point
                .candidate
                .feasible()
                .map(|o| (o.total_s(), o.total_usd()));
            let over_the_limit = matches!(
                point.candidate.outcome,
                Err(Infeasible::ConcurrencyLimit { .. })
            );
            curve.push(point);
            if over_the_limit {
                // Every larger count needs more functions at once still.
                return curve;
            }
            let Some((time_s, cost_usd)) = outcome else {
                continue;
            };
            if time_s > PAST_THE_KNEE * fastest_s && cost_usd > PAST_THE_KNEE * cheapest_usd {
                return curve;
            }
            fastest_s = fastest_s.min(time_s);
            cheapest_usd = cheapest_usd.min(cost_usd);
        }
    }
    curve
}

/// The IaaS candidate `template` becomes with `workers` VMs.
fn iaas_point(
    model: &IaasModel,
    profiles: &Profiles,
    template: &IaasConfig,
    workers: u32,
) -> Candidate {
    let instance = profiles
        .instance(&template.instance)
        .expect("a plan's instance is in the profiles");
    let cfg = IaasConfig {
        workers,
        ..template.clone()
    };
    iaas_candidate(model, instance, cfg)
}

/// The best plan's configuration on `platform` (ignoring budget and deadline): the choices a
/// one-dimensional optimiser keeps fixed while it varies its own.
pub fn best_template(
    scenario: &Scenario,
    profiles: &Profiles,
    objective: &Objective,
    platform: Platform,
) -> Result<Config, PlanError> {
    let unconstrained = objective.without_limits();
    to_sweep_through(scenario, profiles, &unconstrained, platform).map(|(_, best)| best.config)
}

/// A sweep tries every count over this many, and beyond them every 1% more workers.
pub const EVERY_COUNT_UP_TO: u32 = 2000;

/// Every count from `lo` to `hi` (1% apart past [`EVERY_COUNT_UP_TO`]) — or, for trees (each
/// count solves a DP), a ladder of about 60 and both ends.
fn sweep_counts(template: &Config, (lo, hi): (u32, u32)) -> Vec<u32> {
    let (lo, hi) = (lo.max(1), hi.max(lo.max(1)));
    let is_tree = matches!(
        template,
        Config::Faas(FaasConfig {
            pattern: Pattern::Tree(_),
            ..
        })
    );
    if !is_tree {
        // Every count up to EVERY_COUNT_UP_TO, then 1% steps: a wide list stays quick.
        let dense_end = hi.min(lo.saturating_add(EVERY_COUNT_UP_TO - 1));
        let mut counts: Vec<u32> = (lo..=dense_end).collect();
        let mut w = dense_end;
        while w < hi {
            w = ((f64::from(w) * 1.01).ceil() as u32).min(hi);
            counts.push(w);
        }
        return counts;
    }
    let mut counts: Vec<u32> = (0..64)
        .map(|i| (1.13f64.powi(i)).round() as u32)
        .filter(|&w| (lo..=hi).contains(&w))
        .collect();
    counts.extend([lo, hi]);
    counts.sort_unstable();
    counts.dedup();
    counts
}

/// The candidate `template` becomes with `workers` workers (trees re-solved for the count).
pub fn faas_point(model: &FaasModel, template: &FaasConfig, workers: u32) -> Candidate {
    let pattern = match &template.pattern {
        Pattern::Tree(_) => Pattern::tree(
            model_tree(
                model,
                workers,
                template.memory_mb,
                template.channel_ref(),
                TreeGoal::Time,
            )
            .structure,
        ),
        other => other.clone(),
    };
    let cfg = FaasConfig {
        workers,
        pattern,
        ..template.clone()
    };
    faas_candidate(model, cfg)
}

fn fastest(candidates: &[Candidate]) -> Option<u32> {
    candidates
        .iter()
        .filter_map(|c| Some((c, c.feasible()?.total_s())))
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(c, _)| match &c.config {
            Config::Faas(f) => f.workers,
            Config::Iaas(i) => i.workers,
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optimize::plan::plan;
    use crate::scenario::Goal;

    fn scenario() -> (Scenario, Profiles) {
        let profiles = Profiles::builtin().unwrap();
        let s = Scenario::default_scenario(&[], &profiles).unwrap();
        (s, profiles)
    }

    #[test]
    fn the_choice_is_within_the_near_tie_of_the_best_point_of_the_curve_by_brute_force() {
        let (s, p) = scenario();
        for goal in [Goal::Time, Goal::Cost, Goal::Balanced] {
            let objective = Objective {
                goal,
                ..Objective::default()
            };
            let choice = optimize_workers(&s, &p, &objective, Platform::Faas, Some(200)).unwrap();
            let score = |c: &Candidate| super::super::select::score(c.feasible().unwrap(), goal);
            let chosen = score(&choice.curve[choice.best].candidate);
            for point in choice
                .curve
                .iter()
                .filter(|pt| pt.candidate.feasible().is_some())
            {
                assert!(
                    chosen <= score(&point.candidate) * (1.0 + super::super::select::NEAR_TIE),
                    "{goal}: {} beats the choice by more than the near tie",
                    point.workers
                );
            }
        }
    }

    #[test]
    fn counts_are_dense_then_one_percent_apart_and_end_at_the_largest() {
        let (s, p) = scenario();
        let plan = plan(&s, &p, &Objective::default()).unwrap();
        let template = plan.best(Platform::Faas).unwrap().config.clone();
        let counts = sweep_counts(&template, (3, 1_000_000));
        assert_eq!(&counts[..3], &[3, 4, 5]);
        assert_eq!(
            counts[EVERY_COUNT_UP_TO as usize - 1],
            3 + EVERY_COUNT_UP_TO - 1
        );
        assert_eq!(*counts.last().unwrap(), 1_000_000);
        for pair in counts[EVERY_COUNT_UP_TO as usize - 1..].windows(2) {
            assert!(
                f64::from(pair[1]) <= (f64::from(pair[0]) * 1.01).ceil(),
                "{pair:?}"
            );
        }
        assert!(counts.len() < 3000, "{}", counts.len());
    }

    #[test]
    fn a_budget_spends_what_it_has_and_says_when_it_ran_out() {
        let mut budget = Budget::new(100);
        assert!(budget.spend(60));
        assert!(!budget.spend(50));
        assert_eq!(
            budget,
            Budget {
                left: 40,
                ran_out: true
            }
        );
        let (s, p) = scenario();
        let plan = plan(&s, &p, &Objective::default()).unwrap();
        let template = plan.best(Platform::Faas).unwrap().config.clone();
        let model = FaasModel::new(&s, &p).unwrap();
        // Counts 1 to 32 are one chunk of 528 worker-evaluations; 33 to 64 the next.
        let mut small = Budget::new(600);
        let curve = sweep_within(&template, &Evaluator::Faas(&model), (1, 64), &mut small);
        assert_eq!(curve.len(), 32);
        assert!(small.ran_out);
    }

    #[test]
    fn a_sweep_stops_at_the_first_count_over_the_concurrency_limit() {
        let (s, p) = scenario();
        let plan = plan(&s, &p, &Objective::default()).unwrap();
        let template = plan.best(Platform::Faas).unwrap().config.clone();
        let model = FaasModel::new(&s, &p).unwrap();
        let curve = sweep(&template, &Evaluator::Faas(&model), (900, 5000));
        let last = curve.last().unwrap();
        // Lambda's default limit is 1,000 functions at once: 1,001 is the last count tried.
        assert_eq!(last.workers, 1001);
        assert!(matches!(
            last.candidate.outcome,
            Err(Infeasible::ConcurrencyLimit { .. })
        ));
    }

    #[test]
    fn communication_stops_the_speed_up_before_the_largest_count() {
        let (s, p) = scenario();
        let choice =
            optimize_workers(&s, &p, &Objective::default(), Platform::Faas, Some(1000)).unwrap();
        assert!(
            choice.fastest_workers > 1 && choice.fastest_workers < 1000,
            "{}",
            choice.fastest_workers
        );
    }

    #[test]
    fn a_deadline_nobody_meets_names_the_fastest() {
        let (s, p) = scenario();
        let objective = Objective {
            deadline_s: Some(0.5),
            ..Objective::default()
        };
        let err = optimize_workers(&s, &p, &objective, Platform::Faas, Some(50))
            .unwrap_err()
            .to_string();
        assert!(err.contains("fastest takes"), "{err}");
    }
}
