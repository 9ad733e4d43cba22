//! # Scenarios
//!
//! A scenario names a workload and the FaaS and IaaS choices to plan over. The TOML is parsed
//! into `RawScenario` (serde, unknown keys rejected), `--set` overrides are laid over it, and
//! `Scenario::check` turns it into the validated type — the only door into the model, the
//! optimisers and the simulator.

pub mod error;
mod overrides;
pub mod paths;
pub mod shipped;
pub mod space;
mod values;
pub mod workload;

use std::path::Path;

use serde::Deserialize;

pub use error::{Problem, ScenarioError};
pub use overrides::Override;
pub use space::{FaasSpace, IaasSpace, Lifecycle, PatternKind, Sync};
pub use values::{MAX_WORKERS, structure as parse_structure};
pub use workload::{
    Algorithm, DataSource, Dataset, Model, ModelKind, Recipe, TrainingLength, Workload,
};

use crate::profile::Profiles;
use error::{Checked, KeyProblem};

/// The embedded default scenario: LR on Higgs, LambdaML's headline workload.
pub const DEFAULT_SCENARIO: &str = include_str!("../../scenarios/higgs-lr.toml");
/// The name the default scenario is reported under.
pub const DEFAULT_SCENARIO_FILE: &str = "scenarios/higgs-lr.toml (embedded)";

/// What "best" means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Goal {
    #[default]
    Time,
    Cost,
    /// Minimise time × cost: Feng et al.'s performance-cost ratio f / (C·t), maximised.
    Balanced,
}

impl std::str::FromStr for Goal {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "time" => Ok(Goal::Time),
            "cost" => Ok(Goal::Cost),
            "balanced" => Ok(Goal::Balanced),
            _ => Err(format!(
                "unknown objective `{s}` (known: time, cost, balanced)"
            )),
        }
    }
}

impl std::fmt::Display for Goal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Goal::Time => "time",
            Goal::Cost => "cost",
            Goal::Balanced => "balanced",
        })
    }
}

/// The objective and its constraints.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Objective {
    pub goal: Goal,
    pub budget_usd: Option<f64>,
    pub deadline_s: Option<f64>,
}

impl Objective {
    /// The same goal with no budget and no deadline.
    pub fn without_limits(&self) -> Objective {
        Objective {
            goal: self.goal,
            budget_usd: None,
            deadline_s: None,
        }
    }
}

/// A scenario, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    pub name: String,
    pub seed: u64,
    pub description: Option<String>,
    pub workload: Workload,
    pub faas: Option<FaasSpace>,
    pub iaas: Option<IaasSpace>,
    pub objective: Objective,
    pub simulation: Simulation,
    /// Where the scenario came from, for messages.
    pub file: String,
}

/// A scenario file as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    pub name: String,
    #[serde(default = "default_seed")]
    pub seed: u64,
    pub description: Option<String>,
    pub workload: workload::RawWorkload,
    pub faas: Option<space::RawFaas>,
    pub iaas: Option<space::RawIaas>,
    pub objective: Option<RawObjective>,
    pub simulation: Option<RawSimulation>,
}

fn default_seed() -> u64 {
    42
}

/// How the simulator runs a scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Simulation {
    /// Coefficient of variation of log-normal straggler noise on compute; 0 turns all variance
    /// (stragglers and cold-start draws) off.
    pub straggler_cv: f64,
    /// Rows of a catalogue dataset the simulator executes (synthetic data of its shape); time
    /// is charged for the full dataset.
    pub max_rows: u64,
    /// Stop once the training loss reaches this (set from `workload.target_loss` when the
    /// simulator bounds `epochs = "auto"` by `max_epochs`).
    pub stop_at_loss: Option<f64>,
}

impl Default for Simulation {
    fn default() -> Self {
        Simulation {
            straggler_cv: 0.0,
            max_rows: 200_000,
            stop_at_loss: None,
        }
    }
}

/// The `[simulation]` table as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSimulation {
    pub straggler_cv: Option<toml::Value>,
    pub max_rows: Option<toml::Value>,
}

fn simulation(raw: Option<&RawSimulation>) -> Checked<Simulation> {
    let mut sim = Simulation::default();
    let Some(raw) = raw else { return Ok(sim) };
    if let Some(v) = &raw.straggler_cv {
        sim.straggler_cv = match v {
            toml::Value::Integer(0) => 0.0,
            toml::Value::Float(x) if *x == 0.0 => 0.0,
            other => values::positive("simulation.straggler_cv", other)?,
        };
    }
    if let Some(v) = &raw.max_rows {
        sim.max_rows = values::positive("simulation.max_rows", v)? as u64;
    }
    Ok(sim)
}

/// The `[objective]` table as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawObjective {
    pub minimize: Option<toml::Value>,
    pub budget_usd: Option<toml::Value>,
    pub deadline_s: Option<toml::Value>,
}

