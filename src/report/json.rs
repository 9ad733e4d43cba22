//! # JSON output
//!
//! The SPEC's stable keys: a candidate is `{platform, config, time_s{total, startup, load,
//! compute, comm}, cost_usd{total, …parts}}`; a plan adds the verdict, speed-up, cost ratio and
//! reason. Non-finite numbers become `null`. The JSON exporter prints every command's
//! document with these keys (`../shared/SPEC.md`).

use serde_json::{Map, Value, json};

use super::exporter::Exporter;
use super::output::{MemoryResult, MemorySubject, Output, SimulatedSchedule, fixed_plan};
use crate::model::{Candidate, Config, Outcome, TimeBreakdown};
use crate::optimize::plan::Plan;
use crate::scenario::Recipe;

/// Renders results as pretty-printed JSON with a final newline (`--format json`).
pub struct JsonExporter;

impl Exporter for JsonExporter {
    fn export(&self, output: &Output<'_>, out: &mut dyn std::io::Write) -> anyhow::Result<()> {
        serde_json::to_writer_pretty(&mut *out, &document(output)?)?;
        writeln!(out)?;
        Ok(())
    }
}

/// The JSON document of `output`.
fn document(output: &Output<'_>) -> anyhow::Result<Value> {
    Ok(match output {
        Output::Plan { scenario, plan: p } => {
            let mut doc = plan(p);
            doc["workload"] = super::workload::json(scenario);
            doc
        }
        Output::NoPlan {
            scenario,
            objective,
            reason,
        } => json!({
            "scenario": scenario.name,
            "objective": objective.goal.to_string(),
            "verdict": Value::Null,
            "feasible": false,
            "reason": reason,
            "workload": super::workload::json(scenario),
        }),
        Output::Estimate {
            scenario,
            candidate,
            measured,
        } => estimate(scenario, candidate, *measured),
        Output::Simulation { runs } => simulation(runs),
        Output::Validation { rows } => validation(rows),
        Output::Memory(result) => memory(result),
        Output::Workers { choice, .. } => workers(choice),
        Output::Tree(choice) => tree(choice),
        Output::Schedule { plan, simulated } => schedule(plan, *simulated),
        Output::Tuning {
            plan, functions, ..
        } => tuning(plan, *functions),
        Output::Cost(cost) => cost_document(cost),
        Output::Profiles(profiles) => super::profiles::json(profiles),
        Output::Sources(rows) => serde_json::to_value(rows)?,
        Output::Train(result) => Value::Object(result.record()),
        Output::Reproduce {
            results,
            roles,
            summary,
        } => super::reproduce::json(results, *roles, summary),
        Output::Sweep { points, .. } => super::sweep::json(points),
        Output::Report { input, report, .. } => super::site::summary(input, report),
        Output::Calibration(calibration) => serde_json::to_value(calibration.to_toml())?,
        Output::HostProfile(profile) => serde_json::to_value(profile)?,
        Output::Channel { file, .. } => serde_json::to_value(file)?,
        Output::Runtime { fits, .. } => serde_json::to_value(fits)?,
    })
}

/// A number, or `null` when it is not finite.
pub fn number(x: f64) -> Value {
    if x.is_finite() { json!(x) } else { Value::Null }
}

/// The `config` object of a candidate trained by `recipe`.
pub fn config(config: &Config, recipe: Recipe) -> Value {
    let algorithm = recipe.algorithm;
    match config {
        Config::Faas(c) => {
            let mut map = Map::new();
            map.insert("algorithm".into(), json!(algorithm.name()));
            map.insert("batch_size".into(), json!(recipe.batch_size));
            map.insert("workers".into(), json!(c.workers));
            map.insert("memory_mb".into(), json!(c.memory_mb));
            map.insert("channel".into(), json!(c.channel.name()));
            if let Some(node) = &c.cache_node {
                map.insert("cache_node".into(), json!(node));
            }
            map.insert("pattern".into(), json!(c.pattern.name()));
            map.insert("sync".into(), json!(c.sync.to_string()));
            if let Some(structure) = c.pattern.structure() {
                map.insert("structure".into(), json!(structure));
            }
            Value::Object(map)
        }
        Config::Iaas(c) => {
            json!({ "instance": c.instance, "workers": c.workers, "pattern": c.pattern.name(), "algorithm": algorithm.name(), "batch_size": recipe.batch_size })
        }
    }
}

