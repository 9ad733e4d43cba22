//! # Object store in virtual time
//!
//! Which objects exist since when, and who is waiting for which. A worker waiting for an object
//! polls it every poll interval (or is told, where the channel answers when ready): when the
//! object appears, the store works out the poll that finds it and how many polls missed before,
//! so polling costs one event per wait instead of one per poll.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::time::SimTime;

use crate::model::link::Poller;
pub use crate::model::link::SIMULTANEOUS_S;

/// A waiting actor and when it started waiting.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Waiter<A> {
    pub actor: A,
    pub since: SimTime,
    /// Told when the object appears (a coordinator's barrier) rather than polling for it.
    pub told: bool,
}

/// A waiter whose object has appeared: when its poll finds it, and how many polls missed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Found<A> {
    pub actor: A,
    pub at: SimTime,
    pub missed_polls: f64,
}

#[derive(Debug, Clone)]
enum Slot<A> {
    Present,
    Awaited(Vec<Waiter<A>>),
}

/// Objects by key, and their waiters.
#[derive(Debug, Clone)]
pub struct Store<A> {
    poller: Poller,
    slots: HashMap<u64, Slot<A>, BuildHasherDefault<KeyHasher>>,
}

impl<A: Copy> Store<A> {
    /// A store whose waiters poll as `poller` says (the channel link's).
    pub fn new(poller: Poller) -> Self {
        Store {
            poller,
            slots: HashMap::default(),
        }
    }

    /// Whether `key` exists.
    pub fn contains(&self, key: u64) -> bool {
        matches!(self.slots.get(&key), Some(Slot::Present))
    }

    /// `actor` starts polling for `key` at `now`: `Some` when the object is already there.
    pub fn wait(&mut self, key: u64, actor: A, now: SimTime) -> Option<Found<A>> {
        self.register(
            key,
            Waiter {
                actor,
                since: now,
                told: false,
            },
        )
    }

    /// `actor` waits to be told of `key` (no polling): `Some` when it is already there.
    pub fn wait_told(&mut self, key: u64, actor: A, now: SimTime) -> Option<Found<A>> {
        self.register(
            key,
            Waiter {
                actor,
                since: now,
                told: true,
            },
        )
    }

    fn register(&mut self, key: u64, waiter: Waiter<A>) -> Option<Found<A>> {
        match self
            .slots
            .entry(key)
            .or_insert_with(|| Slot::Awaited(Vec::new()))
        {
            Slot::Present => Some(Found {
                actor: waiter.actor,
                at: waiter.since,
                missed_polls: 0.0,
            }),
            Slot::Awaited(waiters) => {
                waiters.push(waiter);
                None
            }
        }
    }

    /// `key` appears at `now`; returns its waiters with the poll that finds it.
    pub fn publish(&mut self, key: u64, now: SimTime) -> Vec<Found<A>> {
        let previous = self.slots.insert(key, Slot::Present);
        let Some(Slot::Awaited(waiters)) = previous else {
            return Vec::new();
        };
        waiters.into_iter().map(|w| self.found(w, now)).collect()
    }

    fn found(&self, waiter: Waiter<A>, now: SimTime) -> Found<A> {
        let polled = match waiter.told {
            true => None,
            false => self.poller.finding(now - waiter.since),
        };
        let (at, missed_polls) = match polled {
            Some((misses, found_s)) => ((waiter.since + found_s).max(now), misses),
            None => (now, 0.0),
        };
        Found {
            actor: waiter.actor,
            at,
            missed_polls,
        }
    }

    /// Forgets every present object `stale` says nobody will read again; awaited keys stay.
    pub fn forget(&mut self, stale: impl Fn(u64) -> bool) {
        self.slots
            .retain(|&key, slot| matches!(slot, Slot::Awaited(_)) || !stale(key));
    }

    /// Keys held, present or awaited.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Whether no key is held.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }
}

