//! `stratus validate`: the analytic model against the simulator, with all variance off.

use std::path::PathBuf;

use clap::Args;
use serde_json::{Value, json};

use super::common::ScenarioInput;
use super::output::{Format, print_json};
use crate::report::json::{config, number};
use crate::scenario::Scenario;
use crate::scenario::shipped::SHIPPED;
use crate::sim::runs::percentile;
use crate::validate::{ValidationRow, validate_scenario};

/// Flags of `stratus validate`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  stratus validate\n  stratus validate scenarios/higgs-lr.toml scenarios/rcv1-lr.toml --format json"
)]
pub struct ValidateArgs {
    /// Scenario files; without any, every shipped scenario.
    pub scenarios: Vec<PathBuf>,
    #[command(flatten)]
    pub input: ScenarioInput,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// Runs `stratus validate`.
pub fn run(args: &ValidateArgs) -> anyhow::Result<()> {
    let profiles = args.input.profiles()?;
    let scenarios: Vec<Scenario> = if args.scenarios.is_empty() {
        shipped(&args.input, &profiles)?
    } else {
        args.scenarios
            .iter()
            .map(|p| args.input.scenario(Some(p), &profiles))
            .collect::<Result<_, _>>()?
    };
    let mut rows = Vec::new();
    for scenario in &scenarios {
        eprintln!("validating {} …", scenario.name);
        rows.extend(
            validate_scenario(scenario, &profiles)?
                .into_iter()
                .map(|r| (scenario.workload.algorithm, r)),
        );
    }
    let errors: Vec<f64> = rows.iter().map(|(_, r)| r.rel_err()).collect();
    let (median, max) = (
        percentile(&errors, 50.0),
        errors.iter().copied().fold(0.0, f64::max),
    );
    match args.format {
        Format::Json => print_json(&document(&rows, median, max)),
        Format::Csv => print_csv(&rows),
        Format::Table => {
            print_table(&rows, median, max);
            Ok(())
        }
    }
}

fn shipped(
    input: &ScenarioInput,
    profiles: &crate::profile::Profiles,
) -> anyhow::Result<Vec<Scenario>> {
    let base = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut scenarios = Vec::new();
    for (name, text) in SHIPPED {
        match Scenario::from_text(
            text,
            &format!("scenarios/{name}"),
            &base,
            &input.sets,
            profiles,
        ) {
            Ok(s) => scenarios.push(s),
            // A scenario whose data file is not on this machine is left out, with a word.
            Err(e) if e.key.starts_with("workload.dataset") => eprintln!("skipping {name}: {e}"),
            Err(e) => return Err(e.into()),
        }
    }
    Ok(scenarios)
}

fn document(rows: &[(crate::scenario::Algorithm, ValidationRow)], median: f64, max: f64) -> Value {
    let rows: Vec<Value> = rows
        .iter()
        .map(|(algorithm, r)| {
            json!({
                "scenario": r.scenario,
                "platform": r.config.platform().name(),
                "config": config(&r.config, *algorithm),
                "analytic_s": number(r.analytic_s),
                "simulated_s": number(r.simulated_s),
                "rel_err": number(r.rel_err()),
                "analytic_usd": number(r.analytic_usd),
                "simulated_usd": number(r.simulated_usd),
            })
        })
        .collect();
    json!({ "rows": rows, "median_rel_err": number(median), "max_rel_err": number(max) })
}

fn print_csv(rows: &[(crate::scenario::Algorithm, ValidationRow)]) -> anyhow::Result<()> {
    let mut w = csv::Writer::from_writer(std::io::stdout().lock());
    w.write_record([
        "scenario",
        "platform",
        "config",
        "analytic_s",
        "simulated_s",
        "rel_err",
        "analytic_usd",
        "simulated_usd",
    ])?;
    for (_, r) in rows {
        w.write_record([
            r.scenario.clone(),
            r.config.platform().name().into(),
            r.config.describe(),
            r.analytic_s.to_string(),
            r.simulated_s.to_string(),
            r.rel_err().to_string(),
            r.analytic_usd.to_string(),
            r.simulated_usd.to_string(),
        ])?;
    }
    w.flush()?;
    Ok(())
}

fn print_table(rows: &[(crate::scenario::Algorithm, ValidationRow)], median: f64, max: f64) {
    println!(
        "{:<20} {:<46} {:>12} {:>12} {:>8}",
        "scenario", "configuration", "analytic s", "simulated s", "error"
    );
    for (_, r) in rows {
        println!(
            "{:<20} {:<46} {:>12.3} {:>12.3} {:>7.2}%",
            r.scenario,
            r.config.describe(),
            r.analytic_s,
            r.simulated_s,
            100.0 * r.rel_err()
        );
    }
    println!(
        "median error {:.2}%, largest {:.2}%",
        100.0 * median,
        100.0 * max
    );
}
