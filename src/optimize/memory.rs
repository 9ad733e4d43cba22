//! # Memory size (Feng et al., IEEE CLOUD 2018)
//!
//! A function's memory buys its CPU share, so time t(z) falls with memory z while the price per
//! second rises: C(z) = p·n·z·t(z). Feng et al. pick z to minimise cost, or to maximise the
//! performance-cost ratio R(z) = f / (C(z)·t(z)) — with t(z) = a + b/z at z* = b/a. Here t(z)
//! comes from the analytic model of a scenario's configuration, or from a calibrated function's
//! curve per invocation, and C(z) from the platform's price list with its billing granularity.
//! Every memory size the platform allows is evaluated (exhaustive: the curve has steps where
//! billing rounds and walls where a worker stops fitting); Brent's method on the same curve
//! taken as continuous (memory to the MB, argmin's `BrentOpt`) gives the continuous optimum,
//! which is snapped to the allowed sizes as a cross-check.

use argmin::core::{CostFunction, Executor};
use argmin::solver::brent::BrentOpt;
use serde::Serialize;

use super::plan::{PlanError, to_sweep_through};
use super::search::listed_span;
use super::select::{NEAR_TIE, tie_reference, top_score};
use crate::model::faas::FaasModelError;
use crate::model::{Config, FaasConfig, FaasModel, Platform};
use crate::profile::{FaasProfile, Profiles};
use crate::scenario::{FaasSpace, Goal, Objective, Scenario};
use crate::units::{format_seconds, format_usd};

/// One memory size and what it gives.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MemoryPoint {
    pub memory_mb: u32,
    pub time_s: f64,
    pub cost_usd: f64,
    /// Feng's performance-cost ratio f / (C·t), f the work in FLOPs (1 when unknown).
    pub ratio: f64,
}

/// The memory size chosen and the curve it was chosen from.
#[derive(Debug, Clone, PartialEq)]
pub struct MemoryChoice {
    pub goal: Goal,
    pub best: MemoryPoint,
    /// Every size that can run, ascending.
    pub curve: Vec<MemoryPoint>,
    /// Sizes that cannot run, and why the largest of them cannot.
    pub infeasible: Option<(usize, String)>,
    /// Brent's optimum of the continuous curve, and that optimum snapped to an allowed size.
    pub continuous_optimum_mb: f64,
    pub snapped: MemoryPoint,
    /// The work f in R(z) = f / (C·t).
    pub work_flops: f64,
}

/// Why no memory size qualifies, or the optimiser cannot start.
#[derive(Debug, thiserror::Error)]
pub enum MemoryError {
    #[error("{file}: optimize memory needs a [faas] section")]
    NoFaas { file: String },
    #[error(transparent)]
    Model(#[from] FaasModelError),
    #[error("no memory size can run it: {reason}")]
    NoneRuns { reason: String },
    #[error("no memory size finishes within {}: the fastest takes {}", format_seconds(*deadline_s), format_seconds(*fastest_s))]
    Deadline { deadline_s: f64, fastest_s: f64 },
    #[error("no memory size costs at most {}: the cheapest costs {}", format_usd(*budget_usd), format_usd(*cheapest_usd))]
    Budget { budget_usd: f64, cheapest_usd: f64 },
    #[error(
        "no memory size finishes within {} for at most {}: the cheapest that finishes in time costs {}",
        format_seconds(*deadline_s), format_usd(*budget_usd), format_usd(*cheapest_in_time_usd)
    )]
    Both {
        deadline_s: f64,
        budget_usd: f64,
        cheapest_in_time_usd: f64,
    },
}

impl MemoryError {
    /// Whether the user's input is at fault (exit 2), not the limits (exit 1).
    pub fn is_input(&self) -> bool {
        matches!(self, MemoryError::NoFaas { .. } | MemoryError::Model(_))
    }
}

/// The number the goal minimises, and the one that breaks ties.
fn keys(point: &MemoryPoint, goal: Goal) -> (f64, f64) {
    match goal {
        Goal::Time => (point.time_s, point.cost_usd),
        Goal::Cost => (point.cost_usd, point.time_s),
        Goal::Balanced => (point.time_s * point.cost_usd, point.time_s),
    }
}

fn within(point: &MemoryPoint, objective: &Objective) -> bool {
    objective.deadline_s.is_none_or(|d| point.time_s <= d)
        && objective.budget_usd.is_none_or(|b| point.cost_usd <= b)
}

