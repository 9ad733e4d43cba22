//! `stratus profiles`: list the platforms, instance types, channels and cache nodes Stratus knows.

use clap::Args;

use super::common::load_profiles;
use crate::profile::provenance;
use crate::report::{Format, Output, print};

/// Flags of `stratus profiles`.
#[derive(Debug, Args)]
pub struct ProfilesArgs {
    /// How to print the result: table (default), json or csv.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Show the profiles with a calibration file applied.
    #[arg(long, value_name = "FILE")]
    pub calibration: Option<std::path::PathBuf>,
    /// List every number of the built-in profiles with its provenance: measured (how),
    /// published (where) or an assumption.
    #[arg(long)]
    pub sources: bool,
}

/// Runs `stratus profiles`.
pub fn run(args: &ProfilesArgs) -> anyhow::Result<()> {
    if args.sources {
        return print(args.format, &Output::Sources(&provenance::all()));
    }
    let profiles = load_profiles(args.calibration.as_deref())?;
    print(args.format, &Output::Profiles(&profiles))
}
