//! `stratus calibrate`: fit the model's free parameters to measurements and write the
//! calibration file that `--calibration` applies.

use std::path::PathBuf;

use clap::Args;

use super::output::{Format, print_json};
use crate::calibrate::runs_fit::Knob;
use crate::calibrate::stats::FittedParam;
use crate::calibrate::{CalibrateOptions, Calibration, Inputs, calibrate};
use crate::profile::Profiles;
use crate::scenario::Scenario;
use crate::units::format_seconds;

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
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// Runs `stratus calibrate`.
pub fn run(args: &CalibrateArgs) -> anyhow::Result<()> {
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
    match args.format {
        Format::Table => print!("{}", summary(&calibration)),
        Format::Json => print_json(&serde_json::to_value(calibration.to_toml())?)?,
        Format::Csv => write_params_csv(&calibration)?,
    }
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

fn all_params(calibration: &Calibration) -> Vec<FittedParam> {
    let mut params = Vec::new();
    if let Some(f) = &calibration.function {
        params.extend(f.params());
    }
    if let Some(r) = &calibration.runs {
        params.extend(r.params.iter().cloned());
    }
    params
}

fn summary(calibration: &Calibration) -> String {
    let mut out = String::new();
    for s in &calibration.sources {
        out += &format!(
            "{}: {} ({} used, {} other lines skipped)\n",
            s.file,
            s.kind.label(),
            s.used,
            s.skipped
        );
    }
    out += &params_table(&all_params(calibration));
    if let Some(f) = &calibration.function {
        out += &format!(
            "\nduration curve: rms relative error {:.1}%\n",
            f.curve.rms_rel_err * 100.0
        );
        for r in &f.curve.residuals {
            let (measured, fitted) = (format_seconds(r.observed_s), format_seconds(r.predicted_s));
            out += &format!(
                "  {:>6} MB  measured {measured:>10}  fitted {fitted:>10}  {:+.1}%\n",
                r.memory_mb,
                r.rel_err * 100.0
            );
        }
    }
    if let Some(r) = &calibration.runs {
        out += &format!(
            "\nmeasured runs: rms relative error {:.1}%\n",
            r.rms_rel_err * 100.0
        );
        for row in &r.residuals {
            let [measured, profile, fitted] =
                [row.observed_s, row.profile_s, row.predicted_s].map(format_seconds);
            out += &format!(
                "  {:<40}  measured {measured:>10}  profile {profile:>10}  fitted {fitted:>10}  {:+.1}%\n",
                row.run,
                row.rel_err * 100.0
            );
        }
    }
    out
}

fn params_table(params: &[FittedParam]) -> String {
    let mut out = format!(
        "\n{:<52} {:>12}  {:>27}  pinned down\n",
        "parameter", "value", "95% interval"
    );
    for p in params {
        let interval = match (p.fitted, p.ci_low.is_finite() && p.ci_high.is_finite()) {
            (true, true) => format!("[{:.4}, {:.4}]", p.ci_low, p.ci_high),
            (true, false) => "unbounded".into(),
            (false, _) => "fixed".into(),
        };
        let pinned = if p.pinned_down { "yes" } else { "no" };
        out += &format!(
            "{:<52} {:>12.5}  {interval:>27}  {pinned}  {}\n",
            p.name, p.value, p.note
        );
    }
    out
}

fn write_params_csv(calibration: &Calibration) -> anyhow::Result<()> {
    let mut out = csv::Writer::from_writer(std::io::stdout().lock());
    out.write_record([
        "name",
        "value",
        "ci_low",
        "ci_high",
        "fitted",
        "pinned_down",
        "note",
    ])?;
    for p in all_params(calibration) {
        out.write_record([
            p.name.clone(),
            p.value.to_string(),
            p.ci_low.to_string(),
            p.ci_high.to_string(),
            p.fitted.to_string(),
            p.pinned_down.to_string(),
            p.note.clone(),
        ])?;
    }
    out.flush()?;
    Ok(())
}
