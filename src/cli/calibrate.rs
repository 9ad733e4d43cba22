//! `stratus calibrate`: fit the model's free parameters to measurements and write the
//! calibration file that `--calibration` applies.

use std::path::PathBuf;

use clap::Args;

use crate::calibrate::runs_fit::Knob;
use crate::calibrate::{CalibrateOptions, Inputs, calibrate};
use crate::profile::Profiles;
use crate::report::{Format, Output, print};
use crate::scenario::Scenario;

/// Flags of `stratus calibrate`.
#[derive(Debug, Args)]
#[command(
    after_help = "Inputs are recognised by content: CloudWatch REPORT lines or Telemetry API records, AWS Lambda\nPower Tuning output, SeBS CSVs, and measured-runs CSVs (which need --scenario).\n\nExamples:\n  stratus calibrate --from aws-311.report.log -o function.toml\n  stratus calibrate --from runs.csv --scenario scenarios/feng2018-case-a.toml -o case-a.toml\n  stratus estimate scenarios/feng2018-case-a.toml --calibration case-a.toml --set faas.structure=1-5-100"
)]
pub struct CalibrateArgs {
    /// Measurement files (repeatable, or several after one --from).
    #[arg(long = "from", value_name = "FILE", required = true, num_args = 1..)]
    pub from: Vec<PathBuf>,
    /// Scenario that reproduces the measured runs (needed for a measured-runs CSV).
    #[arg(long, value_name = "SCENARIO")]
    pub scenario: Option<PathBuf>,
    /// Where to write the calibration (TOML).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: PathBuf,
    /// FaaS profile a function's start-up patches (default: the scenario's, else aws-lambda-x86).
    #[arg(long)]
    pub profile: Option<String>,
    /// Model parameters the runs may move: compute, invoke, latency, bandwidth, startup (default: all).
    #[arg(long = "fit", value_name = "PARAM", value_delimiter = ',')]
    pub fit: Vec<String>,
    /// Seed of the bootstrap.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Bootstrap replicates of the duration curve.
    #[arg(long, default_value_t = 200)]
    pub bootstrap: usize,
    /// How to print the result: table (default), json or csv.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// Runs `stratus calibrate`.
pub fn run(args: &CalibrateArgs) -> anyhow::Result<()> {
    let mut inputs: Vec<&std::path::Path> = args.from.iter().map(PathBuf::as_path).collect();
    inputs.extend(args.scenario.as_deref());
    super::common::refuse_overwriting(&args.output, "-o", &inputs)?;
    let profiles = Profiles::builtin()?;
    let options = options(args, &profiles)?;
    let progress = |message: &str| eprintln!("calibrate: {message}");
    let mut inputs = Inputs::default();
    for path in &args.from {
        progress(&format!("reading {}", path.display()));
        inputs.add_file(path)?;
    }
    let calibration = calibrate(&inputs, &options, &profiles, &progress)?;
    let text = calibration.to_toml_string();
    crate::report::write_atomically(&args.output, |w| w.write_all(text.as_bytes()))?;
    print(args.format, &Output::Calibration(&calibration))?;
    progress(&format!("wrote {}", args.output.display()));
    Ok(())
}

fn options(args: &CalibrateArgs, profiles: &Profiles) -> anyhow::Result<CalibrateOptions> {
    let knobs = if args.fit.is_empty() {
        Knob::ALL.to_vec()
    } else {
        args.fit
            .iter()
            .map(|k| k.trim().parse::<Knob>())
            .collect::<Result<_, _>>()?
    };
    let scenario_profile = match &args.scenario {
        Some(path) => Scenario::from_path(path, &[], profiles)?
            .faas
            .map(|f| f.profile),
        None => None,
    };
    let profile = args
        .profile
        .clone()
        .or(scenario_profile)
        .unwrap_or_else(|| "aws-lambda-x86".into());
    profiles.faas(&profile)?;
    Ok(CalibrateOptions {
        scenario: args.scenario.clone(),
        profile,
        seed: args.seed,
        bootstrap: args.bootstrap,
        knobs,
    })
}
