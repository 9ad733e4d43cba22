//! # Reproduction of published measurements
//!
//! `stratus reproduce` puts the model's predictions next to what others measured (LambdaML,
//! Feng et al., Siren, Cirrus, SeBS, lithops): each row of the corpus is expressed as a scenario
//! and `--set` overrides, estimated with the analytic model, and compared. A row's error factor
//! is max(ratio, 1/ratio) of predicted over published; the summary gives their median and
//! maximum and the geometric mean of the ratios. Rows the model cannot express are listed as
//! such, with the reason their note gives.

pub mod corpus;
pub mod holdout;
pub mod quantity;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::model::facts::WorkloadFacts;
use crate::optimize::estimate::estimate;
use crate::profile::Profiles;
use crate::scenario::{Scenario, ScenarioError};

pub use corpus::{CorpusError, Row};

/// Scenario files the shipped corpus names, embedded so it runs from anywhere.
const SHIPPED_SCENARIOS: [(&str, &str); 5] = [
    (
        "scenarios/lambdaml-cifar10-cnn.toml",
        include_str!("../../reproduce/scenarios/lambdaml-cifar10-cnn.toml"),
    ),
    (
        "scenarios/lambdaml-higgs-lr.toml",
        include_str!("../../reproduce/scenarios/lambdaml-higgs-lr.toml"),
    ),
    (
        "scenarios/lithops-s3-read-100.toml",
        include_str!("../../reproduce/scenarios/lithops-s3-read-100.toml"),
    ),
    (
        "scenarios/lithops-s3-read-1000.toml",
        include_str!("../../reproduce/scenarios/lithops-s3-read-1000.toml"),
    ),
    (
        "scenarios/sebs-python-1worker.toml",
        include_str!("../../reproduce/scenarios/sebs-python-1worker.toml"),
    ),
];

/// Where a corpus's scenario paths resolve: the shipped corpus's embedded files, or the
/// directory of a corpus file.
#[derive(Debug, Clone)]
pub enum ScenarioRoot {
    Shipped,
    Dir(PathBuf),
}

/// What the model says about one row.
#[derive(Debug, Clone, PartialEq)]
pub enum Prediction {
    /// The predicted value.
    Value(f64),
    /// The row's setting is beyond what the model expresses (its note says why).
    NotExpressible,
    /// The model says the setting cannot run; the reason.
    CannotRun(String),
}

/// One row and its prediction.
#[derive(Debug, Clone, PartialEq)]
pub struct RowResult {
    pub row: Row,
    pub prediction: Prediction,
}

impl RowResult {
    /// Predicted over published, where there is a prediction.
    pub fn ratio(&self) -> Option<f64> {
        match self.prediction {
            Prediction::Value(v) => Some(v / self.row.published),
            _ => None,
        }
    }

    /// Whether the model can express the row's setting.
    pub fn expressible(&self) -> bool {
        self.prediction != Prediction::NotExpressible
    }
}

/// The error factor of a ratio: how many times off, either way.
pub fn error_factor(ratio: f64) -> f64 {
    ratio.max(1.0 / ratio)
}

/// Median and maximum error factor and geometric-mean ratio over the predicted rows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    pub predicted: usize,
    pub not_expressible: usize,
    pub cannot_run: usize,
    pub median_error_factor: f64,
    pub max_error_factor: f64,
    pub geomean_ratio: f64,
}

/// Summarises `results`.
pub fn summarise(results: &[RowResult]) -> Summary {
    let ratios: Vec<f64> = results.iter().filter_map(RowResult::ratio).collect();
    let mut factors: Vec<f64> = ratios.iter().map(|&r| error_factor(r)).collect();
    factors.sort_by(f64::total_cmp);
    let count = |p: fn(&Prediction) -> bool| results.iter().filter(|r| p(&r.prediction)).count();
    Summary {
        predicted: ratios.len(),
        not_expressible: count(|p| *p == Prediction::NotExpressible),
        cannot_run: count(|p| matches!(p, Prediction::CannotRun(_))),
        median_error_factor: median(&factors),
        max_error_factor: factors.last().copied().unwrap_or(f64::NAN),
        geomean_ratio: (ratios.iter().map(|r| r.ln()).sum::<f64>() / ratios.len() as f64).exp(),
    }
}

