//! # Hyperparameter-search allocation (Feng et al. §V; Cirrus)
//!
//! |H| configurations train in parallel under a total of N functions (Σ n_i ≤ N). For the
//! makespan, a binary search over the candidate finishing times is exact: for a target T each
//! configuration takes the fewest functions that finish by T, and T is feasible when they fit.
//! For the bill, a dynamic programme over configurations and functions used is exact. When
//! |H| > N, configurations run in waves of at most N, longest first.

/// Time and cost of one configuration trained by some number of functions.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct JobRun {
    pub time_s: f64,
    pub cost_usd: f64,
}

/// How the functions are shared.
#[derive(Debug, Clone, PartialEq)]
pub struct Allocation {
    /// Functions per configuration, in input order.
    pub functions: Vec<u32>,
    /// When the last configuration finishes.
    pub makespan_s: f64,
    pub cost_usd: f64,
    /// Waves the configurations ran in (1 when all ran at once).
    pub waves: usize,
}

/// What the allocation minimises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TuningGoal {
    Makespan,
    Cost,
}

/// Allocates `total` functions to the jobs; `runs[i][n - 1]` is job i on n functions (`None`
/// where it cannot run). Every job gets at least one function.
pub fn allocate(runs: &[Vec<Option<JobRun>>], total: u32, goal: TuningGoal) -> Option<Allocation> {
    if runs.is_empty() || total == 0 {
        return None;
    }
    let per_wave = runs.len().min(total as usize);
    let mut order: Vec<usize> = (0..runs.len()).collect();
    // Longest first (by the best time each can reach), so waves are balanced.
    order.sort_by(|&a, &b| {
        best_time(&runs[b])
            .total_cmp(&best_time(&runs[a]))
            .then(a.cmp(&b))
    });
    let mut functions = vec![0u32; runs.len()];
    let (mut makespan_s, mut cost_usd) = (0.0, 0.0);
    for wave in order.chunks(per_wave) {
        let wave_runs: Vec<&[Option<JobRun>]> = wave.iter().map(|&i| runs[i].as_slice()).collect();
        let counts = match goal {
            TuningGoal::Makespan => min_makespan(&wave_runs, total)?,
            TuningGoal::Cost => min_cost(&wave_runs, total)?,
        };
        let mut wave_s: f64 = 0.0;
        for (&job, &n) in wave.iter().zip(&counts) {
            let run = runs[job][n as usize - 1].expect("allocated runs are feasible");
            functions[job] = n;
            wave_s = wave_s.max(run.time_s);
            cost_usd += run.cost_usd;
        }
        makespan_s += wave_s;
    }
    Some(Allocation {
        functions,
        makespan_s,
        cost_usd,
        waves: runs.len().div_ceil(per_wave),
    })
}

fn best_time(runs: &[Option<JobRun>]) -> f64 {
    runs.iter()
        .flatten()
        .map(|r| r.time_s)
        .fold(f64::INFINITY, f64::min)
}

/// Fewest functions (and the count that achieves it) with which a job finishes by `target_s`.
fn fewest_by(runs: &[Option<JobRun>], target_s: f64) -> Option<u32> {
    runs.iter()
        .position(|r| r.is_some_and(|r| r.time_s <= target_s))
        .map(|i| i as u32 + 1)
}

fn min_makespan(jobs: &[&[Option<JobRun>]], total: u32) -> Option<Vec<u32>> {
    let mut targets: Vec<f64> = jobs
        .iter()
        .flat_map(|r| r.iter().flatten().map(|x| x.time_s))
        .collect();
    targets.sort_by(f64::total_cmp);
    targets.dedup();
    let fits = |target_s: f64| -> Option<Vec<u32>> {
        let counts: Option<Vec<u32>> = jobs.iter().map(|r| fewest_by(r, target_s)).collect();
        counts.filter(|c| c.iter().sum::<u32>() <= total)
    };
    let first_feasible = targets.partition_point(|&t| fits(t).is_none());
    targets.get(first_feasible).and_then(|&t| fits(t))
}

