//! `stratus optimize memory`: the memory size that minimises time, cost or time × cost, for a
//! scenario's configuration or, with `--calibration` and no scenario, for one calibrated
//! function per invocation; optionally as AWS Lambda Power Tuning output.

use std::path::{Path, PathBuf};

use clap::Args;

use crate::calibrate::FunctionCurve;
use crate::cli::common::{ScenarioInput, load_profiles};
use crate::cli::exit::InputError;
use crate::optimize::memory;
use crate::profile::Profiles;
use crate::report::output::{MemoryResult, MemorySubject};
use crate::report::{Format, Output, print};
use crate::scenario::{Goal, Objective};

/// Flags of `stratus optimize memory`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  stratus optimize memory scenarios/higgs-lr.toml --objective cost\n  stratus optimize memory scenarios/feng2018-case-a.toml --deadline-s 900 --format json\n  stratus calibrate --from aws-311.report.log -o f.toml\n  stratus optimize memory --calibration f.toml --profile aws-lambda-x86 --objective balanced \\\n      --power-tuning power-tuning.json"
)]
pub struct MemoryArgs {
    /// Scenario file; without one, the function that --calibration describes.
    pub scenario: Option<PathBuf>,
    #[command(flatten)]
    pub input: ScenarioInput,
    /// FaaS profile whose sizes and prices to use (default: the scenario's or the calibration's).
    #[arg(long)]
    pub profile: Option<String>,
    /// What to minimise: time, cost or balanced (time × cost).
    #[arg(long, value_parser = parse_goal)]
    pub objective: Option<Goal>,
    /// Only sizes that finish within this many seconds.
    #[arg(long, value_name = "SECONDS", value_parser = crate::cli::common::positive)]
    pub deadline_s: Option<f64>,
    /// Only sizes that cost at most this many dollars.
    #[arg(long, value_name = "USD", value_parser = crate::cli::common::positive)]
    pub budget_usd: Option<f64>,
    /// Also write the result as AWS Lambda Power Tuning output JSON.
    #[arg(long, value_name = "FILE")]
    pub power_tuning: Option<PathBuf>,
    /// How to print the result: table (default), json or csv.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

fn parse_goal(text: &str) -> Result<Goal, String> {
    text.parse()
}

/// Runs `stratus optimize memory`.
pub fn run(args: &MemoryArgs) -> anyhow::Result<()> {
    let result = match &args.scenario {
        Some(path) => for_scenario(args, path)?,
        None => for_function(args)?,
    };
    if let Some(path) = &args.power_tuning {
        write_power_tuning(path, &result)?;
    }
    print(args.format, &Output::Memory(&result))
}

fn objective(args: &MemoryArgs, base: &Objective) -> Objective {
    Objective {
        goal: args.objective.unwrap_or(base.goal),
        budget_usd: args.budget_usd.or(base.budget_usd),
        deadline_s: args.deadline_s.or(base.deadline_s),
    }
}

fn for_scenario(args: &MemoryArgs, path: &Path) -> anyhow::Result<MemoryResult> {
    let profiles = args.input.profiles()?;
    let mut input = args.input.clone();
    if let Some(name) = &args.profile {
        input.sets.push(format!("faas.profile={name}"));
    }
    let scenario = input.scenario(Some(path), &profiles)?;
    let objective = objective(args, &scenario.objective);
    let found = memory::for_scenario(&scenario, &profiles, &objective)?;
    Ok(MemoryResult {
        profile: profiles.faas(&found.profile)?.clone(),
        choice: found.choice,
        file: scenario.file.clone(),
        note: Some(format!("time and cost of the whole run; {}", found.basis)),
        subject: MemorySubject::Scenario {
            config: found.config,
            basis: found.basis,
        },
    })
}

fn for_function(args: &MemoryArgs) -> anyhow::Result<MemoryResult> {
    let path = args.input.calibration.as_deref().ok_or_else(|| {
        InputError(
            "optimize memory needs a SCENARIO, or --calibration FILE describing one function"
                .into(),
        )
    })?;
    if !args.input.sets.is_empty() {
        return Err(InputError("--set needs a SCENARIO to set keys of".into()).into());
    }
    let profiles: Profiles = load_profiles(Some(path))?;
    let file = path.display().to_string();
    let curve = FunctionCurve::from_calibration(&read_table(path)?, &file)?;
    let name = args
        .profile
        .clone()
        .or(curve.profile.clone())
        .unwrap_or_else(|| "aws-lambda-x86".into());
    let profile = profiles.faas(&name)?.clone();
    let base = Objective {
        goal: Goal::Cost,
        budget_usd: None,
        deadline_s: None,
    };
    let choice = memory::for_function(
        |z| curve.curve.time_s(z),
        curve.min_memory_mb,
        &profile,
        &objective(args, &base),
    )?;
    let measured_mb: Vec<u32> = curve.measured.iter().map(|m| m.0).collect();
    let note = memory::extrapolation_note(&measured_mb, curve.min_memory_mb, choice.best.memory_mb);
    Ok(MemoryResult {
        choice,
        profile,
        file,
        subject: MemorySubject::Function(curve),
        note,
    })
}

fn read_table(path: &Path) -> anyhow::Result<toml::Table> {
    let file = path.display();
    let text = std::fs::read_to_string(path).map_err(|e| InputError(format!("{file}: {e}")))?;
    Ok(text
        .parse()
        .map_err(|e| InputError(format!("{file}: {e}")))?)
}

/// Writes the result as AWS Lambda Power Tuning output to `path`.
fn write_power_tuning(path: &Path, result: &MemoryResult) -> anyhow::Result<()> {
    let doc = crate::report::json::power_tuning(result);
    crate::report::write_atomically(path, |w| {
        serde_json::to_writer_pretty(&mut *w, &doc)?;
        writeln!(w)
    })?;
    eprintln!("wrote Power Tuning output to {}", path.display());
    Ok(())
}
