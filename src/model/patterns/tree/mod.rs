//! # Layered aggregation tree (Feng et al., IEEE CLOUD 2018)
//!
//! A structure [1, n_1, …, n_L = w] written root first. Workers PUT their gradients; layer by
//! layer towards the root, n_i aggregator functions are invoked, each GETs its fan-in
//! ⌈n_{i+1}/n_i⌉ children (the slowest aggregator has the largest fan-in), merges and PUTs; the
//! root's result is polled for and fetched by every worker. Per layer: a fixed invocation
//! overhead plus fan-in transfers — Feng's W + s·L + d·Σ fan-in (`layer_s`, which the
//! structure search and the aggregators' bill use). A round climbs the tree aggregator by
//! aggregator (`climb`): each starts once its own children are stored, so under a write limit
//! its invocation and reads overlap the workers' writes still queued (DynamoDB, 0.8 MB objects,
//! tree 1-5-10: 41.2 s against 41.3 s simulated, where layer after layer gave 45.7 s). The
//! workers are followed one by one from their invocation (`rhythm`): where a rate limit spreads
//! their requests, a result landing between their polls costs the late ones a poll and the next
//! round a late start (10 workers on DynamoDB alternate rounds of 0.69 and 0.78 s in the
//! simulator and the model alike).
//!
//! Structures with the same layers and fan-in sum (1-5-50-100 and 1-10-50-100, Feng's Case A)
//! take the same time where each layer pays only for its own fan-in, as on S3, whose published
//! request limits 61 PUTs a round do not approach (389.0 s both; the bill differs by the five
//! more aggregators, $0.4412 and $0.4436). Where the aggregators' own PUTs share a limit they
//! differ: on DynamoDB's write units 8,691 against 9,212 s (simulated 8,679 and 9,045), on a
//! cache.m5.large's NIC 1,409 against 1,444 s. The model is the median world: the wait for the
//! slowest of a layer's aggregators under the measured spread of invocations is the
//! simulator's (`sim/faas/run/tree.rs`), and moves those two structures by under 1%.

mod climb;

use climb::Climb;

use super::keys::{Kind, key};
use super::rhythm::{self, Carry, Played, Slots, admitted};
use super::script::{Action, Step, await_then_get};
use super::{Exchange, RequestPrices, RoundComm, RoundContext};
use crate::model::link::Op;

/// A layered aggregation tree: layer sizes from the root (1) to the workers.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Tree {
    pub layers: Vec<u32>,
}

impl Tree {
    /// The tree with `layers`, root first.
    pub fn new(layers: Vec<u32>) -> Self {
        Tree { layers }
    }

    /// Layers of the tree, workers included.
    pub fn depth(&self) -> u32 {
        self.layers.len() as u32
    }

    /// What aggregator `index` of `layer` (0: the root) does at `step` of `round` for its
    /// `children`, each contributing `bytes`: GET each child's object, merge, PUT its own.
    pub fn aggregator_step(
        &self,
        (layer, index): (u32, u32),
        children: std::ops::Range<u32>,
        round: u64,
        (step, bytes): (u32, f64),
    ) -> Action {
        let fan_in = children.len() as u32;
        let child_key = |c: u32| {
            if layer + 2 == self.depth() {
                key(Kind::Contribution, round, c, 0)
            } else {
                key(Kind::Aggregate, round, layer + 1, c)
            }
        };
        match step {
            s if s < fan_in => Action::Get {
                key: child_key(children.start + s),
                bytes,
            },
            s if s == fan_in => Action::Merge {
                bytes: f64::from(fan_in) * bytes,
            },
            s if s == fan_in + 1 => {
                let own = if layer == 0 {
                    key(Kind::Result, round, 0, 0)
                } else {
                    key(Kind::Aggregate, round, layer, index)
                };
                Action::Put { key: own, bytes }
            }
            _ => Action::Done,
        }
    }
}

impl Exchange for Tree {
    fn name(&self) -> &'static str {
        "tree"
    }

    fn round(&self, ctx: &RoundContext) -> RoundComm {
        round(ctx, &self.layers)
    }

    fn worker_step(&self, at: &Step) -> Action {
        push_then_await_result(at)
    }
}