/// Chooses among `sizes` (ascending) by `eval`, which gives time and cost at a memory size or
/// says why it cannot run.
pub fn choose(
    sizes: &[u32],
    eval: impl Fn(u32) -> Result<(f64, f64), String>,
    objective: &Objective,
    work_flops: f64,
) -> Result<MemoryChoice, MemoryError> {
    choose_against(sizes, eval, objective, work_flops, Tie::UnderTime)
}

/// Which sizes count as tied with the best.
#[derive(Debug, Clone, Copy)]
enum Tie {
    /// Within NEAR_TIE of the fastest under `time`, where time saturates with memory; the
    /// exact optimum under cost and balanced (Feng's z* = b/a).
    UnderTime,
    /// Within NEAR_TIE under every goal, measured from the reference score where it beats the
    /// curve's own best: the rule by which `plan` picks (`select::best_against`), so a sweep
    /// through its best plan picks that plan.
    AsPlan { reference: Option<f64> },
}

/// As [`choose`], sizes near the best tied as `tie` says.
fn choose_against(
    sizes: &[u32],
    eval: impl Fn(u32) -> Result<(f64, f64), String>,
    objective: &Objective,
    work_flops: f64,
    tie: Tie,
) -> Result<MemoryChoice, MemoryError> {
    let point = |memory_mb: u32| {
        eval(memory_mb).map(|(time_s, cost_usd)| MemoryPoint {
            memory_mb,
            time_s,
            cost_usd,
            ratio: work_flops / (time_s * cost_usd),
        })
    };
    let (curve, infeasible) = evaluate(sizes, point);
    let best = pick(&curve, objective, tie)?;
    let qualifying = |mb: u32| point(mb).ok().filter(|p| within(p, objective));
    let (lo, hi) = match (curve.first(), curve.last()) {
        (Some(first), Some(last)) => (first.memory_mb, last.memory_mb),
        _ => (0, 0),
    };
    let continuous_optimum_mb = brent(lo, hi, |mb| {
        qualifying(mb).map(|p| keys(&p, objective.goal).0)
    })?;
    let snapped = snap(sizes, continuous_optimum_mb, qualifying, objective.goal).unwrap_or(best);
    Ok(MemoryChoice {
        goal: objective.goal,
        best,
        curve,
        infeasible,
        continuous_optimum_mb,
        snapped,
        work_flops,
    })
}

/// The points of the sizes that can run; how many cannot, and why the largest of them cannot.
fn evaluate(
    sizes: &[u32],
    point: impl Fn(u32) -> Result<MemoryPoint, String>,
) -> (Vec<MemoryPoint>, Option<(usize, String)>) {
    let mut curve = Vec::with_capacity(sizes.len());
    let mut infeasible: Option<(usize, String)> = None;
    for &mb in sizes {
        match point(mb) {
            Ok(p) => curve.push(p),
            Err(reason) => infeasible = Some((infeasible.map_or(1, |(n, _)| n + 1), reason)),
        }
    }
    (curve, infeasible)
}

fn pick(
    curve: &[MemoryPoint],
    objective: &Objective,
    tie: Tie,
) -> Result<MemoryPoint, MemoryError> {
    // Sizes within the tie of the best score are as good as it, and the best of them on the
    // other metric wins, as `select::best` picks plans.
    let own = curve
        .iter()
        .filter(|p| within(p, objective))
        .map(|p| keys(p, objective.goal).0)
        .fold(f64::INFINITY, f64::min);
    let (top, tie) = match tie {
        Tie::AsPlan { reference } => (tie_reference(own, reference), NEAR_TIE),
        Tie::UnderTime if objective.goal == Goal::Time => (own, NEAR_TIE),
        Tie::UnderTime => (own, 0.0),
    };
    let order = |a: &&MemoryPoint, b: &&MemoryPoint| {
        let (ka, kb) = (keys(a, objective.goal), keys(b, objective.goal));
        ka.1.total_cmp(&kb.1).then(ka.0.total_cmp(&kb.0))
    };
    let near_best = |p: &&MemoryPoint| keys(p, objective.goal).0 <= top * (1.0 + tie);
    if let Some(best) = curve
        .iter()
        .filter(|p| within(p, objective))
        .filter(near_best)
        .min_by(order)
    {
        return Ok(*best);
    }
    let fastest_s = curve.iter().map(|p| p.time_s).fold(f64::INFINITY, f64::min);
    let cheapest_usd = curve
        .iter()
        .map(|p| p.cost_usd)
        .fold(f64::INFINITY, f64::min);
    Err(match (objective.deadline_s, objective.budget_usd) {
        _ if curve.is_empty() => MemoryError::NoneRuns {
            reason: "no size is allowed".into(),
        },
        (Some(deadline_s), _) if fastest_s > deadline_s => MemoryError::Deadline {
            deadline_s,
            fastest_s,
        },
        (Some(deadline_s), Some(budget_usd)) => MemoryError::Both {
            deadline_s,
            budget_usd,
            cheapest_in_time_usd: curve
                .iter()
                .filter(|p| p.time_s <= deadline_s)
                .map(|p| p.cost_usd)
                .fold(f64::INFINITY, f64::min),
        },
        (_, Some(budget_usd)) => MemoryError::Budget {
            budget_usd,
            cheapest_usd,
        },
        _ => MemoryError::NoneRuns {
            reason: "no size qualifies".into(),
        },
    })
}

