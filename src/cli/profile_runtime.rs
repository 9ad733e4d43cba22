//! `stratus profile runtime`: measure the training frameworks (PyTorch, NumPy) on this host
//! with the user's Python and write what they cost as a `[runtimes.NAME]` calibration.

use std::path::PathBuf;

use clap::Args;

use crate::calibrate::runtime::{self, FrameworkReport};
use crate::report::{Format, Output, print};

/// Flags of `stratus profile runtime`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  stratus profile runtime\n  stratus profile runtime --python .venv/bin/python -o runtime.toml\n  stratus profile runtime --quick --format json\n  stratus plan --calibration runtime.toml"
)]
pub struct RuntimeArgs {
    /// The Python whose numpy and torch are measured.
    #[arg(long, value_name = "PATH", default_value = "python3")]
    pub python: PathBuf,
    /// A fast look (under about 30 s): fewer points, shorter timing.
    #[arg(long)]
    pub quick: bool,
    /// Where to write the calibration (TOML).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// How to print the result: table (default), json or csv.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// Runs `stratus profile runtime`.
pub fn run(args: &RuntimeArgs) -> anyhow::Result<()> {
    eprintln!(
        "profile: timing LambdaML's training loop, parsing and serialisation on one thread with {}",
        args.python.display()
    );
    let quick: &[&str] = if args.quick { &["--quick"] } else { &[] };
    let report = runtime::run_probe(&args.python, quick)?;
    for (name, framework) in &report.frameworks {
        if let FrameworkReport::Absent { absent } = framework {
            eprintln!(
                "profile: {name} is absent ({absent}); its runtime keeps the built-in figures"
            );
        }
    }
    let fits = runtime::fit(&report);
    if let Some(path) = &args.output {
        let header = format!(
            "`stratus profile runtime`: Python {} on {} ({}), one thread",
            report.python,
            report.machine,
            report.processor.as_deref().unwrap_or("unknown processor")
        );
        super::profile_cmd::write_calibration(path, &header, &runtime::patch(&fits))?;
        eprintln!("profile: wrote {}", path.display());
    }
    print(
        args.format,
        &Output::Runtime {
            report: &report,
            fits: &fits,
        },
    )
}
