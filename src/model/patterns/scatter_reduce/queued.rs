//! # ScatterReduce queued at a request limit
//!
//! On a channel that limits request units (DynamoDB) every request of every worker waits at the
//! service's limit, and a merged shard's reads at its key's, in the order the workers ask; at
//! the same moment, the worker told first goes first (as the simulator's queue does).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::super::rhythm::{Carry, Instant, Played};
use super::Shards;
use crate::model::link::Op;

/// Every worker of a synchronous round on a channel that limits request units (DynamoDB),
/// followed round after round: each request waits for the service's limit in the order the
/// workers ask (and a merged shard's reads for its key's), then moves at the worker's rate.
pub(super) struct Queued<'a>(pub(super) Shards<'a>);

/// The limits' state during a queued round.
struct Admission {
    put_free_s: f64,
    get_free_s: f64,
    /// When each merged shard's key next admits a read.
    key_get_free_s: Vec<f64>,
}

impl Queued<'_> {
    /// The object a worker's `step` reads or writes: piece i→j is `i·w + j`, worker i's merged
    /// shard `w·w + i`. Steps: w − 1 PUTs, w − 1 GETs of its pieces, the merge, the merged
    /// shard's PUT, w − 1 GETs of the others' merged shards.
    fn object(&self, j: usize, step: usize) -> Option<(Op, usize)> {
        let (w, n) = (self.0.workers, self.0.workers - 1);
        let other = |k: usize| k + usize::from(k >= j);
        match step {
            s if s < n => Some((Op::Put, j * w + other(s))),
            s if s < 2 * n => Some((Op::Get, other(s - n) * w + j)),
            s if s == 2 * n + 1 => Some((Op::Put, w * w + j)),
            s if s > 2 * n + 1 && s < 3 * n + 2 => Some((Op::Get, w * w + other(s - 2 * n - 2))),
            _ => None,
        }
    }

    /// One round from `state`, request by request in the order the workers ask.
    pub(super) fn round(&self, state: &Carry) -> Played {
        let ready = &state.ready;
        let (w, n) = (self.0.workers, self.0.workers - 1);
        let mut stored: Vec<Option<f64>> = vec![None; w * w + w];
        let mut waiters: Vec<Vec<usize>> = vec![Vec::new(); w * w + w];
        let mut step = vec![0usize; w];
        let mut waiting_since: Vec<Option<f64>> = vec![None; w];
        let mut limits = Admission {
            put_free_s: state.put_free_s,
            get_free_s: f64::NEG_INFINITY,
            key_get_free_s: vec![f64::NEG_INFINITY; w],
        };
        let mut done = vec![0.0; w];
        let mut polls = 0.0;
        // Workers due to act, earliest first; at the same moment, the first told first.
        let mut told = 0usize;
        let mut due: BinaryHeap<Reverse<(Instant, usize, usize)>> = BinaryHeap::new();
        let mut tell =
            |due: &mut BinaryHeap<Reverse<(Instant, usize, usize)>>, t: f64, j: usize| {
                due.push(Reverse((Instant(t), told, j)));
                told += 1;
            };
        for (j, &t) in ready.iter().enumerate() {
            tell(&mut due, t, j);
        }
        while let Some(Reverse((Instant(t), _, j))) = due.pop() {
            if step[j] == 2 * n {
                step[j] += 1;
                tell(&mut due, t + self.0.merge_s, j);
                continue;
            }
            let Some((op, object)) = self.object(j, step[j]) else {
                done[j] = t;
                continue;
            };
            if op == Op::Get {
                let since = waiting_since[j].unwrap_or(t);
                waiting_since[j] = Some(since);
                let Some(stored_s) = stored[object] else {
                    waiters[object].push(j);
                    continue;
                };
                let (misses, detect_s) = self.0.link.polling((stored_s - since).max(0.0));
                let found_s = since.max(stored_s) + detect_s;
                if found_s > t {
                    tell(&mut due, found_s, j);
                    continue;
                }
                polls += misses;
                waiting_since[j] = None;
            }
            let end_s = self.admit(&mut limits, op, object, t) + self.0.piece_s;
            step[j] += 1;
            tell(&mut due, end_s, j);
            if op == Op::Put {
                stored[object] = Some(end_s);
                for waiter in std::mem::take(&mut waiters[object]) {
                    tell(&mut due, end_s, waiter);
                }
            }
        }
        let end_s = done.iter().copied().fold(f64::INFINITY, f64::min);
        let next = Carry {
            ready: done.into_iter().map(|t| t - end_s).collect(),
            put_free_s: limits.put_free_s - end_s - self.0.compute_s,
            reads_s: Vec::new(),
        };
        (end_s, polls, next)
    }

    /// When a request for `object` asked at `t` is admitted: the service's limit first, then a
    /// merged shard's key's.
    fn admit(&self, limits: &mut Admission, op: Op, object: usize, t: f64) -> f64 {
        let link = self.0.link;
        let (rate, free) = match op {
            Op::Put => (link.put_units_per_s, &mut limits.put_free_s),
            Op::Get => (link.get_units_per_s, &mut limits.get_free_s),
        };
        let units = link.units(op, self.0.bytes);
        let mut start = t;
        if let Some(rate) = rate {
            start = start.max(*free);
            *free = start + units / rate;
        }
        let w = self.0.workers;
        let key_rate = link
            .key_get_units_per_s
            .and(link.key_rate(op, self.0.bytes));
        if let (Op::Get, Some(rate), true) = (op, key_rate, object >= w * w) {
            let free = &mut limits.key_get_free_s[object - w * w];
            start = start.max(*free);
            *free = start + units / rate;
        }
        start
    }
}
