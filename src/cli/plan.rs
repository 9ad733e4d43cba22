//! `stratus plan`: search both platforms with the analytic model, print the best of each and
//! the verdict.

use std::path::PathBuf;

use clap::Args;

use super::common::ScenarioInput;
use super::output::{Format, print_json};
use crate::optimize::plan::plan;
use crate::report::{csv_rows, json, text, workload};
use crate::scenario::Goal;

/// Flags of `stratus plan`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  stratus plan\n  stratus plan scenarios/cifar10-resnet50.toml --objective cost\n  stratus plan scenarios/rcv1-lr.toml --deadline-s 600 --format json\n  stratus plan --set faas.workers=auto --format csv > candidates.csv"
)]
pub struct PlanArgs {
    /// Scenario file (TOML); without one, the embedded default (LR on Higgs).
    pub scenario: Option<PathBuf>,
    #[command(flatten)]
    pub input: ScenarioInput,
    /// What to minimise (overrides the scenario's objective.minimize).
    #[arg(long, value_parser = parse_goal)]
    pub objective: Option<Goal>,
    /// Only plans that cost at most this many dollars.
    #[arg(long, value_name = "USD", value_parser = crate::cli::common::positive)]
    pub budget_usd: Option<f64>,
    /// Only plans that finish within this many seconds.
    #[arg(long, value_name = "SECONDS", value_parser = crate::cli::common::positive)]
    pub deadline_s: Option<f64>,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

fn parse_goal(text: &str) -> Result<Goal, String> {
    text.parse()
}

/// Runs `stratus plan`.
pub fn run(args: &PlanArgs) -> anyhow::Result<()> {
    let profiles = args.input.profiles()?;
    let scenario = args.input.scenario(args.scenario.as_deref(), &profiles)?;
    let mut objective = scenario.objective.clone();
    objective.goal = args.objective.unwrap_or(objective.goal);
    objective.budget_usd = args.budget_usd.or(objective.budget_usd);
    objective.deadline_s = args.deadline_s.or(objective.deadline_s);
    let plan = plan(&scenario, &profiles, &objective)?;
    match args.format {
        Format::Table => print!("{}\n{}", workload::line(&scenario), text::plan(&plan)),
        Format::Json => {
            let mut doc = json::plan(&plan);
            doc["workload"] = workload::json(&scenario);
            print_json(&doc)?
        }
        Format::Csv => csv_rows::write_candidates(std::io::stdout().lock(), &plan.candidates)?,
    }
    Ok(())
}
