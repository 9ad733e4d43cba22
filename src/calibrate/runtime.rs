//! # Training runtimes measured on this host
//!
//! `stratus profile runtime` runs `runtime_probe.py` (embedded) with the Python the user names,
//! which times LambdaML's own training loop in PyTorch and a NumPy port on one thread, and fits
//! what the model needs of each framework: `step = overhead + FLOPs / rate` by least squares
//! weighted to relative error (every point counts alike, small batches as much as large ones),
//! each network's speed against the probe's own network at its counted arithmetic intensity,
//! the DataLoader's cost per row as the slope of batch time against rows, text parsing and
//! (de)serialisation throughput and, when asked, the time a fresh machine takes to install the
//! framework. The result is a `[runtimes.NAME]` calibration overlay.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use serde::Deserialize;

/// The probe script, run by the user's Python.
pub const PROBE: &str = include_str!("runtime_probe.py");

/// What the probe prints.
#[derive(Debug, Clone, Deserialize)]
pub struct ProbeReport {
    pub python: String,
    pub machine: String,
    pub processor: Option<String>,
    pub frameworks: std::collections::BTreeMap<String, FrameworkReport>,
}

/// One framework's measurements, or why it is absent.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum FrameworkReport {
    Absent { absent: String },
    Present(Measurements),
}

/// A framework's raw timings.
#[derive(Debug, Clone, Deserialize)]
pub struct Measurements {
    pub version: String,
    pub import_s: f64,
    #[serde(default)]
    pub steps: Vec<Step>,
    #[serde(default)]
    pub parse: Vec<Parse>,
    #[serde(default)]
    pub serialize: Vec<Serialize>,
    #[serde(default)]
    pub loader: Vec<Step>,
    /// Setting the framework up on a fresh machine (`--install` only).
    #[serde(default)]
    pub install: Option<Install>,
}

/// A fresh virtual environment and `pip install` of the framework, or why it was not timed
/// (the probe also reports the bytes installed and the requirements, for its log alone).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Install {
    Absent { absent: String },
    Timed { seconds: f64 },
}

/// One timed training step (or one DataLoader batch).
#[derive(Debug, Clone, Deserialize)]
pub struct Step {
    pub model: String,
    pub batch: f64,
    pub flops: f64,
    pub seconds: f64,
    /// A network's arithmetic intensity, counted by the probe from its layers.
    #[serde(default)]
    pub flops_per_byte: Option<f64>,
}

/// Text of one format parsed.
#[derive(Debug, Clone, Deserialize)]
pub struct Parse {
    pub format: String,
    pub bytes: f64,
    pub seconds: f64,
}

/// A model serialised and deserialised.
#[derive(Debug, Clone, Deserialize)]
pub struct Serialize {
    pub bytes: f64,
    pub seconds: f64,
}

/// What a framework costs, fitted from its measurements.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RuntimeFit {
    pub name: String,
    pub version: String,
    pub import_s: f64,
    /// Seconds to install the framework on a fresh machine, where it was timed.
    pub install_s: Option<f64>,
    pub step_overhead_s: f64,
    pub row_overhead_s: f64,
    pub linear_gflops_per_vcpu: Option<f64>,
    pub network_gflops_per_vcpu: Option<f64>,
    /// `[FLOPs per byte, speed relative to the probe's network]` of each network timed.
    pub network_speed_by_intensity: Vec<[f64; 2]>,
    pub parse_csv_mb_s: Option<f64>,
    pub parse_libsvm_mb_s: Option<f64>,
    pub serialize_mb_s: Option<f64>,
}

/// Why the probe gave nothing to fit.
#[derive(Debug, thiserror::Error)]
pub enum RuntimeProbeError {
    #[error("cannot run `{python}`: {message} (give --python PATH)")]
    NoPython { python: String, message: String },
    #[error("the probe failed ({status}): {stderr}")]
    ProbeFailed { status: String, stderr: String },
    #[error("the probe's output is not its JSON: {0}")]
    BadOutput(String),
}

