//! # AllReduce through one reducer (LambdaML §3.3)
//!
//! Every worker PUTs its m bytes; worker 0, the reducer, GETs all w objects, merges them, PUTs
//! the result and GETs it back like everyone else; the others poll until it is there and GET
//! it. The reducer's w + 3 serial transfers are the critical path while the others, a poll
//! behind, are ready again before the reducer needs their next contribution; when their polling
//! delay or their GETs (sharing a node's NIC) outlast that slack, they set the pace instead, and
//! the reducer polls for their late contributions in turn.
//!
//! Each worker is followed on its own: the others wait for the result from different moments,
//! so a poll one of them misses its neighbour may catch, and a limit on write or read units
//! (DynamoDB) admits their requests one slot apart in the order they come. Round after round
//! the limits must also admit every round's requests, so a round takes at least that, less the
//! compute between rounds: an object over DynamoDB's 400 KB item limit is many items (a 12.8 MB
//! model over 2 workers: 98.3 s against 96.4 s simulated, where the round alone gave 55.4 s). The
//! round's result holds the write limit for its units' time, and the next round's first PUT
//! waits for it; the others' reads of the result hold the read limit, and the reducer's first
//! read of the next round waits behind those asked before it (`rhythm::Carry`). 0.8 MB objects
//! over 23 workers of 1024 MB: 57.2 s against 57.2 s simulated (was 53.8 s); 240-byte objects
//! over 5 workers of 1769 MB: 4.21 s against 4.21 s (was 5.00 s).

use super::keys::{Kind, key};
use super::rhythm::{self, Carry, Played, Slots, admitted};
use super::script::{Action, Step, await_then_get};
use super::{Exchange, RoundComm, RoundContext};
use crate::model::link::{Link, Op};

/// AllReduce through worker 0.
#[derive(Debug, Clone, Copy)]
pub struct AllReduce;

impl Exchange for AllReduce {
    fn name(&self) -> &'static str {
        "allreduce"
    }

    fn round(&self, ctx: &RoundContext) -> RoundComm {
        round(ctx)
    }

    /// Every worker computes and PUTs its contribution. The reducer then awaits and GETs each
    /// contribution in worker order, merges them, PUTs the result and GETs it back; the others
    /// await the result and GET it.
    fn worker_step(&self, at: &Step) -> Action {
        let (w, m) = (at.workers as usize, at.bytes);
        let result = key(Kind::Result, at.round, 0, 0);
        match (at.worker, at.step) {
            (_, 0) => Action::Compute,
            (j, 1) => Action::Put {
                key: key(Kind::Contribution, at.round, j, 0),
                bytes: m,
            },
            (0, s) if s < 2 + 2 * w => {
                let i = ((s - 2) / 2) as u32;
                await_then_get(s, key(Kind::Contribution, at.round, i, 0), m)
            }
            (0, s) if s == 2 + 2 * w => Action::Merge {
                bytes: w as f64 * m,
            },
            (0, s) if s == 3 + 2 * w => Action::Put {
                key: result,
                bytes: m,
            },
            (0, s) if s == 4 + 2 * w => Action::Get {
                key: result,
                bytes: m,
            },
            (0, _) => Action::Done,
            (_, s @ (2 | 3)) => await_then_get(s, result, m),
            _ => Action::Done,
        }
    }
}

/// One AllReduce round among `ctx.workers` workers: the average over the run's first rounds
/// (`rhythm::ROUNDS_FOLLOWED` at most) from a common start, following each worker. Each of the
/// others learns of the result at its own poll (they wait from different moments, so their
/// polls fall differently) and contributes its next update that much later; the reducer fetches
/// the contributions in worker order and waits, polling in turn, for any not there yet. A write
/// or read limit admits the requests one slot apart; a node's NIC is shared by every transfer
/// at once.
pub fn round(ctx: &RoundContext) -> RoundComm {
    let (w, m, link) = (ctx.workers, ctx.bytes, ctx.link);
    let rhythm = Rhythm::new(ctx);
    // From a common start: the others are ready when the reducer is.
    let (time_s, polls) = rhythm::averaged(ctx.rounds, vec![0.0; rhythm.tracked], |ready| {
        rhythm.round(ready)
    });
    let mut comm = RoundComm {
        time_s,
        ..RoundComm::default()
    };
    comm.add(link, Op::Put, w + 1.0, m);
    comm.add(link, Op::Get, w + w, m);
    comm.pace_by_limits(link, ctx.compute_s);
    comm.add_polls(polls);
    comm
}

/// The reducer and the others round after round, each of the others followed on its own.
struct Rhythm<'a> {
    link: &'a Link,
    own_put_s: f64,
    get_s: f64,
    merge_s: f64,
    publish_s: f64,
    fetch_s: f64,
    slots: Slots,
    /// The compute between rounds, during which the write limit clears.
    compute_s: f64,
    others: usize,
    /// Workers followed: all of the others, or one standing for all when they stay in step.
    tracked: usize,
}

