//! # AllReduce through one reducer (LambdaML §3.3)
//!
//! Every worker PUTs its m bytes; worker 0, the reducer, GETs all w objects, merges them, PUTs
//! the result and GETs it back like everyone else; the others poll until it is there and GET
//! it. The reducer's w + 3 serial transfers are the critical path while the others, a poll
//! behind, are ready again before the reducer needs their next contribution; when their polling
//! delay or their GETs (sharing a node's NIC) outlast that slack, they set the pace instead, and
//! the reducer polls for their late contributions in turn.
//!
//! On a channel that limits write units per second (DynamoDB), tens of contributions are
//! admitted one slot apart; the reducer's fetches overlap that tail more than the model's
//! `max` allows, so there the model runs up to about 3% above the simulator
//! (`tests/simulator.rs` checks the bound).

use super::{RoundComm, RoundContext};
use crate::model::link::Op;

/// Rounds over which the rhythm of the reducer and the others is averaged.
const ROUNDS_AVERAGED: u32 = 16;

/// One AllReduce round among `ctx.workers` workers: the average over the first
/// `ROUNDS_AVERAGED` rounds from a common start. The others learn of the result a poll late; when
/// that delay (with their fetch) outlasts the reducer's slack they reach their next contribution
/// late, the reducer waits for it (polling in turn), and the round lengthens. With polls much
/// shorter than the reducer's path the rounds are all alike.
pub fn round(ctx: &RoundContext) -> RoundComm {
    let (w, m, link) = (ctx.workers, ctx.bytes, ctx.link);
    let own_put_s = link.transfer_s(m, w);
    let get_s = link.transfer_s(m, 1.0);
    // The last contribution may be admitted after the reducer got to it (rate limits).
    let admitted_s = link.phase_s(Op::Put, 1.0, m, w) + get_s;
    let merge_s = w * m / ctx.merge_bytes_per_s;
    let publish_s = link.phase_s(Op::Put, 1.0, m, 1.0);
    let others_fetch_s = link.phase_s(Op::Get, 1.0, m, w - 1.0);
    // Time from starting to wait for an object that appears `wait_s` later to finding it.
    let found_after = |wait_s: f64| {
        if wait_s <= 0.0 {
            0.0
        } else {
            wait_s + link.polling(wait_s).1
        }
    };
    let (mut late_s, mut comm_s, mut polls) = (0.0_f64, 0.0, 0.0);
    for _ in 0..ROUNDS_AVERAGED {
        // Times from the end of the reducer's compute; the others end theirs `late_s` later.
        let arrive_s = late_s + own_put_s;
        let own_s = own_put_s + get_s;
        let first_wait_s = arrive_s - own_s;
        polls += link.polling(first_wait_s.max(0.0)).0;
        let gets_end_s = (own_s + found_after(first_wait_s) + (w - 1.0) * get_s).max(admitted_s);
        let result_s = gets_end_s + merge_s + publish_s;
        let reducer_end_s = result_s + get_s;
        let others_wait_s = result_s - arrive_s;
        polls += (w - 1.0) * link.polling(others_wait_s).0;
        let others_end_s = arrive_s + found_after(others_wait_s) + others_fetch_s;
        comm_s += reducer_end_s;
        late_s = others_end_s - reducer_end_s;
    }
    let rounds = f64::from(ROUNDS_AVERAGED);
    let mut comm = RoundComm {
        time_s: (comm_s + late_s.max(0.0)) / rounds,
        ..RoundComm::default()
    };
    comm.add(link, Op::Put, w + 1.0, m);
    comm.add(link, Op::Get, w + w, m);
    comm.add_polls(polls / rounds);
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
        // The first round ends with the result's PUT and the reducer's GET (20 ms each); from
        // then on the others come back 30 ms after the reducer's GET, 10 ms after its own next
        // GET: each later round waits 10 ms more, and the last leaves the others' 30 ms tail;
        // averaged over 16.
        let reduce_end = 0.06 + 5.0 * 0.02 + 0.005;
        let rounds = (reduce_end + 0.04) + 15.0 * (reduce_end + 0.05) + 0.03;
        assert_relative_eq!(comm.time_s, rounds / 16.0, epsilon = 1e-12);
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

    #[test]
    fn others_a_poll_late_past_the_reducers_slack_set_the_pace() {
        let (mut link, profile) = (link(), profile());
        // Polls 200 ms apart against a 144 ms reducer path: the others find the result up to a
        // poll late, the reducer then waits for their contributions: rounds lengthen.
        link.poll_interval_s = 0.2;
        let comm = super::round(&ctx(&link, &profile, 4.0));
        let path = (4.0 + 3.0) * 0.02 + 0.004;
        assert!(comm.time_s > path + 0.05, "{} vs {path}", comm.time_s);
    }
}
