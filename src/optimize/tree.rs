//! # Layered aggregation tree by dynamic programming (Feng et al., IEEE CLOUD 2018)
//!
//! Chooses layer sizes 1 = n_0 < n_1 < … < n_L = N minimising the sum of per-layer costs, where
//! a layer's cost depends on its aggregators and their children: OPT(1) = 0,
//! OPT(n) = min over m < n of OPT(m) + cost(m, n). Exact in O(N²) evaluations of the layer cost
//! up to 10,000 workers; above, the layers are the tight ones — m = ⌈N/k⌉, each aggregator as
//! full as its fan-in allows — which are O(√N) sizes, so 10⁶ workers take seconds, not hours.

/// The best structure (root first) and its cost.
#[derive(Debug, Clone, PartialEq)]
pub struct Tree {
    pub structure: Vec<u32>,
    pub cost: f64,
}

/// Solves the DP for `workers` leaves; `layer_cost(m, n)` is the cost of m aggregators over n
/// children. Ties go to the smaller layer, so the result is deterministic.
pub fn best_tree(workers: u32, layer_cost: impl Fn(u32, u32) -> f64) -> Tree {
    solve(&layer_sizes(workers.max(1)), layer_cost)
}

/// The DP over `sizes` (ascending, from 1 to the worker count).
fn solve(sizes: &[u32], layer_cost: impl Fn(u32, u32) -> f64) -> Tree {
    let mut opt = vec![f64::INFINITY; sizes.len()];
    let mut parent = vec![0usize; sizes.len()];
    opt[0] = 0.0;
    for upper in 1..sizes.len() {
        for lower in 0..upper {
            let cost = opt[lower] + layer_cost(sizes[lower], sizes[upper]);
            if cost < opt[upper] {
                opt[upper] = cost;
                parent[upper] = lower;
            }
        }
    }
    let mut structure = vec![sizes.len() - 1];
    while let Some(&last) = structure.last()
        && last > 0
    {
        structure.push(parent[last]);
    }
    Tree {
        structure: structure.into_iter().rev().map(|i| sizes[i]).collect(),
        cost: opt[sizes.len() - 1],
    }
}

/// Up to this many workers every layer size is tried.
pub const EXACT_UP_TO: u32 = 10_000;

/// The layer sizes the DP tries, ascending from 1 to `workers`: all of them up to
/// [`EXACT_UP_TO`], else the tight sizes ⌈workers/k⌉.
fn layer_sizes(workers: u32) -> Vec<u32> {
    if workers <= EXACT_UP_TO {
        return (1..=workers).collect();
    }
    // Beyond k = √N, ⌈N/k⌉ takes every value below √N: those are listed directly.
    let root = f64::from(workers).sqrt() as u32 + 1;
    let mut sizes: Vec<u32> = (1..=root).map(|k| workers.div_ceil(k)).collect();
    sizes.extend(1..=root);
    sizes.sort_unstable();
    sizes.dedup();
    sizes
}

/// The cost of a given structure under the same layer costs.
pub fn structure_cost(structure: &[u32], layer_cost: impl Fn(u32, u32) -> f64) -> f64 {
    structure
        .windows(2)
        .map(|pair| layer_cost(pair[0], pair[1]))
        .sum()
}

/// What a tree minimises: the round's time, or its dollars (aggregator functions, their
/// invocations and their channel requests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TreeGoal {
    Time,
    Cost,
}

/// The optimal tree for `workers` functions of `memory_mb` on `channel`, with layer costs from
/// the model (a layer's invocation, its slowest aggregator's fan-in GETs, merge and PUT). The
/// polling delay at the root is not additive over layers and is left out of the objective (it
/// is at most one poll interval).
pub fn model_tree<'c>(
    model: &crate::model::FaasModel,
    workers: u32,
    memory_mb: u32,
    channel: impl Into<crate::model::faas::ChannelRef<'c>>,
    goal: TreeGoal,
) -> Tree {
    use crate::model::patterns::tree::{layer_s, layer_usd};
    let channel = channel.into();
    let cfg = crate::model::FaasConfig {
        workers,
        memory_mb,
        channel: channel.kind,
        cache_node: channel.node.map(str::to_string),
        pattern: crate::model::Pattern::tree(Vec::new()),
        sync: crate::scenario::Sync::Bsp,
    };
    let size = model.size(memory_mb);
    let link = model.link(channel, &size);
    let ctx = model.round_context(&cfg, &size, &link, 0.0);
    let prices = model.request_prices(channel);
    match goal {
        TreeGoal::Time => best_tree(workers, |m, n| layer_s(&ctx, f64::from(m), f64::from(n))),
        TreeGoal::Cost => best_tree(workers, |m, n| {
            layer_usd(&ctx, prices, f64::from(m), f64::from(n))
        }),
    }
}

