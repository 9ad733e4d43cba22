//! One answer to one question: `plan`, `optimize workers` and `optimize memory` name the same
//! best plan for a scenario under each objective, because the plan refines its grid with the
//! optimisers' own sweeps and the optimisers judge their sweeps against the plan's best score.

use std::path::Path;

use stratus::model::{Config, Platform};
use stratus::optimize::memory::for_scenario;
use stratus::optimize::plan::plan;
use stratus::optimize::workers::optimize_workers;
use stratus::profile::Profiles;
use stratus::scenario::shipped::SHIPPED;
use stratus::scenario::{Goal, Objective, Scenario};

mod common;

fn scenario(name: &str, text: &str) -> (Scenario, Profiles) {
    let profiles = Profiles::builtin().unwrap();
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let scenario = Scenario::from_text(text, name, &base, &[], &profiles).unwrap();
    (scenario, profiles)
}

/// The shipped scenarios that leave workers and memory to choose (a list of each).
fn open_scenarios() -> Vec<(Scenario, Profiles)> {
    SHIPPED
        .iter()
        .filter(|(name, _)| *name != "a9a-lr.toml" || common::shared_data_dir().is_some())
        .map(|(name, text)| scenario(name, text))
        .filter(|(s, _)| {
            s.faas
                .as_ref()
                .is_some_and(|f| f.workers.len() > 1 && f.memory_mb.len() > 1)
        })
        .collect()
}

fn objective(goal: Goal) -> Objective {
    Objective {
        goal,
        budget_usd: None,
        deadline_s: None,
    }
}

#[test]
fn plan_and_the_worker_optimiser_name_the_same_plan_on_both_platforms() {
    let scenarios = open_scenarios();
    assert!(scenarios.len() >= 4, "{}", scenarios.len());
    for (s, p) in &scenarios {
        for goal in [Goal::Time, Goal::Cost, Goal::Balanced] {
            let planned = plan(s, p, &objective(goal)).unwrap();
            for platform in [Platform::Faas, Platform::Iaas] {
                let Some(best) = planned.best(platform) else {
                    continue;
                };
                let swept = optimize_workers(s, p, &objective(goal), platform, None).unwrap();
                let chosen = &swept.curve[swept.best].candidate;
                assert_eq!(
                    chosen.config,
                    best.config,
                    "{} {goal} {platform:?}: the sweep picks {} where the plan picks {}",
                    s.name,
                    chosen.config.describe(),
                    best.config.describe()
                );
            }
        }
    }
}

#[test]
fn plan_and_the_memory_optimiser_name_the_same_function_plan() {
    for (s, p) in &open_scenarios() {
        for goal in [Goal::Time, Goal::Cost, Goal::Balanced] {
            let planned = plan(s, p, &objective(goal)).unwrap();
            let Some(Config::Faas(best)) = planned.best(Platform::Faas).map(|c| &c.config) else {
                panic!("{}: no FaaS plan", s.name);
            };
            let memory = for_scenario(s, p, &objective(goal)).unwrap();
            assert_eq!(&memory.config, best, "{} {goal}", s.name);
        }
    }
}

#[test]
fn the_refined_plans_stay_in_the_listed_range_and_some_leave_the_grid() {
    let mut off_grid = 0;
    for (s, p) in &open_scenarios() {
        let space = s.faas.as_ref().unwrap();
        for goal in [Goal::Time, Goal::Cost] {
            let planned = plan(s, p, &objective(goal)).unwrap();
            let Some(Config::Faas(best)) = planned.best(Platform::Faas).map(|c| &c.config) else {
                continue;
            };
            let range =
                |values: &[u32]| *values.iter().min().unwrap()..=*values.iter().max().unwrap();
            assert!(range(&space.workers).contains(&best.workers), "{}", s.name);
            assert!(
                range(&space.memory_mb).contains(&best.memory_mb),
                "{}",
                s.name
            );
            if !space.workers.contains(&best.workers) || !space.memory_mb.contains(&best.memory_mb)
            {
                off_grid += 1;
            }
        }
    }
    assert!(off_grid > 0, "no plan was refined off the listed grid");
}
