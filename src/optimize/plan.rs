//! # Plan
//!
//! Searches both platforms of a scenario, picks the best plan of each under the objective and
//! compares them. A platform whose every plan breaks the budget or deadline is reported with
//! the reason; the other wins by default.

use crate::model::{Candidate, FaasModel, IaasModel, Platform};
use crate::profile::Profiles;
use crate::scenario::{Algorithm, Objective, Scenario};

use super::search::{faas_candidates, iaas_candidates};
use super::select::{NoFeasiblePlan, best, extremes};
use super::verdict::{Verdict, compare, extremes_clause};

/// The outcome of planning a scenario.
#[derive(Debug, Clone)]
pub struct Plan {
    pub scenario: String,
    pub algorithm: Algorithm,
    pub objective: Objective,
    /// Every candidate searched, FaaS first.
    pub candidates: Vec<Candidate>,
    /// Index of the best FaaS candidate, or why there is none.
    pub faas: Option<Result<usize, NoFeasiblePlan>>,
    pub iaas: Option<Result<usize, NoFeasiblePlan>>,
    pub verdict: Verdict,
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

/// Plans `scenario` under `objective` (the scenario's own, possibly overridden by flags).
pub fn plan(
    scenario: &Scenario,
    profiles: &Profiles,
    objective: &Objective,
) -> Result<Plan, PlanError> {
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
        algorithm: scenario.workload.algorithm,
        objective: objective.clone(),
        candidates,
        faas,
        iaas,
        verdict,
    })
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
                verdict.reason.push_str(&extremes_clause(faas, iaas));
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