/// The curve as a function of continuous memory (rounded to the MB), for argmin.
struct Continuous<F>(F);

impl<F: Fn(u32) -> Option<f64>> CostFunction for Continuous<F> {
    type Param = f64;
    type Output = f64;
    fn cost(&self, memory_mb: &f64) -> Result<f64, argmin::core::Error> {
        // Sizes that cannot run or break a limit lie far above every real score.
        Ok((self.0)(memory_mb.round() as u32).unwrap_or(f64::MAX / 4.0))
    }
}

/// Brent's minimum of `score` over [lo, hi] MB.
fn brent(lo: u32, hi: u32, score: impl Fn(u32) -> Option<f64>) -> Result<f64, MemoryError> {
    if hi <= lo {
        return Ok(f64::from(lo));
    }
    let solver = BrentOpt::new(f64::from(lo), f64::from(hi)).set_tolerance(1e-8, 0.25);
    let result = Executor::new(Continuous(score), solver)
        .configure(|state| state.max_iters(200))
        .run()
        .map_err(|e| MemoryError::NoneRuns {
            reason: format!("Brent's method failed: {e}"),
        })?;
    Ok(result.state.best_param.unwrap_or(f64::from(lo)).round())
}

/// The better of the allowed sizes on either side of `memory_mb`.
fn snap(
    sizes: &[u32],
    memory_mb: f64,
    point: impl Fn(u32) -> Option<MemoryPoint>,
    goal: Goal,
) -> Option<MemoryPoint> {
    let above = sizes.partition_point(|&s| f64::from(s) < memory_mb);
    let neighbours = [above.checked_sub(1), Some(above)];
    neighbours
        .into_iter()
        .flatten()
        .filter_map(|i| sizes.get(i).and_then(|&mb| point(mb)))
        .min_by(|a, b| keys(a, goal).0.total_cmp(&keys(b, goal).0))
}

/// The memory choice for a scenario and the configuration it varies.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioMemory {
    pub choice: MemoryChoice,
    /// The configuration at the chosen size.
    pub config: FaasConfig,
    /// How the scenario's other choices were fixed.
    pub basis: String,
    pub profile: String,
}

/// Chooses the memory of `scenario`'s FaaS configuration, its other choices as its best FaaS
/// plan has them (those `estimate` fixes, where the scenario names one of each), over the
/// sizes [`sweep_sizes`] lists: the sweep `plan` refines its best with, so both answer alike.
pub fn for_scenario(
    scenario: &Scenario,
    profiles: &Profiles,
    objective: &Objective,
) -> Result<ScenarioMemory, MemoryError> {
    let space = scenario.faas.as_ref().ok_or_else(|| MemoryError::NoFaas {
        file: scenario.file.clone(),
    })?;
    let (planned, best) =
        to_sweep_through(scenario, profiles, objective, Platform::Faas).map_err(|e| match e {
            PlanError::Faas(model) => MemoryError::Model(model),
            other => MemoryError::NoneRuns {
                reason: other.to_string(),
            },
        })?;
    let base = faas_config(&best.config)?;
    let model = FaasModel::new(&scenario.with_recipe(best.recipe), profiles)?;
    let facts = model.facts();
    let work_flops = facts.rounds * facts.samples_per_round * facts.flops_per_sample;
    let eval = |memory_mb: u32| {
        let cfg = FaasConfig {
            memory_mb,
            ..base.clone()
        };
        model
            .predict(&cfg)
            .map(|p| (p.time.total_s(), p.cost.total_usd()))
            .map_err(|e| e.to_string())
    };
    let reference = top_score(&planned.candidates, Platform::Faas, objective);
    let sizes = sweep_sizes(model.profile(), space);
    let choice = choose_against(
        &sizes,
        eval,
        objective,
        work_flops,
        Tie::AsPlan { reference },
    )?;
    let basis = if fixed_but_memory(scenario, space) {
        "the scenario fixes the workers, channel, pattern and sync".to_string()
    } else {
        format!(
            "the scenario lists several choices: those of its best FaaS plan by {} ({})",
            objective.goal,
            best.config.describe()
        )
    };
    Ok(ScenarioMemory {
        config: FaasConfig {
            memory_mb: choice.best.memory_mb,
            ..base
        },
        choice,
        basis,
        profile: space.profile.clone(),
    })
}