/// A worker that hands its contribution on and waits for the merged result: compute, PUT,
/// poll for the result, GET it (a tree's workers, and a parameter server's).
pub fn push_then_await_result(at: &Step) -> Action {
    let result = key(Kind::Result, at.round, 0, 0);
    match at.step {
        0 => Action::Compute,
        1 => Action::Put {
            key: key(Kind::Contribution, at.round, at.worker, 0),
            bytes: at.bytes,
        },
        s @ (2 | 3) => await_then_get(s, result, at.bytes),
        _ => Action::Done,
    }
}

/// Seconds one aggregation layer takes when `children` objects feed `aggregators` functions.
pub fn layer_s(ctx: &RoundContext, aggregators: f64, children: f64) -> f64 {
    let fan_in = (children / aggregators).ceil();
    let link = ctx.link;
    ctx.invoke_s
        + link.phase_s(Op::Get, fan_in, ctx.bytes, aggregators)
        + fan_in * ctx.bytes / ctx.merge_bytes_per_s
        + link.phase_s(Op::Put, 1.0, ctx.bytes, aggregators)
}

/// Dollars one aggregation layer costs per round, every function counted as Feng's
/// C(z) = p·n·z·t(z) counts them: the workers billed while they wait for it, its aggregators'
/// billed work and invocations, the requests they make (each child's object fetched once, one
/// result PUT each), and the polls the waiting workers make meanwhile (counted per poll period: within a poll or two per worker
/// of the count [`round`] makes, which also lets a poll in flight find its object).
pub fn layer_usd(
    ctx: &RoundContext,
    prices: RequestPrices,
    aggregators: f64,
    children: f64,
) -> f64 {
    let elapsed_s = layer_s(ctx, aggregators, children);
    let busy_s = elapsed_s - ctx.invoke_s;
    let link = ctx.link;
    let polls = ctx.workers * link.polls_within(elapsed_s);
    ctx.workers * elapsed_s * ctx.usd_per_s
        + aggregators
            * (ctx.profile.billed_s(busy_s, false) * ctx.usd_per_s + prices.invocation_usd)
        + children * link.units(Op::Get, ctx.bytes) * prices.get_unit_usd
        + aggregators * link.units(Op::Put, ctx.bytes) * prices.put_unit_usd
        + polls * prices.get_unit_usd
}

/// One round through the tree `layers` (root first): the average over the run's first rounds
/// (`rhythm::ROUNDS_FOLLOWED` at most) from the workers' invocation, following each worker
/// (`rhythm`). The workers' PUTs and their reads of the root's one result are admitted a slot
/// apart where a limit binds, so they wait for the result from moments a few slots apart: one
/// landing between their polls is found at once by some and a whole poll later by the others,
/// who then start the next round late.
pub fn round(ctx: &RoundContext, layers: &[u32]) -> RoundComm {
    let (w, m, link) = (ctx.workers, ctx.bytes, ctx.link);
    let mut comm = RoundComm::default();
    comm.add(link, Op::Put, w, m);
    for pair in layers.windows(2).rev() {
        let (aggregators, children) = (f64::from(pair[0]), f64::from(pair[1]));
        comm.add(link, Op::Get, children, m);
        comm.add(link, Op::Put, aggregators, m);
        comm.aggregator_invocations += aggregators;
        let busy_s = layer_s(ctx, aggregators, children) - ctx.invoke_s;
        comm.aggregator_usd += aggregators * ctx.profile.billed_s(busy_s, false) * ctx.usd_per_s;
    }
    comm.add(link, Op::Get, w, m);
    let workers = Workers::new(ctx, layers);
    let first = rhythm::invoked(
        workers.tracked,
        workers.workers,
        ctx.profile.invoke_interval_s,
    );
    let (time_s, polls) = rhythm::averaged(ctx.rounds, first, |ready| workers.round(ready));
    comm.time_s = time_s;
    comm.pace_by_limits(link, ctx.compute_s);
    comm.add_polls(polls);
    comm
}

/// The workers of a tree round after round, each followed where limits spread them.
struct Workers<'c, 'a> {
    ctx: &'c RoundContext<'a>,
    layers: &'c [u32],
    fetch_s: f64,
    slots: Slots,
    workers: usize,
    /// Workers followed: all, or one standing for all when they stay in step.
    tracked: usize,
}

impl<'c, 'a> Workers<'c, 'a> {
    fn new(ctx: &'c RoundContext<'a>, layers: &'c [u32]) -> Self {
        let (w, m, link) = (ctx.workers, ctx.bytes, ctx.link);
        let slots = Slots::of(link, m);
        let workers = w as usize;
        Workers {
            ctx,
            layers,
            fetch_s: link.transfer_s(m, w),
            slots,
            workers,
            tracked: slots.followed(workers),
        }
    }

