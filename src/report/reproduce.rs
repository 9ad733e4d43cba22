//! # Reproduction report
//!
//! `stratus reproduce` as JSON (the SPEC's `rows` with `id, source, quantity, published,
//! predicted, ratio, expressible` and the summary's `median_error_factor, max_error_factor,
//! geomean_ratio`), as CSV (one row a line) and as a table grouped by source.

use std::fmt::Write as _;

use serde_json::{Map, Value, json};

use super::json::number;
use crate::reproduce::holdout::{HeldOutRow, Role};
use crate::reproduce::{Prediction, RowResult, Summary, by_source, error_factor};

/// A row's fields shared by every format.
fn predicted(result: &RowResult) -> Option<f64> {
    match result.prediction {
        Prediction::Value(v) => Some(v),
        _ => None,
    }
}

fn status(result: &RowResult) -> String {
    match &result.prediction {
        Prediction::Value(_) => "predicted".into(),
        Prediction::NotExpressible => "not expressible".into(),
        Prediction::CannotRun(why) => format!("cannot run: {why}"),
    }
}

fn role_name(role: &Role) -> String {
    match role {
        Role::Calibration => "calibration".into(),
        Role::HeldOut => "held out".into(),
        Role::Ungrouped(why) => format!("not held out: {why}"),
    }
}

/// The JSON document; `roles` given in hold-out mode.
pub fn json(results: &[RowResult], roles: Option<&[Role]>, summary: &Summary) -> Value {
    let rows: Vec<Value> = results
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut map = Map::new();
            map.insert("id".into(), json!(r.row.id));
            map.insert("source".into(), json!(r.row.source));
            map.insert("quantity".into(), json!(r.row.quantity.to_string()));
            map.insert("published".into(), number(r.row.published));
            map.insert("predicted".into(), predicted(r).map_or(Value::Null, number));
            map.insert("ratio".into(), r.ratio().map_or(Value::Null, number));
            map.insert("expressible".into(), json!(r.expressible()));
            map.insert("status".into(), json!(status(r)));
            if let Some(roles) = roles {
                map.insert("holdout".into(), json!(role_name(&roles[i])));
            }
            Value::Object(map)
        })
        .collect();
    json!({
        "rows": rows,
        "predicted_rows": summary.predicted,
        "not_expressible_rows": summary.not_expressible,
        "cannot_run_rows": summary.cannot_run,
        "median_error_factor": number(summary.median_error_factor),
        "max_error_factor": number(summary.max_error_factor),
        "geomean_ratio": number(summary.geomean_ratio),
    })
}

/// CSV: one row a line.
pub fn csv(
    out: impl std::io::Write,
    results: &[RowResult],
    roles: Option<&[Role]>,
) -> csv::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "id",
        "source",
        "quantity",
        "published",
        "predicted",
        "ratio",
        "expressible",
        "status",
        "holdout",
    ])?;
    for (i, r) in results.iter().enumerate() {
        let opt = |v: Option<f64>| v.map_or(String::new(), |v| format!("{v}"));
        w.write_record([
            r.row.id.clone(),
            r.row.source.clone(),
            r.row.quantity.to_string(),
            format!("{}", r.row.published),
            opt(predicted(r)),
            opt(r.ratio()),
            r.expressible().to_string(),
            status(r),
            roles.map_or(String::new(), |roles| role_name(&roles[i])),
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// The table: rows grouped by source, then the summary.
pub fn text(results: &[RowResult], roles: Option<&[Role]>, summary: &Summary) -> String {
    let mut out = String::new();
    let role_of = |r: &RowResult| {
        let i = results.iter().position(|x| std::ptr::eq(x, r))?;
        roles.map(|roles| &roles[i])
    };
    for (source, rows) in by_source(results) {
        let _ = writeln!(out, "{source}");
        for r in rows {
            let _ = writeln!(out, "  {}", line(r, role_of(r)));
        }
    }
    let _ = writeln!(
        out,
        "\n{} rows predicted, {} not expressible, {} the model says cannot run.",
        summary.predicted, summary.not_expressible, summary.cannot_run
    );
    let _ = writeln!(
        out,
        "Error factor (max of ratio and 1/ratio): median ×{:.2}, max ×{:.2}; geometric-mean ratio {:.2}.",
        summary.median_error_factor, summary.max_error_factor, summary.geomean_ratio
    );
    out
}

fn line(r: &RowResult, role: Option<&Role>) -> String {
    let tag = match role {
        Some(Role::Calibration) => " [calibration]",
        Some(Role::HeldOut) => " [held out]",
        _ => "",
    };
    let quantity = match r.row.baseline {
        Some(_) => format!("{} ratio", r.row.quantity),
        None => r.row.quantity.to_string(),
    };
    let head = format!("{:<32} {:<26}", r.row.id, quantity);
    match &r.prediction {
        Prediction::Value(v) => {
            let ratio = v / r.row.published;
            format!(
                "{head} published {:>10} predicted {:>10}  ×{:.2}{}{tag}",
                short(r.row.published),
                short(*v),
                ratio,
                if error_factor(ratio) > 2.0 { " !" } else { "" }
            )
        }
        other => format!(
            "{head} published {:>10} {}",
            short(r.row.published),
            match other {
                Prediction::CannotRun(why) => format!("cannot run: {why}"),
                _ => "not expressible (see its note)".into(),
            }
        ),
    }
}

fn short(v: f64) -> String {
    if v != 0.0 && (v.abs() < 0.01 || v.abs() >= 1e5) {
        format!("{v:.3e}")
    } else {
        format!("{v:.4}")
    }
}

/// The rows and roles of a hold-out run, split.
pub fn split(rows: Vec<HeldOutRow>) -> (Vec<RowResult>, Vec<Role>) {
    rows.into_iter().map(|h| (h.result, h.role)).unzip()
}
