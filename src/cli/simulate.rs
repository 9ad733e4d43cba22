//! `stratus simulate`: the discrete-event simulator on one configuration, with the real kernels.

use std::path::PathBuf;
use std::sync::Arc;

use clap::Args;

use super::common::ScenarioInput;
use super::estimate::PlatformArg;
use super::exit::Interrupted;
use crate::model::Platform;
use crate::optimize::choose::choose_config;
use crate::report::{Format, Output, csv_rows, print, write_atomically};
use crate::sim::Watch;
use crate::sim::runs::simulate_runs;

/// Flags of `stratus simulate`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  stratus simulate scenarios/higgs-lr.toml\n  stratus simulate scenarios/a9a-lr.toml --runs 8 --set simulation.straggler_cv=0.3 --format json\n  stratus simulate scenarios/rcv1-lr.toml --platform iaas --trace trace.csv\n\nA bar shows the simulated rounds and an ETA. Ctrl-C ends the runs after the round in flight and still prints the result and writes --trace for the rounds simulated (exit 130); a second Ctrl-C quits at once."
)]
pub struct SimulateArgs {
    /// Scenario file (TOML). Its single configuration, or its best plan, is simulated.
    pub scenario: PathBuf,
    #[command(flatten)]
    pub input: ScenarioInput,
    /// Seed of the first run (default: the scenario's).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Seeded runs (in parallel); prints their 50th and 95th percentiles.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    pub runs: u32,
    /// Write one row per round of the first run to this CSV file.
    #[arg(long, value_name = "FILE")]
    pub trace: Option<PathBuf>,
    /// Simulate the FaaS (default) or the IaaS configuration.
    #[arg(long, value_enum)]
    pub platform: Option<PlatformArg>,
    /// How to print the result: table (default), json or csv.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// Runs `stratus simulate`.
pub fn run(args: &SimulateArgs) -> anyhow::Result<()> {
    let profiles = args.input.profiles()?;
    let scenario = args.input.scenario(Some(&args.scenario), &profiles)?;
    let platform = match args.platform {
        Some(PlatformArg::Iaas) => Platform::Iaas,
        Some(PlatformArg::Faas) => Platform::Faas,
        None if scenario.faas.is_none() => Platform::Iaas,
        None => Platform::Faas,
    };
    let (scenario, config) = choose_config(&scenario, &profiles, platform)?;
    let watch = Arc::new(Watch::default());
    super::progress::stop_on_ctrl_c(&watch);
    let runs = super::progress::while_simulating(&watch, args.runs, || {
        simulate_runs(
            &scenario,
            &profiles,
            &config,
            (args.seed.unwrap_or(scenario.seed), args.runs),
            &watch,
        )
    })?;
    if let Some(path) = &args.trace {
        write_atomically(path, |w| {
            csv_rows::write_trace(w, &runs[0].trace).map_err(std::io::Error::other)
        })?;
    }
    print(args.format, &Output::Simulation { runs: &runs })?;
    if watch.stopping() {
        return Err(Interrupted(format!(
            "interrupted: the first run stopped after {} rounds; the results{} cover the rounds simulated",
            runs[0].rounds,
            if args.trace.is_some() { " and the trace" } else { "" }
        ))
        .into());
    }
    Ok(())
}
