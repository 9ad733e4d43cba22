//! # Watching a simulation from outside
//!
//! A long simulation (hundreds of thousands of rounds) should say how far it is and stop
//! cleanly when asked. A [`Watch`] is shared by reference with the runs: they add the rounds
//! they plan and count the rounds they finish (so a caller can draw progress with an ETA), and
//! they check its stop flag once a round — when it is raised, each run ends after the round in
//! flight and returns what it has simulated so far, trace included.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Rounds planned and finished across the runs that share it, and a request to stop.
#[derive(Debug, Default)]
pub struct Watch {
    planned: AtomicU64,
    finished: AtomicU64,
    stop: AtomicBool,
}

impl Watch {
    /// A run plans `rounds` more rounds.
    pub fn plan(&self, rounds: u64) {
        self.planned.fetch_add(rounds, Ordering::Relaxed);
    }

    /// A run finished `rounds` rounds (or gave up on them).
    pub fn finish(&self, rounds: u64) {
        self.finished.fetch_add(rounds, Ordering::Relaxed);
    }

    /// (finished, planned) rounds so far.
    pub fn progress(&self) -> (u64, u64) {
        (
            self.finished.load(Ordering::Relaxed),
            self.planned.load(Ordering::Relaxed),
        )
    }

    /// Asks every run to end after the round in flight.
    pub fn request_stop(&self) {
        self.stop.store(true, Ordering::Relaxed);
    }

    /// Whether a stop was requested.
    pub fn stopping(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_add_up_across_runs_and_stop_is_sticky() {
        let watch = Watch::default();
        watch.plan(10);
        watch.plan(5);
        watch.finish(3);
        assert_eq!(watch.progress(), (3, 15));
        assert!(!watch.stopping());
        watch.request_stop();
        assert!(watch.stopping());
    }
}
