//! `stratus profile runtime`: measure the training frameworks (PyTorch, NumPy) on this host
//! with the user's Python and write what they cost as a `[runtimes.NAME]` calibration.

use std::path::PathBuf;

use clap::Args;

use crate::calibrate::runtime::{self, FrameworkReport};
use crate::report::{Format, Output, print};

/// Flags of `stratus profile runtime`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  stratus profile runtime\n  stratus profile runtime --python .venv/bin/python -o runtime.toml\n  stratus profile runtime --quick --format json\n  stratus profile runtime --install -o runtime.toml\n  stratus plan --calibration runtime.toml"
)]
pub struct RuntimeArgs {
    /// The Python whose numpy and torch are measured.
    #[arg(long, value_name = "PATH", default_value = "python3")]
    pub python: PathBuf,
    /// A fast look (under about 30 s): fewer points, shorter timing.
    #[arg(long)]
    pub quick: bool,
    /// Also time a fresh VM's set-up of each framework: a new virtual environment and `pip
    /// install` of the versions found, from the package registry, no cache (downloads; about a
    /// minute for PyTorch). The IaaS start-up adds it.
    #[arg(long)]
    pub install: bool,
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
    let flags: Vec<&str> = [(args.quick, "--quick"), (args.install, "--install")]
        .into_iter()
        .filter_map(|(on, flag)| on.then_some(flag))
        .collect();
    let report = runtime::run_probe(&args.python, &flags)?;
    for (name, framework) in &report.frameworks {
        match framework {
            FrameworkReport::Absent { absent } => eprintln!(
                "profile: {name} is absent ({absent}); its runtime keeps the built-in figures"
            ),
            FrameworkReport::Present(m) => {
                if let Some(runtime::Install::Absent { absent }) = &m.install {
                    eprintln!(
                        "profile: {name}'s install was not timed ({absent}); its runtime keeps the built-in install_s"
                    );
                }
            }
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
