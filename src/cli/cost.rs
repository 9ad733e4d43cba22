//! `stratus cost`: price a run that happened, from the price lists.

use anyhow::Context;
use clap::{Args, Subcommand};

use super::common::load_profiles;
use super::exit::InputError;
use crate::model::faas::price_run;
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
        #[arg(long)]
        profile: String,
        #[arg(long)]
        workers: u32,
        #[arg(long = "memory-mb")]
        memory_mb: u32,
        #[arg(long = "duration-s")]
        duration_s: f64,
        /// Invocations in all (default: one per worker).
        #[arg(long)]
        requests: Option<f64>,
    },
    /// VMs: N instances of a type, each running T seconds.
    Iaas {
        #[arg(long)]
        instance: String,
        #[arg(long)]
        count: u32,
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
            let bill = price_run(
                profile,
                *workers,
                *memory_mb,
                *duration_s,
                requests.unwrap_or(f64::from(*workers)),
            );
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