fn min_cost(jobs: &[&[Option<JobRun>]], total: u32) -> Option<Vec<u32>> {
    let budget = total as usize;
    // best[i][f]: least cost of the first i jobs using exactly f functions; choice to unwind.
    let mut best = vec![vec![f64::INFINITY; budget + 1]; jobs.len() + 1];
    let mut choice = vec![vec![0u32; budget + 1]; jobs.len() + 1];
    best[0][0] = 0.0;
    for (i, runs) in jobs.iter().enumerate() {
        for used in 0..=budget {
            if best[i][used].is_infinite() {
                continue;
            }
            for (k, run) in runs.iter().enumerate().take(budget - used) {
                let Some(run) = run else { continue };
                let next = used + k + 1;
                let cost = best[i][used] + run.cost_usd;
                if cost < best[i + 1][next] {
                    best[i + 1][next] = cost;
                    choice[i + 1][next] = k as u32 + 1;
                }
            }
        }
    }
    let last = &best[jobs.len()];
    let mut used = (0..=budget)
        .filter(|&f| last[f].is_finite())
        .min_by(|&a, &b| last[a].total_cmp(&last[b]))?;
    let mut counts = vec![0u32; jobs.len()];
    for i in (1..=jobs.len()).rev() {
        counts[i - 1] = choice[i][used];
        used -= choice[i][used] as usize;
    }
    Some(counts)
}

/// A hyperparameter search planned on a scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct TuningPlan {
    /// Epochs each configuration trains for.
    pub epochs: Vec<f64>,
    pub allocation: Allocation,
    /// Makespan of the first h configurations under the same N, for h = 1..=|H|.
    pub latency_by_configs: Vec<(usize, f64)>,
    /// The configurations one after another, each on its own fastest worker count ≤ N.
    pub sequential_s: f64,
}

/// Why a search cannot be planned.
#[derive(Debug, thiserror::Error)]
pub enum TuningError {
    #[error(transparent)]
    Plan(#[from] super::plan::PlanError),
    #[error("no allocation of {functions} functions runs every configuration")]
    Infeasible { functions: u32 },
    #[error("a search needs at least one configuration and one function")]
    Empty,
    #[error(
        "{configs} configurations over {functions} functions: at most {MAX_CONFIGS} configurations and {MAX_FUNCTIONS} functions"
    )]
    TooLarge { configs: usize, functions: u32 },
    #[error(transparent)]
    Facts(#[from] crate::model::facts::FactsError),
}

/// The most configurations a search plans (each is priced at every function count).
pub const MAX_CONFIGS: usize = 10_000;
/// The most functions a search shares out: ten times AWS Lambda's default concurrency quota.
pub const MAX_FUNCTIONS: u32 = 10_000;