    /// One round from `state` (when each followed worker has its contribution, and when the
    /// write limit is free, from the end of the round before): the climb to the root's result,
    /// each worker's polls for it from when its own contribution was stored, and its read of
    /// it; the round ends when the first worker has the result.
    fn round(&self, state: &Carry) -> Played {
        let stands_for = self.workers as f64 / self.tracked.max(1) as f64;
        let ready = &state.ready;
        let wants: Vec<f64> = (0..self.workers)
            .map(|j| ready[j.min(ready.len() - 1)])
            .collect();
        let climb = Climb::new(self.ctx, self.layers, state.put_free_s);
        let (result_s, mut stored, put_free_s) = climb.run(&wants);
        stored.truncate(self.tracked);
        let mut polls = 0.0;
        let found: Vec<f64> = stored
            .iter()
            .map(|&since| {
                let (misses, detect_s) = self.ctx.link.polling(result_s - since);
                polls += stands_for * misses;
                result_s + detect_s
            })
            .collect();
        let done: Vec<f64> = admitted(&found, self.slots.get_s, 0.0)
            .into_iter()
            .map(|t| t + self.fetch_s)
            .collect();
        let end_s = done.iter().copied().fold(f64::INFINITY, f64::min);
        let next = Carry {
            ready: done.into_iter().map(|t| t - end_s).collect(),
            put_free_s: self
                .slots
                .put_free_after(put_free_s, end_s, self.ctx.compute_s),
            // The next round's first read is an aggregator's, an invocation after its
            // children's writes: the workers' reads of the result have cleared the limit.
            reads_s: Vec::new(),
        };
        (end_s, polls, next)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{ctx, link, profile};
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn matches_fengs_w_plus_s_l_plus_d_fan_in() {
        let (link, profile) = (link(), profile());
        let comm = super::round(&ctx(&link, &profile, 4.0), &[1, 2, 4]);
        // s = invocation + PUT = 0.12 s per layer; d = GET + merge = 0.021 s per child.
        let (s, d) = (0.1 + 0.02, 0.02 + 0.001);
        let up = 2.0 * s + d * (2.0 + 2.0);
        assert_relative_eq!(comm.time_s, 0.02 + up + 0.02, epsilon = 1e-12);
        assert_relative_eq!(comm.aggregator_invocations, 3.0);
        assert_relative_eq!(comm.puts, 4.0 + 3.0);
        assert_relative_eq!(comm.gets, 4.0 + 2.0 + 4.0);
    }

    #[test]
    fn the_slowest_aggregator_has_the_largest_fan_in() {
        let (link, profile) = (link(), profile());
        let c = ctx(&link, &profile, 5.0);
        assert_relative_eq!(
            super::layer_s(&c, 2.0, 5.0),
            0.1 + 3.0 * 0.021 + 0.02,
            epsilon = 1e-12
        );
    }

    #[test]
    fn aggregators_are_billed_for_their_work_but_not_their_invocation() {
        let (link, profile) = (link(), profile());
        let comm = super::round(&ctx(&link, &profile, 4.0), &[1, 4]);
        // One aggregator works 4 × 21 ms + 20 ms = 104 ms at 1 GB.
        assert_relative_eq!(
            comm.aggregator_usd,
            0.104 * profile.usd_per_s(1024),
            max_relative = 1e-9
        );
    }

    #[test]
    fn an_aggregator_gets_its_children_merges_and_puts() {
        let tree = Tree::new(vec![1, 2, 4]);
        let steps: Vec<Action> = (0..)
            .map(|s| tree.aggregator_step((1, 1), 2..4, 0, (s, 100.0)))
            .take_while(|a| *a != Action::Done)
            .collect();
        assert_eq!(steps.len(), 4);
        assert_eq!(
            steps[0],
            Action::Get {
                key: key(Kind::Contribution, 0, 2, 0),
                bytes: 100.0
            }
        );
        assert_eq!(steps[2], Action::Merge { bytes: 200.0 });
        assert_eq!(
            steps[3],
            Action::Put {
                key: key(Kind::Aggregate, 0, 1, 1),
                bytes: 100.0
            }
        );
    }
}
