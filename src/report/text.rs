//! # Text output
//!
//! What people read, and the table exporter: a candidate as its configuration, time split into
//! its terms and bill split into its parts; a plan as the best of each platform and the
//! verdict; each optimiser's choice; the profiles; a calibration's parameters.

use std::fmt::Write;

use super::exporter::Exporter;
use super::output::{
    MemoryResult, Output, SimulatedSchedule, fixed_plan, plain, validation_errors,
};
use crate::model::{Candidate, Outcome, Platform};
use crate::optimize::plan::Plan;
use crate::units::{format_seconds, format_usd};

/// Renders results as text for people (`--format table`).
pub struct TableExporter;

impl Exporter for TableExporter {
    fn export(&self, output: &Output<'_>, out: &mut dyn std::io::Write) -> anyhow::Result<()> {
        out.write_all(crate::units::printable(&text(output)?).as_bytes())?;
        Ok(())
    }
}

/// The text of `output`.
fn text(output: &Output<'_>) -> anyhow::Result<String> {
    Ok(match output {
        Output::Plan { scenario, plan: p } => {
            format!("{}\n{}", super::workload::line(scenario), plan(p))
        }
        // The reason goes to stderr with the exit status; a table has nothing more to say.
        Output::NoPlan { .. } => String::new(),
        Output::Estimate {
            scenario,
            candidate,
            measured,
        } => estimate(scenario, candidate, *measured),
        Output::Simulation { runs, .. } => simulation(runs),
        Output::Validation { rows } => validation(rows),
        Output::Memory(result) => memory(result),
        Output::Workers { choice, goal, .. } => workers(choice, *goal),
        Output::Tree(choice) => tree(choice),
        Output::Schedule { plan, simulated } => schedule(plan, *simulated),
        Output::Tuning {
            plan,
            configs,
            functions,
        } => tuning(plan, *configs, *functions),
        Output::Cost(cost) => cost_line(cost),
        Output::Profiles(profiles) => super::profiles::text(profiles),
        Output::Sources(rows) => super::profiles::sources_text(rows)?,
        Output::Train(result) => train(result),
        Output::Reproduce {
            results,
            roles,
            summary,
        } => super::reproduce::text(results, *roles, summary),
        Output::Sweep { keys, points } => super::sweep::text(keys, points),
        Output::Report {
            report, dir, files, ..
        } => report_files(report, dir, files),
        Output::Calibration(calibration) => super::measurements::calibration_text(calibration),
        Output::HostProfile(profile) => super::measurements::kernels_text(profile),
        Output::Channel {
            store, kind, fit, ..
        } => super::measurements::channel_text(store, *kind, fit),
        Output::Runtime { report, fits } => super::measurements::runtime_text(report, fits),
    })
}

/// One candidate in a few lines, indented under `title`.
pub fn candidate(title: &str, candidate: &Candidate) -> String {
    described(title, candidate, false)
}

