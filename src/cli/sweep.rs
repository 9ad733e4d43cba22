//! `stratus sweep`: "how does the answer change with …?" — the plan at every combination of
//! the varied keys, as a table, CSV or JSON.

use std::path::PathBuf;

use clap::Args;

use super::common::{ObjectiveArgs, ScenarioInput};
use crate::optimize::sweep::{Vary, point_count, sweep};
use crate::report::{Format, Output, print};

/// Flags of `stratus sweep`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  stratus sweep --vary workload.epochs=1,10,100\n  stratus sweep scenarios/rcv1-lr.toml --vary workload.epochs=1,10,100 --vary faas.channel=s3,redis --format csv\n  stratus sweep cifar10-resnet50 --vary workload.batch_size=256,1024 --objective cost --format json"
)]
pub struct SweepArgs {
    /// Scenario file (TOML) or shipped scenario name; without one, the embedded default.
    pub scenario: Option<PathBuf>,
    /// A scenario key and the values it takes, KEY=V1,V2,... (repeatable; every combination
    /// is planned, the first key varying slowest).
    #[arg(long = "vary", value_name = "KEY=V1,V2,...", required = true)]
    pub varies: Vec<Vary>,
    #[command(flatten)]
    pub input: ScenarioInput,
    #[command(flatten)]
    pub objective: ObjectiveArgs,
    /// How to print the result: table (default), json or csv.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// Runs `stratus sweep`.
pub fn run(args: &SweepArgs) -> anyhow::Result<()> {
    let profiles = args.input.profiles()?;
    let load = |extra: &[String]| {
        let mut input = args.input.clone();
        input.sets.extend_from_slice(extra);
        input.scenario(args.scenario.as_deref(), &profiles)
    };
    let bar = super::progress::steps_bar(point_count(&args.varies)? as u64, "sweep");
    let points = sweep(
        &args.varies,
        load,
        &profiles,
        |s| args.objective.apply(s),
        || bar.inc(1),
    )?;
    bar.finish_and_clear();
    let keys: Vec<&str> = args.varies.iter().map(|v| v.key.as_str()).collect();
    print(
        args.format,
        &Output::Sweep {
            keys: &keys,
            points: &points,
        },
    )
}
