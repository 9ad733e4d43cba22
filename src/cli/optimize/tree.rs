//! `stratus optimize tree`: the layered aggregation tree by dynamic programming (Feng et al.).

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use serde_json::json;

use crate::cli::common::ScenarioInput;
use crate::cli::output::{Format, print_json};
use crate::optimize::tree::{TreeGoal, optimize_tree};
use crate::units::{format_seconds, format_usd};

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
    pub scenario: PathBuf,
    #[command(flatten)]
    pub input: ScenarioInput,
    #[arg(long, value_enum, default_value_t)]
    pub objective: TreeObjective,
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
    let layers: Vec<String> = choice.structure.iter().map(u32::to_string).collect();
    match args.format {
        Format::Json => print_json(&json!({
            "workers": choice.workers,
            "structure": choice.structure,
            "iteration_s": choice.iteration_s,
            "iteration_usd": choice.iteration_usd,
            "memory_mb": choice.memory_mb,
            "channel": choice.channel.name(),
        }))?,
        Format::Csv => {
            println!("workers,structure,iteration_s,iteration_usd");
            println!(
                "{},{},{},{}",
                choice.workers,
                layers.join("-"),
                choice.iteration_s,
                choice.iteration_usd
            );
        }
        Format::Table => println!(
            "Tree for {} workers of {} MB on {}: {} — {} and {} an iteration",
            choice.workers,
            choice.memory_mb,
            choice.channel,
            layers.join("-"),
            format_seconds(choice.iteration_s),
            format_usd(choice.iteration_usd)
        ),
    }
    Ok(())
}
