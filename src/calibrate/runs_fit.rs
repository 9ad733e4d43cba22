//! # Model parameters from measured runs
//!
//! Chooses the analytic model's free parameters — per-request channel latency and per-connection
//! bandwidth, the per-invocation overhead of an aggregator (`startup.warm_invoke_s`), the compute
//! rate (the runtime's measured `runtimes.NAME.*_gflops_per_vcpu`, or the roofline's
//! `cpu.peak_gflops_per_vcpu` for native kernels) and the start-up (`startup.cold_start_mean_s`) — so that
//! `estimate` reproduces measured runs, minimising the squared relative error of total time.
//! Only what the runs can tell apart is fitted: the Jacobian of the relative errors with respect
//! to the log-parameters at the profile values (secant slopes over ±20%, which see through the
//! model's polling steps) is scanned in a fixed order (least-known first),
//! and a parameter joins only if its column has an effect and is not (nearly) a combination of
//! the columns already in — a greedy column-pivoted rank test (Golub & Van Loan, *Matrix
//! Computations*, §5.4). The others stay at their profile values and say why. The fit is
//! Levenberg–Marquardt polished by Nelder–Mead, then each parameter is tried back at its profile
//! value with the others polished again (the polling steps leave local minima); intervals come
//! from the linearised covariance at the optimum (see `stats`).

use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr;

use nalgebra::{DMatrix, DVector};
use serde::Serialize;

use super::runs::{RunRow, RunsTable};
use super::stats::{
    FittedParam, levenberg_marquardt, linearised_half_widths, minimise, minimise_restarted,
    secant_jacobian,
};
use super::{CalibrateError, toml_patch};
use crate::model::{Config, Platform};
use crate::optimize::estimate::estimate;
use crate::profile::{ChannelKind, FaasProfile, Profiles};
use crate::scenario::Scenario;

/// A column this much smaller than before once the chosen columns are projected out adds no
/// information of its own.
const NEW_INFORMATION: f64 = 0.05;
/// A column with less effect than this (relative error per unit log-parameter) does nothing.
const NO_EFFECT: f64 = 1e-6;
/// The relative error a run that cannot run at all counts as.
const INFEASIBLE_ERROR: f64 = 1e3;
/// The Jacobian's reach in log-parameter units (±20%) and its points on each side.
const SECANT_SPAN: f64 = 0.2;
const SECANT_STEPS: usize = 4;

/// A kind of model parameter the fit may turn, in the order it is considered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Knob {
    Compute,
    Invoke,
    Latency,
    Bandwidth,
    Startup,
}

impl Knob {
    pub const ALL: [Knob; 5] = [
        Knob::Compute,
        Knob::Invoke,
        Knob::Latency,
        Knob::Bandwidth,
        Knob::Startup,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Knob::Compute => "compute",
            Knob::Invoke => "invoke",
            Knob::Latency => "latency",
            Knob::Bandwidth => "bandwidth",
            Knob::Startup => "startup",
        }
    }
}

impl FromStr for Knob {
    type Err = CalibrateError;
    fn from_str(s: &str) -> Result<Self, CalibrateError> {
        Knob::ALL
            .into_iter()
            .find(|k| k.name() == s)
            .ok_or_else(|| CalibrateError::UnknownFitParameter(s.to_string()))
    }
}

/// One parameter the fit could turn: a knob at a TOML path of the profiles.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub knob: Knob,
    pub path: Vec<String>,
    /// Its value in the profiles (for a bandwidth with no cap, what the function gets).
    pub profile_value: f64,
    /// The values it may physically take, and where that range comes from.
    pub plausible: Plausible,
}

/// The range a fitted value may take and still be physical, per parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Plausible {
    pub low: f64,
    pub high: f64,
    pub reason: String,
}

impl Plausible {
    /// A factor of [`PLAUSIBLE_FACTOR`] either way of `profile_value`, for parameters measured
    /// on a host or published for one platform that another may beat or trail: compute rates
    /// (another CPU generation), invocation and start-up times, bandwidths.
    pub fn around(profile_value: f64) -> Plausible {
        Plausible {
            low: profile_value / PLAUSIBLE_FACTOR,
            high: profile_value * PLAUSIBLE_FACTOR,
            reason: format!("×/÷ {PLAUSIBLE_FACTOR} of the profile value"),
        }
    }

