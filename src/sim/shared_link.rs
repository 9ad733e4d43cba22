//! # Shared link (processor sharing)
//!
//! A NIC that concurrent transfers divide equally — an ElastiCache node's or a parameter-server
//! VM's: each of n active transfers moves at min(client cap, capacity / n). Bookkeeping follows
//! fair queueing's virtual time: a counter of bytes served to every active transfer advances at
//! the common rate, and a transfer finishes when the counter reaches its start value plus its
//! size, so each start or finish costs O(log n).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::time::SimTime;

#[derive(Debug, Clone, Copy, PartialEq)]
struct Finish(f64);
impl Eq for Finish {}
impl PartialOrd for Finish {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Finish {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// A link shared by concurrent transfers, each identified by a `T`.
#[derive(Debug, Clone)]
pub struct SharedLink<T: Ord> {
    capacity_bytes_per_s: f64,
    client_bytes_per_s: f64,
    /// Bytes served to each active transfer since the link was created.
    served: f64,
    updated_at: SimTime,
    active: BinaryHeap<Reverse<(Finish, u64, T)>>,
    next_seq: u64,
}

impl<T: Ord> SharedLink<T> {
    /// A link of `capacity_bytes_per_s` whose clients each move at most `client_bytes_per_s`.
    pub fn new(capacity_bytes_per_s: f64, client_bytes_per_s: f64) -> Self {
        SharedLink {
            capacity_bytes_per_s,
            client_bytes_per_s,
            served: 0.0,
            updated_at: SimTime::ZERO,
            active: BinaryHeap::new(),
            next_seq: 0,
        }
    }

    /// The rate each active transfer moves at.
    pub fn rate(&self) -> f64 {
        let n = self.active.len().max(1) as f64;
        self.client_bytes_per_s.min(self.capacity_bytes_per_s / n)
    }

    /// Transfers in progress.
    pub fn active(&self) -> usize {
        self.active.len()
    }

    fn advance(&mut self, now: SimTime) {
        if !self.active.is_empty() {
            self.served += self.rate() * (now - self.updated_at).max(0.0);
        }
        self.updated_at = now;
    }

    /// Starts moving `bytes` for `id` at `now`.
    pub fn start(&mut self, now: SimTime, bytes: f64, id: T) {
        self.advance(now);
        self.active.push(Reverse((
            Finish(self.served + bytes.max(0.0)),
            self.next_seq,
            id,
        )));
        self.next_seq += 1;
    }

    /// When the next transfer will finish at the current rates.
    pub fn next_completion(&self) -> Option<SimTime> {
        let Reverse((Finish(finish), _, _)) = self.active.peek()?;
        Some(self.updated_at + (finish - self.served).max(0.0) / self.rate())
    }

    /// Removes and returns, in order, the transfers finished by `now`: those whose bytes are
    /// served, or whose predicted finish is not after `now` (rounding of the clock can leave a
    /// few bytes of a finished transfer unserved, which must not hold it back forever).
    pub fn complete_due(&mut self, now: SimTime) -> Vec<T> {
        self.advance(now);
        let tolerance = 1e-9 * self.served.abs().max(1.0);
        let mut done = Vec::new();
        while let Some(Reverse((Finish(finish), _, _))) = self.active.peek() {
            let served = *finish <= self.served + tolerance;
            let finish_time = self.updated_at + (*finish - self.served).max(0.0) / self.rate();
            if !served && finish_time > now {
                break;
            }
            let Reverse((_, _, id)) = self.active.pop().expect("peeked");
            done.push(id);
        }
        done
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    fn at(s: f64) -> SimTime {
        SimTime::from_secs(s)
    }

    #[test]
    fn a_small_transfer_late_in_a_run_finishes_when_predicted() {
        // At t ≈ 121 s the clock's rounding exceeds a byte-relative tolerance on 500 bytes.
        let mut link = SharedLink::new(93.75e6, 93.75e6);
        link.start(at(121.045_471_3), 492.0, 1);
        let due = link.next_completion().unwrap();
        assert_eq!(link.complete_due(due), vec![1]);
    }

    #[test]
    fn equal_transfers_share_the_link_and_finish_together() {
        // 4 transfers of 100 MB over 200 MB/s, clients capped at 100 MB/s: 50 MB/s each, 2 s.
        let mut link = SharedLink::new(200e6, 100e6);
        for id in 0..4 {
            link.start(at(0.0), 100e6, id);
        }
        assert_relative_eq!(link.next_completion().unwrap().secs(), 2.0, epsilon = 1e-12);
        assert_eq!(link.complete_due(at(2.0)), vec![0, 1, 2, 3]);
        assert_eq!(link.active(), 0);
    }

    #[test]
    fn a_lone_transfer_is_capped_by_its_client() {
        let mut link = SharedLink::new(1e9, 100e6);
        link.start(at(1.0), 50e6, 7);
        assert_relative_eq!(link.next_completion().unwrap().secs(), 1.5, epsilon = 1e-12);
    }

    #[test]
    fn a_late_arrival_slows_the_others_down() {
        // 100 MB/s link, no client cap. A starts 100 MB at 0; B starts 50 MB at 0.5 s.
        // A alone: 50 MB by 0.5 s; then 50 MB/s each: B done at 1.5 s, A has 0 MB left then too.
        let mut link = SharedLink::new(100e6, f64::INFINITY);
        link.start(at(0.0), 100e6, "a");
        link.start(at(0.5), 50e6, "b");
        let first = link.next_completion().unwrap();
        assert_relative_eq!(first.secs(), 1.5, epsilon = 1e-9);
        assert_eq!(link.complete_due(first), vec!["a", "b"]);
    }

    #[test]
    fn a_check_before_completion_finishes_nothing() {
        let mut link = SharedLink::new(100e6, f64::INFINITY);
        link.start(at(0.0), 100e6, 1);
        assert!(link.complete_due(at(0.5)).is_empty());
        assert_eq!(link.active(), 1);
    }
}
