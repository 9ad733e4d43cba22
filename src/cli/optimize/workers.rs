//! `stratus optimize workers`: the worker count that minimises time, cost or time × cost, and
//! where communication stops the speed-up.

use std::path::PathBuf;

use clap::Args;

use crate::cli::common::ScenarioInput;
use crate::cli::estimate::PlatformArg;
use crate::model::Platform;
use crate::optimize::workers::optimize_workers;
use crate::report::{Format, Output, print};
use crate::scenario::{Goal, Objective};

/// Flags of `stratus optimize workers`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  stratus optimize workers scenarios/higgs-lr.toml\n  stratus optimize workers scenarios/rcv1-lr.toml --objective cost --max-workers 200 --format csv"
)]
pub struct WorkersArgs {
    /// Scenario: a TOML file or a shipped scenario's name (e.g. higgs-lr).
    pub scenario: PathBuf,
    #[command(flatten)]
    pub input: ScenarioInput,
    /// What to minimise: time, cost or balanced (time × cost); default the scenario's.
    #[arg(long, value_parser = parse_goal)]
    pub objective: Option<Goal>,
    /// Only worker counts that cost at most this many dollars.
    #[arg(long, value_name = "USD", value_parser = crate::cli::common::positive)]
    pub budget_usd: Option<f64>,
    /// Only worker counts that finish within this many seconds.
    #[arg(long, value_name = "SECONDS", value_parser = crate::cli::common::positive)]
    pub deadline_s: Option<f64>,
    /// Sweep 1 to this many workers [default: the range the scenario lists (the counts `plan`
    /// searches), or 1 to 1000 where it names one count].
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_workers: Option<u32>,
    /// Only this platform (default: both).
    #[arg(long, value_enum)]
    pub platform: Option<PlatformArg>,
    /// How to print the result: table (default), json or csv.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

pub(super) fn parse_goal(text: &str) -> Result<Goal, String> {
    text.parse()
}

/// Runs `stratus optimize workers`.
pub fn run(args: &WorkersArgs) -> anyhow::Result<()> {
    let profiles = args.input.profiles()?;
    let scenario = args.input.scenario(Some(&args.scenario), &profiles)?;
    let objective = Objective {
        goal: args.objective.unwrap_or(scenario.objective.goal),
        budget_usd: args.budget_usd.or(scenario.objective.budget_usd),
        deadline_s: args.deadline_s.or(scenario.objective.deadline_s),
    };
    let platform = match args.platform {
        Some(PlatformArg::Iaas) => Platform::Iaas,
        _ if scenario.faas.is_none() => Platform::Iaas,
        _ => Platform::Faas,
    };
    let choice = optimize_workers(&scenario, &profiles, &objective, platform, args.max_workers)?;
    print(
        args.format,
        &Output::Workers {
            choice: &choice,
            goal: objective.goal,
        },
    )
}
