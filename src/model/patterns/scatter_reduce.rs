//! # ScatterReduce (LambdaML §3.3)
//!
//! Each worker splits its m bytes into w shards and owns one: it PUTs the w − 1 shards it does
//! not own, GETs the w − 1 pieces of its own shard, merges them, PUTs the merged shard and GETs
//! the w − 1 merged shards of the others — 3w − 2 transfers of m/w per worker, all workers at once.
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
    let mut comm = RoundComm {
        time_s: scatter_s + gather_s + merge_s + publish_s + collect_s,
        ..RoundComm::default()
    };
    comm.add(link, Op::Put, w * (w - 1.0) + w, shard);
    comm.add(link, Op::Get, 2.0 * w * (w - 1.0), shard);
    comm
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
}
