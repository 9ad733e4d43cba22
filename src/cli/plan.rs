//! `stratus plan`: search both platforms with the analytic model, print the best of each and
//! the verdict.

use std::path::PathBuf;

use clap::Args;

use super::common::{ObjectiveArgs, ScenarioInput};
use crate::optimize::plan::{PlanError, plan};
use crate::report::{Format, Output, print};

/// Flags of `stratus plan`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  stratus plan\n  stratus plan scenarios/cifar10-resnet50.toml --objective cost\n  stratus plan scenarios/rcv1-lr.toml --deadline-s 600 --format json\n  stratus plan --set faas.workers=auto --format csv > candidates.csv"
)]
pub struct PlanArgs {
    /// Scenario file (TOML); without one, the embedded default (LR on Higgs).
    pub scenario: Option<PathBuf>,
    #[command(flatten)]
    pub input: ScenarioInput,
    #[command(flatten)]
    pub objective: ObjectiveArgs,
    /// How to print the result: table (default), json or csv.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// Runs `stratus plan`.
pub fn run(args: &PlanArgs) -> anyhow::Result<()> {
    let profiles = args.input.profiles()?;
    let scenario = args.input.scenario(args.scenario.as_deref(), &profiles)?;
    let objective = args.objective.apply(&scenario);
    let plan = match plan(&scenario, &profiles, &objective) {
        Err(PlanError::NothingQualifies(reason)) => {
            let output = Output::NoPlan {
                scenario: &scenario,
                objective: &objective,
                reason: &reason,
            };
            print(args.format, &output)?;
            return Err(PlanError::NothingQualifies(reason).into());
        }
        other => other?,
    };
    print(
        args.format,
        &Output::Plan {
            scenario: &scenario,
            plan: &plan,
        },
    )
}
