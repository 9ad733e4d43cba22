//! # Hold-out reproduction
//!
//! Calibrate on part of a source's measurements, predict the rest: the test of whether a
//! calibrated model generalises rather than memorises. Rows of one source that share a scenario
//! and measure a run's total time form a group; with at least three rows, every other row (the
//! first, third, …) calibrates the model by the measured-runs fit (`calibrate::runs_fit`) and
//! the others are predicted with that calibration. Other rows keep their uncalibrated prediction
//! and say why they were not held out.

use std::collections::BTreeMap;

use super::{Corpus, Prediction, ReproduceError, Row, RowResult, source_key};
use crate::calibrate::runs::{RunRow, RunsTable};
use crate::calibrate::runs_fit::{self, Knob};
use crate::profile::Profiles;

/// Fewest rows a group needs: two to calibrate on, one to predict.
const MIN_GROUP: usize = 3;

/// One row's fate under hold-out.
#[derive(Debug, Clone, PartialEq)]
pub enum Role {
    /// Used to calibrate its group.
    Calibration,
    /// Predicted with the calibration fitted on its group's other rows.
    HeldOut,
    /// Not in a group that could be held out: why.
    Ungrouped(String),
}

/// A row's result and role.
#[derive(Debug, Clone, PartialEq)]
pub struct HeldOutRow {
    pub result: RowResult,
    pub role: Role,
}

/// Runs the hold-out over `corpus`.
pub fn run(corpus: &Corpus, profiles: &Profiles) -> Result<Vec<HeldOutRow>, ReproduceError> {
    let plain = corpus.predict(profiles)?;
    let mut roles: Vec<Role> = plain
        .iter()
        .map(|r| Role::Ungrouped(why_alone(r)))
        .collect();
    let mut results = plain.clone();
    for indices in groups(&plain).into_values() {
        if indices.len() < MIN_GROUP {
            for &i in &indices {
                roles[i] = Role::Ungrouped(format!(
                    "its group has {} rows (at least {MIN_GROUP} needed)",
                    indices.len()
                ));
            }
            continue;
        }
        // Every other row of the group, the first included, calibrates.
        let calibrate: Vec<usize> = indices.iter().copied().step_by(2).collect();
        let predict: Vec<usize> = indices.iter().copied().skip(1).step_by(2).collect();
        let calibrated = calibrated_profiles(corpus, &plain, &calibrate)?;
        for &i in &calibrate {
            roles[i] = Role::Calibration;
        }
        for &i in &predict {
            roles[i] = Role::HeldOut;
            results[i].prediction = corpus.predict_row(&plain[i].row, &calibrated, &[])?;
        }
    }
    Ok(results
        .into_iter()
        .zip(roles)
        .map(|(result, role)| HeldOutRow { result, role })
        .collect())
}

fn why_alone(result: &RowResult) -> String {
    match (&result.prediction, result.row.quantity.to_string().as_str()) {
        (Prediction::NotExpressible, _) => "not expressible".into(),
        (Prediction::CannotRun(_), _) => "the model says it cannot run".into(),
        (_, "time_s.total") => "no other row of its source shares its scenario".into(),
        (_, q) => format!("the fit calibrates on total times, not {q}"),
    }
}

/// Rows that can calibrate one another: same source, scenario and platform, total time.
fn groups(results: &[RowResult]) -> BTreeMap<(String, String, String), Vec<usize>> {
    let mut groups: BTreeMap<_, Vec<usize>> = BTreeMap::new();
    for (i, r) in results.iter().enumerate() {
        let (Prediction::Value(_), Some(scenario)) = (&r.prediction, &r.row.scenario) else {
            continue;
        };
        if r.row.quantity.to_string() != "time_s.total" {
            continue;
        }
        let key = (
            source_key(&r.row.source),
            scenario.clone(),
            r.row.platform.name().to_string(),
        );
        groups.entry(key).or_default().push(i);
    }
    groups
}

/// The built-in profiles calibrated on the rows at `indices` (the measured-runs fit starts
/// from the built-in profiles, so a `--calibration` given to `reproduce` does not reach them).
fn calibrated_profiles(
    corpus: &Corpus,
    results: &[RowResult],
    indices: &[usize],
) -> Result<Profiles, ReproduceError> {
    let first = &results[indices[0]].row;
    let table = RunsTable {
        file: corpus.file.clone(),
        observed_column: "published".into(),
        rows: indices.iter().map(|&i| run_row(&results[i].row)).collect(),
    };
    let fail = |message: String| ReproduceError::Row {
        file: corpus.file.clone(),
        line: first.line,
        id: first.id.clone(),
        message,
    };
    let scenario_file = ScenarioFile::write(corpus, first).map_err(fail)?;
    let fit = runs_fit::fit(&[table], &scenario_file.path, &Knob::ALL)
        .map_err(|e| fail(format!("calibrating on its group: {e}")))?;
    Profiles::calibrated(&fit.patch).map_err(|e| fail(e.to_string()))
}

fn run_row(row: &Row) -> RunRow {
    RunRow {
        line: row.line,
        sets: row.sets.clone(),
        label: row.id.clone(),
        observed_s: row.published,
        platform: row.platform,
    }
}

/// A scenario's text in a temporary file for the fit, removed when dropped.
struct ScenarioFile {
    path: std::path::PathBuf,
}

impl ScenarioFile {
    fn write(corpus: &Corpus, row: &Row) -> Result<Self, String> {
        let name = row.scenario.as_deref().unwrap_or_default();
        let text = corpus
            .scenario_text(name)
            .ok_or_else(|| format!("no scenario text for `{name}`"))?;
        let path = std::env::temp_dir().join(format!(
            "stratus-holdout-{}-{}.toml",
            std::process::id(),
            row.id
        ));
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(ScenarioFile { path })
    }
}

impl Drop for ScenarioFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}