/// Whether the scenario names one of each FaaS choice but memory.
fn fixed_but_memory(scenario: &Scenario, space: &FaasSpace) -> bool {
    [
        space.workers.len(),
        space.channels.len(),
        space.patterns.len(),
        space.sync.len(),
        space.cache_nodes.len().max(1),
        scenario.workload.recipes.len(),
    ]
    .iter()
    .all(|&n| n == 1)
}

/// The memory sizes swept for a scenario: the profile's sweep from the smallest size the
/// scenario lists to the largest (`plan` refines its grid between them) and the listed sizes,
/// or the whole sweep where it names one size.
pub fn sweep_sizes(profile: &FaasProfile, space: &FaasSpace) -> Vec<u32> {
    let listed = &space.memory_mb;
    let (lo, hi) = listed_span(listed).unwrap_or((0, u32::MAX));
    let mut sizes: Vec<u32> = profile
        .sweep_memory_sizes()
        .into_iter()
        .filter(|mb| (lo..=hi).contains(mb))
        .collect();
    sizes.extend(
        listed
            .iter()
            .filter(|&&mb| profile.check_memory(mb).is_ok()),
    );
    sizes.sort_unstable();
    sizes.dedup();
    sizes
}

fn faas_config(config: &Config) -> Result<FaasConfig, MemoryError> {
    match config {
        Config::Faas(cfg) => Ok(cfg.clone()),
        Config::Iaas(_) => Err(MemoryError::NoneRuns {
            reason: "the plan is not a FaaS one".into(),
        }),
    }
}

/// Chooses the memory of one function whose duration at z MB is `time_s(z)`, per invocation,
/// over every size `profile` allows from `min_memory_mb` up.
pub fn for_function(
    time_s: impl Fn(f64) -> f64,
    min_memory_mb: f64,
    profile: &FaasProfile,
    objective: &Objective,
) -> Result<MemoryChoice, MemoryError> {
    let sizes: Vec<u32> = profile
        .all_memory_sizes()
        .into_iter()
        .filter(|&mb| f64::from(mb) >= min_memory_mb)
        .collect();
    if sizes.is_empty() {
        return Err(MemoryError::NoneRuns {
            reason: format!(
                "the function needs {min_memory_mb:.0} MB, more than {} offers",
                profile.name
            ),
        });
    }
    let eval = |memory_mb: u32| {
        let t = time_s(f64::from(memory_mb));
        Ok((t, profile.invocation_usd(memory_mb, t, false)))
    };
    choose(&sizes, eval, objective, 1.0)
}