/// A fast hasher for the store's integer keys (Fibonacci multiply; keys are not adversarial).
/// The product's low bits depend only on the key's low bits, and keys differ mostly in their
/// high fields (kind, round, worker), so the high half is folded into the low half, which the
/// table indexes by.
#[derive(Debug, Default, Clone, Copy)]
pub struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0 ^ (self.0 >> 32)
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    fn t(s: f64) -> SimTime {
        SimTime::from_secs(s)
    }

    #[test]
    fn forgetting_keeps_awaited_keys() {
        let mut store = Store::new(Poller::new(0.05, 0.01, 1.0));
        store.publish(1, t(0.0));
        store.publish(2, t(0.0));
        store.wait(3, 'g', t(0.0));
        store.forget(|_| true);
        assert_eq!(store.len(), 1);
        assert!(store.publish(3, t(1.0)).len() == 1);
    }

    #[test]
    fn keys_differing_only_in_high_fields_spread_over_the_table() {
        use std::hash::{BuildHasher, BuildHasherDefault};
        let build = BuildHasherDefault::<KeyHasher>::default();
        let buckets: std::collections::BTreeSet<u64> = (0..1000u64)
            .map(|worker| build.hash_one(worker << 16) & 1023)
            .collect();
        assert!(buckets.len() > 500, "{} of 1024 buckets", buckets.len());
    }

    #[test]
    fn a_waiter_finds_the_object_at_its_next_poll() {
        let mut store = Store::new(Poller::new(0.05, 0.01, 1.0));
        assert!(store.wait(7, 'a', t(1.0)).is_none());
        let found = store.publish(7, t(1.12));
        assert_eq!(found.len(), 1);
        assert_relative_eq!(found[0].at.secs(), 1.15, epsilon = 1e-12);
        assert_relative_eq!(found[0].missed_polls, 3.0);
    }

    #[test]
    fn a_backing_off_waiter_polls_less_and_finds_it_later() {
        // Polls at 1.0, 1.05, 1.15, 1.35 (doubling waits): 0.12 s late, past the 0.01 s grace,
        // is found at 1.15.
        let mut store = Store::new(Poller::new(0.05, 0.01, 2.0));
        assert!(store.wait(7, 'a', t(1.0)).is_none());
        let found = store.publish(7, t(1.12));
        assert_relative_eq!(found[0].at.secs(), 1.15, epsilon = 1e-12);
        assert_relative_eq!(found[0].missed_polls, 2.0);
    }

    #[test]
    fn an_object_already_there_is_found_at_once() {
        let mut store = Store::new(Poller::new(0.05, 0.01, 1.0));
        store.publish(7, t(0.5));
        let found = store.wait(7, 'b', t(1.0)).unwrap();
        assert_eq!((found.at, found.missed_polls), (t(1.0), 0.0));
    }

    #[test]
    fn a_waiter_told_by_a_coordinator_does_not_poll() {
        let mut store = Store::new(Poller::new(0.05, 0.01, 1.0));
        store.wait_told(3, 'e', t(1.0));
        let found = store.publish(3, t(1.12));
        assert_eq!((found[0].at, found[0].missed_polls), (t(1.12), 0.0));
    }

    #[test]
    fn waiters_are_told_when_nobody_polls() {
        let mut store = Store::new(Poller::new(0.0, 0.001, 1.0));
        store.wait(1, 'c', t(0.0));
        assert_eq!(store.publish(1, t(2.0))[0].at, t(2.0));
    }

    #[test]
    fn polls_are_back_to_back_when_a_request_outlasts_the_interval() {
        let mut store = Store::new(Poller::new(0.01, 0.03, 1.0));
        store.wait(1, 'd', t(0.0));
        // Polls go out at 0, 0.03, 0.06, 0.09: the last is in flight when the object lands.
        let found = store.publish(1, t(0.1));
        assert_eq!((found[0].at, found[0].missed_polls), (t(0.1), 3.0));
    }

    #[test]
    fn an_object_landing_while_the_first_poll_is_in_flight_is_found_by_it() {
        let mut store = Store::new(Poller::new(0.05, 0.01, 1.0));
        store.wait(1, 'f', t(1.0));
        let found = store.publish(1, t(1.008));
        assert_eq!((found[0].at, found[0].missed_polls), (t(1.008), 0.0));
    }
}