    /// The channel profile's published range (`plausible_latency_s`) where it has one.
    fn latency(channel: &crate::profile::ChannelProfile) -> Plausible {
        match channel.plausible_latency_s {
            Some([low, high]) => Plausible {
                low,
                high,
                reason: "the channel's published latency range".into(),
            },
            None => Plausible::around(channel.latency_s),
        }
    }

    /// A warning when `value` has left the range: the fit is then absorbing error of the model
    /// rather than measuring the parameter.
    pub fn check(&self, value: f64) -> Option<String> {
        (!(self.low..=self.high).contains(&value)).then(|| {
            format!(
                "IMPLAUSIBLE: outside {:.4}–{:.4} ({}); the fit absorbs model error here",
                self.low, self.high, self.reason
            )
        })
    }
}

impl Candidate {
    /// The dotted key, quoting names that need it: `faas."aws-lambda-2018".cpu.peak_gflops_per_vcpu`.
    pub fn name(&self) -> String {
        toml_patch::dotted(&self.path)
    }
}

/// The run a prediction is compared with.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunResidual {
    pub file: String,
    pub line: u64,
    pub run: String,
    pub observed_s: f64,
    /// What the uncalibrated profiles predict.
    pub profile_s: f64,
    pub predicted_s: f64,
    pub rel_err: f64,
}

/// The fit of the model to measured runs.
#[derive(Debug, Clone, PartialEq)]
pub struct RunsFit {
    /// Every candidate, fitted or fixed.
    pub params: Vec<FittedParam>,
    /// The overlay patch of the fitted values.
    pub patch: toml::Table,
    pub residuals: Vec<RunResidual>,
    pub rms_rel_err: f64,
}

/// The FaaS profiles some runs use, and each channel with the widest function NIC it serves.
struct Used {
    profiles: BTreeMap<String, FaasProfile>,
    channels: BTreeMap<ChannelKind, f64>,
    /// The measured runtime rates the runs compute at: (runtime, key) → GFLOP/s per vCPU.
    runtime_rates: BTreeMap<(String, &'static str), f64>,
}

/// Runs with the scenarios that reproduce them.
struct Problem<'a> {
    runs: Vec<(&'a RunsTable, &'a RunRow, Scenario, Platform)>,
    candidates: Vec<Candidate>,
}

/// Fits the model to `tables` against `scenario_path`, turning only `allowed` knobs.
pub fn fit(
    tables: &[RunsTable],
    scenario_path: &Path,
    allowed: &[Knob],
) -> Result<RunsFit, CalibrateError> {
    let builtin = Profiles::builtin().map_err(|e| CalibrateError::Solver(e.to_string()))?;
    let problem = Problem::new(tables, scenario_path, &builtin)?;
    let start = problem.profile_logs();
    let profile_s = problem.predict_with(&[], &start)?;
    problem.check_feasible(&profile_s)?;
    let decisions = problem.identify(&start, allowed)?;
    let free: Vec<usize> = (0..decisions.len())
        .filter(|&k| decisions[k].is_none())
        .collect();
    let residual = |x: &DVector<f64>| problem.residuals(&free, &start, x);
    let jac = |x: &DVector<f64>| secant_jacobian(residual, x, SECANT_SPAN, SECANT_STEPS);
    let x0 = DVector::from_iterator(free.len(), free.iter().map(|&k| start[k]));
    let x = if free.is_empty() {
        x0
    } else {
        let fitted = polish(&residual, levenberg_marquardt(residual, jac, &x0))?;
        back_to_the_profile(&residual, fitted, &x0)?
    };
    let mut logs = start.clone();
    for (i, &k) in free.iter().enumerate() {
        logs[k] = x[i];
    }
    let half = linearised_half_widths(&jac(&x), &residual(&x));
    let predicted = problem.predict_with(&free, &logs)?;
    Ok(RunsFit {
        params: problem.params(&decisions, &free, &logs, &half),
        patch: problem.patch(&free, &logs),
        residuals: problem.residual_rows(&profile_s, &predicted),
        rms_rel_err: rms(&problem.observed(), &predicted),
    })
}

