//! # Writing a report directory
//!
//! A report is written whole or not at all: every file goes into a fresh sibling directory,
//! which is renamed over DIR only when all of them are written (an old DIR is moved aside
//! first and removed after). A failure removes the partial directory and leaves any old DIR as
//! it was. The files: `index.html`, each figure as `.svg` and `.png`, `summary.json` (the plan
//! with the SPEC's keys, the sensitivity, the break-even map, the reproduction summary) and
//! `summary.csv` (every candidate searched).

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::bundle::{BREAKEVEN_EPOCHS, Report, ReportInput};
use super::json::number;
use crate::reproduce::summarise;

/// Why a report directory could not be written.
#[derive(Debug, thiserror::Error)]
pub enum SiteError {
    #[error("{path}: cannot write the report: {message}")]
    Io { path: String, message: String },
    #[error("drawing {figure}: {message}")]
    Draw { figure: String, message: String },
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> SiteError + '_ {
    move |e| SiteError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    }
}

/// Writes the report into `dir`, atomically; returns the files written, relative to `dir`.
pub fn write(
    input: &ReportInput<'_>,
    report: &Report,
    dir: &Path,
) -> Result<Vec<String>, SiteError> {
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(io(&parent))?;
    let stem = dir
        .file_name()
        .map_or("report".into(), |n| n.to_string_lossy().into_owned());
    let partial = parent.join(format!(".{stem}.partial-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&partial);
    std::fs::create_dir(&partial).map_err(io(dir))?;
    match write_files(input, report, &partial)
        .and_then(|files| replace(&partial, dir).map(|()| files))
    {
        Ok(files) => Ok(files),
        Err(e) => {
            let _ = std::fs::remove_dir_all(&partial);
            Err(e)
        }
    }
}

/// Moves the finished `partial` directory to `dir`, replacing what was there.
fn replace(partial: &Path, dir: &Path) -> Result<(), SiteError> {
    if dir.exists() && !dir.is_dir() {
        return Err(SiteError::Io {
            path: dir.display().to_string(),
            message: "exists and is not a directory".into(),
        });
    }
    let old = partial.with_extension("old");
    let had_old = dir.exists();
    if had_old {
        std::fs::rename(dir, &old).map_err(io(dir))?;
    }
    if let Err(e) = std::fs::rename(partial, dir) {
        if had_old {
            let _ = std::fs::rename(&old, dir);
        }
        return Err(io(dir)(e));
    }
    if had_old {
        let _ = std::fs::remove_dir_all(&old);
    }
    Ok(())
}

fn write_files(
    input: &ReportInput<'_>,
    report: &Report,
    dir: &Path,
) -> Result<Vec<String>, SiteError> {
    let mut files = Vec::new();
    let mut svgs = Vec::new();
    for figure in &report.figures {
        let draw = |message: String| SiteError::Draw {
            figure: figure.name.to_string(),
            message,
        };
        let svg = figure.chart.to_svg().map_err(draw)?;
        let svg_name = format!("{}.svg", figure.name);
        std::fs::write(dir.join(&svg_name), &svg).map_err(io(&dir.join(&svg_name)))?;
        let png_name = format!("{}.png", figure.name);
        figure.chart.write_png(&dir.join(&png_name)).map_err(draw)?;
        files.extend([svg_name, png_name]);
        svgs.push(svg);
    }
    let put = |name: &str, bytes: &[u8]| {
        std::fs::write(dir.join(name), bytes).map_err(io(&dir.join(name)))
    };
    put(
        "index.html",
        super::html::page(input, report, &svgs).as_bytes(),
    )?;
    let mut summary = serde_json::to_string_pretty(&summary(input, report)).unwrap_or_default();
    summary.push('\n');
    put("summary.json", summary.as_bytes())?;
    let mut csv = Vec::new();
    super::csv_rows::write_candidates(&mut csv, &report.plan.candidates).map_err(|e| {
        SiteError::Io {
            path: dir.join("summary.csv").display().to_string(),
            message: e.to_string(),
        }
    })?;
    put("summary.csv", &csv)?;
    files.extend([
        "index.html".into(),
        "summary.json".into(),
        "summary.csv".into(),
    ]);
    Ok(files)
}

/// The `summary.json` document.
pub fn summary(input: &ReportInput<'_>, report: &Report) -> Value {
    let mut plan = super::json::plan(&report.plan);
    plan["workload"] = super::workload::json(input.scenario);
    let figures: Vec<Value> = report
        .figures
        .iter()
        .map(|f| json!({ "name": f.name, "title": f.chart.title, "svg": format!("{}.svg", f.name), "png": format!("{}.png", f.name) }))
        .collect();
    let skipped: Vec<Value> = report
        .skipped
        .iter()
        .map(|(f, why)| json!({ "figure": f, "reason": why }))
        .collect();
    let sensitivity = report.sensitivity.as_ref().map(|s| {
        json!({
            "base_ratio": number(s.base.ratio),
            "effects": s.effects.iter().map(|e| json!({
                "input": e.name,
                "key": e.key,
                "base_value": number(e.base_value),
                "ratio_at_half": e.moved[0].map(|a| number(a.ratio)),
                "ratio_at_one_and_a_half": e.moved[1].map(|a| number(a.ratio)),
                "flips_verdict": e.flips(&s.base),
            })).collect::<Vec<Value>>(),
        })
    });
    let breakeven = report.breakeven.as_ref().map(|(sizes, cells)| {
        json!({
            "epochs": BREAKEVEN_EPOCHS,
            "model_params": sizes,
            "winner": cells.iter().map(|row| row.iter().map(|c| c.map(|c| c.winner.name())).collect::<Vec<_>>()).collect::<Vec<_>>(),
            "margin": cells.iter().map(|row| row.iter().map(|c| c.map(|c| number(c.margin))).collect::<Vec<_>>()).collect::<Vec<_>>(),
        })
    });
    let reproduction = (!report.reproduction.is_empty()).then(|| {
        let s = summarise(&report.reproduction);
        json!({
            "predicted": s.predicted,
            "not_expressible": s.not_expressible,
            "median_error_factor": number(s.median_error_factor),
            "max_error_factor": number(s.max_error_factor),
            "geomean_ratio": number(s.geomean_ratio),
        })
    });
    json!({
        "scenario": input.scenario.name,
        "stratus_version": env!("CARGO_PKG_VERSION"),
        "sets": input.sets,
        "calibration": input.calibration.as_ref().map(|(path, _)| path),
        "plan": plan,
        "figures": figures,
        "skipped": skipped,
        "sensitivity": sensitivity,
        "break_even": breakeven,
        "reproduction": reproduction,
    })
}
