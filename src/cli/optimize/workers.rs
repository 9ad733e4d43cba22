//! `stratus optimize workers`: the worker count that minimises time, cost or time × cost, and
//! where communication stops the speed-up.

use std::path::PathBuf;

use clap::Args;
use serde_json::{Value, json};

use crate::cli::common::ScenarioInput;
use crate::cli::estimate::PlatformArg;
use crate::cli::output::{Format, print_json};
use crate::model::Platform;
use crate::optimize::workers::optimize_workers;
use crate::report::{csv_rows, json as report_json, text};
use crate::scenario::{Goal, Objective};
use crate::units::format_seconds;

/// Flags of `stratus optimize workers`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  stratus optimize workers scenarios/higgs-lr.toml\n  stratus optimize workers scenarios/rcv1-lr.toml --objective cost --max-workers 200 --format csv"
)]
pub struct WorkersArgs {
    pub scenario: PathBuf,
    #[command(flatten)]
    pub input: ScenarioInput,
    #[arg(long, value_parser = parse_goal)]
    pub objective: Option<Goal>,
    #[arg(long, value_name = "USD", value_parser = crate::cli::common::positive)]
    pub budget_usd: Option<f64>,
    #[arg(long, value_name = "SECONDS", value_parser = crate::cli::common::positive)]
    pub deadline_s: Option<f64>,
    /// Largest worker count to try.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_workers: u32,
    #[arg(long, value_enum)]
    pub platform: Option<PlatformArg>,
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
    let best = &choice.curve[choice.best];
    match args.format {
        Format::Json => {
            let curve: Vec<Value> = choice
                .curve
                .iter()
                .filter_map(|p| {
                    let o = p.candidate.feasible()?;
                    Some(json!({ "workers": p.workers, "time_s": o.total_s(), "cost_usd": o.total_usd(), "comm_s": o.time.comm_s }))
                })
                .collect();
            let mut doc = report_json::candidate(&best.candidate, scenario.workload.algorithm);
            doc["workers"] = json!(best.workers);
            doc["fastest_workers"] = json!(choice.fastest_workers);
            doc["curve"] = json!(curve);
            print_json(&doc)?;
        }
        Format::Csv => {
            let candidates: Vec<_> = choice.curve.iter().map(|p| p.candidate.clone()).collect();
            csv_rows::write_candidates(std::io::stdout().lock(), &candidates)?;
        }
        Format::Table => {
            print!(
                "{}",
                text::candidate(
                    &format!("Best worker count ({})", objective.goal),
                    &best.candidate
                )
            );
            let fastest = choice
                .curve
                .iter()
                .find(|p| p.workers == choice.fastest_workers);
            let time = fastest
                .and_then(|p| p.candidate.feasible())
                .map_or(f64::NAN, |o| o.total_s());
            println!(
                "Communication stops the speed-up at {} workers ({}); beyond, more workers finish later.",
                choice.fastest_workers,
                format_seconds(time)
            );
        }
    }
    Ok(())
}