/// Nelder–Mead from the Levenberg–Marquardt point, keeping whichever fits better: the model's
/// small steps can stop a derivative-based search a little short.
fn polish(
    residual: &impl Fn(&DVector<f64>) -> DVector<f64>,
    x: DVector<f64>,
) -> Result<DVector<f64>, CalibrateError> {
    let polished = minimise(|x| residual(x).norm_squared(), &x, 0.05)?;
    Ok(
        if residual(&polished).norm_squared() < residual(&x).norm_squared() {
            polished
        } else {
            x
        },
    )
}

/// Tries each parameter back at its profile value (`profile`), the others polished again from
/// the fit, and keeps whatever fits better: the model's polling steps leave local minima in
/// which a parameter the runs barely see (a start-up second against runs of minutes) can sit
/// far from a value that fits them as well or better.
fn back_to_the_profile(
    residual: &impl Fn(&DVector<f64>) -> DVector<f64>,
    mut x: DVector<f64>,
    profile: &DVector<f64>,
) -> Result<DVector<f64>, CalibrateError> {
    let cost = |x: &DVector<f64>| residual(x).norm_squared();
    let mut best = cost(&x);
    for k in 0..x.len() {
        let mut reset = x.clone();
        reset[k] = profile[k];
        // One Nelder–Mead pass: a second costs as much and rarely moves further.
        let tried = minimise_restarted(cost, &reset, 0.05, 1)?;
        let tried_cost = cost(&tried);
        if tried_cost < best {
            (x, best) = (tried, tried_cost);
        }
    }
    Ok(x)
}

fn rms(observed: &[f64], predicted: &[f64]) -> f64 {
    let sum: f64 = observed
        .iter()
        .zip(predicted)
        .map(|(o, p)| (p / o - 1.0).powi(2))
        .sum();
    (sum / observed.len() as f64).sqrt()
}

impl<'a> Problem<'a> {
    fn new(
        tables: &'a [RunsTable],
        path: &Path,
        builtin: &Profiles,
    ) -> Result<Self, CalibrateError> {
        // A scenario that does not read is its own fault, not any row's.
        Scenario::from_path(path, &[], builtin)
            .map_err(|e| CalibrateError::Scenario(e.to_string()))?;
        let mut runs = Vec::new();
        for table in tables {
            for row in &table.rows {
                let scenario = Scenario::from_path(path, &row.sets, builtin).map_err(|e| {
                    CalibrateError::RowScenario {
                        file: table.file.clone(),
                        line: row.line,
                        message: format!("{} ({})", e, row.label),
                    }
                })?;
                runs.push((table, row, scenario, row.platform));
            }
        }
        if runs.len() < 2 {
            return Err(CalibrateError::TooFewRows { got: runs.len() });
        }
        let mut problem = Problem {
            runs,
            candidates: Vec::new(),
        };
        problem.candidates = problem.find_candidates(builtin)?;
        Ok(problem)
    }

    fn observed(&self) -> Vec<f64> {
        self.runs.iter().map(|r| r.1.observed_s).collect()
    }

    /// The knobs that bear on these runs: per FaaS profile and per channel they use.
    fn find_candidates(&self, builtin: &Profiles) -> Result<Vec<Candidate>, CalibrateError> {
        let Used {
            profiles,
            channels,
            runtime_rates,
        } = self.used(builtin)?;
        let mut candidates = Vec::new();
        // Compute runs at the runtime's measured rate where it has one, else at the roofline.
        for ((runtime, key), &rate) in &runtime_rates {
            let path = toml_patch::path(&["runtimes", runtime, key]);
            candidates.push(candidate(Knob::Compute, path, rate));
        }
        for (name, profile) in &profiles {
            let at = |section: &str, key: &str| toml_patch::path(&["faas", name, section, key]);
            if runtime_rates.is_empty() {
                candidates.push(candidate(
                    Knob::Compute,
                    at("cpu", "peak_gflops_per_vcpu"),
                    profile.peak_gflops_per_vcpu,
                ));
            }
            candidates.extend([
                candidate(
                    Knob::Invoke,
                    at("startup", "warm_invoke_s"),
                    profile.warm_invoke_s,
                ),
                candidate(
                    Knob::Startup,
                    at("startup", "cold_start_mean_s"),
                    profile.cold_start_mean_s,
                ),
            ]);
        }
        for (&kind, &nic_mb_s) in &channels {
            let channel = builtin.channels.get(kind);
            let at = |key: &str| toml_patch::path(&["channels", kind.name(), key]);
            let cap = channel.bandwidth_mb_s.unwrap_or(nic_mb_s);
            candidates.extend([
                Candidate {
                    plausible: Plausible::latency(channel),
                    ..candidate(Knob::Latency, at("latency_s"), channel.latency_s)
                },
                candidate(Knob::Bandwidth, at("bandwidth_mb_s"), cap),
            ]);
        }
        candidates.sort_by_key(|c| c.knob);
        Ok(candidates)
    }

