//! # Measurements
//!
//! What `stratus calibrate` fitted and what `stratus profile kernels | channel | runtime`
//! measured on this host: tables for people and the rows of their CSV.

use std::fmt::Write as _;

use crate::calibrate::Calibration;
use crate::calibrate::channel::{ChannelFit, OpFit};
use crate::calibrate::host::HostProfile;
use crate::calibrate::runtime::{ProbeReport, RuntimeFit};
use crate::calibrate::stats::FittedParam;
use crate::profile::ChannelKind;
use crate::units::format_seconds;

/// Every parameter a calibration fitted or fixed: the function's, then the runs'.
fn all_params(calibration: &Calibration) -> Vec<FittedParam> {
    let mut params = Vec::new();
    if let Some(f) = &calibration.function {
        params.extend(f.params());
    }
    if let Some(r) = &calibration.runs {
        params.extend(r.params.iter().cloned());
    }
    params
}

/// A calibration's inputs, parameters and residuals.
pub fn calibration_text(calibration: &Calibration) -> String {
    let mut out = String::new();
    for s in &calibration.sources {
        let _ = writeln!(
            out,
            "{}: {} ({} used, {} other lines skipped)",
            s.file,
            s.kind.label(),
            s.used,
            s.skipped
        );
    }
    out += &params_table(&all_params(calibration));
    out += &function_residuals(calibration);
    out += &runs_residuals(calibration);
    out
}

fn function_residuals(calibration: &Calibration) -> String {
    let Some(f) = &calibration.function else {
        return String::new();
    };
    let mut out = format!(
        "\nduration curve: rms relative error {:.1}%\n",
        f.curve.rms_rel_err * 100.0
    );
    for r in &f.curve.residuals {
        let (measured, fitted) = (format_seconds(r.observed_s), format_seconds(r.predicted_s));
        let _ = writeln!(
            out,
            "  {:>6} MB  measured {measured:>10}  fitted {fitted:>10}  {:+.1}%",
            r.memory_mb,
            r.rel_err * 100.0
        );
    }
    out
}

fn runs_residuals(calibration: &Calibration) -> String {
    let Some(r) = &calibration.runs else {
        return String::new();
    };
    let mut out = format!(
        "\nmeasured runs: rms relative error {:.1}%\n",
        r.rms_rel_err * 100.0
    );
    for row in &r.residuals {
        let [measured, profile, fitted] =
            [row.observed_s, row.profile_s, row.predicted_s].map(format_seconds);
        let _ = writeln!(
            out,
            "  {:<40}  measured {measured:>10}  profile {profile:>10}  fitted {fitted:>10}  {:+.1}%",
            row.run,
            row.rel_err * 100.0
        );
    }
    out
}

fn params_table(params: &[FittedParam]) -> String {
    let mut out = format!(
        "\n{:<52} {:>12}  {:>27}  pinned down\n",
        "parameter", "value", "95% interval"
    );
    for p in params {
        let interval = match (p.fitted, p.ci_low.is_finite() && p.ci_high.is_finite()) {
            (true, true) => format!("[{:.4}, {:.4}]", p.ci_low, p.ci_high),
            (true, false) => "unbounded".into(),
            (false, _) => "fixed".into(),
        };
        let pinned = if p.pinned_down { "yes" } else { "no" };
        let _ = writeln!(
            out,
            "{:<52} {:>12.5}  {interval:>27}  {pinned}  {}",
            p.name, p.value, p.note
        );
    }
    out
}

