//! `stratus optimize tuning`: share N functions among |H| hyperparameter configurations.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use crate::cli::common::ScenarioInput;
use crate::optimize::tuning::{TuningGoal, plan_search};
use crate::report::{Format, Output, print};

/// What the allocation minimises.
#[derive(Debug, Clone, Copy, Default, ValueEnum)]
pub enum TuningObjective {
    #[default]
    Makespan,
    Cost,
}

/// Flags of `stratus optimize tuning`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  stratus optimize tuning scenarios/higgs-lr.toml\n  stratus optimize tuning scenarios/rcv1-lr.toml --configs 32 --functions 500 --epochs 5,10,20 --format json"
)]
pub struct TuningArgs {
    /// Scenario: a TOML file or a shipped scenario's name (e.g. higgs-lr).
    pub scenario: PathBuf,
    #[command(flatten)]
    pub input: ScenarioInput,
    /// Hyperparameter configurations |H| to train.
    #[arg(long, default_value_t = 16, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    pub configs: usize,
    /// Functions N to share among them (Σ n_i ≤ N).
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u32).range(1..))]
    pub functions: u32,
    /// Epochs of each configuration, cycled (default: the scenario's).
    #[arg(long, value_delimiter = ',')]
    pub epochs: Vec<f64>,
    /// What the allocation minimises.
    #[arg(long, value_enum, default_value_t)]
    pub objective: TuningObjective,
    /// How to print the result: table (default), json or csv.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// Runs `stratus optimize tuning`.
pub fn run(args: &TuningArgs) -> anyhow::Result<()> {
    let profiles = args.input.profiles()?;
    let scenario = args.input.scenario(Some(&args.scenario), &profiles)?;
    let goal = match args.objective {
        TuningObjective::Makespan => TuningGoal::Makespan,
        TuningObjective::Cost => TuningGoal::Cost,
    };
    let plan = plan_search(
        &scenario,
        &profiles,
        args.configs,
        args.functions,
        &args.epochs,
        goal,
    )?;
    print(
        args.format,
        &Output::Tuning {
            plan: &plan,
            configs: args.configs,
            functions: args.functions,
        },
    )
}
