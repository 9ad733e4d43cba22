//! `stratus estimate`: the analytic model on one fixed configuration.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::common::ScenarioInput;
use crate::model::Platform;
use crate::optimize::estimate::estimate_measuring;
use crate::report::{Format, Output, print};

/// Which platform to estimate.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum PlatformArg {
    Faas,
    Iaas,
}

/// Flags of `stratus estimate`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  stratus estimate scenarios/feng2018-case-a.toml --set faas.structure=1-5-22-100\n  stratus estimate scenarios/higgs-lr.toml --set faas.workers=10 --set faas.memory_mb=1769 \\\n      --set faas.channel=s3 --set faas.pattern=allreduce --format json\n  stratus estimate scenarios/higgs-lr.toml --platform iaas --set iaas.instances=c5.4xlarge --set iaas.workers=4"
)]
pub struct EstimateArgs {
    /// Scenario file (TOML) whose lists are narrowed to one configuration.
    pub scenario: PathBuf,
    #[command(flatten)]
    pub input: ScenarioInput,
    /// Estimate the FaaS (default) or the IaaS configuration.
    #[arg(long, value_enum)]
    pub platform: Option<PlatformArg>,
    /// How to print the result: table (default), json or csv.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// Runs `stratus estimate`.
pub fn run(args: &EstimateArgs) -> anyhow::Result<()> {
    let profiles = args.input.profiles()?;
    let scenario = args.input.scenario(Some(&args.scenario), &profiles)?;
    let platform = args.platform.map(|p| match p {
        PlatformArg::Faas => Platform::Faas,
        PlatformArg::Iaas => Platform::Iaas,
    });
    let (candidate, measured) = estimate_measuring(&scenario, &profiles, platform)?;
    print(
        args.format,
        &Output::Estimate {
            scenario: &scenario,
            candidate: &candidate,
            measured: measured.as_ref(),
        },
    )
}
