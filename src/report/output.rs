//! # Command results
//!
//! What each command computed, as one typed value for the exporters to render: references to
//! the library's results plus the few figures printing needs. Figures derived from a result
//! that more than one format shows (a fixed plan's time and cost, the validation's errors, the
//! memory ladder, training's named figures) are derived here, once.

use std::path::Path;

use serde_json::{Map, Value, json};

use super::bundle::{Report, ReportInput};
use crate::calibrate::channel::{ChannelFit, Sample};
use crate::calibrate::host::HostProfile;
use crate::calibrate::runtime::{ProbeReport, RuntimeFit};
use crate::calibrate::{Calibration, FunctionCurve};
use crate::kernels::distributed::CommStats;
use crate::model::{Candidate, FaasConfig};
use crate::optimize::convergence::MeasuredEpochs;
use crate::optimize::memory::{MemoryChoice, MemoryPoint};
use crate::optimize::plan::Plan;
use crate::optimize::schedule::SchedulePlan;
use crate::optimize::sweep::SweepPoint;
use crate::optimize::tree::TreeChoice;
use crate::optimize::tuning::TuningPlan;
use crate::optimize::workers::WorkersChoice;
use crate::profile::provenance::Provenance;
use crate::profile::{ChannelKind, FaasProfile, Profiles};
use crate::reproduce::holdout::Role;
use crate::reproduce::{RowResult, Summary};
use crate::scenario::{Goal, Scenario};
use crate::sim::SimOutcome;
use crate::sim::runs::percentile;
use crate::validate::ValidationRow;

