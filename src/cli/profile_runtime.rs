//! `stratus profile runtime`: measure the training frameworks (PyTorch, NumPy) on this host
//! with the user's Python and write what they cost as a `[runtimes.NAME]` calibration.

use std::path::PathBuf;

use clap::Args;

use super::output::{Format, print_json};
use crate::calibrate::runtime::{self, FrameworkReport, ProbeReport, RuntimeFit};

/// Flags of `stratus profile runtime`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  stratus profile runtime\n  stratus profile runtime --python .venv/bin/python -o runtime.toml\n  stratus profile runtime --quick --format json\n  stratus plan --calibration runtime.toml"
)]
pub struct RuntimeArgs {
    /// The Python whose numpy and torch are measured.
    #[arg(long, value_name = "PATH", default_value = "python3")]
    pub python: PathBuf,
    /// A fast look (under about 20 s): fewer points, shorter timing.
    #[arg(long)]
    pub quick: bool,
    /// Where to write the calibration (TOML).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
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
    match args.format {
        Format::Table => print!("{}", table(&report, &fits)),
        Format::Json => print_json(&serde_json::to_value(&fits)?)?,
        Format::Csv => {
            let mut out = csv::Writer::from_writer(std::io::stdout().lock());
            for fit in &fits {
                out.serialize(fit)?;
            }
            out.flush()?;
        }
    }
    Ok(())
}

fn table(report: &ProbeReport, fits: &[RuntimeFit]) -> String {
    let mut out = format!(
        "Python {} on {} ({}), one thread\n",
        report.python,
        report.machine,
        report.processor.as_deref().unwrap_or("unknown processor")
    );
    let opt =
        |v: Option<f64>, unit: &str| v.map_or("—".to_string(), |v| format!("{v:.3} {unit}"));
    for f in fits {
        out.push_str(&format!(
            "{} {}: import {:.2} s, step overhead {:.1} µs + {:.2} µs a row, linear {}, network {}, parse csv {} libsvm {}, serialise {}\n",
            f.name,
            f.version,
            f.import_s,
            f.step_overhead_s * 1e6,
            f.row_overhead_s * 1e6,
            opt(f.linear_gflops_per_vcpu, "GFLOP/s"),
            opt(f.network_gflops_per_vcpu, "GFLOP/s"),
            opt(f.parse_csv_mb_s, "MB/s"),
            opt(f.parse_libsvm_mb_s, "MB/s"),
            opt(f.serialize_mb_s, "MB/s"),
        ));
    }
    if fits.is_empty() {
        out.push_str(
            "no framework found: install numpy or torch for this Python, or give --python\n",
        );
    }
    out
}
