//! # CSV output
//!
//! One row per candidate with a fixed header: configuration columns (empty where they do not
//! apply to the platform), the time terms, the total bill and its parts, and why a candidate
//! cannot run.

use std::io::Write;

use crate::model::{Candidate, Config};

const CONFIG_COLUMNS: [&str; 8] = [
    "platform",
    "workers",
    "memory_mb",
    "channel",
    "pattern",
    "structure",
    "sync",
    "instance",
];
const TIME_COLUMNS: [&str; 5] = ["total_s", "startup_s", "load_s", "compute_s", "comm_s"];
/// Bill parts of both platforms, in the names `Bill::parts` gives them.
const COST_PARTS: [&str; 6] = [
    "functions",
    "requests",
    "channel_requests",
    "channel_node",
    "instances",
    "storage_requests",
];

fn header() -> Vec<String> {
    let mut header: Vec<String> = CONFIG_COLUMNS.iter().map(|c| c.to_string()).collect();
    header.push("feasible".into());
    header.extend(TIME_COLUMNS.iter().map(|c| c.to_string()));
    header.push("total_usd".into());
    header.extend(COST_PARTS.iter().map(|p| format!("{p}_usd")));
    header.push("reason".into());
    header.push("pareto".into());
    header
}

/// Writes `candidates` as CSV with a header line; the `pareto` column marks those on the
/// time–cost Pareto front of the set.
pub fn write_candidates(out: impl Write, candidates: &[Candidate]) -> csv::Result<()> {
    let front = crate::optimize::pareto::frontier(candidates);
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(header())?;
    for candidate in candidates {
        let mut fields = row(candidate);
        fields.push(
            front
                .iter()
                .any(|c| std::ptr::eq(*c, candidate))
                .to_string(),
        );
        writer.write_record(fields)?;
    }
    writer.flush()?;
    Ok(())
}

fn row(candidate: &Candidate) -> Vec<String> {
    let mut fields = config_fields(&candidate.config);
    match &candidate.outcome {
        Ok(o) => {
            fields.push("true".into());
            let t = &o.time;
            for x in [
                o.total_s(),
                t.startup_s,
                t.load_s,
                t.compute_s,
                t.comm_s,
                o.total_usd(),
            ] {
                fields.push(x.to_string());
            }
            let parts = o.bill.parts();
            for name in COST_PARTS {
                let part = parts.iter().find(|(n, _)| *n == name);
                fields.push(part.map(|(_, usd)| usd.to_string()).unwrap_or_default());
            }
            fields.push(String::new());
        }
        Err(why) => {
            fields.push("false".into());
            fields.extend(std::iter::repeat_n(
                String::new(),
                TIME_COLUMNS.len() + 1 + COST_PARTS.len(),
            ));
            fields.push(why.to_string());
        }
    }
    fields
}

fn config_fields(config: &Config) -> Vec<String> {
    match config {
        Config::Faas(c) => vec![
            "faas".into(),
            c.workers.to_string(),
            c.memory_mb.to_string(),
            c.channel.name().into(),
            c.pattern.name().into(),
            c.pattern
                .structure()
                .map(|s| s.iter().map(u32::to_string).collect::<Vec<_>>().join("-"))
                .unwrap_or_default(),
            c.sync.to_string(),
            String::new(),
        ],
        Config::Iaas(c) => vec![
            "iaas".into(),
            c.workers.to_string(),
            String::new(),
            String::new(),
            "ring-allreduce".into(),
            String::new(),
            "bsp".into(),
            c.instance.clone(),
        ],
    }
}

/// Writes a simulated run's trace: one row per round.
pub fn write_trace(out: impl Write, rows: &[crate::sim::outcome::TraceRow]) -> csv::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record([
        "time_s",
        "epoch",
        "round",
        "loss",
        "bytes",
        "requests",
        "active_functions",
        "usd",
    ])?;
    for r in rows {
        writer.write_record([
            r.time_s.to_string(),
            r.epoch.to_string(),
            r.round.to_string(),
            r.loss.to_string(),
            r.bytes.to_string(),
            r.requests.to_string(),
            r.active.to_string(),
            r.usd.to_string(),
        ])?;
    }
    writer.flush()?;
    Ok(())
}
