//! # ScatterReduce (LambdaML §3.3)
//!
//! Each worker splits its m bytes into w shards and owns one: it PUTs the w − 1 shards it does
//! not own, GETs the w − 1 pieces of its own shard, merges them, PUTs the merged shard and GETs
//! the w − 1 merged shards of the others — 3w − 2 transfers of m/w per worker, all workers at once.
//!
//! On a polled channel (LambdaML sleeps between GETs) a round of quick pieces loses a poll:
//! see `poll_lag_s`. With eight and more workers on an uncongested cache node the simulator
//! settles into pairs of rounds, one in which the others wait for the late worker's pieces and
//! one in which it loses its poll: half a poll a round, where the model counts a whole one, so
//! there the model runs up to about 5% above the simulator (MobileNet, 10 workers on a
//! cache.m5.12xlarge: 916 s against 876 s; `tests/simulator.rs` checks the bound).
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

use super::keys::{Kind, key};
use super::script::{Action, Step, await_then_get};
use super::{Exchange, RoundComm, RoundContext};
use crate::model::link::Op;

/// ScatterReduce: each worker merges one shard.
#[derive(Debug, Clone, Copy)]
pub struct ScatterReduce;

impl Exchange for ScatterReduce {
    fn name(&self) -> &'static str {
        "scatter-reduce"
    }

    fn round(&self, ctx: &RoundContext) -> RoundComm {
        round(ctx)
    }

    /// Worker j computes, PUTs the pieces of the others' shards, awaits and GETs the pieces of
    /// its own, merges them, PUTs its merged shard, then awaits and GETs the others' merged
    /// shards (the others in index order, skipping itself).
    fn worker_step(&self, at: &Step) -> Action {
        let (j, w) = (at.worker, at.workers);
        let shard = at.bytes / f64::from(w);
        let other = |n: usize| {
            let i = n as u32;
            if i >= j { i + 1 } else { i }
        };
        let n = (w - 1) as usize;
        match at.step {
            0 => Action::Compute,
            s if s <= n => Action::Put {
                key: key(Kind::Piece, at.round, j, other(s - 1)),
                bytes: shard,
            },
            s if s <= 3 * n => {
                let piece = key(Kind::Piece, at.round, other((s - n - 1) / 2), j);
                await_then_get(s - n - 1, piece, shard)
            }
            s if s == 3 * n + 1 => Action::Merge { bytes: at.bytes },
            s if s == 3 * n + 2 => Action::Put {
                key: key(Kind::Merged, at.round, j, 0),
                bytes: shard,
            },
            s if s <= 5 * n + 2 => {
                let merged = key(Kind::Merged, at.round, other((s - 3 * n - 3) / 2), 0);
                await_then_get(s - 3 * n - 3, merged, shard)
            }
            _ => Action::Done,
        }
    }
}

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

/// The poll a BSP round loses on a polled channel. The workers were invoked one after another,
/// so they start each round an invocation interval apart; a poll finds an object stored up to
/// one request latency after it went out, so when that stagger outlasts the latency the first
/// worker to collect asks for a merged shard its neighbour has not published yet, finds it a
/// poll later, and holds the others back in turn the next round: one poll period a round. A
/// node NIC too narrow for every worker's rate lines the workers up (their transfers queue
/// behind one another and end together), unless the pieces are so quick that the queue never
/// forms.
fn poll_lag_s(ctx: &RoundContext, shard: f64) -> f64 {
    let (link, stagger_s) = (ctx.link, ctx.profile.invoke_interval_s);
    let quick = link.transfer_s(shard, ctx.workers) < stagger_s;
    let contended = link.bytes_per_s(ctx.workers) < link.client_bytes_per_s;
    let missed = stagger_s > link.latency_s && (quick || !contended);
    if ctx.synchronous && ctx.workers > 2.0 && link.poll_interval_s > 0.0 && missed {
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
        // 10 ms of latency outlasts the invocations' stagger: no poll is lost.
        assert_relative_eq!(quiet, 10.0 * 0.0125 + 0.001, epsilon = 1e-12);
    }

    #[test]
    fn a_node_nic_too_narrow_for_the_workers_lines_them_up() {
        let (mut link, profile) = (link(), profile());
        link.poll_interval_s = 0.1;
        link.latency_s = 0.0001;
        // 2.5 ms pieces, slower than the stagger, each worker at its own rate: a poll lost.
        let own = super::round(&ctx(&link, &profile, 4.0));
        assert_relative_eq!(own.gets, 24.0 + 4.0);
        // The same pieces through a node NIC of half the workers' rates: none lost.
        link.shared_bytes_per_s = Some(200e6);
        let shared = super::round(&ctx(&link, &profile, 4.0));
        assert_relative_eq!(shared.gets, 24.0);
    }
}
