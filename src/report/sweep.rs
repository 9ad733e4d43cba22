//! The output of `stratus sweep`: one row per combination of the varied keys — the verdict
//! and the best plan of each side with its time and cost — as text, CSV or JSON.

use std::io::Write;

use serde_json::{Value, json};

use crate::model::Platform;
use crate::optimize::plan::Plan;
use crate::optimize::sweep::SweepPoint;
use crate::units::{format_seconds, format_usd};

use super::json::number;

/// The best plan of one side: configuration, seconds and dollars, or why there is none.
fn side(plan: &Plan, platform: Platform) -> Result<(String, f64, f64), String> {
    let slot = match platform {
        Platform::Faas => &plan.faas,
        Platform::Iaas => &plan.iaas,
    };
    match slot {
        None => Err("not in the scenario".into()),
        Some(Err(why)) => Err(why.to_string()),
        Some(Ok(i)) => {
            let c = &plan.candidates[*i];
            let o = c.feasible().ok_or("cannot run")?;
            Ok((c.config.describe(), o.total_s(), o.total_usd()))
        }
    }
}

/// A table for people.
pub fn text(keys: &[&str], points: &[SweepPoint]) -> String {
    let mut out = format!("{}  verdict  best FaaS | best IaaS\n", keys.join("  "));
    for p in points {
        let settings: Vec<&str> = p.settings.iter().map(|(_, v)| v.as_str()).collect();
        let body = match &p.plan {
            Err(why) => format!("no plan: {why}"),
            Ok(plan) => {
                let cell = |platform| match side(plan, platform) {
                    Ok((cfg, t, c)) => format!("{} {} ({cfg})", format_seconds(t), format_usd(c)),
                    Err(why) => format!("— ({why})"),
                };
                format!(
                    "{}  {} | {}",
                    plan.verdict.winner.label(),
                    cell(Platform::Faas),
                    cell(Platform::Iaas)
                )
            }
        };
        out.push_str(&format!("{}  {body}\n", settings.join("  ")));
    }
    out
}

/// One CSV row per combination: the varied keys, then the verdict and both sides.
pub fn write_csv(out: impl Write, keys: &[&str], points: &[SweepPoint]) -> csv::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    let mut header: Vec<&str> = keys.to_vec();
    header.extend([
        "verdict",
        "faas_config",
        "faas_time_s",
        "faas_cost_usd",
        "iaas_config",
        "iaas_time_s",
        "iaas_cost_usd",
        "note",
    ]);
    w.write_record(&header)?;
    for p in points {
        let mut row: Vec<String> = p.settings.iter().map(|(_, v)| v.clone()).collect();
        match &p.plan {
            Err(why) => row.extend([
                "".into(),
                "".into(),
                "".into(),
                "".into(),
                "".into(),
                "".into(),
                "".into(),
                why.clone(),
            ]),
            Ok(plan) => {
                row.push(plan.verdict.winner.name().into());
                let mut notes = Vec::new();
                for platform in [Platform::Faas, Platform::Iaas] {
                    match side(plan, platform) {
                        Ok((cfg, t, c)) => row.extend([cfg, format!("{t}"), format!("{c}")]),
                        Err(why) => {
                            row.extend(["".into(), "".into(), "".into()]);
                            notes.push(format!("{}: {why}", platform.label()));
                        }
                    }
                }
                row.push(notes.join("; "));
            }
        }
        w.write_record(&row)?;
    }
    w.flush()?;
    Ok(())
}

/// `{"points": [{"settings": {KEY: VALUE}, "verdict", "faas", "iaas", "error"}]}`, each side
/// `{"config", "time_s", "cost_usd"}` or `{"reason"}`.
pub fn json(points: &[SweepPoint]) -> Value {
    let rows: Vec<Value> = points
        .iter()
        .map(|p| {
            let settings: serde_json::Map<String, Value> = p
                .settings
                .iter()
                .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                .collect();
            match &p.plan {
                Err(why) => json!({ "settings": settings, "verdict": Value::Null, "error": why }),
                Ok(plan) => {
                    let s = |platform| match side(plan, platform) {
                        Ok((cfg, t, c)) => {
                            json!({ "config": cfg, "time_s": number(t), "cost_usd": number(c) })
                        }
                        Err(why) => json!({ "reason": why }),
                    };
                    json!({
                        "settings": settings,
                        "verdict": plan.verdict.winner.name(),
                        "faas": s(Platform::Faas),
                        "iaas": s(Platform::Iaas),
                        "reason": plan.verdict.reason,
                    })
                }
            }
        })
        .collect();
    json!({ "points": rows })
}