impl Scenario {
    /// The scenario training only by `recipe` (one of the listed algorithm and batch sizes).
    pub fn with_recipe(&self, recipe: Recipe) -> Scenario {
        let mut one = self.clone();
        one.workload.algorithm = recipe.algorithm;
        one.workload.batch_size = recipe.batch_size;
        one.workload.recipes = vec![recipe];
        one
    }

    /// Reads, overrides and checks the scenario at `path`.
    pub fn from_path(
        path: &Path,
        sets: &[String],
        profiles: &Profiles,
    ) -> Result<Self, ScenarioError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| ScenarioError {
            file: file.clone(),
            key: String::new(),
            problem: Problem::Unreadable(e.to_string()),
        })?;
        let base_dir = path.parent().unwrap_or(Path::new("."));
        Self::from_text(&text, &file, base_dir, sets, profiles)
    }

    /// The shipped scenario called `name` (see `shipped::names`), with overrides; `None` when no
    /// shipped scenario has that name.
    pub fn shipped(
        name: &str,
        sets: &[String],
        profiles: &Profiles,
    ) -> Option<Result<Self, ScenarioError>> {
        let text = shipped::text_of(name)?;
        let base_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
        let file = format!("{name} (shipped)");
        Some(Self::from_text(text, &file, &base_dir, sets, profiles))
    }

    /// The embedded default scenario, with overrides.
    pub fn default_scenario(sets: &[String], profiles: &Profiles) -> Result<Self, ScenarioError> {
        let base_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
        Self::from_text(
            DEFAULT_SCENARIO,
            DEFAULT_SCENARIO_FILE,
            &base_dir,
            sets,
            profiles,
        )
    }

    /// Parses, overrides and checks scenario text; `file` names it in errors.
    pub fn from_text(
        text: &str,
        file: &str,
        base_dir: &Path,
        sets: &[String],
        profiles: &Profiles,
    ) -> Result<Self, ScenarioError> {
        let syntax = |message: String| ScenarioError {
            file: file.to_string(),
            key: String::new(),
            problem: Problem::Syntax(message),
        };
        // Parsing the text itself first gives messages with line numbers.
        let raw: RawScenario = toml::from_str(text).map_err(|e| syntax(e.to_string()))?;
        let raw = if sets.is_empty() {
            raw
        } else {
            apply_sets(text, sets).map_err(|e| e.in_file("--set"))?
        };
        let mut scenario = Self::check(&raw, profiles, base_dir).map_err(|e| {
            // A value that came from the command line is blamed there, not on the file.
            let from_set = sets
                .iter()
                .filter_map(|set| Override::parse(set).ok())
                .any(|o| e.key == o.key || e.key.starts_with(&format!("{}.", o.key)));
            e.in_file(if from_set { "--set" } else { file })
        })?;
        scenario.file = file.to_string();
        Ok(scenario)
    }

    /// Checks a raw scenario against the profiles.
    pub fn check(raw: &RawScenario, profiles: &Profiles, base_dir: &Path) -> Checked<Self> {
        if raw.faas.is_none() && raw.iaas.is_none() {
            return Err(KeyProblem::new(
                "faas",
                Problem::Other("a scenario needs [faas], [iaas] or both".into()),
            ));
        }
        Ok(Scenario {
            name: raw.name.clone(),
            seed: raw.seed,
            description: raw.description.clone(),
            workload: workload::check(&raw.workload, profiles, base_dir)?,
            faas: raw
                .faas
                .as_ref()
                .map(|f| space::check_faas(f, profiles))
                .transpose()?,
            iaas: raw
                .iaas
                .as_ref()
                .map(|i| space::check_iaas(i, profiles))
                .transpose()?,
            objective: objective(raw.objective.as_ref())?,
            simulation: simulation(raw.simulation.as_ref())?,
            file: String::new(),
        })
    }
}

/// Applies `--set` overrides one at a time, so an error names the override at fault.
fn apply_sets(text: &str, sets: &[String]) -> Checked<RawScenario> {
    let mut table: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| KeyProblem::new("", Problem::Syntax(e.to_string())))?;
    let mut last = None;
    for set in sets {
        let over = Override::parse(set)?;
        over.apply(&mut table)?;
        let raw = RawScenario::deserialize(table.clone()).map_err(|e| {
            KeyProblem::new(over.key.clone(), Problem::Syntax(e.message().to_string()))
        })?;
        last = Some(raw);
    }
    last.ok_or_else(|| KeyProblem::new("", Problem::Other("no overrides".into())))
}

fn objective(raw: Option<&RawObjective>) -> Checked<Objective> {
    let Some(raw) = raw else {
        return Ok(Objective::default());
    };
    Ok(Objective {
        goal: match &raw.minimize {
            Some(v) => values::parsed("objective.minimize", v)?,
            None => Goal::Time,
        },
        budget_usd: raw
            .budget_usd
            .as_ref()
            .map(|v| values::positive("objective.budget_usd", v))
            .transpose()?,
        deadline_s: raw
            .deadline_s
            .as_ref()
            .map(|v| values::positive("objective.deadline_s", v))
            .transpose()?,
    })
}