/// Runs the probe with `python` (extra `args` passed on); progress goes to stderr as it comes.
pub fn run_probe(python: &Path, args: &[&str]) -> Result<ProbeReport, RuntimeProbeError> {
    let no_python = |e: std::io::Error| RuntimeProbeError::NoPython {
        python: python.display().to_string(),
        message: e.to_string(),
    };
    let mut child = Command::new(python)
        .arg("-")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(no_python)?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(PROBE.as_bytes()).map_err(no_python)?;
    }
    let output = child.wait_with_output().map_err(no_python)?;
    if !output.status.success() {
        return Err(RuntimeProbeError::ProbeFailed {
            status: output.status.to_string(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        });
    }
    parse_report(&String::from_utf8_lossy(&output.stdout))
}

/// Reads the probe's JSON.
pub fn parse_report(text: &str) -> Result<ProbeReport, RuntimeProbeError> {
    serde_json::from_str(text.trim()).map_err(|e| RuntimeProbeError::BadOutput(e.to_string()))
}

/// The fit of each framework present, by the name its runtime has in Stratus.
pub fn fit(report: &ProbeReport) -> Vec<RuntimeFit> {
    report
        .frameworks
        .iter()
        .filter_map(|(name, framework)| match framework {
            FrameworkReport::Present(m) if name != "python" => Some(fit_one(name, m)),
            _ => None,
        })
        .collect()
}

/// Seconds a row costs to batch: the median over batch sizes of a whole pass's seconds per row
/// (each pass covers the same held shard, so each size weighs the same; 0 without passes).
fn row_overhead_s(passes: &[Step]) -> f64 {
    let mut per_row: Vec<f64> = passes
        .iter()
        .filter(|s| s.batch > 0.0 && s.seconds > 0.0 && s.seconds.is_finite())
        .map(|s| s.seconds / s.batch)
        .collect();
    if per_row.is_empty() {
        return 0.0;
    }
    super::stats::median(&mut per_row)
}

fn fit_one(name: &str, m: &Measurements) -> RuntimeFit {
    let of_model = |model: &str| -> Vec<(f64, f64)> {
        m.steps
            .iter()
            .filter(|s| s.model == model)
            .map(|s| (s.flops, s.seconds))
            .collect()
    };
    let linear = intercept_and_slope(&of_model("lr"));
    let network = intercept_and_slope(&of_model("cnn"));
    let network_gflops_per_vcpu = network.map(|(_, b)| 1e-9 / b);
    let parse = |format: &str| {
        m.parse
            .iter()
            .filter(|p| p.format == format && p.seconds > 0.0)
            .map(|p| p.bytes / p.seconds / 1e6)
            .reduce(f64::min)
    };
    RuntimeFit {
        name: name.to_string(),
        version: m.version.clone(),
        import_s: m.import_s,
        install_s: match m.install {
            Some(Install::Timed { seconds }) if seconds.is_finite() && seconds >= 0.0 => {
                Some(seconds)
            }
            _ => None,
        },
        step_overhead_s: linear.map_or(0.0, |(a, _)| a),
        row_overhead_s: row_overhead_s(&m.loader),
        linear_gflops_per_vcpu: linear.map(|(_, b)| 1e-9 / b),
        network_gflops_per_vcpu,
        network_speed_by_intensity: network_gflops_per_vcpu.map_or_else(Vec::new, |reference| {
            speed_by_intensity(&m.steps, reference)
        }),
        parse_csv_mb_s: parse("csv"),
        parse_libsvm_mb_s: parse("libsvm"),
        serialize_mb_s: m
            .serialize
            .iter()
            .filter(|s| s.seconds > 0.0)
            .max_by(|a, b| a.bytes.total_cmp(&b.bytes))
            .map(|s| s.bytes / s.seconds / 1e6),
    }
}

/// Each timed network's rate relative to `reference` GFLOP/s, by its arithmetic intensity
/// (increasing): the points the model interpolates a network's rate between.
fn speed_by_intensity(steps: &[Step], reference: f64) -> Vec<[f64; 2]> {
    let mut by_net: BTreeMap<&str, Vec<&Step>> = BTreeMap::new();
    for step in steps {
        if step
            .flops_per_byte
            .is_some_and(|v| v.is_finite() && v > 0.0)
        {
            by_net.entry(&step.model).or_default().push(step);
        }
    }
    let mut curve: Vec<[f64; 2]> = by_net
        .into_values()
        .filter_map(|net| {
            let points: Vec<(f64, f64)> = net.iter().map(|s| (s.flops, s.seconds)).collect();
            let (_, b) = intercept_and_slope(&points)?;
            Some([round4(net[0].flops_per_byte?), round4(1e-9 / b / reference)])
        })
        .collect();
    curve.sort_by(|a, b| a[0].total_cmp(&b[0]));
    curve.dedup_by(|a, b| a[0] == b[0]);
    curve
}

