//! `stratus reproduce`: the published-measurements corpus next to the model's predictions.

use std::path::PathBuf;

use clap::Args;

use super::common::load_profiles;
use crate::report::reproduce as render;
use crate::report::{Format, Output, print};
use crate::reproduce::{Corpus, Prediction, RowResult, holdout, summarise};

/// Flags of `stratus reproduce`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  stratus reproduce\n  stratus reproduce --format json\n  stratus reproduce --holdout\n  stratus reproduce my-corpus.csv --calibration fit.toml --format csv"
)]
pub struct ReproduceArgs {
    /// A corpus CSV (id,source,scenario,set,platform,quantity,published,quote,note); the
    /// shipped one when absent. Scenario paths resolve against its directory.
    pub corpus: Option<PathBuf>,
    /// Apply a calibration file to every prediction.
    #[arg(long, value_name = "FILE")]
    pub calibration: Option<PathBuf>,
    /// Calibrate on every other row of a source's group (same scenario, total time) and
    /// predict the rest; the summary is over the held-out rows.
    #[arg(long)]
    pub holdout: bool,
    /// How to print the result: table (default), json or csv.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// Runs `stratus reproduce`.
pub fn run(args: &ReproduceArgs) -> anyhow::Result<()> {
    let profiles = load_profiles(args.calibration.as_deref())?;
    let corpus = match &args.corpus {
        Some(path) => Corpus::from_path(path)?,
        None => Corpus::shipped()?,
    };
    let (results, roles) = if args.holdout {
        let (results, roles) = render::split(holdout::run(&corpus, &profiles)?);
        (results, Some(roles))
    } else {
        (corpus.predict(&profiles)?, None)
    };
    let summary = match &roles {
        Some(roles) => summarise(&held_out(&results, roles)),
        None => summarise(&results),
    };
    print(
        args.format,
        &Output::Reproduce {
            results: &results,
            roles: roles.as_deref(),
            summary: &summary,
        },
    )
}

/// The rows predicted with a calibration fitted on other rows.
fn held_out(results: &[RowResult], roles: &[holdout::Role]) -> Vec<RowResult> {
    results
        .iter()
        .zip(roles)
        .filter(|(r, role)| {
            **role == holdout::Role::HeldOut && matches!(r.prediction, Prediction::Value(_))
        })
        .map(|(r, _)| r.clone())
        .collect()
}