    /// The FaaS profiles the runs use, and the channels with the widest function NIC each sees
    /// (the bandwidth a channel without a cap of its own delivers).
    fn used(&self, builtin: &Profiles) -> Result<Used, CalibrateError> {
        let (mut profiles, mut channels) = (BTreeMap::new(), BTreeMap::new());
        let mut runtime_rates = BTreeMap::new();
        for (table, row, scenario, platform) in &self.runs {
            let Some(space) = scenario
                .faas
                .as_ref()
                .filter(|_| *platform == Platform::Faas)
            else {
                continue;
            };
            let fail = |e: String| row_error(table, row, e);
            let chosen = estimate(scenario, builtin, Some(Platform::Faas))
                .map_err(|e| fail(e.to_string()))?;
            let Config::Faas(cfg) = chosen.config else {
                continue;
            };
            let profile = builtin
                .faas(&space.profile)
                .map_err(|e| fail(e.to_string()))?;
            let widest: &mut f64 = channels.entry(cfg.channel).or_insert(0.0);
            *widest = widest.max(profile.bandwidth_mb_s(cfg.memory_mb));
            profiles.insert(space.profile.clone(), profile.clone());
            let name = &scenario.workload.runtime;
            let runtime = builtin.runtime(name).map_err(|e| fail(e.to_string()))?;
            let neural = scenario.workload.model.is_neural();
            // The knob a fit scales: a network's rate is the probe network's times a speed.
            let (key, rate) = if neural {
                ("network_gflops_per_vcpu", runtime.network_gflops_per_vcpu)
            } else {
                ("linear_gflops_per_vcpu", runtime.linear_gflops_per_vcpu)
            };
            if let Some(rate) = rate {
                runtime_rates.insert((name.clone(), key), rate);
            }
        }
        Ok(Used {
            profiles,
            channels,
            runtime_rates,
        })
    }

    /// ln of each candidate's profile value (a zero starts at a small positive value).
    fn profile_logs(&self) -> DVector<f64> {
        DVector::from_iterator(
            self.candidates.len(),
            self.candidates
                .iter()
                .map(|c| c.profile_value.max(1e-3).ln()),
        )
    }

    /// Patch of the candidates in `free` at their values in `logs`.
    fn patch(&self, free: &[usize], logs: &DVector<f64>) -> toml::Table {
        let mut patch = toml::Table::new();
        for &k in free {
            toml_patch::set(
                &mut patch,
                &self.candidates[k].path,
                toml::Value::Float(logs[k].exp()),
            );
        }
        patch
    }

    /// Total time of every run with the candidates in `free` at `logs`; NaN for a run that
    /// cannot run.
    fn predict_with(
        &self,
        free: &[usize],
        logs: &DVector<f64>,
    ) -> Result<Vec<f64>, CalibrateError> {
        let profiles = Profiles::calibrated(&self.patch(free, logs))
            .map_err(|e| CalibrateError::Solver(e.to_string()))?;
        self.runs
            .iter()
            .map(|(table, row, scenario, platform)| {
                let candidate = estimate(scenario, &profiles, Some(*platform))
                    .map_err(|e| row_error(table, row, e.to_string()))?;
                Ok(candidate.feasible().map_or(f64::NAN, |o| o.total_s()))
            })
            .collect()
    }

    fn check_feasible(&self, predicted: &[f64]) -> Result<(), CalibrateError> {
        let Some(i) = predicted.iter().position(|p| p.is_nan()) else {
            return Ok(());
        };
        let (table, row, scenario, platform) = &self.runs[i];
        let builtin = Profiles::builtin().map_err(|e| CalibrateError::Solver(e.to_string()))?;
        let reason = estimate(scenario, &builtin, Some(*platform))
            .ok()
            .and_then(|c| c.outcome.err())
            .map_or_else(|| "infeasible".to_string(), |e| e.to_string());
        Err(CalibrateError::RowInfeasible {
            file: table.file.clone(),
            line: row.line,
            reason,
        })
    }