/// `y = a + b·x` by least squares on relative error (weights 1/y²), with `a` and `b` kept
/// non-negative; `None` below two points or without a positive slope.
pub fn intercept_and_slope(points: &[(f64, f64)]) -> Option<(f64, f64)> {
    let points: Vec<(f64, f64)> = points
        .iter()
        .copied()
        .filter(|&(x, y)| x.is_finite() && y > 0.0 && y.is_finite())
        .collect();
    if points.len() < 2 {
        return None;
    }
    let (mut s00, mut s01, mut s11, mut t0, mut t1) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for &(x, y) in &points {
        let w = 1.0 / (y * y);
        s00 += w;
        s01 += w * x;
        s11 += w * x * x;
        t0 += w * y;
        t1 += w * x * y;
    }
    let det = s00 * s11 - s01 * s01;
    let (a, b) = if det.abs() > 0.0 {
        ((t0 * s11 - t1 * s01) / det, (s00 * t1 - s01 * t0) / det)
    } else {
        (0.0, 0.0)
    };
    if a >= 0.0 && b > 0.0 {
        return Some((a, b));
    }
    // The unconstrained fit left the bounds: the best line through the origin.
    let b = t1 / s11;
    (b > 0.0).then_some((0.0, b))
}

/// The calibration overlay of `fits`: a `[runtimes.NAME]` table each.
pub fn patch(fits: &[RuntimeFit]) -> toml::Table {
    let mut runtimes = toml::Table::new();
    for fit in fits {
        let mut t = toml::Table::new();
        let mut put = |key: &str, value: Option<f64>| {
            if let Some(v) = value.filter(|v| v.is_finite()) {
                t.insert(key.into(), toml::Value::Float(round4(v)));
            }
        };
        put("import_s", Some(fit.import_s));
        put("install_s", fit.install_s);
        put("step_overhead_s", Some(fit.step_overhead_s));
        put("row_overhead_s", Some(fit.row_overhead_s));
        put("linear_gflops_per_vcpu", fit.linear_gflops_per_vcpu);
        put("network_gflops_per_vcpu", fit.network_gflops_per_vcpu);
        put("parse_csv_mb_s", fit.parse_csv_mb_s);
        put("parse_libsvm_mb_s", fit.parse_libsvm_mb_s);
        put("serialize_mb_s", fit.serialize_mb_s);
        if !fit.network_speed_by_intensity.is_empty() {
            let point = |p: &[f64; 2]| toml::Value::Array(p.map(toml::Value::Float).to_vec());
            let curve = fit.network_speed_by_intensity.iter().map(point).collect();
            t.insert(
                "network_speed_by_intensity".into(),
                toml::Value::Array(curve),
            );
        }
        runtimes.insert(fit.name.clone(), toml::Value::Table(t));
    }
    let mut root = toml::Table::new();
    root.insert("runtimes".into(), toml::Value::Table(runtimes));
    root
}

