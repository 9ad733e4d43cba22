//! # Selection under an objective and constraints
//!
//! Ranks candidates by time, cost or their product (the inverse of Feng et al.'s
//! performance-cost ratio), keeps those within a budget and a deadline, and when none is left
//! says which limit is the tightest and by how much it is missed.

use crate::model::{Candidate, Outcome, Platform};
use crate::scenario::{Goal, Objective};
use crate::units::{format_seconds, format_usd};

/// The number a goal minimises.
pub fn score(outcome: &Outcome, goal: Goal) -> f64 {
    match goal {
        Goal::Time => outcome.total_s(),
        Goal::Cost => outcome.total_usd(),
        Goal::Balanced => outcome.total_s() * outcome.total_usd(),
    }
}

/// Why no candidate of a platform qualifies.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum NoFeasiblePlan {
    #[error("no {platform} configuration can run: {reason}")]
    NoneRuns {
        platform: &'static str,
        reason: String,
    },
    #[error("no {platform} plan finishes within {}: the fastest takes {}", format_seconds(*deadline_s), format_seconds(*fastest_s))]
    Deadline {
        platform: &'static str,
        deadline_s: f64,
        fastest_s: f64,
    },
    #[error("no {platform} plan costs at most {}: the cheapest costs {}", format_usd(*budget_usd), format_usd(*cheapest_usd))]
    Budget {
        platform: &'static str,
        budget_usd: f64,
        cheapest_usd: f64,
    },
    #[error(
        "no {platform} plan finishes within {} for at most {}: the cheapest that finishes in time costs {}",
        format_seconds(*deadline_s), format_usd(*budget_usd), format_usd(*cheapest_in_time_usd)
    )]
    Both {
        platform: &'static str,
        deadline_s: f64,
        budget_usd: f64,
        cheapest_in_time_usd: f64,
    },
}

/// Whether an outcome meets the objective's budget and deadline.
pub fn within_limits(outcome: &Outcome, objective: &Objective) -> bool {
    objective.deadline_s.is_none_or(|d| outcome.total_s() <= d)
        && objective
            .budget_usd
            .is_none_or(|b| outcome.total_usd() <= b)
}

/// Plans whose score is within this fraction of the best are as good as it: among them the
/// one best on the other metric wins (a plan 2% slower for a fifth of the bill wins `time`).
pub const NEAR_TIE: f64 = 0.05;

/// The score a near tie is measured from: `reference` (the best score of a plan a sweep runs
/// through) where it beats the sweep's `own` best, unless no point of the sweep comes within
/// the tie of it (a sweep through another plan).
pub fn tie_reference(own: f64, reference: Option<f64>) -> f64 {
    match reference {
        Some(r) if r < own && own <= r * (1.0 + NEAR_TIE) => r,
        _ => own,
    }
}

/// The best candidate of one platform: the best score, or within `NEAR_TIE` of it the best on
/// the other metric (time for `cost` and `balanced`, cost for `time`), then search order.
pub fn best<'a>(
    candidates: &'a [Candidate],
    platform: Platform,
    objective: &Objective,
) -> Result<&'a Candidate, NoFeasiblePlan> {
    best_against(candidates, platform, objective, None)
}

/// The best score among a platform's candidates within the objective's limits.
pub fn top_score(
    candidates: &[Candidate],
    platform: Platform,
    objective: &Objective,
) -> Option<f64> {
    candidates
        .iter()
        .filter(|c| c.platform() == platform)
        .filter_map(Candidate::feasible)
        .filter(|o| within_limits(o, objective))
        .map(|o| score(o, objective.goal))
        .min_by(f64::total_cmp)
}

/// As [`best`], with the near tie measured from `reference` where it beats the candidates'
/// own best score: a one-dimensional sweep through a plan then picks what the plan picked
/// among the same points, though the plan also saw points the sweep does not.
pub fn best_against<'a>(
    candidates: &'a [Candidate],
    platform: Platform,
    objective: &Objective,
    reference: Option<f64>,
) -> Result<&'a Candidate, NoFeasiblePlan> {
    let feasible: Vec<(&Candidate, &Outcome)> = candidates
        .iter()
        .filter(|c| c.platform() == platform)
        .filter_map(|c| c.feasible().map(|o| (c, o)))
        .collect();
    pick(&feasible, objective, reference)
        .ok_or_else(|| why_none(candidates, &feasible, platform, objective))
}