/// The `time_s` object.
pub fn time(time: &TimeBreakdown) -> Value {
    json!({
        "total": number(time.total_s()),
        "startup": number(time.startup_s),
        "load": number(time.load_s),
        "batching": number(time.batching_s),
        "compute": number(time.compute_s),
        "comm": number(time.comm_s),
    })
}

/// The `cost_usd` object: total and parts.
pub fn cost(outcome: &Outcome) -> Value {
    let mut map = Map::new();
    map.insert("total".into(), number(outcome.total_usd()));
    for (name, usd) in outcome.bill.parts() {
        map.insert(name.into(), number(usd));
    }
    Value::Object(map)
}

/// A candidate: its prediction, or `feasible: false` and the reason.
pub fn candidate(candidate: &Candidate) -> Value {
    let mut map = Map::new();
    map.insert("platform".into(), json!(candidate.platform().name()));
    map.insert("config".into(), config(&candidate.config, candidate.recipe));
    match &candidate.outcome {
        Ok(outcome) => {
            map.insert("time_s".into(), time(&outcome.time));
            map.insert("cost_usd".into(), cost(outcome));
            map.insert("feasible".into(), json!(true));
        }
        Err(why) => {
            map.insert("feasible".into(), json!(false));
            map.insert("reason".into(), json!(why.to_string()));
        }
    }
    Value::Object(map)
}

/// The `plan` document.
pub fn plan(plan: &Plan) -> Value {
    let best = |slot: &Option<Result<usize, crate::optimize::select::NoFeasiblePlan>>| match slot {
        Some(Ok(i)) => candidate(&plan.candidates[*i]),
        Some(Err(why)) => json!({ "feasible": false, "reason": why.to_string() }),
        None => Value::Null,
    };
    let front: Vec<Value> = crate::optimize::pareto::frontier(&plan.candidates)
        .into_iter()
        .map(candidate)
        .collect();
    json!({
        "scenario": plan.scenario,
        "objective": plan.objective.goal.to_string(),
        "verdict": plan.verdict.winner.name(),
        "faas": best(&plan.faas),
        "iaas": best(&plan.iaas),
        "speedup": number(plan.verdict.speedup),
        "cost_ratio": number(plan.verdict.cost_ratio),
        "reason": plan.verdict.reason,
        "searched": plan.candidates.len(),
        "notes": plan.notes,
        "pareto": front,
        "measured_epochs": plan.measured_epochs.iter().map(|m| json!({
            "platform": m.kind.platform.name(),
            "config": config(&m.config, m.recipe),
            "epochs": number(m.epochs),
            "reached": m.reached,
            "final_loss": number(m.final_loss),
        })).collect::<Vec<Value>>(),
    })
}

/// A simulated run: the SPEC's keys (`time_s`, `cost_usd`, `epochs`, `final_loss`, `converged`)
/// and what was simulated; with several runs, `quantiles` of each figure.
pub fn simulation(runs: &[crate::sim::SimOutcome]) -> Value {
    let first = &runs[0];
    let outcome = Outcome {
        time: first.time,
        bill: first.bill,
    };
    let mut doc = json!({
        "platform": first.config.platform().name(),
        "config": config(&first.config, first.recipe),
        "time_s": time(&first.time),
        "cost_usd": cost(&outcome),
        "rounds": first.rounds,
        "epochs": number(first.epochs),
        "final_loss": number(first.final_loss),
        "converged": first.converged,
        "epoch_losses": first.epoch_losses.iter().map(|&l| number(l)).collect::<Vec<_>>(),
        "test_loss": first.test_loss.map_or(Value::Null, number),
        "test_accuracy": first.test_accuracy.map_or(Value::Null, number),
        "events": first.events,
        "invocations": first.counts.invocations,
        "aggregator_invocations": first.counts.aggregator_invocations,
        "channel_requests": first.counts.channel_puts + first.counts.channel_gets,
        "bytes_moved": first.counts.bytes_moved,
        "notes": first.notes,
        "runs": runs.len(),
    });
    if runs.len() > 1 {
        doc["quantiles"] = quantiles(runs);
    }
    doc
}

