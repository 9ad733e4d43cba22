//! # AllReduce through one reducer (LambdaML §3.3)
//!
//! Every worker PUTs its m bytes; worker 0, the reducer, GETs all w objects, merges them, PUTs
//! the result and GETs it back like everyone else; the others poll until it is there and GET
//! it. The reducer's w + 3 serial transfers are the critical path: the others, a poll behind,
//! are ready again before the reducer needs their next contribution — unless their GETs, sharing
//! a node's NIC, take longer than the reducer's own GET plus one of its fetches, when they set
//! the pace instead.
//!
//! On a channel that limits write units per second (DynamoDB), tens of contributions are
//! admitted one slot apart; the reducer's fetches overlap that tail more than the model's
//! `max` allows, so there the model runs up to about 3% above the simulator
//! (`tests/simulator.rs` checks the bound).

use super::{RoundComm, RoundContext};
use crate::model::link::Op;

/// One AllReduce round among `ctx.workers` workers.
pub fn round(ctx: &RoundContext) -> RoundComm {
    let (w, m, link) = (ctx.workers, ctx.bytes, ctx.link);
    let own_put_s = link.transfer_s(m, w);
    let get_s = link.transfer_s(m, 1.0);
    // The reducer fetches in order; the last contribution may be admitted after it got there.
    let gets_end_s = (own_put_s + w * get_s).max(link.phase_s(Op::Put, 1.0, m, w) + get_s);
    let reduce_end_s = gets_end_s + w * m / ctx.merge_bytes_per_s;
    let publish_s = link.phase_s(Op::Put, 1.0, m, 1.0);
    let others_fetch_s = link.phase_s(Op::Get, 1.0, m, w - 1.0);
    let (misses, _) = link.polling(reduce_end_s - own_put_s + publish_s);
    let mut comm = RoundComm {
        time_s: reduce_end_s + publish_s + get_s.max(others_fetch_s - get_s),
        ..RoundComm::default()
    };
    comm.add(link, Op::Put, w + 1.0, m);
    comm.add(link, Op::Get, w + w, m);
    comm.add_polls((w - 1.0) * misses);
    comm
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{ctx, link, profile};
    use approx::assert_relative_eq;

    #[test]
    fn critical_path_is_w_plus_3_transfers_and_the_merge() {
        let (link, profile) = (link(), profile());
        let comm = super::round(&ctx(&link, &profile, 4.0));
        // One transfer of 1 MB: 10 ms + 1 MB / 100 MB/s = 20 ms; merge 4 MB at 1 GB/s = 4 ms.
        assert_relative_eq!(comm.time_s, (4.0 + 3.0) * 0.02 + 0.004, epsilon = 1e-12);
        assert_relative_eq!(comm.puts, 5.0);
        assert_relative_eq!(comm.gets, 8.0);
    }

    #[test]
    fn others_sharing_a_node_nic_set_the_pace() {
        let (mut link, profile) = (link(), profile());
        link.shared_bytes_per_s = Some(100e6);
        let comm = super::round(&ctx(&link, &profile, 5.0));
        // Puts share 100 MB/s five ways: 10 ms + 50 ms. The reducer's GETs alone: 20 ms each.
        // The four others then share the NIC for the result: 10 ms + 40 ms, 30 ms beyond one GET.
        let reduce_end = 0.06 + 5.0 * 0.02 + 0.005;
        assert_relative_eq!(comm.time_s, reduce_end + 0.02 + 0.03, epsilon = 1e-12);
    }

    #[test]
    fn waiting_workers_poll_until_the_result_is_there() {
        let (mut link, profile) = (link(), profile());
        link.poll_interval_s = 0.05;
        let comm = super::round(&ctx(&link, &profile, 4.0));
        // The others wait 4 GETs + merge + 1 PUT = 104 ms: polls at 0 and 50 ms miss, the one
        // at 100 ms is in flight when the result lands. Being a poll behind does not slow the
        // round: the reducer's own path sets it.
        assert_relative_eq!(comm.time_s, (4.0 + 3.0) * 0.02 + 0.004, epsilon = 1e-12);
        assert_relative_eq!(comm.gets, 8.0 + 3.0 * 2.0);
    }
}
