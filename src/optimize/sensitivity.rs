//! # Sensitivity
//!
//! Which input, moved by ±50%, changes the answer most: each of the scenario's decisive
//! quantities (epochs, batch, data, model size) and the profile numbers its best plans rest on
//! (cold start, GB-second price, the channel's latency, the VMs' boot and set-up, the runtime's
//! overhead and rate) is scaled in turn, the scenario planned again, and the change in the best
//! plans and in the verdict recorded. The tornado chart of a report is drawn from it.

use crate::model::{Config, Platform};
use crate::profile::{ProfileError, Profiles};
use crate::scenario::{Objective, Scenario, TrainingLength};

use super::plan::{Plan, plan};
use super::select::score;

/// How far each input is moved, down and up.
pub const FACTORS: [f64; 2] = [0.5, 1.5];

/// What a plan answers, reduced to the numbers a sensitivity compares.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Answer {
    pub winner: Platform,
    /// FaaS's objective score over IaaS's (below 1: FaaS better).
    pub ratio: f64,
    pub faas_time_s: f64,
    pub faas_cost_usd: f64,
    pub iaas_time_s: f64,
    pub iaas_cost_usd: f64,
}

/// One input moved down and up.
#[derive(Debug, Clone, PartialEq)]
pub struct Effect {
    pub name: String,
    /// The scenario key or the dotted profile key moved.
    pub key: String,
    pub base_value: f64,
    /// The answer at each of [`FACTORS`]; `None` where nothing could be planned.
    pub moved: [Option<Answer>; 2],
}

impl Effect {
    /// The largest relative change of the FaaS/IaaS ratio either way (0 when unknown).
    pub fn swing(&self, base: &Answer) -> f64 {
        self.moved
            .iter()
            .flatten()
            .map(|a| (a.ratio / base.ratio - 1.0).abs())
            .fold(0.0, f64::max)
    }

    /// Whether moving it changes who wins.
    pub fn flips(&self, base: &Answer) -> bool {
        self.moved.iter().flatten().any(|a| a.winner != base.winner)
    }
}

/// The sensitivity of a scenario's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Sensitivity {
    pub base: Answer,
    /// Largest swing first.
    pub effects: Vec<Effect>,
}