fn quantiles(runs: &[crate::sim::SimOutcome]) -> Value {
    use crate::sim::runs::percentile;
    let pair = |f: &dyn Fn(&crate::sim::SimOutcome) -> f64| {
        let values: Vec<f64> = runs.iter().map(f).collect();
        json!({ "p50": number(percentile(&values, 50.0)), "p95": number(percentile(&values, 95.0)) })
    };
    json!({
        "time_s": {
            "total": pair(&|r| r.time.total_s()),
            "startup": pair(&|r| r.time.startup_s),
            "load": pair(&|r| r.time.load_s),
            "batching": pair(&|r| r.time.batching_s),
            "compute": pair(&|r| r.time.compute_s),
            "comm": pair(&|r| r.time.comm_s),
        },
        "cost_usd": { "total": pair(&|r| r.bill.total_usd()) },
        "epochs": pair(&|r| r.epochs),
        "final_loss": pair(&|r| r.final_loss),
    })
}

/// An estimate: the candidate and the workload, with the epochs the simulator measured.
fn estimate(
    scenario: &crate::scenario::Scenario,
    estimated: &Candidate,
    measured: Option<&crate::optimize::convergence::MeasuredEpochs>,
) -> Value {
    let mut doc = candidate(estimated);
    doc["workload"] = super::workload::json(scenario);
    if let Some(m) = measured {
        doc["workload"]["epochs"] = number(m.epochs);
        doc["workload"]["target_reached"] = m.reached.into();
    }
    doc
}

/// The validation rows and their median and largest relative error.
fn validation(rows: &[crate::validate::ValidationRow]) -> Value {
    let (median, max) = super::output::validation_errors(rows);
    let rows: Vec<Value> = rows
        .iter()
        .map(|r| {
            json!({
                "scenario": r.scenario,
                "platform": r.config.platform().name(),
                "config": config(&r.config, r.recipe),
                "analytic_s": number(r.analytic_s),
                "simulated_s": number(r.simulated_s),
                "rel_err": number(r.rel_err()),
                "analytic_usd": number(r.analytic_usd),
                "simulated_usd": number(r.simulated_usd),
            })
        })
        .collect();
    json!({ "rows": rows, "median_rel_err": number(median), "max_rel_err": number(max) })
}

fn memory_point(p: &crate::optimize::memory::MemoryPoint) -> Value {
    json!({"memory_mb": p.memory_mb, "time_s": p.time_s, "cost_usd": p.cost_usd, "ratio": p.ratio})
}

/// The chosen memory, the curve searched, and what was sized.
fn memory(result: &MemoryResult) -> Value {
    let c = &result.choice;
    let mut value = json!({
        "memory_mb": c.best.memory_mb,
        "time_s": c.best.time_s,
        "cost_usd": c.best.cost_usd,
        "ratio": c.best.ratio,
        "objective": c.goal.to_string(),
        "profile": result.profile.name,
        "source": result.source(),
        "file": result.file,
        "per": result.per(),
        "work_flops": c.work_flops,
        "continuous_optimum_mb": c.continuous_optimum_mb,
        "snapped": memory_point(&c.snapped),
        "note": result.note,
        "infeasible": c.infeasible.as_ref().map(|(n, why)| json!({"sizes": n, "reason": why})),
        "curve": c.curve.iter().map(|p| {
            let mut point = memory_point(p);
            point["extrapolated"] = result.outside_measured(p.memory_mb).into();
            point
        }).collect::<Vec<_>>(),
    });
    if let (Value::Object(map), Value::Object(more)) = (&mut value, memory_subject(result)) {
        map.extend(more);
    }
    value
}

/// A scenario's configuration and basis, or a function's fitted curve and measurements.
fn memory_subject(result: &MemoryResult) -> Value {
    match &result.subject {
        MemorySubject::Scenario { config: c, basis } => json!({
            "config": {
                "workers": c.workers, "memory_mb": c.memory_mb, "channel": c.channel.name(),
                "cache_node": c.cache_node, "pattern": c.pattern.name(), "structure": c.pattern.structure(), "sync": c.sync.to_string(),
            },
            "basis": basis,
        }),
        MemorySubject::Function(curve) => {
            let measured: Vec<Value> = curve
                .measured
                .iter()
                .map(|&(mb, s)| json!({"memory_mb": mb, "time_s": s, "cost_usd": result.profile.invocation_usd(mb, s, false)}))
                .collect();
            json!({"curve_fit": curve.curve, "min_memory_mb": curve.min_memory_mb, "measured": measured})
        }
    }
}