/// As [`best`] among the candidates `keep` keeps; `None` where none qualifies.
pub fn best_where<'a>(
    candidates: &'a [Candidate],
    platform: Platform,
    objective: &Objective,
    keep: impl Fn(&Candidate) -> bool,
) -> Option<&'a Candidate> {
    let feasible: Vec<(&Candidate, &Outcome)> = candidates
        .iter()
        .filter(|c| c.platform() == platform && keep(c))
        .filter_map(|c| c.feasible().map(|o| (c, o)))
        .collect();
    pick(&feasible, objective, None)
}

/// The choice among `feasible` candidates under the objective (see [`best_against`]).
fn pick<'a>(
    feasible: &[(&'a Candidate, &Outcome)],
    objective: &Objective,
    reference: Option<f64>,
) -> Option<&'a Candidate> {
    let within: Vec<&(&Candidate, &Outcome)> = feasible
        .iter()
        .filter(|(_, o)| within_limits(o, objective))
        .collect();
    let own = within
        .iter()
        .map(|(_, o)| score(o, objective.goal))
        .fold(f64::INFINITY, f64::min);
    let top = tie_reference(own, reference);
    let tie = match objective.goal {
        Goal::Time => Goal::Cost,
        _ => Goal::Time,
    };
    within
        .iter()
        .filter(|(_, o)| score(o, objective.goal) <= top * (1.0 + NEAR_TIE))
        .min_by(|(_, a), (_, b)| {
            score(a, tie)
                .total_cmp(&score(b, tie))
                .then(score(a, objective.goal).total_cmp(&score(b, objective.goal)))
        })
        .map(|(c, _)| *c)
}

/// The cheapest and the fastest candidate of one platform within the limits: the plans
/// `best` picks under `cost` and under `time`, near ties included, so the verdict's "cheapest"
/// and "fastest" are the plans `--objective cost` and `--objective time` answer with (a plan
/// 4% faster for 7× the bill is not the fastest worth naming).
pub fn extremes<'a>(
    candidates: &'a [Candidate],
    platform: Platform,
    objective: &Objective,
) -> Option<(&'a Candidate, &'a Candidate)> {
    let under = |goal: Goal| {
        let objective = Objective {
            goal,
            ..objective.clone()
        };
        best(candidates, platform, &objective).ok()
    };
    Some((under(Goal::Cost)?, under(Goal::Time)?))
}

fn why_none(
    candidates: &[Candidate],
    feasible: &[(&Candidate, &Outcome)],
    platform: Platform,
    objective: &Objective,
) -> NoFeasiblePlan {
    let label = platform.label();
    if feasible.is_empty() {
        let reason = candidates
            .iter()
            .filter(|c| c.platform() == platform)
            .find_map(|c| c.outcome.as_ref().err())
            .map_or_else(
                || "the scenario lists none".to_string(),
                ToString::to_string,
            );
        return NoFeasiblePlan::NoneRuns {
            platform: label,
            reason,
        };
    }
    let fastest_s = feasible
        .iter()
        .map(|(_, o)| o.total_s())
        .fold(f64::INFINITY, f64::min);
    let cheapest_usd = feasible
        .iter()
        .map(|(_, o)| o.total_usd())
        .fold(f64::INFINITY, f64::min);
    match (objective.deadline_s, objective.budget_usd) {
        (Some(deadline_s), _) if fastest_s > deadline_s => NoFeasiblePlan::Deadline {
            platform: label,
            deadline_s,
            fastest_s,
        },
        (Some(deadline_s), Some(budget_usd)) => {
            let cheapest_in_time_usd = feasible
                .iter()
                .filter(|(_, o)| o.total_s() <= deadline_s)
                .map(|(_, o)| o.total_usd())
                .fold(f64::INFINITY, f64::min);
            NoFeasiblePlan::Both {
                platform: label,
                deadline_s,
                budget_usd,
                cheapest_in_time_usd,
            }
        }
        (_, Some(budget_usd)) => NoFeasiblePlan::Budget {
            platform: label,
            budget_usd,
            cheapest_usd,
        },
        _ => NoFeasiblePlan::NoneRuns {
            platform: label,
            reason: "no candidate qualifies".into(),
        },
    }
}