/// The tree a scenario should use, and what one iteration takes with it.
#[derive(Debug, Clone, PartialEq)]
pub struct TreeChoice {
    pub workers: u32,
    pub memory_mb: u32,
    pub channel: crate::profile::ChannelKind,
    pub structure: Vec<u32>,
    /// Compute plus communication of one iteration (round).
    pub iteration_s: f64,
    /// The bill of one iteration as Feng's C(z) counts it: every function's GB-seconds (the
    /// workers' for the whole iteration, the aggregators'), invocations and channel requests.
    pub iteration_usd: f64,
}

/// Chooses the aggregation tree for the scenario's worker count, memory and channel (taken from
/// its best tree plan where it lists several).
pub fn optimize_tree(
    scenario: &crate::scenario::Scenario,
    profiles: &crate::profile::Profiles,
    goal: TreeGoal,
) -> Result<TreeChoice, super::plan::PlanError> {
    use crate::model::{Config, FaasConfig, FaasModel, Pattern};
    let mut tree_only = scenario.clone();
    if let Some(space) = tree_only.faas.as_mut() {
        space.patterns = vec![crate::scenario::PatternKind::Tree];
        space.structure = None;
        space.sync = vec![crate::scenario::Sync::Bsp];
        space.channels.retain(|c| !c.is_server());
    }
    let plan = super::plan::plan(&tree_only, profiles, &tree_only.objective)?;
    let Some(Config::Faas(base)) = plan
        .best(crate::model::Platform::Faas)
        .map(|c| c.config.clone())
    else {
        return Err(super::plan::PlanError::NothingQualifies(
            "no runnable FaaS tree plan".into(),
        ));
    };
    let model = FaasModel::new(scenario, profiles)?;
    let tree = model_tree(
        &model,
        base.workers,
        base.memory_mb,
        base.channel_ref(),
        goal,
    );
    let cfg = FaasConfig {
        pattern: Pattern::tree(tree.structure.clone()),
        ..base
    };
    let workers_usd_per_s = f64::from(cfg.workers) * model.size(cfg.memory_mb).usd_per_s;
    let (iteration_s, iteration_usd) = match model.predict(&cfg) {
        Ok(p) => {
            let iteration_s = p.detail.compute_per_round_s + p.detail.comm_per_round_s;
            (
                iteration_s,
                p.detail.aggregation_usd_per_round + iteration_s * workers_usd_per_s,
            )
        }
        Err(_) => (f64::NAN, f64::NAN),
    };
    Ok(TreeChoice {
        workers: cfg.workers,
        memory_mb: cfg.memory_mb,
        channel: cfg.channel,
        structure: tree.structure,
        iteration_s,
        iteration_usd,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;
    use proptest::prelude::*;

    /// Feng et al.'s fitted model: s per layer plus d per unit of average fan-in.
    fn feng(s: f64, d: f64) -> impl Fn(u32, u32) -> f64 {
        move |m, n| s + d * f64::from(n) / f64::from(m)
    }

    #[test]
    fn feng_model_gives_1_5_22_100_for_s_over_d_between_2_and_6() {
        for ratio in [2.0, 3.0, 4.0, 5.0, 6.0] {
            assert_eq!(
                best_tree(100, feng(ratio, 1.0)).structure,
                vec![1, 5, 22, 100],
                "s/d = {ratio}"
            );
        }
    }

    #[test]
    fn integer_fan_in_gives_1_4_20_100() {
        let tree = best_tree(100, |m, n| 3.0 + f64::from(n.div_ceil(m)));
        assert_eq!(tree.structure, vec![1, 4, 20, 100]);
    }

    #[test]
    fn large_trees_use_tight_layers_and_stay_fast() {
        let n = 1_000_000;
        let sizes = layer_sizes(n);
        assert!(sizes.len() < 2_100, "{}", sizes.len());
        assert_eq!((sizes[0], *sizes.last().unwrap()), (1, n));
        assert!(sizes.windows(2).all(|w| w[0] < w[1]));
        let fan_in = |m: u32, n: u32| 3.0 + f64::from(n.div_ceil(m)) + 1e-6 * f64::from(m);
        let tree = best_tree(n, fan_in);
        assert_eq!(*tree.structure.last().unwrap(), n);
        assert_eq!(tree.structure[0], 1);
        // Where cost grows with fan-in and with aggregators, tight layers hold the optimum.
        let n = EXACT_UP_TO + 2_000;
        let exact = solve(&(1..=n).collect::<Vec<u32>>(), fan_in);
        let tight = best_tree(n, fan_in);
        assert_relative_eq!(tight.cost, exact.cost, max_relative = 1e-12);
    }

    #[test]
    fn one_worker_needs_no_aggregation() {
        assert_eq!(
            best_tree(1, feng(1.0, 1.0)),
            Tree {
                structure: vec![1],
                cost: 0.0
            }
        );
    }

    fn feng_case_a() -> (crate::scenario::Scenario, crate::profile::Profiles) {
        let profiles = crate::profile::Profiles::builtin().unwrap();
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/feng2018-case-a.toml");
        (
            crate::scenario::Scenario::from_path(&path, &[], &profiles).unwrap(),
            profiles,
        )
    }

    fn round_s_and_usd(structure: &[u32]) -> (f64, f64) {
        let (scenario, profiles) = feng_case_a();
        let model = crate::model::FaasModel::new(&scenario, &profiles).unwrap();
        let cfg = crate::model::FaasConfig {
            workers: 100,
            memory_mb: 512,
            channel: crate::profile::ChannelKind::S3,
            cache_node: None,
            pattern: crate::model::Pattern::tree(structure.to_vec()),
            sync: crate::scenario::Sync::Bsp,
        };
        let p = model.predict(&cfg).unwrap();
        (
            p.detail.compute_per_round_s + p.detail.comm_per_round_s,
            p.detail.aggregation_usd_per_round,
        )
    }

    #[test]
    fn the_model_tree_beats_fengs_measured_structures() {
        let (scenario, profiles) = feng_case_a();
        let choice = optimize_tree(&scenario, &profiles, TreeGoal::Time).unwrap();
        assert_eq!(
            (choice.structure[0], *choice.structure.last().unwrap()),
            (1, 100)
        );
        for other in [
            &[1, 100][..],
            &[1, 2, 100],
            &[1, 5, 100],
            &[1, 25, 100],
            &[1, 5, 50, 100],
        ] {
            // Up to one poll interval, which the DP leaves out of its objective.
            assert!(
                choice.iteration_s <= round_s_and_usd(other).0 + 0.05,
                "{other:?}"
            );
        }
    }

    #[test]
    fn the_cost_tree_is_no_dearer_than_the_time_tree() {
        let (scenario, profiles) = feng_case_a();
        let by_cost = optimize_tree(&scenario, &profiles, TreeGoal::Cost).unwrap();
        let by_time = optimize_tree(&scenario, &profiles, TreeGoal::Time).unwrap();
        // Exact up to one poll per worker, which the DP counts by the period rather than rounded.
        let one_poll_each = 100.0 * 0.0004 / 1000.0;
        assert!(by_cost.iteration_usd <= by_time.iteration_usd + one_poll_each);
        assert!(by_time.iteration_s <= by_cost.iteration_s + 0.05);
    }

    #[test]
    fn an_iteration_bills_every_function_as_fengs_c_of_z() {
        let (scenario, profiles) = feng_case_a();
        let choice = optimize_tree(&scenario, &profiles, TreeGoal::Time).unwrap();
        let model = crate::model::FaasModel::new(&scenario, &profiles).unwrap();
        let workers_usd = 100.0 * choice.iteration_s * model.size(512).usd_per_s;
        let aggregation_usd = round_s_and_usd(&choice.structure).1;
        assert_relative_eq!(
            choice.iteration_usd,
            workers_usd + aggregation_usd,
            max_relative = 1e-12
        );
        assert!(
            workers_usd > aggregation_usd,
            "100 workers wait through every layer"
        );
    }

    fn every_structure(n: u32) -> Vec<Vec<u32>> {
        // Every increasing sequence from 1 to n: choose any subset of 2..n−1 as middle layers.
        let middles: Vec<u32> = (2..n).collect();
        (0u32..1 << middles.len())
            .map(|mask| {
                let mut s = vec![1];
                s.extend(
                    middles
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| mask >> i & 1 == 1)
                        .map(|(_, &m)| m),
                );
                s.push(n);
                s
            })
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        #[test]
        fn never_worse_than_any_enumerated_structure(
            n in 2u32..=20, s in 0.0f64..5.0, d in 0.01f64..3.0, c in 0.0f64..0.5,
        ) {
            let cost = |m: u32, k: u32| s + d * f64::from(k.div_ceil(m)) + c * f64::from(m);
            let tree = best_tree(n, cost);
            let brute = every_structure(n)
                .iter()
                .map(|st| structure_cost(st, cost))
                .fold(f64::INFINITY, f64::min);
            assert_relative_eq!(tree.cost, brute, max_relative = 1e-12);
            assert_relative_eq!(structure_cost(&tree.structure, cost), tree.cost, max_relative = 1e-12);
        }
    }
}
