//! # Layered aggregation tree (Feng et al., IEEE CLOUD 2018)
//!
//! A structure [1, n_1, …, n_L = w] written root first. Workers PUT their gradients; layer by
//! layer towards the root, n_i aggregator functions are invoked, each GETs its fan-in
//! ⌈n_{i+1}/n_i⌉ children (the slowest aggregator has the largest fan-in), merges and PUTs; the
//! root's result is polled for and fetched by every worker. Per layer: a fixed invocation
//! overhead plus fan-in transfers — Feng's W + s·L + d·Σ fan-in.

use super::{RequestPrices, RoundComm, RoundContext};
use crate::model::link::Op;

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

/// One round through the tree `layers` (root first).
pub fn round(ctx: &RoundContext, layers: &[u32]) -> RoundComm {
    let (w, m, link) = (ctx.workers, ctx.bytes, ctx.link);
    let mut comm = RoundComm::default();
    let put_s = link.phase_s(Op::Put, 1.0, m, w);
    comm.add(link, Op::Put, w, m);
    let mut up_s = 0.0;
    for pair in layers.windows(2).rev() {
        let (aggregators, children) = (f64::from(pair[0]), f64::from(pair[1]));
        let layer = layer_s(ctx, aggregators, children);
        up_s += layer;
        comm.add(link, Op::Get, children, m);
        comm.add(link, Op::Put, aggregators, m);
        comm.aggregator_invocations += aggregators;
        let busy_s = layer - ctx.invoke_s;
        comm.aggregator_usd += aggregators * ctx.profile.billed_s(busy_s, false) * ctx.usd_per_s;
    }
    let (misses, detect_s) = link.polling(up_s);
    // Every worker reads the root's one result: its key's read limit.
    let fetch_s = link.one_key(m).phase_s(Op::Get, 1.0, m, w);
    comm.add(link, Op::Get, w, m);
    comm.add_polls(w * misses);
    comm.time_s = put_s + up_s + detect_s + fetch_s;
    comm
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{ctx, link, profile};
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
}
