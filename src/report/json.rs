//! # JSON output
//!
//! The SPEC's stable keys: a candidate is `{platform, config, time_s{total, startup, load,
//! compute, comm}, cost_usd{total, …parts}}`; a plan adds the verdict, speed-up, cost ratio and
//! reason. Non-finite numbers become `null`.

use serde_json::{Map, Value, json};

use crate::model::{Candidate, Config, Outcome, TimeBreakdown};
use crate::optimize::plan::Plan;
use crate::scenario::Algorithm;

/// A number, or `null` when it is not finite.
pub fn number(x: f64) -> Value {
    if x.is_finite() { json!(x) } else { Value::Null }
}

/// The `config` object of a candidate; `algorithm` is the workload's.
pub fn config(config: &Config, algorithm: Algorithm) -> Value {
    match config {
        Config::Faas(c) => {
            let mut map = Map::new();
            map.insert("algorithm".into(), json!(algorithm.name()));
            map.insert("workers".into(), json!(c.workers));
            map.insert("memory_mb".into(), json!(c.memory_mb));
            map.insert("channel".into(), json!(c.channel.name()));
            map.insert("pattern".into(), json!(c.pattern.name()));
            map.insert("sync".into(), json!(c.sync.to_string()));
            if let Some(structure) = c.pattern.structure() {
                map.insert("structure".into(), json!(structure));
            }
            Value::Object(map)
        }
        Config::Iaas(c) => {
            json!({ "instance": c.instance, "workers": c.workers, "algorithm": algorithm.name() })
        }
    }
}

/// The `time_s` object.
pub fn time(time: &TimeBreakdown) -> Value {
    json!({
        "total": number(time.total_s()),
        "startup": number(time.startup_s),
        "load": number(time.load_s),
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
pub fn candidate(candidate: &Candidate, algorithm: Algorithm) -> Value {
    let mut map = Map::new();
    map.insert("platform".into(), json!(candidate.platform().name()));
    map.insert("config".into(), config(&candidate.config, algorithm));
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
        Some(Ok(i)) => candidate(&plan.candidates[*i], plan.algorithm),
        Some(Err(why)) => json!({ "feasible": false, "reason": why.to_string() }),
        None => Value::Null,
    };
    let front: Vec<Value> = crate::optimize::pareto::frontier(&plan.candidates)
        .into_iter()
        .map(|c| candidate(c, plan.algorithm))
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
        "pareto": front,
        "measured_epochs": plan.measured_epochs.iter().map(|m| json!({
            "platform": m.kind.platform.name(),
            "config": config(&m.config, plan.algorithm),
            "epochs": number(m.epochs),
            "reached": m.reached,
            "final_loss": number(m.final_loss),
        })).collect::<Vec<Value>>(),
    })
}

/// A simulated run: the SPEC's keys (`time_s`, `cost_usd`, `epochs`, `final_loss`, `converged`)
/// and what was simulated; with several runs, `quantiles` of each figure.
pub fn simulation(runs: &[crate::sim::SimOutcome], algorithm: Algorithm) -> Value {
    let first = &runs[0];
    let outcome = Outcome {
        time: first.time,
        bill: first.bill,
    };
    let mut doc = json!({
        "platform": first.config.platform().name(),
        "config": config(&first.config, algorithm),
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
            "compute": pair(&|r| r.time.compute_s),
            "comm": pair(&|r| r.time.comm_s),
        },
        "cost_usd": { "total": pair(&|r| r.bill.total_usd()) },
        "epochs": pair(&|r| r.epochs),
        "final_loss": pair(&|r| r.final_loss),
    })
}