/// [`candidate`], naming its algorithm and mini-batch when `with_recipe`.
fn described(title: &str, candidate: &Candidate, with_recipe: bool) -> String {
    let mut out = format!("{title}: {}\n", candidate.describe(with_recipe));
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
        "  time  {} = start-up {} + loading {}{} + compute {} + communication {}\n  cost  {} = {}\n",
        format_seconds(t.total_s()),
        format_seconds(t.startup_s),
        format_seconds(t.load_s),
        if t.batching_s > 0.0 {
            format!(" + batching {}", format_seconds(t.batching_s))
        } else {
            String::new()
        },
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
            Some(Ok(i)) => out.push_str(&described(
                &format!("Best {} plan", platform.label()),
                &plan.candidates[*i],
                crate::model::candidate::recipes_vary(&plan.candidates),
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
    let refined = match plan.refined {
        0 => String::new(),
        n => format!(", {n} of them between the listed values around the best plans"),
    };
    let _ = writeln!(
        out,
        "Searched {} FaaS and {} IaaS configurations ({infeasible} cannot run{refined}); --format csv lists them all.",
        count(Platform::Faas),
        count(Platform::Iaas),
    );
    out.push_str(&cannot_run(&plan.candidates));
    out.push_str(&measured_epochs(&plan.measured_epochs));
    for note in &plan.notes {
        let _ = writeln!(out, "Note: {note}.");
    }
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
            "  {:<60} {:>6.2} epochs{}",
            m.config.describe() + &recipe_suffix(m.recipe, measured),
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

/// ", ma-sgd, batch 1000" where the measured kinds train differently.
fn recipe_suffix(
    recipe: crate::scenario::Recipe,
    measured: &[crate::optimize::convergence::MeasuredEpochs],
) -> String {
    match measured.iter().any(|m| m.recipe != recipe) {
        true => format!(", {recipe}"),
        false => String::new(),
    }
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
        recipe: first.recipe,
        outcome: Ok(Outcome {
            time: first.time,
            bill: first.bill,
        }),
    };
    let mut out = candidate("Simulated", &simulated);
    let _ = writeln!(
        out,
        "  training  {}: {} rounds, {:.2} epochs, final loss {:.6}{}",
        first.recipe,
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

/// An estimate: the workload, the epochs the simulator measured if it did, the candidate.
fn estimate(
    scenario: &crate::scenario::Scenario,
    estimated: &Candidate,
    measured: Option<&crate::optimize::convergence::MeasuredEpochs>,
) -> String {
    format!(
        "{}{}\n{}",
        super::workload::line(scenario),
        measured.map_or(String::new(), |m| format!(
            "\nMeasured by the simulator: {:.2} epochs to the target{}",
            m.epochs,
            if m.reached { "" } else { " (not reached)" }
        )),
        candidate(
            &format!("{} — {}", scenario.name, estimated.platform().label()),
            estimated
        )
    )
}

/// The model against the simulator: one line per configuration, then the errors.
fn validation(rows: &[crate::validate::ValidationRow]) -> String {
    let mut out = format!(
        "{:<20} {:<46} {:>12} {:>12} {:>8}\n",
        "scenario", "configuration", "analytic s", "simulated s", "error"
    );
    for r in rows {
        let _ = writeln!(
            out,
            "{:<20} {:<46} {:>12.3} {:>12.3} {:>7.2}%",
            r.scenario,
            r.config.describe(),
            r.analytic_s,
            r.simulated_s,
            100.0 * r.rel_err()
        );
    }
    let (median, max) = validation_errors(rows);
    let _ = writeln!(
        out,
        "median error {:.2}%, largest {:.2}%",
        100.0 * median,
        100.0 * max
    );
    out
}

/// The chosen memory, how it was found, and the ladder of sizes around it.
fn memory(result: &MemoryResult) -> String {
    let c = &result.choice;
    let mut out = format!(
        "Best memory by {}: {} MB on {} — {} and {} per {}\n",
        c.goal,
        c.best.memory_mb,
        result.profile.name,
        format_seconds(c.best.time_s),
        format_usd(c.best.cost_usd),
        result.per()
    );
    let _ = writeln!(
        out,
        "  searched {} sizes; Brent's continuous optimum {:.0} MB snaps to {} MB",
        c.curve.len(),
        c.continuous_optimum_mb,
        c.snapped.memory_mb
    );
    if let Some(note) = &result.note {
        let _ = writeln!(out, "  {note}");
    }
    let _ = write!(
        out,
        "\n{:>10}  {:>12}  {:>12}  {:>12}\n",
        "memory_mb", "time", "cost", "ratio"
    );
    for p in result.ladder() {
        let _ = writeln!(
            out,
            "{:>10}  {:>12}  {:>12}  {:>12.4e}{}",
            p.memory_mb,
            format_seconds(p.time_s),
            format_usd(p.cost_usd),
            p.ratio,
            memory_mark(result, p.memory_mb)
        );
    }
    out
}

/// `← best` and `(extrapolated)` where they apply to a size of the ladder.
fn memory_mark(result: &MemoryResult, memory_mb: u32) -> String {
    let best = if memory_mb == result.choice.best.memory_mb {
        "  ← best"
    } else {
        ""
    };
    let outside = if result.outside_measured(memory_mb) {
        "  (extrapolated)"
    } else {
        ""
    };
    format!("{best}{outside}")
}

/// The best worker count, and where communication stops the speed-up.
fn workers(
    choice: &crate::optimize::workers::WorkersChoice,
    goal: crate::scenario::Goal,
) -> String {
    let best = &choice.curve[choice.best];
    let fastest_s = choice
        .curve
        .iter()
        .find(|p| p.workers == choice.fastest_workers)
        .and_then(|p| p.candidate.feasible())
        .map_or(f64::NAN, |o| o.total_s());
    format!(
        "{}Communication stops the speed-up at {} workers ({}); beyond, more workers finish later.\n",
        candidate(&format!("Best worker count ({goal})"), &best.candidate),
        choice.fastest_workers,
        format_seconds(fastest_s)
    )
}

/// The aggregation tree and one iteration's time and cost.
fn tree(choice: &crate::optimize::tree::TreeChoice) -> String {
    format!(
        "Tree for {} workers of {} MB on {}: {} — {} and {} an iteration\n",
        choice.workers,
        choice.memory_mb,
        choice.channel,
        tree_layers(&choice.structure),
        format_seconds(choice.iteration_s),
        format_usd(choice.iteration_usd)
    )
}

/// A tree's layer sizes as `1-5-22-100`.
pub fn tree_layers(structure: &[u32]) -> String {
    let layers: Vec<String> = structure.iter().map(u32::to_string).collect();
    layers.join("-")
}

/// The schedule, the best fixed plan beside it, and their simulated runs if any.
fn schedule(
    plan: &crate::optimize::schedule::SchedulePlan,
    simulated: Option<&SimulatedSchedule>,
) -> String {
    let steps: Vec<String> = plan
        .schedule
        .epochs
        .iter()
        .map(|&c| plan.options[c].workers.to_string())
        .collect();
    let fixed = |slot| {
        let f = fixed_plan(plan, slot);
        format!(
            "{} × {} MB for {} epochs — {} for {}",
            f.workers,
            f.memory_mb,
            f.epochs,
            format_seconds(f.time_s),
            format_usd(f.cost_usd)
        )
    };
    let mut text = format!(
        "Schedule to loss {:.6} within {}: functions per epoch {} — {} for {}\nBest fixed plan under the same budget: {}\n",
        plan.target_loss,
        format_usd(plan.budget_usd),
        steps.join(" → "),
        format_seconds(plan.schedule.time_s),
        format_usd(plan.schedule.cost_usd),
        fixed(plan.baseline),
    );
    if let Some(listed) = plan.cheapest_listed {
        let _ = writeln!(
            text,
            "Cheapest of the scenario's own configurations: {}",
            fixed(listed)
        );
    }
    let _ = writeln!(text, "(loss curves from the {})", plan.curves_from);
    if let Some(simulated) = simulated {
        text += &simulated_schedule(simulated);
    }
    text
}

fn simulated_schedule(simulated: &SimulatedSchedule) -> String {
    format!(
        "Simulated epoch by epoch (real kernels, each epoch a fresh generation of functions):\n  schedule    {}\n  fixed plan  {}\n",
        simulated_line(simulated.schedule.as_ref()),
        simulated_line(simulated.baseline.as_ref())
    )
}

fn simulated_line(run: Option<&crate::sim::SimOutcome>) -> String {
    let Some(run) = run else {
        return "no epochs to run".into();
    };
    format!(
        "{} for {}, loss {:.6}",
        format_seconds(run.time.total_s()),
        format_usd(run.bill.total_usd()),
        run.final_loss
    )
}

/// A hyperparameter search: its makespan and cost, then each configuration's functions.
fn tuning(plan: &crate::optimize::tuning::TuningPlan, configs: usize, functions: u32) -> String {
    let a = &plan.allocation;
    let mut out = format!(
        "{configs} configurations on {functions} functions: {} in {} wave(s), {}; one after another: {}\n",
        format_seconds(a.makespan_s),
        a.waves,
        format_usd(a.cost_usd),
        format_seconds(plan.sequential_s)
    );
    for (i, (e, n)) in plan.epochs.iter().zip(&a.functions).enumerate() {
        let _ = writeln!(
            out,
            "  configuration {:>3}: {e} epochs on {n} functions",
            i + 1
        );
    }
    out
}

/// A bill as its total and parts.
fn cost_line(cost: &super::output::CostResult) -> String {
    let detail: Vec<String> = cost
        .parts
        .iter()
        .map(|(n, u)| format!("{n} {}", format_usd(*u)))
        .collect();
    format!("{} = {}\n", format_usd(cost.total_usd), detail.join(" + "))
}

/// Training's figures, one a line.
fn train(result: &super::output::TrainResult) -> String {
    result
        .record()
        .iter()
        .map(|(key, value)| format!("{key:<20} {}\n", plain(value)))
        .collect()
}

/// The files a report wrote, and the figures it could not draw.
fn report_files(report: &super::bundle::Report, dir: &std::path::Path, files: &[String]) -> String {
    let mut out = format!("wrote {} files to {}:\n", files.len(), dir.display());
    for file in files {
        let _ = writeln!(out, "  {}", dir.join(file).display());
    }
    for (figure, why) in &report.skipped {
        let _ = writeln!(out, "  ({figure} not drawn: {why})");
    }
    out
}
