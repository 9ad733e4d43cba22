//! # ScatterReduce (LambdaML §3.3)
//!
//! Each worker splits its m bytes into w shards and owns one: it PUTs the w − 1 shards it does
//! not own, GETs the w − 1 pieces of its own shard, merges them, PUTs the merged shard and GETs
//! the w − 1 merged shards of the others — 3w − 2 transfers of m/w per worker, all workers at once.
//!
//! On a polled channel (LambdaML sleeps between GETs) a round of quick pieces loses a poll:
//! see [`poll_lag_s`].
//!
//! Under request-rate limits (DynamoDB's write and read units) the phases are timed one after
//! another, with the spread a limited phase leaves between workers pacing the next. The
//! simulator shows more overlap than that: workers whose pieces are ready start reading while
//! the write limit still admits the others' writes, and reads and writes have separate limits.
//! So once the limits bind (about 20 workers and more on DynamoDB) the model is an upper bound,
//! up to about 12% above the simulated time. With few workers and large shards (RCV1's 189 KB
//! model over 5 workers: 38 write units a shard) it is the other way round: the simulator
//! queues the writes behind one another past the model's spread and comes out 9% slower.
//! `tests/simulator.rs` checks both bounds.

use super::{RoundComm, RoundContext};
use crate::model::link::Op;

/// One ScatterReduce round among `ctx.workers` workers.
pub fn round(ctx: &RoundContext) -> RoundComm {
    let (w, link) = (ctx.workers, ctx.link);
    let shard = ctx.bytes / w;
    // Workers leave a rate-limited phase one admission slot apart (the scatter's PUT spacing,
    // or the gather's GET spacing when that limit binds too), and that spread paces the merged
    // shards' PUTs; collecting waits for every merged shard, which lines the workers up again.
    let mut spread_s = 0.0;
    let scatter_s = link.staggered_phase_s(Op::Put, w - 1.0, shard, w, &mut spread_s);
    let gather_s = link.staggered_phase_s(Op::Get, w - 1.0, shard, w, &mut spread_s);
    let merge_s = w * shard / ctx.merge_bytes_per_s;
    let publish_s = link.staggered_phase_s(Op::Put, 1.0, shard, w, &mut spread_s);
    let collect_s = link.phase_s(Op::Get, w - 1.0, shard, w);
    let poll_s = poll_lag_s(ctx, shard);
    let mut comm = RoundComm {
        time_s: scatter_s + gather_s + merge_s + publish_s + collect_s + poll_s,
        ..RoundComm::default()
    };
    comm.add(link, Op::Put, w * (w - 1.0) + w, shard);
    comm.add(link, Op::Get, 2.0 * w * (w - 1.0), shard);
    if poll_s > 0.0 {
        // Each worker, waiting once on the late one, missed a poll.
        comm.add_polls(w);
    }
    comm
}

/// The poll a BSP round loses on a polled channel when its pieces are quick. The workers were
/// invoked one after another, so they start each round a little apart; when one piece's
/// transfer takes less than that stagger, the first worker to gather asks for a piece its late
/// writer has not stored yet and finds it a poll later, and the merged shards it then publishes
/// late hold the others' collection back in turn: one poll period a round. Slower pieces absorb
/// the stagger (the pieces are there by the time they are asked for), and no poll is lost.
fn poll_lag_s(ctx: &RoundContext, shard: f64) -> f64 {
    let link = ctx.link;
    let quick = link.transfer_s(shard, ctx.workers) < ctx.profile.invoke_interval_s;
    if ctx.synchronous && ctx.workers > 2.0 && link.poll_interval_s > 0.0 && quick {
        link.poll_interval_s.max(link.latency_s)
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{ctx, link, profile};
    use approx::assert_relative_eq;

    #[test]
    fn each_worker_makes_3w_minus_2_transfers_of_a_shard() {
        let (link, profile) = (link(), profile());
        let comm = super::round(&ctx(&link, &profile, 4.0));
        // A 250 kB shard: 10 ms + 2.5 ms; 10 of them; merging 1 MB at 1 GB/s takes 1 ms.
        assert_relative_eq!(comm.time_s, 10.0 * 0.0125 + 0.001, epsilon = 1e-12);
        assert_relative_eq!(comm.puts, 16.0);
        assert_relative_eq!(comm.gets, 24.0);
    }

    #[test]
    fn quick_pieces_on_a_polled_channel_lose_a_poll_a_round() {
        let (mut link, profile) = (link(), profile());
        link.poll_interval_s = 0.1;
        let quiet = super::round(&ctx(&link, &profile, 4.0)).time_s;
        link.latency_s = 0.0001;
        link.client_bytes_per_s = 1e12;
        let quick = super::round(&ctx(&link, &profile, 4.0));
        // Ten pieces of about 0.1 ms each, a 1 ms merge, and the poll a worker waited.
        assert_relative_eq!(
            quick.time_s,
            10.0 * (0.0001 + 250e3 / 1e12) + 0.001 + 0.1,
            epsilon = 1e-12
        );
        assert_relative_eq!(quick.gets, 24.0 + 4.0);
        // 12.5 ms pieces outlast the invocations' stagger: no poll is lost.
        assert_relative_eq!(quiet, 10.0 * 0.0125 + 0.001, epsilon = 1e-12);
    }
}
