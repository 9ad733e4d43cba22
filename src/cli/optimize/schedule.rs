//! `stratus optimize schedule`: functions and memory per epoch under a budget (Siren).

use std::path::PathBuf;

use clap::Args;
use serde_json::{Value, json};

use crate::cli::common::ScenarioInput;
use crate::cli::exit::InputError;
use crate::cli::output::{Format, print_json};
use crate::optimize::schedule::{SchedulePlan, plan_schedule};
use crate::sim::{SimOutcome, simulate_schedule};
use crate::units::{format_seconds, format_usd};

/// Flags of `stratus optimize schedule`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  stratus optimize schedule scenarios/siren-toy-lr.toml\n  stratus optimize schedule scenarios/siren-toy-lr.toml --budget-usd 0.015 --format json\n  stratus optimize schedule scenarios/siren-toy-lr.toml --simulate"
)]
pub struct ScheduleArgs {
    pub scenario: PathBuf,
    #[command(flatten)]
    pub input: ScenarioInput,
    /// Total budget (default: the scenario's, else the cheapest fixed plan's cost).
    #[arg(long, value_name = "USD", value_parser = crate::cli::common::positive)]
    pub budget_usd: Option<f64>,
    /// Also run the schedule and the best fixed plan in the simulator, epoch by epoch.
    #[arg(long)]
    pub simulate: bool,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// Runs `stratus optimize schedule`.
pub fn run(args: &ScheduleArgs) -> anyhow::Result<()> {
    let profiles = args.input.profiles()?;
    let scenario = args.input.scenario(Some(&args.scenario), &profiles)?;
    let plan = plan_schedule(
        &scenario,
        &profiles,
        args.budget_usd.or(scenario.objective.budget_usd),
    )?;
    if args.simulate && args.format == Format::Csv {
        return Err(InputError("--simulate prints with --format table or json".into()).into());
    }
    let simulated = if args.simulate {
        Some(simulate_both(&scenario, &profiles, &plan)?)
    } else {
        None
    };
    match args.format {
        Format::Json => {
            let mut doc = document(&plan);
            if let Some((schedule, baseline)) = &simulated {
                doc["simulated"] =
                    json!({ "schedule": outcome(schedule), "baseline": outcome(baseline) });
            }
            print_json(&doc)
        }
        Format::Csv => {
            println!("epoch,workers,memory_mb");
            for (e, &c) in plan.schedule.epochs.iter().enumerate() {
                println!(
                    "{},{},{}",
                    e + 1,
                    plan.options[c].workers,
                    plan.options[c].memory_mb
                );
            }
            Ok(())
        }
        Format::Table => {
            print!("{}", table(&plan));
            if let Some((schedule, baseline)) = &simulated {
                println!(
                    "Simulated epoch by epoch (real kernels, each epoch a fresh generation of functions):"
                );
                println!("  schedule    {}", line(schedule));
                println!("  fixed plan  {}", line(baseline));
            }
            Ok(())
        }
    }
}

/// The schedule and the best fixed plan, each simulated one generation per epoch (`None` for
/// one of no epochs: the target is where training starts).
fn simulate_both(
    scenario: &crate::scenario::Scenario,
    profiles: &crate::profile::Profiles,
    plan: &SchedulePlan,
) -> anyhow::Result<(Option<SimOutcome>, Option<SimOutcome>)> {
    let epochs: Vec<_> = plan
        .schedule
        .epochs
        .iter()
        .map(|&c| plan.configs[c].clone())
        .collect();
    let (b, count) = plan.baseline;
    let fixed = vec![plan.configs[b].clone(); count];
    let run = |epochs: &[crate::model::FaasConfig]| -> anyhow::Result<Option<SimOutcome>> {
        if epochs.is_empty() {
            return Ok(None);
        }
        Ok(Some(simulate_schedule(
            scenario,
            profiles,
            epochs,
            scenario.seed,
        )?))
    };
    Ok((run(&epochs)?, run(&fixed)?))
}

fn outcome(run: &Option<SimOutcome>) -> Value {
    let Some(run) = run else { return Value::Null };
    json!({
        "time_s": run.time.total_s(),
        "cost_usd": run.bill.total_usd(),
        "final_loss": run.final_loss,
        "epoch_losses": run.epoch_losses,
    })
}

fn line(run: &Option<SimOutcome>) -> String {
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

fn document(plan: &SchedulePlan) -> Value {
    let schedule: Vec<Value> = plan
        .schedule
        .epochs
        .iter()
        .enumerate()
        .map(|(e, &c)| json!({ "epoch": e + 1, "workers": plan.options[c].workers, "memory_mb": plan.options[c].memory_mb }))
        .collect();
    let (b, epochs) = plan.baseline;
    let base = &plan.options[b];
    json!({
        "schedule": schedule,
        "time_s": plan.schedule.time_s,
        "cost_usd": plan.schedule.cost_usd,
        "final_loss": plan.schedule.final_loss,
        "baseline": {
            "workers": base.workers, "memory_mb": base.memory_mb, "epochs": epochs,
            "time_s": base.epoch_s * epochs as f64, "cost_usd": base.epoch_usd * epochs as f64,
        },
        "cheapest_listed": plan.cheapest_listed.map_or(Value::Null, |(c, epochs)| {
            let o = &plan.options[c];
            json!({
                "workers": o.workers, "memory_mb": o.memory_mb, "epochs": epochs,
                "time_s": o.epoch_s * epochs as f64, "cost_usd": o.epoch_usd * epochs as f64,
            })
        }),
        "target_loss": plan.target_loss,
        "budget_usd": plan.budget_usd,
        "curves_from": plan.curves_from,
    })
}

fn table(plan: &SchedulePlan) -> String {
    let steps: Vec<String> = plan
        .schedule
        .epochs
        .iter()
        .map(|&c| plan.options[c].workers.to_string())
        .collect();
    let fixed = |(c, epochs): (usize, usize)| {
        let o = &plan.options[c];
        format!(
            "{} × {} MB for {epochs} epochs — {} for {}",
            o.workers,
            o.memory_mb,
            format_seconds(o.epoch_s * epochs as f64),
            format_usd(o.epoch_usd * epochs as f64)
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
        text += &format!(
            "Cheapest of the scenario's own configurations: {}\n",
            fixed(listed)
        );
    }
    text + &format!("(loss curves from the {})\n", plan.curves_from)
}