impl<'a> Rhythm<'a> {
    fn new(ctx: &RoundContext<'a>) -> Self {
        let (w, m, link) = (ctx.workers, ctx.bytes, ctx.link);
        let slots = Slots::of(link, m);
        let others = (w as usize).saturating_sub(1);
        Rhythm {
            link,
            own_put_s: link.transfer_s(m, w),
            get_s: link.transfer_s(m, 1.0),
            merge_s: w * m / ctx.merge_bytes_per_s,
            publish_s: link.phase_s(Op::Put, 1.0, m, 1.0),
            fetch_s: link.transfer_s(m, w - 1.0),
            slots,
            compute_s: ctx.compute_s,
            others,
            tracked: slots.followed(others),
        }
    }

    /// When the result's reads were asked for, from the next round's start: the reducer's at
    /// `result_s`, the others' as they find it (`found`), in order.
    fn result_reads(&self, result_s: f64, found: Vec<f64>, end_s: f64) -> Vec<f64> {
        let mut asks = found;
        asks.push(result_s);
        asks.sort_by(f64::total_cmp);
        asks.into_iter()
            .map(|t| t - end_s - self.compute_s)
            .collect()
    }

    /// Time from starting to wait for an object that appears `wait_s` later to finding it.
    fn found_after(&self, wait_s: f64) -> f64 {
        if wait_s <= 0.0 {
            0.0
        } else {
            wait_s + self.link.polling(wait_s).1
        }
    }

    /// One round from `state` (when each tracked worker is ready to contribute, from the
    /// reducer's end of compute, and when the write limit is free again).
    fn round(&self, state: &Carry) -> Played {
        let stands_for = self.others as f64 / self.tracked.max(1) as f64;
        let mut polls = 0.0;
        // The reducer's contribution is admitted first (once the last round's result has
        // cleared the write limit), the others' in the order they come.
        let own_s = state.put_free_s.max(0.0);
        let mut arrive = admitted(&state.ready, self.slots.put_s, own_s + self.slots.put_s);
        let puts_free_s = arrive.iter().copied().fold(own_s, f64::max) + self.slots.put_s;
        arrive.iter_mut().for_each(|t| *t += self.own_put_s);
        // Its read of it waits behind the last round's reads of the result asked before it.
        let own_read_s = state.read_admitted(own_s + self.own_put_s, self.slots.table_get_s);
        let mut t = own_read_s + self.get_s;
        for &arrive_s in &arrive {
            polls += self.link.polling((arrive_s - t).max(0.0)).0;
            t += self.found_after(arrive_s - t) + self.get_s;
        }
        // Those in step with one already fetched are there by now.
        t += (self.others - self.tracked) as f64 * self.get_s;
        let publish_at = match self.slots.put_s > 0.0 {
            true => (t + self.merge_s).max(puts_free_s),
            false => t + self.merge_s,
        };
        let result_s = publish_at + self.publish_s;
        let reducer_end_s = result_s + self.get_s;
        let found: Vec<f64> = arrive
            .iter()
            .map(|&a| {
                polls += stands_for * self.link.polling(result_s - a).0;
                a + self.found_after(result_s - a)
            })
            .collect();
        // The reducer reads the result first, the others at its key's limit after it.
        let ready = admitted(&found, self.slots.get_s, result_s + self.slots.get_s)
            .into_iter()
            .map(|t| t + self.fetch_s - reducer_end_s)
            .collect();
        let put_free_s =
            self.slots
                .put_free_after(publish_at + self.slots.put_s, reducer_end_s, self.compute_s);
        let reads_s = match self.slots.table_get_s > 0.0 {
            true => self.result_reads(result_s, found, reducer_end_s),
            false => Vec::new(),
        };
        let next = Carry {
            ready,
            put_free_s,
            reads_s,
        };
        (reducer_end_s, polls, next)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{ctx, link, profile};
    use super::{Carry, Rhythm};
    use approx::assert_relative_eq;

    #[test]
    fn the_results_write_holds_the_limit_into_the_next_round() {
        let (mut link, profile) = (link(), profile());
        link.put_unit_bytes = Some(1e6);
        link.put_units_per_s = Some(4.0); // one 1 MB object admitted every 250 ms
        let c = ctx(&link, &profile, 2.0);
        let rhythm = Rhythm::new(&c);
        // The other's contribution is admitted at 250 ms and fetched by 290 ms; the result
        // waits for the limit until 500 ms, is stored at 520 ms and read back by 540 ms. Its
        // write holds the limit until 750 ms: 210 ms into the next round.
        let (end_s, _, next) = rhythm.round(&Carry::ready(vec![0.0]));
        assert_relative_eq!(end_s, 0.54, epsilon = 1e-12);
        assert_relative_eq!(next.put_free_s, 0.21, epsilon = 1e-12);
        // The reducer's next contribution waits for it, and the round with it.
        let (end_s, _, _) = rhythm.round(&next);
        assert_relative_eq!(end_s, 0.75, epsilon = 1e-12);
    }

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
