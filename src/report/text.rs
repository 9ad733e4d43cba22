//! # Text output
//!
//! What people read: a candidate as its configuration, time split into its terms and bill split
//! into its parts; a plan as the best of each platform and the verdict.

use std::fmt::Write;

use crate::model::{Candidate, Outcome, Platform};
use crate::optimize::plan::Plan;
use crate::units::{format_seconds, format_usd};

/// One candidate in a few lines, indented under `title`.
pub fn candidate(title: &str, candidate: &Candidate) -> String {
    let mut out = format!("{title}: {}\n", candidate.config.describe());
    match &candidate.outcome {
        Ok(outcome) => out.push_str(&outcome_lines(outcome)),
        Err(why) => {
            let _ = writeln!(out, "  cannot run: {why}");
        }
    }
    out
}

fn outcome_lines(outcome: &Outcome) -> String {
    let t = &outcome.time;
    let parts: Vec<String> = outcome
        .bill
        .parts()
        .into_iter()
        .filter(|(_, usd)| *usd > 0.0)
        .map(|(name, usd)| format!("{} {}", name.replace('_', " "), format_usd(usd)))
        .collect();
    format!(
        "  time  {} = start-up {} + loading {} + compute {} + communication {}\n  cost  {} = {}\n",
        format_seconds(t.total_s()),
        format_seconds(t.startup_s),
        format_seconds(t.load_s),
        format_seconds(t.compute_s),
        format_seconds(t.comm_s),
        format_usd(outcome.total_usd()),
        if parts.is_empty() {
            "nothing".to_string()
        } else {
            parts.join(" + ")
        },
    )
}

/// A plan: the best of each platform, the verdict and what was searched.
pub fn plan(plan: &Plan) -> String {
    let mut out = format!(
        "Scenario {} — minimising {}\n\n",
        plan.scenario, plan.objective.goal
    );
    for (platform, slot) in [(Platform::Faas, &plan.faas), (Platform::Iaas, &plan.iaas)] {
        match slot {
            Some(Ok(i)) => out.push_str(&candidate(
                &format!("Best {} plan", platform.label()),
                &plan.candidates[*i],
            )),
            Some(Err(why)) => {
                let _ = writeln!(out, "Best {} plan: none — {why}", platform.label());
            }
            None => continue,
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "Verdict: {}. {}.",
        plan.verdict.winner.label(),
        plan.verdict.reason
    );
    let infeasible = plan
        .candidates
        .iter()
        .filter(|c| c.feasible().is_none())
        .count();
    let count = |p: Platform| plan.candidates.iter().filter(|c| c.platform() == p).count();
    let _ = writeln!(
        out,
        "Searched {} FaaS and {} IaaS configurations ({infeasible} cannot run); --format csv lists them all.",
        count(Platform::Faas),
        count(Platform::Iaas),
    );
    out.push_str(&cannot_run(&plan.candidates));
    out.push_str(&measured_epochs(&plan.measured_epochs));
    out
}

/// With `epochs = "auto"`: the epochs the simulator measured for each kind of configuration.
fn measured_epochs(measured: &[crate::optimize::convergence::MeasuredEpochs]) -> String {
    if measured.is_empty() {
        return String::new();
    }
    let mut out = String::from("Epochs to the target loss, measured by the simulator:\n");
    for m in measured {
        let _ = writeln!(
            out,
            "  {:<44} {:>6.2} epochs{}",
            m.config.describe(),
            m.epochs,
            if m.reached {
                String::new()
            } else {
                format!(" (not reached: loss {:.4} after the last)", m.final_loss)
            }
        );
    }
    out
}

/// The candidates that cannot run, grouped by why, with one example each.
fn cannot_run(candidates: &[Candidate]) -> String {
    let mut groups: std::collections::BTreeMap<&'static str, (usize, String)> = Default::default();
    for c in candidates {
        let Err(why) = &c.outcome else { continue };
        let entry = groups.entry(why.kind()).or_insert((0, String::new()));
        entry.0 += 1;
        if entry.1.is_empty() {
            entry.1 = format!("{}: {why}", c.config.describe());
        }
    }
    groups
        .into_iter()
        .map(|(kind, (n, example))| format!("  {n} cannot run ({kind}), e.g. {example}\n"))
        .collect()
}

/// A simulated run (and the spread of several).
pub fn simulation(runs: &[crate::sim::SimOutcome]) -> String {
    use crate::sim::runs::percentile;
    let first = &runs[0];
    let simulated = Candidate {
        config: first.config.clone(),
        outcome: Ok(Outcome {
            time: first.time,
            bill: first.bill,
        }),
    };
    let mut out = candidate("Simulated", &simulated);
    let _ = writeln!(
        out,
        "  training  {} rounds, {:.2} epochs, final loss {:.6}{}",
        first.rounds,
        first.epochs,
        first.final_loss,
        if first.converged {
            " (converged)"
        } else {
            " (not converged)"
        }
    );
    if let (Some(loss), Some(acc)) = (first.test_loss, first.test_accuracy) {
        let _ = writeln!(out, "  test      loss {loss:.6}, accuracy {acc:.4}");
    }
    if runs.len() > 1 {
        let times: Vec<f64> = runs.iter().map(|r| r.time.total_s()).collect();
        let costs: Vec<f64> = runs.iter().map(|r| r.bill.total_usd()).collect();
        let _ = writeln!(
            out,
            "  {} runs   time p50 {} p95 {}; cost p50 {} p95 {}",
            runs.len(),
            format_seconds(percentile(&times, 50.0)),
            format_seconds(percentile(&times, 95.0)),
            format_usd(percentile(&costs, 50.0)),
            format_usd(percentile(&costs, 95.0)),
        );
    }
    for note in &first.notes {
        let _ = writeln!(out, "  note: {note}");
    }
    out
}