/// Why a function's chosen size is none of its `measured_mb` sizes, if it is none.
pub fn extrapolation_note(
    measured_mb: &[u32],
    min_memory_mb: f64,
    chosen_mb: u32,
) -> Option<String> {
    let smallest = *measured_mb.iter().min()?;
    let largest = *measured_mb.iter().max()?;
    let z = chosen_mb;
    if z < smallest {
        let floor = if min_memory_mb > 0.0 {
            format!(", down to the {min_memory_mb:.0} MB it used at {smallest} MB")
        } else {
            String::new()
        };
        Some(format!(
            "{z} MB is below the smallest measured size ({smallest} MB): below saturation the cost falls with memory, so the fitted curve is extrapolated{floor}"
        ))
    } else if z > largest {
        Some(format!(
            "{z} MB is above the largest measured size ({largest} MB): the fitted curve is extrapolated"
        ))
    } else if !measured_mb.contains(&z) {
        Some(format!(
            "{z} MB lies between measured sizes: the fitted curve interpolates"
        ))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    fn x86() -> FaasProfile {
        Profiles::builtin()
            .unwrap()
            .faas("aws-lambda-x86")
            .unwrap()
            .clone()
    }

    fn function(a: f64, b: f64) -> impl Fn(f64) -> f64 {
        move |z| a + b / z
    }

    fn goal(goal: Goal) -> Objective {
        Objective {
            goal,
            budget_usd: None,
            deadline_s: None,
        }
    }

    #[test]
    fn balanced_memory_is_fengs_b_over_a() {
        // t(z) = 0.5 + 1000/z: R(z) peaks at z* = b/a = 2000 MB (per-ms billing, requests aside).
        let choice =
            for_function(function(0.5, 1000.0), 0.0, &x86(), &goal(Goal::Balanced)).unwrap();
        assert!(
            (1990..=2030).contains(&choice.best.memory_mb),
            "{}",
            choice.best.memory_mb
        );
        assert_eq!(choice.curve.len(), 10240 - 128 + 1);
    }

    #[test]
    fn time_takes_the_cheapest_size_within_five_percent_of_the_fastest() {
        let choice = for_function(function(0.5, 1000.0), 0.0, &x86(), &goal(Goal::Time)).unwrap();
        let fastest = choice
            .curve
            .iter()
            .map(|p| p.time_s)
            .fold(f64::INFINITY, f64::min);
        assert!(choice.best.time_s <= fastest * 1.05);
        let cheaper_in_reach = choice
            .curve
            .iter()
            .any(|p| p.time_s <= fastest * 1.05 && p.cost_usd < choice.best.cost_usd);
        assert!(!cheaper_in_reach);
        assert!(
            choice.best.memory_mb < 10240,
            "not the largest size for a 1% gain"
        );
    }

    #[test]
    fn brent_snapped_agrees_with_exhaustive_search() {
        for g in [Goal::Cost, Goal::Balanced] {
            let choice = for_function(function(0.3, 800.0), 0.0, &x86(), &goal(g)).unwrap();
            let (exhaustive, snapped) = (keys(&choice.best, g).0, keys(&choice.snapped, g).0);
            assert_relative_eq!(snapped, exhaustive, max_relative = 1e-3);
        }
    }

    #[test]
    fn brent_snapped_agrees_on_a_coarse_grid() {
        let old = Profiles::builtin()
            .unwrap()
            .faas("aws-lambda-2018")
            .unwrap()
            .clone();
        let choice = for_function(function(0.5, 1000.0), 0.0, &old, &goal(Goal::Balanced)).unwrap();
        assert_eq!(choice.snapped.memory_mb, choice.best.memory_mb);
        assert_relative_eq!(choice.continuous_optimum_mb, 2000.0, max_relative = 0.02);
    }

    #[test]
    fn cost_picks_the_smallest_size_that_holds_the_function() {
        let choice = for_function(function(0.2, 300.0), 179.0, &x86(), &goal(Goal::Cost)).unwrap();
        assert_eq!(choice.best.memory_mb, 179);
        let note = extrapolation_note(&[256, 512], 179.0, 179).unwrap();
        assert!(note.contains("below the smallest measured size"), "{note}");
        assert_eq!(extrapolation_note(&[256, 512], 179.0, 256), None);
    }

    #[test]
    fn names_the_deadline_when_no_size_meets_it() {
        let objective = Objective {
            goal: Goal::Cost,
            budget_usd: None,
            deadline_s: Some(0.1),
        };
        let err = for_function(function(0.5, 1000.0), 0.0, &x86(), &objective).unwrap_err();
        let fastest = 0.5 + 1000.0 / 10240.0;
        assert_eq!(
            err.to_string(),
            format!(
                "no memory size finishes within 100 ms: the fastest takes {:.0} ms",
                fastest * 1e3
            )
        );
    }

    #[test]
    fn names_the_budget_when_no_size_meets_it() {
        let objective = Objective {
            goal: Goal::Time,
            budget_usd: Some(1e-12),
            deadline_s: None,
        };
        let err = for_function(function(0.5, 1000.0), 0.0, &x86(), &objective).unwrap_err();
        assert!(
            err.to_string().starts_with("no memory size costs at most"),
            "{err}"
        );
    }

    #[test]
    fn a_deadline_moves_the_cheapest_choice_up() {
        let objective = Objective {
            goal: Goal::Cost,
            budget_usd: None,
            deadline_s: Some(2.0),
        };
        let choice = for_function(function(0.5, 1000.0), 0.0, &x86(), &objective).unwrap();
        assert!(choice.best.time_s <= 2.0);
        assert_eq!(choice.best.memory_mb, 667);
    }
}
