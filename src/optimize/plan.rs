//! # Plan
//!
//! Searches both platforms of a scenario, picks the best plan of each under the objective and
//! compares them. A platform whose every plan breaks the budget or deadline is reported with
//! the reason; the other wins by default.

use std::collections::BTreeMap;

use crate::model::{Bill, Candidate, Config, FaasModel, IaasModel, Infeasible, Outcome, Platform};
use crate::profile::Profiles;
use crate::scenario::{Objective, Scenario};

use super::convergence::{self, MeasuredEpochs};
use super::refine::refine;
use super::search::{faas_candidates, iaas_candidates};
use super::select::{NoFeasiblePlan, best, extremes};
use super::verdict::{Verdict, compare, extremes_clause, limits_clause};

/// The outcome of planning a scenario.
#[derive(Debug, Clone)]
pub struct Plan {
    pub scenario: String,
    pub objective: Objective,
    /// Every candidate searched: the listed grid, FaaS first, then the refinement's.
    pub candidates: Vec<Candidate>,
    /// How many of the candidates the refinement added (`refine`).
    pub refined: usize,
    /// Index of the best FaaS candidate, or why there is none.
    pub faas: Option<Result<usize, NoFeasiblePlan>>,
    pub iaas: Option<Result<usize, NoFeasiblePlan>>,
    pub verdict: Verdict,
    /// With `epochs = "auto"`: the epochs measured for each kind of configuration.
    pub measured_epochs: Vec<MeasuredEpochs>,
    /// What the reader should know about how the plans compare.
    pub notes: Vec<String>,
}

