//! # Sensitivity
//!
//! Which input, moved by ±50%, changes the answer most: each of the scenario's decisive
//! quantities (epochs, batch, data, model size) and the profile numbers its best plans rest on
//! (cold start, GB-second price, the channel's latency, the VMs' boot and set-up, the runtime's
//! overhead and rate) is scaled in turn, the scenario planned again, and the change in the best
//! plans and in the verdict recorded. The tornado chart of a report is drawn from it.

use crate::model::{Config, Platform};
use crate::profile::{ProfileError, Profiles};
use crate::scenario::{Scenario, TrainingLength};

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

/// Moves each input of `scenario` by [`FACTORS`] and plans again under `base_plan`'s objective;
/// `base_plan` is the scenario's plan as it stands. `calibration` is the patch the profiles
/// were built from (none for the built-in ones), so profile numbers move from there.
pub fn sensitivity(
    scenario: &Scenario,
    profiles: &Profiles,
    calibration: Option<&toml::Table>,
    base_plan: &Plan,
) -> Result<Sensitivity, SensitivityError> {
    let objective = &base_plan.objective;
    let base = answer(base_plan)
        .ok_or_else(|| SensitivityError::NoBase("one side has no plan that can run".into()))?;
    let answer_at =
        |s: &Scenario, p: &Profiles| plan(s, p, objective).ok().and_then(|p| answer(&p));
    let mut effects = scenario_effects(scenario, profiles, &answer_at);
    for (name, key) in profile_keys(scenario, base_plan) {
        let moved = effect(name, key.clone(), |factor| {
            let (scaled, value) = Profiles::scaled(calibration, &key, factor).ok()?;
            Some((value, answer_at(scenario, &scaled)))
        });
        effects.extend(moved);
    }
    effects.sort_by(|a, b| {
        b.swing(&base)
            .total_cmp(&a.swing(&base))
            .then(a.name.cmp(&b.name))
    });
    Ok(Sensitivity { base, effects })
}

/// One input moved by each of [`FACTORS`]: `at(factor)` gives the input's unmoved value and the
/// answer with it moved, or `None` where the input does not apply.
fn effect(
    name: String,
    key: String,
    at: impl Fn(f64) -> Option<(f64, Option<Answer>)>,
) -> Option<Effect> {
    let mut base_value = None;
    let mut moved = [None, None];
    for (slot, factor) in moved.iter_mut().zip(FACTORS) {
        if let Some((value, answer)) = at(factor) {
            base_value = Some(value);
            *slot = answer;
        }
    }
    Some(Effect {
        name,
        key,
        base_value: base_value?,
        moved,
    })
}

/// The scenario's own quantities, each moved by editing the checked scenario.
fn scenario_effects(
    scenario: &Scenario,
    profiles: &Profiles,
    answer_at: &dyn Fn(&Scenario, &Profiles) -> Option<Answer>,
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
                TrainingLength::Iterations(n) => scale_count(n, f),
                TrainingLength::Auto { .. } => None,
            },
        ),
        ("global batch size", "workload.batch_size", |s, f| {
            // Every listed mini-batch moves by the factor, the first standing for all.
            for recipe in &mut s.workload.recipes {
                scale_count(&mut recipe.batch_size, f);
            }
            scale_count(&mut s.workload.batch_size, f)
        }),
        ("dataset rows", "dataset.rows", |s, f| {
            scale_count(&mut s.workload.dataset.rows, f)
        }),
        ("model parameters", "workload.model.params", |s, f| {
            scale_count(&mut s.workload.model.params, f)
        }),
    ];
    edits
        .into_iter()
        .filter_map(|(name, key, edit)| {
            effect(name.into(), key.into(), |factor| {
                let mut varied = scenario.clone();
                let before = edit(&mut varied, factor)?;
                Some((before, answer_at(&varied, profiles)))
            })
        })
        .collect()
}

/// Multiplies a count by `factor` (rounded, at least 1); returns it unscaled.
fn scale_count(count: &mut u64, factor: f64) -> Option<f64> {
    let before = *count as f64;
    *count = (before * factor).round().max(1.0) as u64;
    Some(before)
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
        keys.push(("VM workers meeting".into(), "ec2.defaults.setup_s".into()));
    }
    let runtime = &scenario.workload.runtime;
    if scenario.iaas.is_some() {
        keys.push((
            format!("{runtime} install on a VM"),
            format!("runtimes.{runtime}.install_s"),
        ));
    }
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
        let base = plan(&scenario, &profiles, &scenario.objective).unwrap();
        let s = sensitivity(&scenario, &profiles, None, &base).unwrap();
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