/// Plans a search of `configs` configurations (epochs cycled from `epochs`, or the scenario's)
/// over `functions` functions on the scenario's best FaaS choices.
pub fn plan_search(
    scenario: &crate::scenario::Scenario,
    profiles: &crate::profile::Profiles,
    configs: usize,
    functions: u32,
    epochs: &[f64],
    goal: TuningGoal,
) -> Result<TuningPlan, TuningError> {
    use crate::model::{Config, FaasModel, Platform};
    if configs == 0 || functions == 0 {
        return Err(TuningError::Empty);
    }
    if configs > MAX_CONFIGS || functions > MAX_FUNCTIONS {
        return Err(TuningError::TooLarge { configs, functions });
    }
    let template =
        super::workers::best_template(scenario, profiles, &scenario.objective, Platform::Faas)?;
    let Config::Faas(template) = template else {
        unreachable!("a FaaS plan")
    };
    let lengths: Vec<f64> = match epochs {
        [] => vec![super::super::model::WorkloadFacts::new(&scenario.workload)?.epochs],
        given => given.to_vec(),
    };
    let mut table: std::collections::BTreeMap<u64, Vec<Option<JobRun>>> = Default::default();
    for &e in &lengths {
        let mut variant = scenario.clone();
        variant.workload.length = crate::scenario::TrainingLength::Epochs(e);
        let model = FaasModel::new(&variant, profiles).map_err(super::plan::PlanError::from)?;
        let runs = (1..=functions)
            .map(|n| {
                let c = super::workers::faas_point(&model, &template, n);
                c.feasible().map(|o| JobRun {
                    time_s: o.total_s(),
                    cost_usd: o.total_usd(),
                })
            })
            .collect();
        table.insert(e.to_bits(), runs);
    }
    let epochs: Vec<f64> = (0..configs).map(|i| lengths[i % lengths.len()]).collect();
    let runs: Vec<Vec<Option<JobRun>>> =
        epochs.iter().map(|e| table[&e.to_bits()].clone()).collect();
    let allocation =
        allocate(&runs, functions, goal).ok_or(TuningError::Infeasible { functions })?;
    let latency_by_configs = (1..=configs)
        .filter_map(|h| allocate(&runs[..h], functions, goal).map(|a| (h, a.makespan_s)))
        .collect();
    let sequential_s = runs.iter().map(|r| best_time(r)).sum();
    Ok(TuningPlan {
        epochs,
        allocation,
        latency_by_configs,
        sequential_s,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Amdahl-like jobs with a communication term: t(n) = a + b/n + c·n, cost = n·t·p.
    fn job(a: f64, b: f64, c: f64, max: u32) -> Vec<Option<JobRun>> {
        (1..=max)
            .map(|n| {
                let n = f64::from(n);
                let time_s = a + b / n + c * n;
                Some(JobRun {
                    time_s,
                    cost_usd: n * time_s * 1e-3,
                })
            })
            .collect()
    }

    fn every_allocation(jobs: usize, total: u32) -> Vec<Vec<u32>> {
        let mut all = vec![vec![]];
        for _ in 0..jobs {
            all = all
                .into_iter()
                .flat_map(|prefix: Vec<u32>| {
                    (1..=total).map(move |n| {
                        let mut next = prefix.clone();
                        next.push(n);
                        next
                    })
                })
                .filter(|a| a.iter().sum::<u32>() <= total)
                .collect();
        }
        all
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]
        #[test]
        fn matches_brute_force_on_small_searches(
            params in proptest::collection::vec((1.0f64..10.0, 1.0f64..100.0, 0.0f64..2.0), 1..4),
            total in 3u32..9,
        ) {
            prop_assume!(params.len() as u32 <= total);
            let runs: Vec<_> = params.iter().map(|&(a, b, c)| job(a, b, c, total)).collect();
            let all = every_allocation(runs.len(), total);
            let eval = |alloc: &[u32]| {
                let picked: Vec<JobRun> = alloc.iter().zip(&runs).map(|(&n, r)| r[n as usize - 1].unwrap()).collect();
                (picked.iter().map(|r| r.time_s).fold(0.0, f64::max), picked.iter().map(|r| r.cost_usd).sum::<f64>())
            };
            let brute_makespan = all.iter().map(|a| eval(a).0).fold(f64::INFINITY, f64::min);
            let brute_cost = all.iter().map(|a| eval(a).1).fold(f64::INFINITY, f64::min);
            let by_time = allocate(&runs, total, TuningGoal::Makespan).unwrap();
            let by_cost = allocate(&runs, total, TuningGoal::Cost).unwrap();
            prop_assert!((by_time.makespan_s - brute_makespan).abs() < 1e-9);
            prop_assert!((by_cost.cost_usd - brute_cost).abs() < 1e-9);
            prop_assert!(by_time.functions.iter().sum::<u32>() <= total);
        }
    }

    #[test]
    fn more_configurations_than_functions_run_in_waves() {
        let runs: Vec<_> = (0..5).map(|_| job(1.0, 10.0, 0.0, 2)).collect();
        let alloc = allocate(&runs, 2, TuningGoal::Makespan).unwrap();
        // Waves {0, 1}, {2, 3} on one function each (11 s), then job 4 alone on both (6 s).
        assert_eq!(alloc.waves, 3);
        assert_eq!(alloc.functions, vec![1, 1, 1, 1, 2]);
        assert!((alloc.makespan_s - (11.0 + 11.0 + 6.0)).abs() < 1e-12);
    }

    #[test]
    fn a_parallel_search_beats_running_the_configurations_one_by_one() {
        let profiles = crate::profile::Profiles::builtin().unwrap();
        let scenario = crate::scenario::Scenario::default_scenario(&[], &profiles).unwrap();
        let plan = plan_search(
            &scenario,
            &profiles,
            8,
            200,
            &[5.0, 10.0],
            TuningGoal::Makespan,
        )
        .unwrap();
        assert_eq!(plan.allocation.functions.len(), 8);
        assert!(plan.allocation.functions.iter().sum::<u32>() <= 200);
        assert!(plan.allocation.makespan_s < plan.sequential_s);
        assert_eq!(plan.latency_by_configs.len(), 8);
    }

    #[test]
    fn a_job_that_cannot_run_leaves_no_allocation() {
        let runs = vec![vec![None, None]];
        assert_eq!(allocate(&runs, 2, TuningGoal::Makespan), None);
    }
}
