//! # Layered aggregation tree by dynamic programming (Feng et al., IEEE CLOUD 2018)
//!
//! Chooses layer sizes 1 = n_0 < n_1 < … < n_L = N minimising the sum of per-layer costs, where
//! a layer's cost depends on its aggregators and their children: OPT(1) = 0,
//! OPT(n) = min over m < n of OPT(m) + cost(m, n). Exact in O(N²) evaluations of the layer cost.

/// The best structure (root first) and its cost.
#[derive(Debug, Clone, PartialEq)]
pub struct Tree {
    pub structure: Vec<u32>,
    pub cost: f64,
}

/// Solves the DP for `workers` leaves; `layer_cost(m, n)` is the cost of m aggregators over n
/// children. Ties go to the smaller layer, so the result is deterministic.
pub fn best_tree(workers: u32, layer_cost: impl Fn(u32, u32) -> f64) -> Tree {
    let n = workers as usize;
    let mut opt = vec![f64::INFINITY; n + 1];
    let mut parent = vec![0u32; n + 1];
    if n >= 1 {
        opt[1] = 0.0;
    }
    for upper in 2..=n {
        for lower in 1..upper {
            let cost = opt[lower] + layer_cost(lower as u32, upper as u32);
            if cost < opt[upper] {
                opt[upper] = cost;
                parent[upper] = lower as u32;
            }
        }
    }
    Tree {
        structure: unwind(&parent, workers),
        cost: opt[n.max(1)],
    }
}

fn unwind(parent: &[u32], workers: u32) -> Vec<u32> {
    let mut structure = vec![workers.max(1)];
    while let Some(&last) = structure.last()
        && last > 1
    {
        structure.push(parent[last as usize]);
    }
    structure.reverse();
    structure
}

/// The cost of a given structure under the same layer costs.
pub fn structure_cost(structure: &[u32], layer_cost: impl Fn(u32, u32) -> f64) -> f64 {
    structure
        .windows(2)
        .map(|pair| layer_cost(pair[0], pair[1]))
        .sum()
}

/// The per-round-time-optimal tree for `workers` functions of `memory_mb` on `channel`, with
/// layer costs from the model (a layer's invocation, its slowest aggregator's fan-in GETs,
/// merge and PUT). The polling delay at the root is not additive over layers and is left out
/// of the objective (it is at most one poll interval).
pub fn model_tree(
    model: &crate::model::FaasModel,
    workers: u32,
    memory_mb: u32,
    channel: crate::profile::ChannelKind,
) -> Tree {
    let cfg = crate::model::FaasConfig {
        workers,
        memory_mb,
        channel,
        pattern: crate::model::Pattern::Tree(Vec::new()),
        sync: crate::scenario::Sync::Bsp,
    };
    let size = model.size(memory_mb);
    let link = model.link(channel, &size);
    let ctx = model.round_context(&cfg, &size, &link, 0.0);
    best_tree(workers, |m, n| {
        crate::model::patterns::tree::layer_s(&ctx, f64::from(m), f64::from(n))
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
    fn one_worker_needs_no_aggregation() {
        assert_eq!(
            best_tree(1, feng(1.0, 1.0)),
            Tree {
                structure: vec![1],
                cost: 0.0
            }
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
