//! `stratus optimize tree`: the layered aggregation tree by dynamic programming (Feng et al.).

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use crate::cli::common::ScenarioInput;
use crate::optimize::tree::{TreeGoal, optimize_tree};
use crate::report::{Format, Output, print};

/// What the tree minimises.
#[derive(Debug, Clone, Copy, Default, ValueEnum)]
pub enum TreeObjective {
    #[default]
    Time,
    Cost,
}

/// Flags of `stratus optimize tree`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  stratus optimize tree scenarios/feng2018-case-a.toml\n  stratus optimize tree scenarios/feng2018-case-a.toml --set faas.workers=10000 --objective cost --format json"
)]
pub struct TreeArgs {
    /// Scenario: a TOML file or a shipped scenario's name (e.g. higgs-lr).
    pub scenario: PathBuf,
    #[command(flatten)]
    pub input: ScenarioInput,
    /// What the tree minimises.
    #[arg(long, value_enum, default_value_t)]
    pub objective: TreeObjective,
    /// How to print the result: table (default), json or csv.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// Runs `stratus optimize tree`.
pub fn run(args: &TreeArgs) -> anyhow::Result<()> {
    let profiles = args.input.profiles()?;
    let mut input = args.input.clone();
    // The tree is chosen here: a structure in the file would fix it.
    input.sets.retain(|s| !s.starts_with("faas.structure"));
    let scenario = input.scenario(Some(&args.scenario), &profiles)?;
    let goal = match args.objective {
        TreeObjective::Time => TreeGoal::Time,
        TreeObjective::Cost => TreeGoal::Cost,
    };
    let choice = optimize_tree(&scenario, &profiles, goal)?;
    print(args.format, &Output::Tree(&choice))
}
