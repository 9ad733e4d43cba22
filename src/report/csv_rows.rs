//! # CSV output
//!
//! One row per candidate with a fixed header: configuration columns (empty where they do not
//! apply to the platform), the time terms, the total bill and its parts, and why a candidate
//! cannot run. The CSV exporter prints every command's rows with a header line.

use std::io::Write;

use super::exporter::Exporter;
use super::output::{CostResult, Output, TrainResult, plain};
use crate::model::{Candidate, Config};

/// Renders results as comma-separated rows with a header line (`--format csv`).
pub struct CsvExporter;

impl Exporter for CsvExporter {
    fn export(&self, output: &Output<'_>, out: &mut dyn Write) -> anyhow::Result<()> {
        match output {
            Output::Plan { plan, .. } => write_candidates(out, &plan.candidates)?,
            Output::NoPlan { .. } => write_candidates(out, &[])?,
            Output::Estimate { candidate, .. } => {
                write_candidates(out, std::slice::from_ref(*candidate))?
            }
            Output::Simulation { runs, .. } => write_trace(out, &runs[0].trace)?,
            Output::Validation { rows } => write_validation(out, rows)?,
            Output::Memory(result) => write_memory_curve(out, &result.choice.curve)?,
            Output::Workers { choice, .. } => {
                let candidates: Vec<_> = choice.curve.iter().map(|p| p.candidate.clone()).collect();
                write_candidates(out, &candidates)?
            }
            Output::Tree(choice) => write_tree(out, choice)?,
            Output::Schedule { plan, .. } => write_schedule(out, plan)?,
            Output::Tuning { plan, .. } => write_tuning(out, plan)?,
            Output::Cost(cost) => write_cost(out, cost)?,
            Output::Profiles(profiles) => super::profiles::write_csv(out, profiles)?,
            Output::Sources(rows) => super::measurements::write_serialized(out, rows)?,
            Output::Train(result) => write_train(out, result)?,
            Output::Reproduce { results, roles, .. } => {
                super::reproduce::csv(out, results, *roles)?
            }
            Output::Sweep { keys, points } => super::sweep::write_csv(out, keys, points)?,
            Output::Report { report, .. } => write_candidates(out, &report.plan.candidates)?,
            Output::Calibration(calibration) => {
                super::measurements::write_calibration_csv(out, calibration)?
            }
            Output::HostProfile(profile) => {
                super::measurements::write_serialized(out, &profile.kernels)?
            }
            Output::Channel { samples, .. } => super::measurements::write_serialized(out, samples)?,
            Output::Runtime { fits, .. } => super::measurements::write_serialized(out, fits)?,
        }
        Ok(())
    }
}

const CONFIG_COLUMNS: [&str; 9] = [
    "platform",
    "workers",
    "memory_mb",
    "channel",
    "pattern",
    "structure",
    "sync",
    "instance",
    "cache_node",
];
const TIME_COLUMNS: [&str; 6] = [
    "total_s",
    "startup_s",
    "load_s",
    "batching_s",
    "compute_s",
    "comm_s",
];
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
    header.push("algorithm".into());
    header.push("batch_size".into());
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
        fields.push(candidate.recipe.algorithm.name().into());
        fields.push(candidate.recipe.batch_size.to_string());
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
                t.batching_s,
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
            c.cache_node.clone().unwrap_or_default(),
        ],
        Config::Iaas(c) => vec![
            "iaas".into(),
            c.workers.to_string(),
            String::new(),
            String::new(),
            c.pattern.name().into(),
            String::new(),
            "bsp".into(),
            c.instance.clone(),
            String::new(),
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

/// The validation rows: scenario, configuration, both times, the error and both bills.
fn write_validation(out: impl Write, rows: &[crate::validate::ValidationRow]) -> csv::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "scenario",
        "platform",
        "config",
        "analytic_s",
        "simulated_s",
        "rel_err",
        "analytic_usd",
        "simulated_usd",
    ])?;
    for r in rows {
        w.write_record([
            r.scenario.clone(),
            r.config.platform().name().into(),
            r.config.describe(),
            r.analytic_s.to_string(),
            r.simulated_s.to_string(),
            r.rel_err().to_string(),
            r.analytic_usd.to_string(),
            r.simulated_usd.to_string(),
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// Every memory size searched with its time, cost and time × cost.
fn write_memory_curve(
    out: impl Write,
    curve: &[crate::optimize::memory::MemoryPoint],
) -> csv::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(["memory_mb", "time_s", "cost_usd", "ratio"])?;
    for p in curve {
        w.write_record([
            p.memory_mb.to_string(),
            p.time_s.to_string(),
            p.cost_usd.to_string(),
            p.ratio.to_string(),
        ])?;
    }
    w.flush()?;
    Ok(())
}

fn write_tree(
    mut out: impl Write,
    choice: &crate::optimize::tree::TreeChoice,
) -> std::io::Result<()> {
    writeln!(out, "workers,structure,iteration_s,iteration_usd")?;
    writeln!(
        out,
        "{},{},{},{}",
        choice.workers,
        super::text::tree_layers(&choice.structure),
        choice.iteration_s,
        choice.iteration_usd
    )
}

/// The functions and memory of each epoch of a schedule.
fn write_schedule(
    mut out: impl Write,
    plan: &crate::optimize::schedule::SchedulePlan,
) -> std::io::Result<()> {
    writeln!(out, "epoch,workers,memory_mb")?;
    for (e, &c) in plan.schedule.epochs.iter().enumerate() {
        let option = &plan.options[c];
        writeln!(out, "{},{},{}", e + 1, option.workers, option.memory_mb)?;
    }
    Ok(())
}

/// A search's makespan by number of configurations.
fn write_tuning(
    mut out: impl Write,
    plan: &crate::optimize::tuning::TuningPlan,
) -> std::io::Result<()> {
    writeln!(out, "configs,makespan_s")?;
    for (h, t) in &plan.latency_by_configs {
        writeln!(out, "{h},{t}")?;
    }
    Ok(())
}

/// A bill's total, then its parts.
fn write_cost(mut out: impl Write, cost: &CostResult) -> std::io::Result<()> {
    writeln!(out, "part,usd")?;
    writeln!(out, "total,{}", cost.total_usd)?;
    for (name, usd) in &cost.parts {
        writeln!(out, "{name},{usd}")?;
    }
    Ok(())
}

/// Training's figures: their names, then their values.
fn write_train(mut out: impl Write, result: &TrainResult) -> std::io::Result<()> {
    let record = result.record();
    let names: Vec<&str> = record.keys().map(String::as_str).collect();
    let values: Vec<String> = record.values().map(plain).collect();
    writeln!(out, "{}", names.join(","))?;
    writeln!(out, "{}", values.join(","))
}