/// Why planning failed as a whole.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error(transparent)]
    Faas(#[from] crate::model::faas::FaasModelError),
    #[error(transparent)]
    Iaas(#[from] crate::model::iaas::IaasModelError),
    #[error("{0}")]
    NothingQualifies(String),
    #[error("measuring the epochs to the target loss: {0}")]
    Convergence(#[from] crate::sim::SimError),
}

impl Plan {
    /// The best candidate of a platform, if there is one.
    pub fn best(&self, platform: Platform) -> Option<&Candidate> {
        let slot = match platform {
            Platform::Faas => &self.faas,
            Platform::Iaas => &self.iaas,
        };
        slot.as_ref()?.as_ref().ok().map(|&i| &self.candidates[i])
    }
}

/// The plan a one-dimensional sweep runs through on `platform`, and its best candidate there:
/// the plan under `objective`, or, where nothing of the platform meets its budget and
/// deadline, the plan without them (the sweep then says how near it comes).
pub fn to_sweep_through(
    scenario: &Scenario,
    profiles: &Profiles,
    objective: &Objective,
    platform: Platform,
) -> Result<(Plan, Candidate), PlanError> {
    match plan(scenario, profiles, objective) {
        Ok(limited) => {
            if let Some(best) = limited.best(platform).cloned() {
                return Ok((limited, best));
            }
        }
        Err(PlanError::NothingQualifies(_)) => {}
        Err(e) => return Err(e),
    }
    let base = plan(scenario, profiles, &objective.without_limits())?;
    let best = base.best(platform).cloned().ok_or_else(|| {
        PlanError::NothingQualifies(format!(
            "the scenario has no runnable {} plan",
            platform.label()
        ))
    })?;
    Ok((base, best))
}

/// Plans `scenario` under `objective` (the scenario's own, possibly overridden by flags), over
/// every algorithm and mini-batch it lists.
pub fn plan(
    scenario: &Scenario,
    profiles: &Profiles,
    objective: &Objective,
) -> Result<Plan, PlanError> {
    let (mut candidates, mut measured_epochs) = (Vec::new(), Vec::new());
    for &recipe in &scenario.workload.recipes {
        let one = scenario.with_recipe(recipe);
        let (found, measured) = match convergence::target(&one) {
            None => (search(&one, profiles)?, Vec::new()),
            Some(_) => search_measuring_epochs(&one, profiles)?,
        };
        candidates.extend(found);
        measured_epochs.extend(measured);
    }
    let grid = candidates.len();
    let mut notes = notes(scenario);
    if measured_epochs.is_empty() {
        let budget = refine(scenario, profiles, objective, &mut candidates)?;
        if budget.ran_out {
            notes.push(format!(
                "the refinement between the listed values was cut short: its sweeps would have predicted more than {} workers in all, and each prediction follows every worker; `optimize workers` and `optimize memory` may find a better plan",
                super::refine::REFINE_BUDGET
            ));
        }
    }
    let refined = candidates.len() - grid;
    let pick = |platform: Platform, present: bool| {
        present.then(|| {
            best(&candidates, platform, objective).map(|c| {
                candidates
                    .iter()
                    .position(|x| std::ptr::eq(x, c))
                    .expect("candidate from the list")
            })
        })
    };
    let faas = pick(Platform::Faas, scenario.faas.is_some());
    let iaas = pick(Platform::Iaas, scenario.iaas.is_some());
    let verdict = decide(&candidates, &faas, &iaas, objective)?;
    Ok(Plan {
        scenario: scenario.name.clone(),
        notes,
        objective: objective.clone(),
        measured_epochs,
        candidates,
        refined,
        faas,
        iaas,
        verdict,
    })
}

/// Where several algorithms or mini-batches are compared over a fixed length, each trains the
/// same epochs: only `epochs = "auto"` lets them differ in how many they need.
fn notes(scenario: &Scenario) -> Vec<String> {
    if scenario.workload.recipes.len() > 1 && convergence::target(scenario).is_none() {
        return vec![
            "every algorithm and mini-batch is planned for the same epochs; with workload.epochs = \"auto\" and a target_loss the simulator measures how many each needs".into(),
        ];
    }
    Vec::new()
}

/// Every candidate of the scenario, as its training length says.
fn search(scenario: &Scenario, profiles: &Profiles) -> Result<Vec<Candidate>, PlanError> {
    let mut candidates = Vec::new();
    if let Some(space) = &scenario.faas {
        candidates.extend(faas_candidates(&FaasModel::new(scenario, profiles)?, space));
    }
    if let Some(space) = &scenario.iaas {
        candidates.extend(iaas_candidates(
            &IaasModel::new(scenario, profiles)?,
            space,
            profiles,
        ));
    }
    Ok(candidates)
}

/// Every candidate of an `epochs = "auto"` scenario, each priced with the epochs the
/// simulator measured for its kind (worker count and synchronisation).
fn search_measuring_epochs(
    scenario: &Scenario,
    profiles: &Profiles,
) -> Result<(Vec<Candidate>, Vec<MeasuredEpochs>), PlanError> {
    let provisional = search(&convergence::with_epochs(scenario, 1.0), profiles)?;
    let measured = convergence::measure(scenario, profiles, &provisional)?;
    let mut models: BTreeMap<convergence::Kind, (Option<FaasModel>, IaasModel)> = BTreeMap::new();
    for (kind, m) in &measured {
        let fixed = convergence::with_epochs(scenario, m.epochs);
        let faas = match scenario.faas {
            Some(_) => Some(FaasModel::new(&fixed, profiles)?),
            None => None,
        };
        models.insert(*kind, (faas, IaasModel::new(&fixed, profiles)?));
    }
    let target = convergence::target(scenario).map_or(f64::NAN, |(t, _)| t);
    let candidates = provisional
        .into_iter()
        .map(|c| {
            let kind = convergence::Kind::of(&c.config);
            match (models.get(&kind), measured.get(&kind)) {
                (_, Some(m)) if !m.reached => Candidate {
                    config: c.config,
                    recipe: c.recipe,
                    outcome: Err(Infeasible::TargetNotReached {
                        target,
                        epochs: m.epochs,
                        loss: m.final_loss,
                    }),
                },
                (Some((faas, iaas)), _) => repredict(c, faas, iaas, profiles),
                (None, _) => c,
            }
        })
        .collect();
    Ok((candidates, measured.into_values().collect()))
}

/// `candidate` predicted again by the model of its measured length.
fn repredict(
    candidate: Candidate,
    faas: &Option<FaasModel>,
    iaas: &IaasModel,
    profiles: &Profiles,
) -> Candidate {
    let outcome = match (&candidate.config, faas) {
        (Config::Faas(cfg), Some(faas)) => faas.predict(cfg).map(|p| Outcome {
            time: p.time,
            bill: Bill::Faas(p.cost),
        }),
        (Config::Faas(_), None) => return candidate,
        (Config::Iaas(cfg), _) => match profiles.instance(&cfg.instance) {
            Ok(instance) => iaas
                .predict(instance, cfg.workers, cfg.pattern)
                .map(|p| Outcome {
                    time: p.time,
                    bill: Bill::Iaas(p.cost),
                }),
            Err(_) => return candidate,
        },
    };
    Candidate {
        config: candidate.config,
        recipe: candidate.recipe,
        outcome,
    }
}

type Slot = Option<Result<usize, NoFeasiblePlan>>;

fn decide(
    candidates: &[Candidate],
    faas: &Slot,
    iaas: &Slot,
    objective: &Objective,
) -> Result<Verdict, PlanError> {
    let outcome = |i: usize| {
        candidates[i]
            .feasible()
            .expect("best candidates are feasible")
    };
    match (faas, iaas) {
        (Some(Ok(f)), Some(Ok(i))) => {
            let mut verdict = compare(outcome(*f), outcome(*i), objective.goal);
            if let (Some(faas), Some(iaas)) = (
                extremes(candidates, Platform::Faas, objective),
                extremes(candidates, Platform::Iaas, objective),
            ) {
                let with_recipe = crate::model::candidate::recipes_vary(candidates);
                verdict
                    .reason
                    .push_str(&extremes_clause(faas, iaas, with_recipe));
                verdict.reason.push_str(&limits_clause(objective));
            }
            Ok(verdict)
        }
        (Some(Ok(_)), other) => Ok(by_default(Platform::Faas, other)),
        (other, Some(Ok(_))) => Ok(by_default(Platform::Iaas, other)),
        (f, i) => {
            let reasons: Vec<String> = [f, i]
                .into_iter()
                .flatten()
                .filter_map(|r| r.as_ref().err().map(ToString::to_string))
                .collect();
            Err(PlanError::NothingQualifies(reasons.join("; ")))
        }
    }
}

fn by_default(winner: Platform, other: &Slot) -> Verdict {
    let reason = match other {
        Some(Err(why)) => format!("{} is the only option: {why}", winner.label()),
        _ => format!("the scenario plans {} only", winner.label()),
    };
    Verdict {
        winner,
        speedup: f64::NAN,
        cost_ratio: f64::NAN,
        reason,
    }
}
