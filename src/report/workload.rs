//! # The workload behind an answer
//!
//! Every plan and estimate rests on choices a user may not have made consciously: the global
//! mini-batch, the algorithm, how many epochs or rounds, the training framework, how long the
//! functions live. This states them, as a JSON object and as one line of text.

use serde_json::{Value, json};

use super::json::number;
use crate::model::facts::WorkloadFacts;
use crate::scenario::{Lifecycle, Scenario, TrainingLength};

/// The workload's assumptions as JSON; with several algorithms or mini-batches listed, the
/// first's facts, and every one under `recipes`.
pub fn json(scenario: &Scenario) -> Value {
    let w = &scenario.workload;
    let facts = first_facts(scenario);
    let recipes: Vec<Value> = w
        .recipes
        .iter()
        .map(|r| json!({ "algorithm": r.algorithm.name(), "batch_size": r.batch_size }))
        .collect();
    json!({
        "recipes": recipes,
        "dataset": w.dataset.name,
        "model": w.model.name,
        "algorithm": w.algorithm.name(),
        "batch_size": w.batch_size,
        "batch_is_whole_dataset": whole_dataset(scenario).is_some(),
        "runtime": w.runtime,
        "epochs": facts.as_ref().map_or(Value::Null, |f| number(f.epochs)),
        "rounds": facts.as_ref().map_or(Value::Null, |f| number(f.rounds)),
        "steps_per_round": facts.as_ref().map_or(Value::Null, |f| number(f.steps_per_round)),
        "lifecycle": lifecycle(scenario),
    })
}

/// The workload's assumptions in one line.
pub fn line(scenario: &Scenario) -> String {
    let w = &scenario.workload;
    let several = w.recipes.len() > 1;
    let length = match (&w.length, first_facts(scenario)) {
        (TrainingLength::Auto { target_loss, .. }, _) => {
            format!("epochs until loss {target_loss}")
        }
        (_, Some(f)) if several => format!("{} epochs", trim(f.epochs)),
        (_, Some(f)) => format!("{} epochs = {} rounds", trim(f.epochs), trim(f.rounds)),
        (_, None) => "epochs unknown".into(),
    };
    let recipe = match several {
        true => format!("searching {}", searched(scenario)),
        false => format!(
            "{} with a global mini-batch of {}{}",
            w.algorithm.name(),
            w.batch_size,
            whole_dataset(scenario).unwrap_or_default()
        ),
    };
    format!(
        "Workload: {} on {}, {recipe}, {length}, {} runtime, {} functions",
        w.model.name,
        w.dataset.name,
        w.runtime,
        lifecycle(scenario),
    )
}

/// The algorithms and mini-batches a scenario lists: "ga-sgd, ma-sgd × mini-batches of 1000, 5000".
fn searched(scenario: &Scenario) -> String {
    let mut algorithms: Vec<&str> = Vec::new();
    let mut batches: Vec<String> = Vec::new();
    for r in &scenario.workload.recipes {
        if !algorithms.contains(&r.algorithm.name()) {
            algorithms.push(r.algorithm.name());
        }
        if !batches.contains(&r.batch_size.to_string()) {
            batches.push(r.batch_size.to_string());
        }
    }
    format!(
        "{} × mini-batches of {}",
        algorithms.join(", "),
        batches.join(", ")
    )
}

/// The facts of the first algorithm and mini-batch listed.
fn first_facts(scenario: &Scenario) -> Option<WorkloadFacts> {
    let first = scenario.with_recipe(*scenario.workload.recipes.first()?);
    WorkloadFacts::new(&first.workload).ok()
}

/// What a mini-batch larger than the dataset means, said where the batch is stated.
fn whole_dataset(scenario: &Scenario) -> Option<String> {
    let rows = first_facts(scenario)?.rows;
    (scenario.workload.batch_size as f64 > rows).then(|| {
        format!(
            " (more than the {} rows: a round takes the whole dataset)",
            trim(rows)
        )
    })
}

fn lifecycle(scenario: &Scenario) -> &'static str {
    match scenario.faas.as_ref().map(|f| f.lifecycle) {
        Some(Lifecycle::PerEpoch) => "per-epoch",
        _ => "persistent",
    }
}

fn trim(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::Profiles;

    #[test]
    fn states_batch_algorithm_length_runtime_and_lifecycle() {
        let profiles = Profiles::builtin().unwrap();
        let s = Scenario::default_scenario(&[], &profiles).unwrap();
        let text = line(&s);
        for part in ["admm", "100000", "10 epochs", "pytorch", "persistent"] {
            assert!(text.contains(part), "{part}: {text}");
        }
        let j = json(&s);
        assert_eq!(j["batch_size"], 100000);
        assert_eq!(j["batch_is_whole_dataset"], false);
        assert_eq!(j["runtime"], "pytorch");
    }

    #[test]
    fn says_when_the_batch_is_larger_than_the_data() {
        let profiles = Profiles::builtin().unwrap();
        let s = Scenario::default_scenario(&["workload.batch_size=1e9".into()], &profiles).unwrap();
        let text = line(&s);
        assert!(text.contains("a round takes the whole dataset"), "{text}");
        assert_eq!(json(&s)["batch_is_whole_dataset"], true);
    }
}
