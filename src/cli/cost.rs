//! `stratus cost`: price a run that happened, from the price lists.

use anyhow::Context;
use clap::{Args, Subcommand};

use super::common::load_profiles;
use super::exit::InputError;
use crate::model::faas::{chained_invocations, price_run};
use crate::report::output::CostResult;
use crate::report::{Format, Output, print};

/// Flags of `stratus cost`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  stratus cost faas --profile aws-lambda-x86 --workers 10 --memory-mb 1024 --duration-s 60\n  stratus cost iaas --instance c5.2xlarge --count 1 --duration-s 3600 --format json"
)]
pub struct CostArgs {
    #[command(subcommand)]
    pub platform: CostPlatform,
    /// How to print the result: table (default), json or csv.
    #[arg(long, value_enum, default_value_t, global = true)]
    pub format: Format,
    /// Apply a calibration file (its prices, if it changes any).
    #[arg(long, value_name = "FILE", global = true)]
    pub calibration: Option<std::path::PathBuf>,
}

/// The platform whose run to price.
#[derive(Debug, Subcommand)]
pub enum CostPlatform {
    /// Functions: N workers of Z MB, each running T seconds.
    Faas {
        /// FaaS platform profile (`stratus profiles` lists them), e.g. aws-lambda-x86.
        #[arg(long)]
        profile: String,
        /// Functions that ran side by side.
        #[arg(long)]
        workers: u32,
        /// Memory of each function, in MB.
        #[arg(long = "memory-mb")]
        memory_mb: u32,
        /// Seconds each function worked.
        #[arg(long = "duration-s")]
        duration_s: f64,
        /// Invocations in all (default: one per worker, or as many as the duration limit
        /// chains).
        #[arg(long)]
        requests: Option<f64>,
    },
    /// VMs: N instances of a type, each running T seconds.
    Iaas {
        /// Instance type (`stratus profiles` lists them), e.g. c5.2xlarge.
        #[arg(long)]
        instance: String,
        /// Instances that ran side by side.
        #[arg(long)]
        count: u32,
        /// Seconds each instance ran.
        #[arg(long = "duration-s")]
        duration_s: f64,
    },
}

/// Runs `stratus cost`.
pub fn run(args: &CostArgs) -> anyhow::Result<()> {
    let profiles = load_profiles(args.calibration.as_deref())?;
    let cost = match &args.platform {
        CostPlatform::Faas {
            profile,
            workers,
            memory_mb,
            duration_s,
            requests,
        } => {
            let profile = profiles
                .faas(profile)
                .map_err(|e| InputError(format!("--profile: {e}")))?;
            check_count("--workers", *workers)?;
            check_duration(*duration_s)?;
            profile
                .check_memory(*memory_mb)
                .map_err(|e| InputError(format!("--memory-mb: {e}")))?;
            let chained = chained_invocations(profile, *duration_s);
            if chained > 1.0 {
                eprintln!(
                    "note: {duration_s} s is past {}'s {} s limit: priced as {chained} invocations a worker, one after another, each billed on its own",
                    profile.name, profile.max_duration_s
                );
            }
            let bill = price_run(profile, *workers, *memory_mb, *duration_s, *requests);
            CostResult {
                total_usd: bill.total_usd(),
                parts: vec![
                    ("functions", bill.functions_usd),
                    ("requests", bill.requests_usd),
                ],
            }
        }
        CostPlatform::Iaas {
            instance,
            count,
            duration_s,
        } => {
            let instance = profiles
                .instance(instance)
                .map_err(|e| InputError(format!("--instance: {e}")))?;
            check_count("--count", *count)?;
            check_duration(*duration_s)?;
            let usd = instance.usd(*count, *duration_s);
            CostResult {
                total_usd: usd,
                parts: vec![("instances", usd)],
            }
        }
    };
    print(args.format, &Output::Cost(&cost)).context("writing the result")
}

fn check_count(flag: &str, count: u32) -> Result<(), InputError> {
    if count == 0 {
        Err(InputError(format!("{flag} must be at least 1 (got 0)")))
    } else {
        Ok(())
    }
}

fn check_duration(duration_s: f64) -> Result<(), InputError> {
    if duration_s >= 0.0 && duration_s.is_finite() {
        Ok(())
    } else {
        Err(InputError(format!(
            "--duration-s must be a non-negative number of seconds (got {duration_s})"
        )))
    }
}