/// Why the sensitivity cannot be computed.
#[derive(Debug, thiserror::Error)]
pub enum SensitivityError {
    #[error("the sensitivity needs a plan of both FaaS and IaaS: {0}")]
    NoBase(String),
    #[error(transparent)]
    Profiles(#[from] ProfileError),
}

/// The answer of a plan, if both sides have a best plan.
pub fn answer(plan: &Plan) -> Option<Answer> {
    let faas = plan.best(Platform::Faas)?.feasible()?;
    let iaas = plan.best(Platform::Iaas)?.feasible()?;
    Some(Answer {
        winner: plan.verdict.winner,
        ratio: score(faas, plan.objective.goal) / score(iaas, plan.objective.goal),
        faas_time_s: faas.total_s(),
        faas_cost_usd: faas.total_usd(),
        iaas_time_s: iaas.total_s(),
        iaas_cost_usd: iaas.total_usd(),
    })
}

/// Moves each input of `scenario` by [`FACTORS`] and plans again. `calibration` is the patch the
/// profiles were built from (none for the built-in ones), so profile numbers move from there.
pub fn sensitivity(
    scenario: &Scenario,
    profiles: &Profiles,
    calibration: Option<&toml::Table>,
    objective: &Objective,
) -> Result<Sensitivity, SensitivityError> {
    let base_plan =
        plan(scenario, profiles, objective).map_err(|e| SensitivityError::NoBase(e.to_string()))?;
    let base = answer(&base_plan)
        .ok_or_else(|| SensitivityError::NoBase("one side has no plan that can run".into()))?;
    let mut effects = scenario_effects(scenario, profiles, objective);
    for (name, key) in profile_keys(scenario, &base_plan) {
        let mut moved = [None, None];
        let mut base_value = f64::NAN;
        for (slot, factor) in moved.iter_mut().zip(FACTORS) {
            let Ok((scaled, value)) = Profiles::scaled(calibration, &key, factor) else {
                continue;
            };
            base_value = value;
            *slot = plan(scenario, &scaled, objective)
                .ok()
                .and_then(|p| answer(&p));
        }
        if base_value.is_finite() {
            effects.push(Effect {
                name,
                key,
                base_value,
                moved,
            });
        }
    }
    effects.sort_by(|a, b| {
        b.swing(&base)
            .total_cmp(&a.swing(&base))
            .then(a.name.cmp(&b.name))
    });
    Ok(Sensitivity { base, effects })
}

/// The scenario's own quantities, each moved by editing the checked scenario.
fn scenario_effects(
    scenario: &Scenario,
    profiles: &Profiles,
    objective: &Objective,
) -> Vec<Effect> {
    type Edit = fn(&mut Scenario, f64) -> Option<f64>;
    let edits: [(&str, &str, Edit); 4] = [
        (
            "epochs to converge (R)",
            "workload.epochs",
            |s, f| match &mut s.workload.length {
                TrainingLength::Epochs(r) => {
                    let before = *r;
                    *r *= f;
                    Some(before)
                }
                TrainingLength::Iterations(n) => {
                    let before = *n as f64;
                    *n = (before * f).round().max(1.0) as u64;
                    Some(before)
                }
                TrainingLength::Auto { .. } => None,
            },
        ),
        ("global batch size", "workload.batch_size", |s, f| {
            let before = s.workload.batch_size as f64;
            s.workload.batch_size = (before * f).round().max(1.0) as u64;
            Some(before)
        }),
        ("dataset rows", "dataset.rows", |s, f| {
            let before = s.workload.dataset.rows as f64;
            s.workload.dataset.rows = (before * f).round().max(1.0) as u64;
            Some(before)
        }),
        ("model parameters", "workload.model.params", |s, f| {
            let before = s.workload.model.params as f64;
            s.workload.model.params = (before * f).round().max(1.0) as u64;
            Some(before)
        }),
    ];
    let mut out = Vec::new();
    for (name, key, edit) in edits {
        let mut moved = [None, None];
        let mut base_value = None;
        for (slot, factor) in moved.iter_mut().zip(FACTORS) {
            let mut varied = scenario.clone();
            base_value = edit(&mut varied, factor);
            if base_value.is_some() {
                *slot = plan(&varied, profiles, objective)
                    .ok()
                    .and_then(|p| answer(&p));
            }
        }
        if let Some(base_value) = base_value {
            out.push(Effect {
                name: name.into(),
                key: key.into(),
                base_value,
                moved,
            });
        }
    }
    out
}

/// The profile numbers the scenario's best plans rest on, with a name each.
fn profile_keys(scenario: &Scenario, plan: &Plan) -> Vec<(String, String)> {
    let mut keys = Vec::new();
    if let Some(space) = &scenario.faas {
        let p = &space.profile;
        keys.push((
            "function cold start".into(),
            format!("faas.{p}.startup.cold_start_mean_s"),
        ));
        keys.push((
            "function GB-second price".into(),
            format!("faas.{p}.price.usd_per_gb_s"),
        ));
        keys.push((
            "function network per vCPU".into(),
            format!("faas.{p}.network.bandwidth_mb_s_per_vcpu"),
        ));
    }
    if let Some(Config::Faas(cfg)) = plan.best(Platform::Faas).map(|c| &c.config) {
        let channel = cfg.channel.name();
        keys.push((
            format!("{channel} latency"),
            format!("channels.{channel}.latency_s"),
        ));
    }
    if scenario.iaas.is_some() {
        keys.push(("VM boot".into(), "ec2.defaults.boot_s".into()));
        keys.push(("VM framework set-up".into(), "ec2.defaults.setup_s".into()));
    }
    let runtime = &scenario.workload.runtime;
    let rate = if scenario.workload.model.is_neural() {
        "network_gflops_per_vcpu"
    } else {
        "linear_gflops_per_vcpu"
    };
    keys.push((
        format!("{runtime} step overhead"),
        format!("runtimes.{runtime}.step_overhead_s"),
    ));
    keys.push((
        format!("{runtime} compute rate"),
        format!("runtimes.{runtime}.{rate}"),
    ));
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epochs_move_the_answer_and_effects_come_sorted() {
        let profiles = Profiles::builtin().unwrap();
        let scenario = Scenario::default_scenario(&[], &profiles).unwrap();
        let s = sensitivity(&scenario, &profiles, None, &scenario.objective).unwrap();
        let epochs = s
            .effects
            .iter()
            .find(|e| e.key == "workload.epochs")
            .unwrap();
        let (low, high) = (epochs.moved[0].unwrap(), epochs.moved[1].unwrap());
        assert!(low.faas_time_s < s.base.faas_time_s && s.base.faas_time_s < high.faas_time_s);
        let swings: Vec<f64> = s.effects.iter().map(|e| e.swing(&s.base)).collect();
        assert!(swings.windows(2).all(|w| w[0] >= w[1]), "{swings:?}");
        assert!(s.effects.iter().any(|e| e.key.starts_with("channels.")));
    }
}