    /// Relative errors with the `free` candidates set to `x` and the rest at `base`.
    fn residuals(&self, free: &[usize], base: &DVector<f64>, x: &DVector<f64>) -> DVector<f64> {
        let mut logs = base.clone();
        for (i, &k) in free.iter().enumerate() {
            logs[k] = x[i];
        }
        let observed = self.observed();
        match self.predict_with(free, &logs) {
            Ok(predicted) => DVector::from_iterator(
                observed.len(),
                observed.iter().zip(&predicted).map(|(o, p)| {
                    if p.is_finite() {
                        p / o - 1.0
                    } else {
                        INFEASIBLE_ERROR
                    }
                }),
            ),
            Err(_) => DVector::from_element(observed.len(), INFEASIBLE_ERROR),
        }
    }

    /// For each candidate: `None` to fit it, or why it stays at its profile value.
    fn identify(
        &self,
        start: &DVector<f64>,
        allowed: &[Knob],
    ) -> Result<Vec<Option<String>>, CalibrateError> {
        let all: Vec<usize> = (0..self.candidates.len()).collect();
        let jac = secant_jacobian(
            |x| self.residuals(&all, start, x),
            start,
            SECANT_SPAN,
            SECANT_STEPS,
        );
        let mut chosen: Vec<usize> = Vec::new();
        let mut decisions = Vec::with_capacity(all.len());
        for k in all {
            let why = self.reason_to_fix(k, &jac, &chosen, allowed);
            if why.is_none() {
                chosen.push(k);
            }
            decisions.push(why);
        }
        Ok(decisions)
    }

    fn reason_to_fix(
        &self,
        k: usize,
        jac: &DMatrix<f64>,
        chosen: &[usize],
        allowed: &[Knob],
    ) -> Option<String> {
        let knob = self.candidates[k].knob;
        if !allowed.contains(&knob) {
            return Some(format!(
                "not asked for (--fit does not list {})",
                knob.name()
            ));
        }
        let column = jac.column(k).into_owned();
        if column.norm() < NO_EFFECT {
            return Some("changes no prediction of these runs".into());
        }
        if chosen.len() + 1 >= self.runs.len() {
            return Some(format!(
                "{} runs pin down at most {} parameters",
                self.runs.len(),
                self.runs.len() - 1
            ));
        }
        let left = unexplained(&column, jac, chosen);
        if left < NEW_INFORMATION {
            let twin = most_alike(&column, jac, chosen)
                .map_or_else(String::new, |j| self.candidates[j].name());
            return Some(format!(
                "the runs cannot tell it apart from {twin}: it moves the predictions the same way"
            ));
        }
        None
    }

    fn params(
        &self,
        decisions: &[Option<String>],
        free: &[usize],
        logs: &DVector<f64>,
        half: &[f64],
    ) -> Vec<FittedParam> {
        self.candidates
            .iter()
            .enumerate()
            .map(|(k, c)| match &decisions[k] {
                Some(why) => FittedParam::fixed(c.name(), c.profile_value, why.clone()),
                None => {
                    let i = free.iter().position(|&f| f == k).expect("free candidate");
                    let value = logs[k].exp();
                    let ci = (value * (-half[i]).exp(), value * half[i].exp());
                    let mut note =
                        format!("linearised interval; profile value {}", c.profile_value);
                    if let Some(warning) = c.plausible.check(value) {
                        note = format!("{warning}; {note}");
                    }
                    FittedParam::fitted(c.name(), value, ci, &note)
                }
            })
            .collect()
    }

    fn residual_rows(&self, profile_s: &[f64], predicted: &[f64]) -> Vec<RunResidual> {
        self.runs
            .iter()
            .enumerate()
            .map(|(i, (table, row, _, _))| RunResidual {
                file: table.file.clone(),
                line: row.line,
                run: row.label.clone(),
                observed_s: row.observed_s,
                profile_s: profile_s[i],
                predicted_s: predicted[i],
                rel_err: predicted[i] / row.observed_s - 1.0,
            })
            .collect()
    }
}