fn median(sorted: &[f64]) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => sorted[n / 2],
        n => 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]),
    }
}

/// Why a row could not be evaluated: its scenario or overrides are wrong.
#[derive(Debug, thiserror::Error)]
pub enum ReproduceError {
    #[error(transparent)]
    Corpus(#[from] CorpusError),
    #[error("{file}:{line}: row `{id}`: {source}")]
    Scenario {
        file: String,
        line: u64,
        id: String,
        source: Box<ScenarioError>,
    },
    #[error("{file}:{line}: row `{id}`: {message}")]
    Row {
        file: String,
        line: u64,
        id: String,
        message: String,
    },
}

/// A corpus with the place its scenarios resolve against.
#[derive(Debug, Clone)]
pub struct Corpus {
    pub file: String,
    pub rows: Vec<Row>,
    pub root: ScenarioRoot,
}

impl Corpus {
    /// The corpus shipped with Stratus.
    pub fn shipped() -> Result<Self, CorpusError> {
        Ok(Corpus {
            file: corpus::SHIPPED_NAME.to_string(),
            rows: corpus::read(corpus::SHIPPED.as_bytes(), corpus::SHIPPED_NAME)?,
            root: ScenarioRoot::Shipped,
        })
    }

    /// A corpus file; its scenario paths resolve against its directory.
    pub fn from_path(path: &Path) -> Result<Self, CorpusError> {
        let file = path.display().to_string();
        let reader = std::fs::File::open(path).map_err(|e| CorpusError {
            file: file.clone(),
            line: 0,
            field: "file".into(),
            message: format!("cannot read it: {e}"),
        })?;
        Ok(Corpus {
            rows: corpus::read(reader, &file)?,
            root: ScenarioRoot::Dir(path.parent().unwrap_or(Path::new(".")).to_path_buf()),
            file,
        })
    }

    /// Predicts every row with `profiles`.
    pub fn predict(&self, profiles: &Profiles) -> Result<Vec<RowResult>, ReproduceError> {
        self.rows
            .iter()
            .map(|row| {
                Ok(RowResult {
                    row: row.clone(),
                    prediction: self.predict_row(row, profiles, &[])?,
                })
            })
            .collect()
    }

    /// The model's value for `row`, with `extra` overrides after the row's own.
    pub fn predict_row(
        &self,
        row: &Row,
        profiles: &Profiles,
        extra: &[String],
    ) -> Result<Prediction, ReproduceError> {
        let Some(name) = &row.scenario else {
            return Ok(Prediction::NotExpressible);
        };
        let value = self.value_at(row, name, &row.sets, profiles, extra)?;
        let Some(baseline) = &row.baseline else {
            return Ok(value);
        };
        Ok(
            match (value, self.value_at(row, name, baseline, profiles, extra)?) {
                (Prediction::Value(a), Prediction::Value(b)) => Prediction::Value(a / b),
                (Prediction::Value(_), other) | (other, _) => other,
            },
        )
    }

    /// The quantity of `row` in the run of scenario `name` with `sets`, then `extra`.
    fn value_at(
        &self,
        row: &Row,
        name: &str,
        sets: &[String],
        profiles: &Profiles,
        extra: &[String],
    ) -> Result<Prediction, ReproduceError> {
        let sets: Vec<String> = sets.iter().chain(extra).cloned().collect();
        let scenario = self
            .scenario(name, &sets, profiles)
            .map_err(|source| self.scenario_error(row, source))?;
        let candidate = estimate(&scenario, profiles, Some(row.platform))
            .map_err(|e| self.row_error(row, e.to_string()))?;
        let outcome = match candidate.outcome {
            Ok(outcome) => outcome,
            Err(why) => return Ok(Prediction::CannotRun(why.to_string())),
        };
        let facts = WorkloadFacts::new(&scenario.workload)
            .map_err(|e| self.row_error(row, e.to_string()))?;
        row.quantity
            .of(&outcome, facts.rounds, facts.epochs)
            .map(Prediction::Value)
            .map_err(|m| self.row_error(row, m))
    }