/// Four significant digits.
fn round4(v: f64) -> f64 {
    if v == 0.0 {
        return 0.0;
    }
    let scale = 10f64.powi(3 - v.abs().log10().floor() as i32);
    (v * scale).round() / scale
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fits_overhead_and_rate_from_exact_points() {
        let points: Vec<(f64, f64)> = [1e3, 1e5, 1e7, 1e9]
            .iter()
            .map(|&f| (f, 2e-4 + f / 5e9))
            .collect();
        let (a, b) = intercept_and_slope(&points).unwrap();
        assert!((a - 2e-4).abs() < 1e-9, "{a}");
        assert!((1e-9 / b - 5.0).abs() < 1e-6, "{b}");
    }

    #[test]
    fn a_negative_intercept_is_refitted_through_the_origin() {
        let (a, b) = intercept_and_slope(&[(1.0, 0.5), (2.0, 1.5)]).unwrap();
        assert_eq!(a, 0.0);
        assert!(b > 0.0);
        assert!(intercept_and_slope(&[(1.0, 1.0)]).is_none());
    }

    #[test]
    fn an_absent_framework_is_skipped_and_a_present_one_becomes_a_runtime_table() {
        let text = r#"{"python": "3.11", "machine": "x86_64", "processor": null,
          "frameworks": {"python": {"version": "3.11", "import_s": 0.01, "parse": [], "steps": [], "serialize": []},
                         "pytorch": {"absent": "No module named 'torch'"},
                         "numpy": {"version": "2.0", "import_s": 0.1,
                            "steps": [{"model": "lr", "batch": 10, "features": 28, "flops": 1000, "seconds": 2e-5},
                                      {"model": "lr", "batch": 1e4, "features": 28, "flops": 1e6, "seconds": 1e-4}],
                            "parse": [{"format": "csv", "bytes": 1e6, "seconds": 0.02}],
                            "serialize": [{"bytes": 4e6, "seconds": 0.001}]}}}"#;
        let fits = fit(&parse_report(text).unwrap());
        assert_eq!(fits.len(), 1);
        assert_eq!(fits[0].name, "numpy");
        assert_eq!(fits[0].parse_csv_mb_s, Some(50.0));
        let patch = patch(&fits);
        let numpy = patch["runtimes"]["numpy"].as_table().unwrap();
        assert!(numpy["step_overhead_s"].as_float().unwrap() > 0.0);
        assert!(!numpy.contains_key("network_gflops_per_vcpu"));
    }

    #[test]
    fn each_network_timed_gives_its_speed_at_its_intensity() {
        // Three networks at 100, 50 and 200 GFLOP/s beyond a fixed overhead each.
        let steps: Vec<Step> = [
            ("cnn", 10.0, 100e9),
            ("mobilenet", 8.0, 50e9),
            ("resnet50", 22.7, 200e9),
        ]
        .into_iter()
        .flat_map(|(net, intensity, rate)| {
            [1e9, 4e9, 16e9].map(|flops| Step {
                model: net.into(),
                batch: flops / 1e9,
                flops,
                seconds: 0.01 + flops / rate,
                flops_per_byte: Some(intensity),
            })
        })
        .collect();
        let curve = speed_by_intensity(&steps, 100.0);
        assert_eq!(curve, vec![[8.0, 0.5], [10.0, 1.0], [22.7, 2.0]]);
        // The linear model's steps carry no intensity and stay out of it.
        let lr = Step {
            model: "lr".into(),
            batch: 1.0,
            flops: 1e6,
            seconds: 1e-4,
            flops_per_byte: None,
        };
        assert!(speed_by_intensity(&[lr], 100.0).is_empty());
    }

    #[test]
    fn the_row_cost_is_the_median_per_row_cost_of_whole_passes() {
        let pass = |batch: f64, seconds: f64| Step {
            flops_per_byte: None,
            model: "lr".into(),
            batch,
            flops: 0.0,
            seconds,
        };
        // 2, 3 and 4 µs a row: the large batches cost more a row, and the middle one is kept
        // (a fit weighted to relative error would follow the smallest batch instead).
        let passes = [pass(1e3, 2e-3), pass(1e4, 3e-2), pass(1e5, 0.4)];
        assert!((row_overhead_s(&passes) - 3e-6).abs() < 1e-12);
        assert_eq!(row_overhead_s(&[]), 0.0);
    }

    #[test]
    fn a_timed_install_goes_into_the_overlay_and_an_untimed_one_stays_out() {
        let report = |install: &str| {
            format!(
                r#"{{"python": "3.7", "machine": "x86_64", "processor": null, "frameworks": {{
                  "numpy": {{"version": "1.16.6", "import_s": 0.1, "install": {install}}}}}}}"#
            )
        };
        let timed =
            report(r#"{"seconds": 18.2, "bytes": 1.2e9, "requirements": ["numpy==1.16.6"]}"#);
        let fits = fit(&parse_report(&timed).unwrap());
        assert_eq!(fits[0].install_s, Some(18.2));
        let numpy = &patch(&fits)["runtimes"]["numpy"];
        assert_eq!(numpy["install_s"].as_float(), Some(18.2));
        let untimed = report(r#"{"absent": "`-m pip install` exited with 1: no network"}"#);
        let fits = fit(&parse_report(&untimed).unwrap());
        assert_eq!(fits[0].install_s, None);
        assert!(
            !patch(&fits)["runtimes"]["numpy"]
                .as_table()
                .unwrap()
                .contains_key("install_s")
        );
    }

    #[test]
    fn output_that_is_not_the_probes_json_is_an_error() {
        assert!(parse_report("Traceback (most recent call last)").is_err());
    }
}
