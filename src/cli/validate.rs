//! `stratus validate`: the analytic model against the simulator, with all variance off.

use std::path::PathBuf;

use clap::Args;

use super::common::ScenarioInput;
use crate::report::{Format, Output, print};
use crate::scenario::Scenario;
use crate::scenario::shipped::SHIPPED;
use crate::validate::validate_scenario;

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
    /// How to print the result: table (default), json or csv.
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
        rows.extend(validate_scenario(scenario, &profiles)?);
    }
    print(args.format, &Output::Validation { rows: &rows })
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
