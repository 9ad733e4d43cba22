//! # AllReduce through one reducer (LambdaML §3.3)
//!
//! Every worker PUTs its m bytes; worker 0, the reducer, GETs all w objects, merges them and PUTs
//! the result; the others poll until it is there and GET it. About w + 3 serial transfers of m
//! lie on the critical path.

use super::{RoundComm, RoundContext};
use crate::model::link::Op;

/// One AllReduce round among `ctx.workers` workers.
pub fn round(ctx: &RoundContext) -> RoundComm {
    let (w, m, link) = (ctx.workers, ctx.bytes, ctx.link);
    let put_s = link.phase_s(Op::Put, 1.0, m, w);
    let reduce_s = link.phase_s(Op::Get, w, m, 1.0) + w * m / ctx.merge_bytes_per_s;
    let publish_s = link.phase_s(Op::Put, 1.0, m, 1.0);
    let wait_s = reduce_s + publish_s;
    let (misses, detect_s) = link.polling(wait_s);
    let fetch_s = link.phase_s(Op::Get, 1.0, m, w - 1.0);
    let mut comm = RoundComm {
        time_s: put_s + wait_s + detect_s + fetch_s,
        ..RoundComm::default()
    };
    comm.add(link, Op::Put, w + 1.0, m);
    comm.add(link, Op::Get, w + (w - 1.0), m);
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
        assert_relative_eq!(comm.gets, 7.0);
    }

    #[test]
    fn waiting_workers_poll_until_the_result_is_there() {
        let (mut link, profile) = (link(), profile());
        link.poll_interval_s = 0.05;
        let comm = super::round(&ctx(&link, &profile, 4.0));
        // The others wait 4 GETs + merge + 1 PUT = 104 ms: 3 polls each, found at 150 ms.
        assert_relative_eq!(comm.time_s, 0.02 + 0.15 + 0.02, epsilon = 1e-12);
        assert_relative_eq!(comm.gets, 7.0 + 3.0 * 3.0);
    }
}