/// How far a fitted value may move from its profile value (a measurement or a published
/// figure) and still be physical: a factor of ten either way.
pub const PLAUSIBLE_FACTOR: f64 = 10.0;

/// A warning when a fitted value has left the plausible band around its profile value.
pub fn implausible(value: f64, profile_value: f64) -> Option<String> {
    if profile_value <= 0.0 {
        return None;
    }
    Plausible::around(profile_value).check(value)
}

fn candidate(knob: Knob, path: Vec<String>, profile_value: f64) -> Candidate {
    Candidate {
        knob,
        path,
        profile_value,
        plausible: Plausible::around(profile_value),
    }
}

fn row_error(table: &RunsTable, row: &RunRow, message: String) -> CalibrateError {
    CalibrateError::RowScenario {
        file: table.file.clone(),
        line: row.line,
        message: format!("{message} ({})", row.label),
    }
}

/// The share of `column` left after projecting out the `chosen` columns of `jac`.
fn unexplained(column: &DVector<f64>, jac: &DMatrix<f64>, chosen: &[usize]) -> f64 {
    if chosen.is_empty() {
        return 1.0;
    }
    let basis = DMatrix::from_columns(&chosen.iter().map(|&j| jac.column(j)).collect::<Vec<_>>());
    let fit = basis
        .clone()
        .svd(true, true)
        .solve(column, 1e-12)
        .unwrap_or_else(|_| DVector::zeros(chosen.len()));
    (column - basis * fit).norm() / column.norm()
}

/// The chosen column most parallel to `column`.
fn most_alike(column: &DVector<f64>, jac: &DMatrix<f64>, chosen: &[usize]) -> Option<usize> {
    let cosine = |j: usize| {
        let other = jac.column(j);
        (column.dot(&other) / (column.norm() * other.norm())).abs()
    };
    chosen
        .iter()
        .copied()
        .max_by(|&a, &b| cosine(a).total_cmp(&cosine(b)))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_fitted_value_ten_times_off_its_profile_value_is_flagged() {
        assert!(implausible(1.0, 1.011).is_none());
        assert!(implausible(0.0, 1.011).unwrap().contains("IMPLAUSIBLE"));
        assert!(implausible(0.41, 49.27).is_some());
        assert!(implausible(500.0, 49.27).is_some());
    }

    use super::*;

    #[test]
    fn knob_names_round_trip() {
        for knob in Knob::ALL {
            assert_eq!(knob.name().parse::<Knob>().unwrap(), knob);
        }
        assert!(matches!(
            "speed".parse::<Knob>(),
            Err(CalibrateError::UnknownFitParameter(_))
        ));
    }

    #[test]
    fn a_column_that_repeats_a_chosen_one_adds_nothing() {
        let jac = DMatrix::from_row_slice(3, 3, &[1.0, 2.0, 0.0, 2.0, 4.0, 1.0, 3.0, 6.0, 0.0]);
        assert!(unexplained(&jac.column(1).into_owned(), &jac, &[0]) < 1e-9);
        assert!(unexplained(&jac.column(2).into_owned(), &jac, &[0]) > 0.5);
        assert_eq!(
            most_alike(&jac.column(1).into_owned(), &jac, &[0, 2]),
            Some(0)
        );
    }

    #[test]
    fn a_channel_latency_is_plausible_within_its_published_range() {
        let profiles = crate::profile::Profiles::builtin().unwrap();
        let s3 = Plausible::latency(profiles.channels.get(ChannelKind::S3));
        assert!(
            s3.check(0.64).is_none(),
            "AWS retries small requests only after 2 s"
        );
        assert!(s3.check(3.0).unwrap().contains("published latency range"));
        assert!(s3.check(0.002).is_some());
        // Ten times a cache's 1 ms bound is no longer a cache: the band of ten would allow it.
        let redis = Plausible::latency(profiles.channels.get(ChannelKind::Redis));
        assert!(redis.check(0.01).is_some());
        assert!(Plausible::around(0.001).check(0.01).is_none());
    }

    #[test]
    fn channels_are_keyed_by_their_names() {
        let c = candidate(
            Knob::Latency,
            vec![
                "channels".into(),
                ChannelKind::VmPs.name().into(),
                "latency_s".into(),
            ],
            0.001,
        );
        assert_eq!(c.name(), "channels.\"vm-ps\".latency_s");
    }
}
