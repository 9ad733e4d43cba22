//! `stratus optimize memory`: the memory size that minimises time, cost or time × cost, for a
//! scenario's configuration or, with `--calibration` and no scenario, for one calibrated
//! function per invocation; optionally as AWS Lambda Power Tuning output.

use std::path::{Path, PathBuf};

use clap::Args;
use serde_json::{Value, json};

use crate::calibrate::FunctionCurve;
use crate::calibrate::power_tuning::{self, TuningPoint};
use crate::cli::common::{ScenarioInput, load_profiles};
use crate::cli::exit::InputError;
use crate::cli::output::{Format, print_json};
use crate::optimize::memory::{self, MemoryChoice, MemoryPoint};
use crate::profile::{FaasProfile, Profiles};
use crate::scenario::{Goal, Objective};
use crate::units::{format_seconds, format_usd};

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
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

fn parse_goal(text: &str) -> Result<Goal, String> {
    text.parse()
}

/// What was optimised, for output.
struct Outcome {
    choice: MemoryChoice,
    profile: FaasProfile,
    /// `scenario` or `calibration`, and the file.
    source: (&'static str, String),
    details: Value,
    note: Option<String>,
    measured_mb: Vec<u32>,
}

/// Runs `stratus optimize memory`.
pub fn run(args: &MemoryArgs) -> anyhow::Result<()> {
    let outcome = match &args.scenario {
        Some(path) => for_scenario(args, path)?,
        None => for_function(args)?,
    };
    if let Some(path) = &args.power_tuning {
        write_power_tuning(path, &outcome)?;
    }
    match args.format {
        Format::Table => print!("{}", table(&outcome)),
        Format::Json => print_json(&to_json(&outcome))?,
        Format::Csv => write_csv(&outcome.choice.curve)?,
    }
    Ok(())
}

fn objective(args: &MemoryArgs, base: &Objective) -> Objective {
    Objective {
        goal: args.objective.unwrap_or(base.goal),
        budget_usd: args.budget_usd.or(base.budget_usd),
        deadline_s: args.deadline_s.or(base.deadline_s),
    }
}

fn for_scenario(args: &MemoryArgs, path: &Path) -> anyhow::Result<Outcome> {
    let profiles = args.input.profiles()?;
    let mut input = args.input.clone();
    if let Some(name) = &args.profile {
        input.sets.push(format!("faas.profile={name}"));
    }
    let scenario = input.scenario(Some(path), &profiles)?;
    let objective = objective(args, &scenario.objective);
    let found = memory::for_scenario(&scenario, &profiles, &objective)?;
    let c = &found.config;
    let details = json!({
        "config": {
            "workers": c.workers, "memory_mb": c.memory_mb, "channel": c.channel.name(),
            "pattern": c.pattern.name(), "structure": c.pattern.structure(), "sync": c.sync.to_string(),
        },
        "basis": found.basis,
    });
    Ok(Outcome {
        profile: profiles.faas(&found.profile)?.clone(),
        choice: found.choice,
        source: ("scenario", scenario.file.clone()),
        details,
        note: Some(format!("time and cost of the whole run; {}", found.basis)),
        measured_mb: Vec::new(),
    })
}

fn for_function(args: &MemoryArgs) -> anyhow::Result<Outcome> {
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
    let details = json!({"curve_fit": curve.curve, "min_memory_mb": curve.min_memory_mb, "measured": measured(&curve, &profile)});
    Ok(Outcome {
        choice,
        profile,
        source: ("calibration", file),
        details,
        note,
        measured_mb,
    })
}

fn read_table(path: &Path) -> anyhow::Result<toml::Table> {
    let file = path.display();
    let text = std::fs::read_to_string(path).map_err(|e| InputError(format!("{file}: {e}")))?;
    Ok(text
        .parse()
        .map_err(|e| InputError(format!("{file}: {e}")))?)
}

/// The measured sizes with what each invocation cost on `profile`.
fn measured(curve: &FunctionCurve, profile: &FaasProfile) -> Vec<Value> {
    curve
        .measured
        .iter()
        .map(|&(mb, s)| json!({"memory_mb": mb, "time_s": s, "cost_usd": profile.invocation_usd(mb, s, false)}))
        .collect()
}

fn point_json(p: &MemoryPoint) -> Value {
    json!({"memory_mb": p.memory_mb, "time_s": p.time_s, "cost_usd": p.cost_usd, "ratio": p.ratio})
}

fn to_json(outcome: &Outcome) -> Value {
    let c = &outcome.choice;
    let mut value = json!({
        "memory_mb": c.best.memory_mb,
        "time_s": c.best.time_s,
        "cost_usd": c.best.cost_usd,
        "ratio": c.best.ratio,
        "objective": c.goal.to_string(),
        "profile": outcome.profile.name,
        "source": outcome.source.0,
        "file": outcome.source.1,
        "per": if outcome.source.0 == "scenario" { "run" } else { "invocation" },
        "work_flops": c.work_flops,
        "continuous_optimum_mb": c.continuous_optimum_mb,
        "snapped": point_json(&c.snapped),
        "note": outcome.note,
        "infeasible": c.infeasible.as_ref().map(|(n, why)| json!({"sizes": n, "reason": why})),
        "curve": c.curve.iter().map(|p| {
            let mut point = point_json(p);
            point["extrapolated"] = outside_measured(outcome, p.memory_mb).into();
            point
        }).collect::<Vec<_>>(),
    });
    if let (Value::Object(map), Value::Object(more)) = (&mut value, &outcome.details) {
        map.extend(more.clone());
    }
    value
}

/// Whether `memory_mb` lies outside the measured sizes, where the fitted curve is extrapolated
/// (never, when nothing was measured: a scenario's model).
fn outside_measured(outcome: &Outcome, memory_mb: u32) -> bool {
    let measured = &outcome.measured_mb;
    match (measured.iter().min(), measured.iter().max()) {
        (Some(&low), Some(&high)) => memory_mb < low || memory_mb > high,
        _ => false,
    }
}

/// The sizes shown in the table and the Power Tuning output: the platform's standard ladder,
/// the measured sizes and the chosen one.
fn ladder(outcome: &Outcome) -> Vec<MemoryPoint> {
    let mut sizes = outcome.profile.search_memory_sizes();
    sizes.extend(&outcome.measured_mb);
    sizes.push(outcome.choice.best.memory_mb);
    sizes.sort_unstable();
    sizes.dedup();
    outcome
        .choice
        .curve
        .iter()
        .filter(|p| sizes.binary_search(&p.memory_mb).is_ok())
        .copied()
        .collect()
}

fn table(outcome: &Outcome) -> String {
    let c = &outcome.choice;
    let per = if outcome.source.0 == "scenario" {
        "run"
    } else {
        "invocation"
    };
    let mut out = format!(
        "Best memory by {}: {} MB on {} — {} and {} per {per}\n",
        c.goal,
        c.best.memory_mb,
        outcome.profile.name,
        format_seconds(c.best.time_s),
        format_usd(c.best.cost_usd)
    );
    out += &format!(
        "  searched {} sizes; Brent's continuous optimum {:.0} MB snaps to {} MB\n",
        c.curve.len(),
        c.continuous_optimum_mb,
        c.snapped.memory_mb
    );
    if let Some(note) = &outcome.note {
        out += &format!("  {note}\n");
    }
    out += &format!(
        "\n{:>10}  {:>12}  {:>12}  {:>12}\n",
        "memory_mb", "time", "cost", "ratio"
    );
    for p in ladder(outcome) {
        let best = if p.memory_mb == c.best.memory_mb {
            "  ← best"
        } else {
            ""
        };
        let outside = if outside_measured(outcome, p.memory_mb) {
            "  (extrapolated)"
        } else {
            ""
        };
        let mark = format!("{best}{outside}");
        out += &format!(
            "{:>10}  {:>12}  {:>12}  {:>12.4e}{mark}\n",
            p.memory_mb,
            format_seconds(p.time_s),
            format_usd(p.cost_usd),
            p.ratio
        );
    }
    out
}

fn write_csv(curve: &[MemoryPoint]) -> anyhow::Result<()> {
    let mut out = csv::Writer::from_writer(std::io::stdout().lock());
    out.write_record(["memory_mb", "time_s", "cost_usd", "ratio"])?;
    for p in curve {
        out.write_record([
            p.memory_mb.to_string(),
            p.time_s.to_string(),
            p.cost_usd.to_string(),
            p.ratio.to_string(),
        ])?;
    }
    out.flush()?;
    Ok(())
}

fn write_power_tuning(path: &Path, outcome: &Outcome) -> anyhow::Result<()> {
    let tuning = |p: &MemoryPoint| TuningPoint {
        memory_mb: p.memory_mb,
        duration_ms: p.time_s * 1e3,
        cost_usd: p.cost_usd,
    };
    let points: Vec<TuningPoint> = ladder(outcome).iter().map(tuning).collect();
    let doc = power_tuning::output(&points, &tuning(&outcome.choice.best));
    crate::report::write_atomically(path, |w| {
        serde_json::to_writer_pretty(&mut *w, &doc)?;
        writeln!(w)
    })?;
    eprintln!("wrote Power Tuning output to {}", path.display());
    Ok(())
}
