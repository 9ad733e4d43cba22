//! # Worker count
//!
//! Sweeps the number of workers with every other choice fixed (the scenario's, or the best
//! plan's where the scenario leaves several) and picks the count that minimises time, cost or
//! their product under a budget and a deadline. The curve shows where communication stops the
//! speed-up: past the fastest count, adding workers costs more and finishes later (LambdaML §5).

use crate::model::{
    Bill, Candidate, Config, FaasConfig, FaasModel, IaasConfig, IaasModel, Outcome, Pattern,
    Platform,
};
use crate::profile::Profiles;
use crate::scenario::{Objective, Scenario};

use super::plan::{PlanError, plan};
use super::select::{NoFeasiblePlan, best};
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

/// Sweeps 1..=`max_workers` on `platform`, the other choices taken from the scenario's best plan.
pub fn optimize_workers(
    scenario: &Scenario,
    profiles: &Profiles,
    objective: &Objective,
    platform: Platform,
    max_workers: u32,
) -> Result<WorkersChoice, WorkersError> {
    if max_workers > crate::scenario::MAX_WORKERS {
        return Err(WorkersError::TooMany(max_workers));
    }
    let unconstrained = Objective {
        budget_usd: None,
        deadline_s: None,
        ..objective.clone()
    };
    let base = plan(scenario, profiles, &unconstrained)?;
    let template = base
        .best(platform)
        .ok_or_else(|| {
            PlanError::NothingQualifies(format!(
                "the scenario has no runnable {} plan",
                platform.label()
            ))
        })?
        .config
        .clone();
    let counts = sweep_counts(&template, max_workers);
    let candidates: Vec<Candidate> = match &template {
        Config::Faas(cfg) => {
            let model = FaasModel::new(scenario, profiles).map_err(PlanError::from)?;
            counts.iter().map(|&w| faas_point(&model, cfg, w)).collect()
        }
        Config::Iaas(cfg) => {
            let model = IaasModel::new(scenario, profiles).map_err(PlanError::from)?;
            let instance = profiles
                .instance(&cfg.instance)
                .expect("the plan's instance is known");
            counts
                .iter()
                .map(|&w| Candidate {
                    recipe: model.facts().recipe,
                    config: Config::Iaas(IaasConfig {
                        instance: cfg.instance.clone(),
                        workers: w,
                        pattern: cfg.pattern,
                    }),
                    outcome: model.predict(instance, w, cfg.pattern).map(|p| Outcome {
                        time: p.time,
                        bill: Bill::Iaas(p.cost),
                    }),
                })
                .collect()
        }
    };
    let chosen = best(&candidates, platform, objective)?;
    let best_index = candidates
        .iter()
        .position(|c| std::ptr::eq(c, chosen))
        .expect("from the list");
    let fastest_workers = fastest(&candidates).unwrap_or(1);
    let curve = counts
        .into_iter()
        .zip(candidates)
        .map(|(workers, candidate)| WorkerPoint { workers, candidate })
        .collect();
    Ok(WorkersChoice {
        platform,
        curve,
        best: best_index,
        fastest_workers,
    })
}

/// The best plan's configuration on `platform` (ignoring budget and deadline): the choices a
/// one-dimensional optimiser keeps fixed while it varies its own.
pub fn best_template(
    scenario: &Scenario,
    profiles: &Profiles,
    objective: &Objective,
    platform: Platform,
) -> Result<Config, PlanError> {
    let unconstrained = Objective {
        budget_usd: None,
        deadline_s: None,
        ..objective.clone()
    };
    let base = plan(scenario, profiles, &unconstrained)?;
    base.best(platform)
        .map(|c| c.config.clone())
        .ok_or_else(|| {
            PlanError::NothingQualifies(format!(
                "the scenario has no runnable {} plan",
                platform.label()
            ))
        })
}

/// Every count up to `max` — or, for trees (each count solves a DP), a ladder of about 60.
fn sweep_counts(template: &Config, max: u32) -> Vec<u32> {
    let is_tree = matches!(
        template,
        Config::Faas(FaasConfig {
            pattern: Pattern::Tree(_),
            ..
        })
    );
    if !is_tree {
        return (1..=max.max(1)).collect();
    }
    let mut counts: Vec<u32> = (0..64)
        .map(|i| (1.13f64.powi(i)).round() as u32)
        .filter(|&w| w <= max)
        .collect();
    counts.push(max.max(1));
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
    let outcome = model.predict(&cfg).map(|p| Outcome {
        time: p.time,
        bill: Bill::Faas(p.cost),
    });
    Candidate {
        config: Config::Faas(cfg),
        recipe: model.facts().recipe,
        outcome,
    }
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
            let choice = optimize_workers(&s, &p, &objective, Platform::Faas, 200).unwrap();
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
    fn communication_stops_the_speed_up_before_the_largest_count() {
        let (s, p) = scenario();
        let choice = optimize_workers(&s, &p, &Objective::default(), Platform::Faas, 1000).unwrap();
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
        let err = optimize_workers(&s, &p, &objective, Platform::Faas, 50)
            .unwrap_err()
            .to_string();
        assert!(err.contains("fastest takes"), "{err}");
    }
}
