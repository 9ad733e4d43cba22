//! # The calibration file
//!
//! Runs the fits the inputs call for and renders the result as the TOML that
//! `--calibration FILE` applies: the overlay patch tables (`[faas."…".startup]`,
//! `[channels.…]`, …, see `profile::overlay`), a `[fit]` report — sources, every parameter with
//! its value, interval, whether it was fitted and is pinned down, and the residuals — and, for
//! one function, the `[function]` curve. The overlay ignores `[fit]` and `[function]`.

use std::path::PathBuf;

use serde::Serialize;

use super::function::{self, FunctionFit};
use super::input::{Inputs, SourceSummary};
use super::runs_fit::{self, Knob, RunsFit};
use super::stats::{CI_LEVEL, FittedParam};
use super::{CalibrateError, Progress};
use crate::profile::Profiles;

/// How to calibrate.
#[derive(Debug, Clone, PartialEq)]
pub struct CalibrateOptions {
    /// The scenario measured runs are predicted with.
    pub scenario: Option<PathBuf>,
    /// The FaaS profile a function's start-up patches (default: aws-lambda-x86).
    pub profile: String,
    pub seed: u64,
    /// Bootstrap replicates for the duration curve.
    pub bootstrap: usize,
    /// The model parameters the runs fit may turn.
    pub knobs: Vec<Knob>,
}

impl Default for CalibrateOptions {
    fn default() -> Self {
        CalibrateOptions {
            scenario: None,
            profile: "aws-lambda-x86".into(),
            seed: 42,
            bootstrap: 200,
            knobs: Knob::ALL.to_vec(),
        }
    }
}

/// Everything a calibration found.
#[derive(Debug, Clone, PartialEq)]
pub struct Calibration {
    pub sources: Vec<SourceSummary>,
    pub function: Option<FunctionFit>,
    pub runs: Option<RunsFit>,
    pub scenario: Option<PathBuf>,
    pub seed: u64,
}

/// The most bootstrap replicates a fit draws: 100,000, a hundred times the usual 1,000 for
/// 95% intervals (Efron & Tibshirani); more adds run time, not precision.
pub const MAX_BOOTSTRAP: usize = 100_000;

/// Fits what `inputs` hold.
pub fn calibrate(
    inputs: &Inputs,
    options: &CalibrateOptions,
    profiles: &Profiles,
    progress: Progress,
) -> Result<Calibration, CalibrateError> {
    if options.bootstrap > MAX_BOOTSTRAP {
        return Err(CalibrateError::TooManyReplicates(options.bootstrap));
    }
    let function = if inputs.function.is_empty() {
        None
    } else {
        progress("fitting the duration curve t(z) and the cold starts");
        let profile = profiles
            .faas(&options.profile)
            .map_err(|e| CalibrateError::Solver(e.to_string()))?;
        Some(function::fit(
            &inputs.function,
            profile,
            options.seed,
            options.bootstrap,
        )?)
    };
    let runs = match (inputs.runs.first(), &options.scenario) {
        (None, _) => None,
        (Some(table), None) => {
            return Err(CalibrateError::RunsNeedScenario {
                file: table.file.clone(),
            });
        }
        (Some(_), Some(scenario)) => {
            progress("fitting the model's free parameters to the measured runs");
            Some(runs_fit::fit(&inputs.runs, scenario, &options.knobs)?)
        }
    };
    Ok(Calibration {
        sources: inputs.sources.clone(),
        function,
        runs,
        scenario: options.scenario.clone(),
        seed: options.seed,
    })
}

impl Calibration {
    /// The calibration file's content.
    pub fn to_toml(&self) -> toml::Table {
        let mut file = toml::Table::new();
        file.insert("fit".into(), self.report().into());
        if let Some(function) = &self.function {
            merge_into(&mut file, function.patch());
            file.insert("function".into(), function.table().into());
        }
        if let Some(runs) = &self.runs {
            merge_into(&mut file, runs.patch.clone());
        }
        file
    }

    /// The file as text, with a header saying what wrote it.
    pub fn to_toml_string(&self) -> String {
        let body = toml::to_string(&self.to_toml()).expect("tables of plain values serialise");
        format!(
            "# Written by `stratus calibrate`. Apply with --calibration FILE: the [faas.…], [channels.…]\n\
             # tables patch the profiles; [fit] reports how the values were found; [function] is the\n\
             # duration curve `stratus optimize memory --calibration FILE` uses.\n\n{body}"
        )
    }

