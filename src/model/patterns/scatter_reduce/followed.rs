//! # ScatterReduce followed worker by worker
//!
//! On a polled channel without request limits each worker is played from its invocation: its
//! pieces stored one transfer after another, its awaits and GETs in worker order, the polls it
//! loses on pieces and merged shards its neighbours have not stored yet.

use super::super::rhythm::{Carry, Played};
use super::Shards;

/// Every worker of a synchronous round on a polled channel whose requests no limit spreads and
/// whose node (if any) carries every worker at its own rate, followed round after round: its
/// pieces stored one transfer after another, its awaits and GETs in worker order.
pub(super) struct Rhythm<'a>(pub(super) Shards<'a>);

impl Rhythm<'_> {
    /// One round from `state` (when each worker has its update; no limit to carry): the round
    /// ends when the first worker has every merged shard.
    pub(super) fn round(&self, state: &Carry) -> Played {
        let ready = &state.ready;
        let (w, p) = (self.0.workers, self.0.piece_s);
        let others = |j: usize| (0..w).filter(move |&i| i != j);
        let mut polls = 0.0;
        let latest = ready.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let published: Vec<f64> = (0..w)
            .map(|j| {
                // Worker i stores the piece for j as its k-th PUT, k = j's place among i's others.
                let stored = |i: usize| ready[i] + (j - usize::from(j > i) + 1) as f64 * p;
                let by = latest + (j.min(w - 2) + 1) as f64 * p;
                let scattered = ready[j] + (w - 1) as f64 * p;
                let gathered = self.fetch(scattered, by, others(j).map(stored), &mut polls);
                gathered + self.0.merge_s + p
            })
            .collect();
        let last = published.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let done: Vec<f64> = (0..w)
            .map(|j| {
                let merged = others(j).map(|i| published[i]);
                self.fetch(published[j], last, merged, &mut polls)
            })
            .collect();
        let end_s = done.iter().copied().fold(f64::INFINITY, f64::min);
        let next = done.into_iter().map(|t| t - end_s).collect();
        (end_s, polls, Carry::ready(next))
    }

    /// From `start`, awaits and GETs the w − 1 objects stored at the times `stored` gives in
    /// turn (every one by `by`): when the last is fetched. Misses go to `polls`.
    fn fetch(
        &self,
        start: f64,
        by: f64,
        stored: impl Iterator<Item = f64>,
        polls: &mut f64,
    ) -> f64 {
        let (mut t, mut left) = (start, self.0.workers - 1);
        for at in stored {
            if t >= by {
                // The rest are there already.
                break;
            }
            let (misses, detect_s) = self.0.link.polling((at - t).max(0.0));
            *polls += misses;
            t = t.max(at) + detect_s + self.0.piece_s;
            left -= 1;
        }
        t + left as f64 * self.0.piece_s
    }
}
