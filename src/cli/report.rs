//! `stratus report`: the pictures people decide with — every figure as SVG and PNG, a
//! self-contained `index.html` and `summary.csv` / `summary.json` — written atomically into DIR.

use std::path::PathBuf;

use clap::Args;

use super::common::{ObjectiveArgs, ScenarioInput, calibration_table, scenario_text};
use super::exit::InputError;
use crate::report::bundle::{ReportInput, build};
use crate::report::site::{SiteError, write};
use crate::report::{Format, Output, print};

/// Flags of `stratus report`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  stratus report scenarios/higgs-lr.toml --out reports/higgs-lr\n  stratus report rcv1-lr --out /tmp/rcv1 --no-sim\n  stratus report scenarios/feng2018-case-a.toml --calibration feng.toml --out reports/feng\n  stratus report scenarios/a9a-lr.toml --runs 8 --out /tmp/a9a   # p5-p95 bands on the loss curves"
)]
pub struct ReportArgs {
    /// Scenario file (TOML) or shipped scenario name; without one, the embedded default.
    pub scenario: Option<PathBuf>,
    /// Directory to write (replaced whole, only once every file is written).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    #[command(flatten)]
    pub input: ScenarioInput,
    #[command(flatten)]
    pub objective: ObjectiveArgs,
    /// Seeded simulator runs per loss curve (more than one draws p5–p95 bands).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    pub runs: u32,
    /// Skip the simulator (no loss curves).
    #[arg(long)]
    pub no_sim: bool,
    /// What to print once written: the files (table), the summary (json) or the candidates (csv).
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// Runs `stratus report`.
pub fn run(args: &ReportArgs) -> anyhow::Result<()> {
    let profiles = args.input.profiles()?;
    let scenario = args.input.scenario(args.scenario.as_deref(), &profiles)?;
    let input = ReportInput {
        scenario: &scenario,
        scenario_text: scenario_text(args.scenario.as_deref()),
        sets: args.input.sets.clone(),
        profiles: &profiles,
        calibration: calibration_table(&args.input)?,
        objective: args.objective.apply(&scenario),
        runs: if args.no_sim { 0 } else { args.runs },
    };
    let bar = super::progress::steps_bar(8, "report");
    let report = build(&input, &|step: &str| {
        bar.set_message(step.to_string());
        bar.inc(1);
    })?;
    bar.finish_and_clear();
    let files = write(&input, &report, &args.out).map_err(|e| match e {
        SiteError::Io { .. } => anyhow::Error::new(InputError(e.to_string())),
        SiteError::Draw { .. } => anyhow::Error::new(e),
    })?;
    print(
        args.format,
        &Output::Report {
            input: &input,
            report: &report,
            dir: &args.out,
            files: &files,
        },
    )
}