/// The memory result as AWS Lambda Power Tuning output: the ladder of sizes and the best.
pub fn power_tuning(result: &MemoryResult) -> Value {
    use crate::calibrate::power_tuning::{TuningPoint, output};
    let tuning = |p: &crate::optimize::memory::MemoryPoint| TuningPoint {
        memory_mb: p.memory_mb,
        duration_ms: p.time_s * 1e3,
        cost_usd: p.cost_usd,
    };
    let points: Vec<TuningPoint> = result.ladder().iter().map(tuning).collect();
    output(&points, &tuning(&result.choice.best))
}

/// The best worker count as a candidate, with the fastest count and the curve.
fn workers(choice: &crate::optimize::workers::WorkersChoice) -> Value {
    let best = &choice.curve[choice.best];
    let curve: Vec<Value> = choice
        .curve
        .iter()
        .filter_map(|p| {
            let o = p.candidate.feasible()?;
            Some(json!({ "workers": p.workers, "time_s": o.total_s(), "cost_usd": o.total_usd(), "comm_s": o.time.comm_s }))
        })
        .collect();
    let mut doc = candidate(&best.candidate);
    doc["workers"] = json!(best.workers);
    doc["fastest_workers"] = json!(choice.fastest_workers);
    doc["curve"] = json!(curve);
    doc
}

/// The aggregation tree and one iteration's time and cost.
fn tree(choice: &crate::optimize::tree::TreeChoice) -> Value {
    json!({
        "workers": choice.workers,
        "structure": choice.structure,
        "iteration_s": choice.iteration_s,
        "iteration_usd": choice.iteration_usd,
        "memory_mb": choice.memory_mb,
        "channel": choice.channel.name(),
    })
}

/// The schedule epoch by epoch, the fixed plans beside it, and the simulated runs if any.
fn schedule(
    plan: &crate::optimize::schedule::SchedulePlan,
    simulated: Option<&SimulatedSchedule>,
) -> Value {
    let epochs: Vec<Value> = plan
        .schedule
        .epochs
        .iter()
        .enumerate()
        .map(|(e, &c)| json!({ "epoch": e + 1, "workers": plan.options[c].workers, "memory_mb": plan.options[c].memory_mb }))
        .collect();
    let fixed = |slot| {
        let f = fixed_plan(plan, slot);
        json!({
            "workers": f.workers, "memory_mb": f.memory_mb, "epochs": f.epochs,
            "time_s": f.time_s, "cost_usd": f.cost_usd,
        })
    };
    let mut doc = json!({
        "schedule": epochs,
        "time_s": plan.schedule.time_s,
        "cost_usd": plan.schedule.cost_usd,
        "final_loss": plan.schedule.final_loss,
        "baseline": fixed(plan.baseline),
        "cheapest_listed": plan.cheapest_listed.map_or(Value::Null, fixed),
        "target_loss": plan.target_loss,
        "budget_usd": plan.budget_usd,
        "curves_from": plan.curves_from,
    });
    if let Some(s) = simulated {
        doc["simulated"] = json!({
            "schedule": simulated_run(s.schedule.as_ref()),
            "baseline": simulated_run(s.baseline.as_ref()),
        });
    }
    doc
}

fn simulated_run(run: Option<&crate::sim::SimOutcome>) -> Value {
    let Some(run) = run else { return Value::Null };
    json!({
        "time_s": run.time.total_s(),
        "cost_usd": run.bill.total_usd(),
        "final_loss": run.final_loss,
        "epoch_losses": run.epoch_losses,
    })
}

/// A search's allocation, makespan and cost, and the makespan by number of configurations.
fn tuning(plan: &crate::optimize::tuning::TuningPlan, functions: u32) -> Value {
    let a = &plan.allocation;
    let configs: Vec<_> = plan
        .epochs
        .iter()
        .zip(&a.functions)
        .map(|(e, n)| json!({ "epochs": e, "functions": n }))
        .collect();
    let latency: Vec<_> = plan
        .latency_by_configs
        .iter()
        .map(|(h, t)| json!({ "configs": h, "makespan_s": t }))
        .collect();
    json!({
        "configs": configs,
        "functions": functions,
        "makespan_s": a.makespan_s,
        "cost_usd": a.cost_usd,
        "waves": a.waves,
        "sequential_s": plan.sequential_s,
        "latency_by_configs": latency,
    })
}

/// `{"cost_usd": {total, …parts}}`.
fn cost_document(cost: &super::output::CostResult) -> Value {
    let mut parts = Map::new();
    parts.insert("total".into(), json!(cost.total_usd));
    for (name, usd) in &cost.parts {
        parts.insert((*name).into(), json!(usd));
    }
    json!({ "cost_usd": parts })
}
