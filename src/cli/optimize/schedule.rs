//! `stratus optimize schedule`: functions and memory per epoch under a budget (Siren).

use std::path::PathBuf;

use clap::Args;

use crate::cli::common::ScenarioInput;
use crate::cli::exit::InputError;
use crate::optimize::schedule::{SchedulePlan, plan_schedule};
use crate::report::output::SimulatedSchedule;
use crate::report::{Format, Output, print};
use crate::sim::{SimOutcome, simulate_schedule};

/// Flags of `stratus optimize schedule`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  stratus optimize schedule scenarios/siren-toy-lr.toml\n  stratus optimize schedule scenarios/siren-toy-lr.toml --budget-usd 0.015 --format json\n  stratus optimize schedule scenarios/siren-toy-lr.toml --simulate"
)]
pub struct ScheduleArgs {
    /// Scenario: a TOML file or a shipped scenario's name (e.g. higgs-lr).
    pub scenario: PathBuf,
    #[command(flatten)]
    pub input: ScenarioInput,
    /// Total budget (default: the scenario's, else the cheapest fixed plan's cost).
    #[arg(long, value_name = "USD", value_parser = crate::cli::common::positive)]
    pub budget_usd: Option<f64>,
    /// Also run the schedule and the best fixed plan in the simulator, epoch by epoch.
    #[arg(long)]
    pub simulate: bool,
    /// How to print the result: table (default), json or csv.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// Runs `stratus optimize schedule`.
pub fn run(args: &ScheduleArgs) -> anyhow::Result<()> {
    let profiles = args.input.profiles()?;
    let scenario = args.input.scenario(Some(&args.scenario), &profiles)?;
    let plan = plan_schedule(
        &scenario,
        &profiles,
        args.budget_usd.or(scenario.objective.budget_usd),
    )?;
    if args.simulate && args.format == Format::Csv {
        return Err(InputError("--simulate prints with --format table or json".into()).into());
    }
    let simulated = if args.simulate {
        Some(simulate_both(&scenario, &profiles, &plan)?)
    } else {
        None
    };
    print(
        args.format,
        &Output::Schedule {
            plan: &plan,
            simulated: simulated.as_ref(),
        },
    )
}

/// The schedule and the best fixed plan, each simulated one generation per epoch.
fn simulate_both(
    scenario: &crate::scenario::Scenario,
    profiles: &crate::profile::Profiles,
    plan: &SchedulePlan,
) -> anyhow::Result<SimulatedSchedule> {
    let epochs: Vec<_> = plan
        .schedule
        .epochs
        .iter()
        .map(|&c| plan.configs[c].clone())
        .collect();
    let (b, count) = plan.baseline;
    let fixed = vec![plan.configs[b].clone(); count];
    let run = |epochs: &[crate::model::FaasConfig]| -> anyhow::Result<Option<SimOutcome>> {
        if epochs.is_empty() {
            return Ok(None);
        }
        Ok(Some(simulate_schedule(
            scenario,
            profiles,
            epochs,
            scenario.seed,
        )?))
    };
    Ok(SimulatedSchedule {
        schedule: run(&epochs)?,
        baseline: run(&fixed)?,
    })
}