/// The result of one command, ready to print.
pub enum Output<'a> {
    /// `plan`: both platforms searched.
    Plan {
        scenario: &'a Scenario,
        plan: &'a Plan,
    },
    /// `plan` when no plan of either side meets the limits: still a result for a script.
    NoPlan {
        scenario: &'a Scenario,
        objective: &'a crate::scenario::Objective,
        reason: &'a str,
    },
    /// `estimate`: one configuration, and the epochs the simulator measured for it if it did.
    Estimate {
        scenario: &'a Scenario,
        candidate: &'a Candidate,
        measured: Option<&'a MeasuredEpochs>,
    },
    /// `simulate`: one or more seeded runs of one configuration.
    Simulation { runs: &'a [SimOutcome] },
    /// `validate`: the model against the simulator, one row per configuration.
    Validation { rows: &'a [ValidationRow] },
    /// `optimize memory`.
    Memory(&'a MemoryResult),
    /// `optimize workers`; `goal` is what the count minimises.
    Workers {
        choice: &'a WorkersChoice,
        goal: Goal,
    },
    /// `optimize tree`.
    Tree(&'a TreeChoice),
    /// `optimize schedule`, with the simulated runs when asked for.
    Schedule {
        plan: &'a SchedulePlan,
        simulated: Option<&'a SimulatedSchedule>,
    },
    /// `optimize tuning`: `configs` configurations sharing `functions` functions.
    Tuning {
        plan: &'a TuningPlan,
        configs: usize,
        functions: u32,
    },
    /// `cost`.
    Cost(&'a CostResult),
    /// `profiles`.
    Profiles(&'a Profiles),
    /// `profiles --sources`.
    Sources(&'a [Provenance]),
    /// `train`.
    Train(&'a TrainResult),
    /// `reproduce`; `roles` in hold-out mode.
    Reproduce {
        results: &'a [RowResult],
        roles: Option<&'a [Role]>,
        summary: &'a Summary,
    },
    /// `sweep`: the plan at every combination of the varied `keys`.
    Sweep {
        keys: &'a [&'a str],
        points: &'a [SweepPoint],
    },
    /// `report`: the directory written and its files.
    Report {
        input: &'a ReportInput<'a>,
        report: &'a Report,
        dir: &'a Path,
        files: &'a [String],
    },
    /// `calibrate`.
    Calibration(&'a Calibration),
    /// `profile kernels`.
    HostProfile(&'a HostProfile),
    /// `profile channel`: the store measured, the fit, the calibration file and the samples.
    Channel {
        store: &'a str,
        kind: ChannelKind,
        fit: &'a ChannelFit,
        file: &'a toml::Table,
        samples: &'a [Sample],
    },
    /// `profile runtime`.
    Runtime {
        report: &'a ProbeReport,
        fits: &'a [RuntimeFit],
    },
}

/// The median and the largest relative error of the validation rows.
pub fn validation_errors(rows: &[ValidationRow]) -> (f64, f64) {
    let errors: Vec<f64> = rows.iter().map(ValidationRow::rel_err).collect();
    (
        percentile(&errors, 50.0),
        errors.iter().copied().fold(0.0, f64::max),
    )
}

/// The memory size `optimize memory` chose, and what it was chosen for.
pub struct MemoryResult {
    pub choice: MemoryChoice,
    pub profile: FaasProfile,
    /// The scenario or calibration file.
    pub file: String,
    pub subject: MemorySubject,
    pub note: Option<String>,
}

/// What `optimize memory` sized: a scenario's configuration or one calibrated function.
pub enum MemorySubject {
    /// The whole run of a scenario's configuration, its other choices fixed by `basis`.
    Scenario { config: FaasConfig, basis: String },
    /// One invocation of the function a calibration file describes.
    Function(FunctionCurve),
}

impl MemoryResult {
    /// `scenario` or `calibration`: where the result came from.
    pub fn source(&self) -> &'static str {
        match self.subject {
            MemorySubject::Scenario { .. } => "scenario",
            MemorySubject::Function(_) => "calibration",
        }
    }

    /// What a time and a cost are of: the `run` or one `invocation`.
    pub fn per(&self) -> &'static str {
        match self.subject {
            MemorySubject::Scenario { .. } => "run",
            MemorySubject::Function(_) => "invocation",
        }
    }

    /// The sizes the function was measured at (none for a scenario's model).
    pub fn measured_mb(&self) -> Vec<u32> {
        match &self.subject {
            MemorySubject::Scenario { .. } => Vec::new(),
            MemorySubject::Function(curve) => curve.measured.iter().map(|m| m.0).collect(),
        }
    }

    /// Whether `memory_mb` lies outside the measured sizes, where the fitted curve is
    /// extrapolated (never, when nothing was measured: a scenario's model).
    pub fn outside_measured(&self, memory_mb: u32) -> bool {
        let measured = self.measured_mb();
        match (measured.iter().min(), measured.iter().max()) {
            (Some(&low), Some(&high)) => memory_mb < low || memory_mb > high,
            _ => false,
        }
    }

    /// The sizes shown in the table and the Power Tuning output: the platform's standard
    /// ladder, the measured sizes and the chosen one.
    pub fn ladder(&self) -> Vec<MemoryPoint> {
        let mut sizes = self.profile.search_memory_sizes();
        sizes.extend(self.measured_mb());
        sizes.push(self.choice.best.memory_mb);
        sizes.sort_unstable();
        sizes.dedup();
        self.choice
            .curve
            .iter()
            .filter(|p| sizes.binary_search(&p.memory_mb).is_ok())
            .copied()
            .collect()
    }
}

/// The schedule and the best fixed plan, each simulated one generation per epoch (`None` for
/// one of no epochs: the target is where training starts).
pub struct SimulatedSchedule {
    pub schedule: Option<SimOutcome>,
    pub baseline: Option<SimOutcome>,
}

/// One configuration of a schedule plan run for a fixed number of epochs.
pub struct FixedPlan {
    pub workers: u32,
    pub memory_mb: u32,
    pub epochs: usize,
    pub time_s: f64,
    pub cost_usd: f64,
}

/// The option `option` of `plan` run for `epochs` epochs: its time and cost.
pub fn fixed_plan(plan: &SchedulePlan, (option, epochs): (usize, usize)) -> FixedPlan {
    let o = &plan.options[option];
    FixedPlan {
        workers: o.workers,
        memory_mb: o.memory_mb,
        epochs,
        time_s: o.epoch_s * epochs as f64,
        cost_usd: o.epoch_usd * epochs as f64,
    }
}

/// What a run cost: the total and its named parts.
pub struct CostResult {
    pub total_usd: f64,
    pub parts: Vec<(&'static str, f64)>,
}

/// What `stratus train` measured.
pub struct TrainResult {
    /// The model's flag spelling (`lr`, `kmeans`).
    pub model: Option<String>,
    /// Passes over the data (k-means: Lloyd iterations).
    pub epochs: usize,
    pub fit: TrainFit,
    /// Wall-clock seconds of the training rounds.
    pub seconds: f64,
    /// Training rows.
    pub rows: usize,
    pub workers: usize,
    /// The algorithm's flag spelling (`ga-sgd`; `lloyd` for k-means).
    pub algorithm: Option<String>,
    pub comm: CommStats,
}

/// The loss a training reached, by kind of model.
pub enum TrainFit {
    /// A model trained by SGD: its final training loss, and its test loss and accuracy.
    Sgd {
        train_loss: f64,
        test: Option<(f64, f64)>,
    },
    /// k-means: the inertia on the training rows, and on the test rows with their count.
    KMeans {
        inertia: f64,
        test: Option<(f64, usize)>,
    },
}

impl TrainResult {
    /// The named figures, in key order: the JSON object, the table's lines and the CSV's
    /// columns.
    pub fn record(&self) -> Map<String, Value> {
        let mut record = Map::new();
        record.insert("model".into(), json!(self.model));
        record.insert("epochs".into(), json!(self.epochs));
        match self.fit {
            TrainFit::Sgd { train_loss, test } => {
                record.insert("train_loss".into(), json!(train_loss));
                if let Some((loss, accuracy)) = test {
                    record.insert("test_loss".into(), json!(loss));
                    record.insert("test_accuracy".into(), json!(accuracy));
                }
            }
            TrainFit::KMeans { inertia, test } => {
                insert_inertia(&mut record, "", inertia, self.rows);
                if let Some((inertia, rows)) = test {
                    insert_inertia(&mut record, "test_", inertia, rows);
                }
            }
        }
        self.insert_run_figures(&mut record);
        record
    }

    fn insert_run_figures(&self, record: &mut Map<String, Value>) {
        let rows_per_s = (self.rows * self.epochs) as f64 / self.seconds.max(1e-12);
        record.insert("seconds".into(), json!(self.seconds));
        record.insert("rows".into(), json!(self.rows));
        record.insert("rows_per_s".into(), json!(rows_per_s));
        record.insert("workers".into(), json!(self.workers));
        record.insert("algorithm".into(), json!(self.algorithm));
        record.insert("comm_bytes".into(), json!(self.comm.bytes));
        record.insert("comm_messages".into(), json!(self.comm.messages));
    }
}

/// `{prefix}inertia`, and its mean per row as `{prefix}inertia_per_row` and as the
/// `train_loss` or `test_loss`.
fn insert_inertia(record: &mut Map<String, Value>, prefix: &str, inertia: f64, rows: usize) {
    let per_row = inertia / rows.max(1) as f64;
    record.insert(format!("{prefix}inertia"), json!(inertia));
    record.insert(format!("{prefix}inertia_per_row"), json!(per_row));
    let loss = if prefix.is_empty() {
        "train_loss"
    } else {
        "test_loss"
    };
    record.insert(loss.into(), json!(per_row));
}

/// A figure as the table and the CSV show it: text bare, fractions to six places.
pub fn plain(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Number(n) if n.is_f64() => format!("{:.6}", n.as_f64().unwrap_or(f64::NAN)),
        other => other.to_string(),
    }
}