/// A calibration's parameters as CSV, one a row.
pub fn write_calibration_csv(
    out: impl std::io::Write,
    calibration: &Calibration,
) -> csv::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "name",
        "value",
        "ci_low",
        "ci_high",
        "fitted",
        "pinned_down",
        "note",
    ])?;
    for p in all_params(calibration) {
        w.write_record([
            p.name.clone(),
            p.value.to_string(),
            p.ci_low.to_string(),
            p.ci_high.to_string(),
            p.fitted.to_string(),
            p.pinned_down.to_string(),
            p.note.clone(),
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// Each kernel's rates on this host, then the memory bandwidth and the vCPU figures.
pub fn kernels_text(profile: &HostProfile) -> String {
    let mut text = format!(
        "{:<11} {:>10} {:>12} {:>9} {:>8} {:>10}\n",
        "kernel", "rows", "M rows/s", "GFLOP/s", "GB/s", "FLOP/byte"
    );
    for k in &profile.kernels {
        let _ = writeln!(
            text,
            "{:<11} {:>10} {:>12.3} {:>9.2} {:>8.2} {:>10.2}",
            k.kernel,
            k.rows,
            k.rows_per_s / 1e6,
            k.gflops_per_s,
            k.gb_per_s,
            k.flops_per_byte
        );
    }
    let _ = write!(
        text,
        "streaming read: {:.2} GB/s (one thread)\nas a vCPU: cpu.peak_gflops_per_vcpu = {:.3}, cpu.memory_gb_s_per_vcpu = {:.3}\n",
        profile.stream_gb_s, profile.peak_gflops_per_vcpu, profile.memory_gb_s_per_vcpu
    );
    text
}

/// A channel's PUT and GET fits with their intervals, and what the profile takes of them.
pub fn channel_text(store: &str, kind: ChannelKind, fit: &ChannelFit) -> String {
    format!(
        "{store} as channel `{}`\n{}{}  profile: latency_s = {:.6}, bandwidth_mb_s = {:.1}\n",
        kind.name(),
        op_line("PUT", &fit.put),
        op_line("GET", &fit.get),
        fit.latency_s,
        fit.bandwidth_mb_s
    )
}

fn op_line(name: &str, f: &OpFit) -> String {
    let us = |s: f64| format!("{:.1} µs", s * 1e6);
    format!(
        "  {name}  latency {:>9} [{}, {}]  bandwidth {:>7.1} MB/s [{:.1}, {:.1}]\n",
        us(f.latency_s),
        us(f.latency_ci_s.0),
        us(f.latency_ci_s.1),
        f.bandwidth_mb_s,
        f.bandwidth_ci_mb_s.0,
        f.bandwidth_ci_mb_s.1
    )
}

/// What each training framework costs, one a line.
pub fn runtime_text(report: &ProbeReport, fits: &[RuntimeFit]) -> String {
    let mut out = format!(
        "Python {} on {} ({}), one thread\n",
        report.python,
        report.machine,
        report.processor.as_deref().unwrap_or("unknown processor")
    );
    for f in fits {
        out.push_str(&runtime_line(f));
    }
    if fits.is_empty() {
        out.push_str(
            "no framework found: install numpy or torch for this Python, or give --python\n",
        );
    }
    out
}

fn runtime_line(f: &RuntimeFit) -> String {
    let opt =
        |v: Option<f64>, unit: &str| v.map_or("—".to_string(), |v| format!("{v:.3} {unit}"));
    format!(
        "{} {}: import {:.2} s{}, step overhead {:.1} µs + {:.2} µs a row, linear {}, network {}, parse csv {} libsvm {}, serialise {}\n",
        f.name,
        f.version,
        f.import_s,
        f.install_s
            .map_or_else(String::new, |s| format!(", install {s:.1} s")),
        f.step_overhead_s * 1e6,
        f.row_overhead_s * 1e6,
        opt(f.linear_gflops_per_vcpu, "GFLOP/s"),
        opt(f.network_gflops_per_vcpu, "GFLOP/s") + &speeds(&f.network_speed_by_intensity),
        opt(f.parse_csv_mb_s, "MB/s"),
        opt(f.parse_libsvm_mb_s, "MB/s"),
        opt(f.serialize_mb_s, "MB/s"),
    )
}

/// A network rate's speeds by intensity, as ` (×0.91 at 8.0 FLOPs/byte, …)`; empty without.
fn speeds(curve: &[[f64; 2]]) -> String {
    if curve.is_empty() {
        return String::new();
    }
    let points: Vec<String> = curve
        .iter()
        .map(|[intensity, speed]| format!("×{speed:.2} at {intensity:.1} FLOPs/byte"))
        .collect();
    format!(" ({})", points.join(", "))
}

/// Serialisable rows as CSV, with a header from their fields.
pub fn write_serialized<T: serde::Serialize>(
    out: impl std::io::Write,
    rows: &[T],
) -> csv::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    for row in rows {
        w.serialize(row)?;
    }
    w.flush()?;
    Ok(())
}