    /// The scenario `name` with `sets`: a shipped scenario's name, or a path.
    pub fn scenario(
        &self,
        name: &str,
        sets: &[String],
        profiles: &Profiles,
    ) -> Result<Scenario, ScenarioError> {
        if let Some(scenario) = Scenario::shipped(name, sets, profiles) {
            return scenario;
        }
        match &self.root {
            ScenarioRoot::Dir(dir) => Scenario::from_path(&dir.join(name), sets, profiles),
            ScenarioRoot::Shipped => {
                let text = SHIPPED_SCENARIOS
                    .iter()
                    .find(|(file, _)| *file == name)
                    .map_or("", |(_, text)| *text);
                let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("reproduce");
                let file = format!("reproduce/{name} (shipped)");
                Scenario::from_text(text, &file, &base, sets, profiles)
            }
        }
    }

    /// The text of scenario `name` (a shipped scenario or a corpus path), for a fit that
    /// reads it from a file; `None` when it cannot be read.
    pub fn scenario_text(&self, name: &str) -> Option<String> {
        if let Some(text) = crate::scenario::shipped::text_of(name) {
            return Some(text.to_string());
        }
        match &self.root {
            ScenarioRoot::Dir(dir) => std::fs::read_to_string(dir.join(name)).ok(),
            ScenarioRoot::Shipped => SHIPPED_SCENARIOS
                .iter()
                .find(|(file, _)| *file == name)
                .map(|(_, text)| text.to_string()),
        }
    }

    fn scenario_error(&self, row: &Row, source: ScenarioError) -> ReproduceError {
        ReproduceError::Scenario {
            file: self.file.clone(),
            line: row.line,
            id: row.id.clone(),
            source: Box::new(source),
        }
    }

    fn row_error(&self, row: &Row, message: String) -> ReproduceError {
        ReproduceError::Row {
            file: self.file.clone(),
            line: row.line,
            id: row.id.clone(),
            message,
        }
    }
}

/// Rows grouped by source, in order of first appearance.
pub fn by_source(results: &[RowResult]) -> BTreeMap<String, Vec<&RowResult>> {
    let mut groups: BTreeMap<String, Vec<&RowResult>> = BTreeMap::new();
    for result in results {
        groups
            .entry(source_key(&result.row.source))
            .or_default()
            .push(result);
    }
    groups
}

/// A source's paper or data set: the text before its first comma or parenthesis.
pub fn source_key(source: &str) -> String {
    source
        .split([',', '('])
        .next()
        .unwrap_or(source)
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scenario_the_shipped_corpus_names_is_embedded() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("reproduce/scenarios");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| format!("scenarios/{}", e.unwrap().file_name().to_string_lossy()))
            .collect();
        files.sort();
        let embedded: Vec<&str> = SHIPPED_SCENARIOS.iter().map(|(f, _)| *f).collect();
        assert_eq!(files, embedded);
    }

    #[test]
    fn error_factors_are_symmetric_and_the_summary_takes_their_median() {
        assert_eq!(error_factor(0.5), 2.0);
        assert_eq!(error_factor(2.0), 2.0);
        assert_eq!(median(&[1.0, 2.0, 4.0]), 2.0);
        assert_eq!(median(&[1.0, 2.0, 4.0, 8.0]), 3.0);
    }

    #[test]
    fn every_expressible_shipped_row_evaluates() {
        let profiles = Profiles::builtin().unwrap();
        let corpus = Corpus::shipped().unwrap();
        let results = corpus.predict(&profiles).unwrap();
        let summary = summarise(&results);
        assert!(summary.predicted >= 20, "{summary:?}");
        assert!(summary.median_error_factor.is_finite());
    }
}