    /// The `[fit]` table.
    fn report(&self) -> toml::Table {
        let mut fit = toml::Table::new();
        fit.insert("ci_level".into(), CI_LEVEL.into());
        fit.insert("seed".into(), (self.seed as i64).into());
        fit.insert("sources".into(), to_value(&self.sources));
        if let Some(function) = &self.function {
            fit.insert("function".into(), function_report(function).into());
        }
        if let (Some(runs), Some(scenario)) = (&self.runs, &self.scenario) {
            let mut table = runs_report(runs);
            table.insert("scenario".into(), scenario.display().to_string().into());
            fit.insert("runs".into(), table.into());
        }
        fit
    }
}

fn function_report(function: &FunctionFit) -> toml::Table {
    let mut table = toml::Table::new();
    table.insert("invocations".into(), (function.invocations as i64).into());
    table.insert("rms_rel_err".into(), function.curve.rms_rel_err.into());
    table.insert("parameters".into(), params_value(&function.params()));
    table.insert("residuals".into(), to_value(&function.curve.residuals));
    if let Some(cold) = &function.cold_start {
        table.insert("cold_start".into(), to_value(cold));
    }
    table
}

fn runs_report(runs: &RunsFit) -> toml::Table {
    let mut table = toml::Table::new();
    table.insert("rows".into(), (runs.residuals.len() as i64).into());
    table.insert("rms_rel_err".into(), runs.rms_rel_err.into());
    let max = runs
        .residuals
        .iter()
        .map(|r| r.rel_err.abs())
        .fold(0.0, f64::max);
    table.insert("max_abs_rel_err".into(), max.into());
    table.insert("parameters".into(), params_value(&runs.params));
    table.insert("residuals".into(), to_value(&runs.residuals));
    table
}

/// Parameters as an array of tables, leaving out the intervals a fixed parameter lacks.
fn params_value(params: &[FittedParam]) -> toml::Value {
    params
        .iter()
        .map(|p| {
            let mut t = toml::Table::new();
            t.insert("name".into(), p.name.clone().into());
            t.insert("value".into(), p.value.into());
            for (key, bound) in [("ci_low", p.ci_low), ("ci_high", p.ci_high)] {
                if !bound.is_nan() {
                    t.insert(key.into(), bound.into());
                }
            }
            t.insert("fitted".into(), p.fitted.into());
            t.insert("pinned_down".into(), p.pinned_down.into());
            t.insert("note".into(), p.note.clone().into());
            toml::Value::Table(t)
        })
        .collect::<Vec<_>>()
        .into()
}

fn to_value(value: &impl Serialize) -> toml::Value {
    toml::Value::try_from(value).expect("plain records serialise to TOML")
}

fn merge_into(file: &mut toml::Table, patch: toml::Table) {
    for (key, value) in patch {
        match (file.get_mut(&key), value) {
            (Some(toml::Value::Table(existing)), toml::Value::Table(more)) => {
                let mut nested = std::mem::take(existing);
                merge_into(&mut nested, more);
                *existing = nested;
            }
            (_, value) => {
                file.insert(key, value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merging_patches_keeps_both_sides() {
        let mut file: toml::Table = "[faas.x.startup]\na = 1\n".parse().unwrap();
        merge_into(
            &mut file,
            "[faas.x.startup]\nb = 2\n[channels.s3]\nc = 3\n"
                .parse()
                .unwrap(),
        );
        assert_eq!(file["faas"]["x"]["startup"]["a"].as_integer(), Some(1));
        assert_eq!(file["faas"]["x"]["startup"]["b"].as_integer(), Some(2));
        assert_eq!(file["channels"]["s3"]["c"].as_integer(), Some(3));
    }

    #[test]
    fn measured_runs_without_a_scenario_are_refused() {
        let mut inputs = Inputs::default();
        inputs
            .add_reader(
                super::super::InputKind::Runs,
                "workers,time_s\n1,2\n".as_bytes(),
                "r.csv",
            )
            .unwrap();
        let profiles = Profiles::builtin().unwrap();
        let err = calibrate(&inputs, &CalibrateOptions::default(), &profiles, &|_| {}).unwrap_err();
        assert_eq!(
            err,
            CalibrateError::RunsNeedScenario {
                file: "r.csv".into()
            }
        );
    }
}
