//! # Link: one client's view of a channel
//!
//! The cost of moving bytes through a channel: each request pays the latency, large objects
//! are split at the channel's object limit, bandwidth is the smaller of the client's NIC, the
//! per-connection cap and the channel's shared NIC divided among concurrent clients, and a phase
//! of many requests can last no less than its request units divided by the service's rate limit.

use crate::profile::ChannelProfile;

/// Waits this much past a poll's grace count as none, in the model and in the simulator's store:
/// gaps that small come from rounding, not from timing a real poll could resolve.
pub const SIMULTANEOUS_S: f64 = 1e-6;

/// Whether a request writes or reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Put,
    Get,
}

/// One client's link to a channel, with everything needed to time and count a transfer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Link {
    pub latency_s: f64,
    /// The client's own limit: min(NIC, per-connection cap), bytes per second.
    pub client_bytes_per_s: f64,
    /// A shared NIC all clients divide (cache node, PS VM), bytes per second.
    pub shared_bytes_per_s: Option<f64>,
    pub max_object_bytes: Option<f64>,
    pub put_unit_bytes: Option<f64>,
    pub get_unit_bytes: Option<f64>,
    pub put_units_per_s: Option<f64>,
    pub get_units_per_s: Option<f64>,
    /// The limits on one key (a DynamoDB partition), where below the service's.
    pub key_put_units_per_s: Option<f64>,
    pub key_get_units_per_s: Option<f64>,
    pub poll_interval_s: f64,
    /// Each missed poll multiplies the wait before the next by this (1: a constant interval).
    pub poll_backoff: f64,
}

impl Link {
    /// The link from a client with `client_mb_s` of bandwidth to `channel`, sharing `shared`.
    pub fn new(
        channel: &ChannelProfile,
        client_bytes_per_s: f64,
        shared_bytes_per_s: Option<f64>,
    ) -> Self {
        let cap = channel
            .bandwidth_mb_s
            .map_or(f64::INFINITY, |mb| mb * crate::units::BYTES_PER_MB);
        Link {
            latency_s: channel.latency_s,
            client_bytes_per_s: client_bytes_per_s.min(cap),
            shared_bytes_per_s,
            max_object_bytes: channel.max_object_bytes.map(|b| b as f64),
            put_unit_bytes: channel.put_unit_bytes.map(|b| b as f64),
            get_unit_bytes: channel.get_unit_bytes.map(|b| b as f64),
            put_units_per_s: channel.put_units_per_s,
            get_units_per_s: channel.get_units_per_s,
            key_put_units_per_s: channel.key_put_units_per_s,
            key_get_units_per_s: channel.key_get_units_per_s,
            poll_interval_s: channel.poll_interval_s,
            poll_backoff: 1.0,
        }
    }

    /// Requests needed to move one object of `bytes` (split at the object limit).
    pub fn requests(&self, bytes: f64) -> f64 {
        match self.max_object_bytes {
            Some(limit) if bytes > limit => (bytes / limit).ceil(),
            _ => 1.0,
        }
    }

    /// Billed/limited units for one object of `bytes`.
    pub fn units(&self, op: Op, bytes: f64) -> f64 {
        let unit = match op {
            Op::Put => self.put_unit_bytes,
            Op::Get => self.get_unit_bytes,
        };
        let requests = self.requests(bytes);
        match unit {
            Some(unit) => requests * (bytes / requests / unit).ceil().max(1.0),
            None => requests,
        }
    }

    /// Bytes per second one of `concurrent` clients gets.
    pub fn bytes_per_s(&self, concurrent: f64) -> f64 {
        match self.shared_bytes_per_s {
            Some(shared) => self.client_bytes_per_s.min(shared / concurrent.max(1.0)),
            None => self.client_bytes_per_s,
        }
    }

    /// Whether a shared NIC is too narrow for `concurrent` clients each at its own rate.
    pub fn contended(&self, concurrent: f64) -> bool {
        self.bytes_per_s(concurrent) < self.client_bytes_per_s
    }

    /// Whether the service limits the units of PUTs or GETs it admits per second.
    pub fn limits_requests(&self) -> bool {
        self.put_units_per_s.is_some() || self.get_units_per_s.is_some()
    }

    /// Seconds to move one object of `bytes` while `concurrent` clients move theirs.
    pub fn transfer_s(&self, bytes: f64, concurrent: f64) -> f64 {
        self.requests(bytes) * self.latency_s + bytes / self.bytes_per_s(concurrent)
    }

    /// Seconds for a phase in which each of `clients` makes `per_client` serial transfers of
    /// `bytes`: their serial time, or — when the service's rate limit binds — the time to admit
    /// every request but the last, plus the last one's own transfer.
    pub fn phase_s(&self, op: Op, per_client: f64, bytes: f64, clients: f64) -> f64 {
        self.staggered_phase_s(op, per_client, bytes, clients, &mut 0.0)
    }

    /// [`Link::phase_s`] for clients that arrive spread over `spread_s` seconds (the last
    /// `spread_s` after the first), timed from the last arrival: the rate limit only delays
    /// what the spread has not already paced. When the limit binds, the clients leave spread
    /// by its admission stagger, which `spread_s` becomes.
    pub fn staggered_phase_s(
        &self,
        op: Op,
        per_client: f64,
        bytes: f64,
        clients: f64,
        spread_s: &mut f64,
    ) -> f64 {
        if per_client <= 0.0 || clients <= 0.0 {
            return 0.0;
        }
        let serial = per_client * self.transfer_s(bytes, clients);
        let Some(rate) = self.rate(op) else {
            return serial;
        };
        let units = self.units(op, bytes);
        let admitted_s = (clients * per_client - 1.0) * units / rate - *spread_s;
        let limited_s = admitted_s + self.transfer_s(bytes, clients);
        if limited_s > serial {
            *spread_s = self.stagger_s(op, clients, bytes);
            limited_s
        } else {
            serial
        }
    }

    /// Seconds the rate limit spreads a burst of one request of `bytes` from each of `clients`:
    /// the last is admitted this long after the first (0 without a limit).
    pub fn stagger_s(&self, op: Op, clients: f64, bytes: f64) -> f64 {
        self.rate(op).map_or(0.0, |rate| {
            (clients - 1.0).max(0.0) * self.units(op, bytes) / rate
        })
    }

    fn rate(&self, op: Op) -> Option<f64> {
        match op {
            Op::Put => self.put_units_per_s,
            Op::Get => self.get_units_per_s,
        }
    }

    /// Units per second one object of `bytes` accepts for `op`: its key's limit for each of its
    /// items (each item its own key, hashed to its own partition), within the service's.
    pub fn key_rate(&self, op: Op, bytes: f64) -> Option<f64> {
        let key = match op {
            Op::Put => self.key_put_units_per_s,
            Op::Get => self.key_get_units_per_s,
        };
        match (key.map(|k| k * self.requests(bytes)), self.rate(op)) {
            (Some(key), Some(all)) => Some(key.min(all)),
            (key, all) => key.or(all),
        }
    }

    /// This link for requests that all go to one object of `bytes` (a result every worker
    /// reads, a shared model): its key's limits are the service's.
    pub fn one_key(&self, bytes: f64) -> Link {
        Link {
            put_units_per_s: self.key_rate(Op::Put, bytes),
            get_units_per_s: self.key_rate(Op::Get, bytes),
            ..*self
        }
    }

    /// Polls that miss while a worker waits `wait_s` for an object, and the delay between the
    /// object appearing and the moment the worker goes on. Polls go out every poll interval (or
    /// back to back when a request takes longer); with no interval the server answers when
    /// ready. A poll finds an object whose PUT completes within one request latency of the poll
    /// going out: its request is still on the way to the server then (the simulator's store
    /// does the same).
    pub fn polling(&self, wait_s: f64) -> (f64, f64) {
        match self.poller().finding(wait_s) {
            Some((misses, found_s)) => (misses, (found_s - wait_s).max(0.0)),
            None => (0.0, 0.0),
        }
    }

    /// How a waiter polls this link.
    pub fn poller(&self) -> Poller {
        Poller::new(self.poll_interval_s, self.latency_s, self.poll_backoff)
    }

    /// Polls a waiter makes in `elapsed_s` (fractional: a poll in flight counts in part).
    pub fn polls_within(&self, elapsed_s: f64) -> f64 {
        self.poller().polls_within(elapsed_s)
    }
}

/// A waiter's polls: every poll interval (or back to back when a request takes longer), each
/// wait multiplied by the backoff after a miss; no interval means the server answers when ready.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Poller {
    /// Seconds between the first two polls (0: the waiter is told).
    period_s: f64,
    backoff: f64,
    /// A poll finds an object stored up to one request latency after it goes out.
    grace_s: f64,
}

impl Poller {
    /// Polls `poll_interval_s` apart (0: told) by requests of `latency_s`.
    pub fn new(poll_interval_s: f64, latency_s: f64, backoff: f64) -> Self {
        Poller {
            period_s: if poll_interval_s > 0.0 {
                poll_interval_s.max(latency_s)
            } else {
                0.0
            },
            backoff,
            grace_s: latency_s,
        }
    }

    /// For an object that appears `wait_s` after the waiter's first poll: `None` when a poll
    /// finds it as it appears (or the waiter is told), else the polls that missed and when,
    /// from the first, the poll that finds it goes out.
    pub fn finding(&self, wait_s: f64) -> Option<(f64, f64)> {
        let late_s = wait_s - self.grace_s;
        if self.period_s <= 0.0 || late_s <= SIMULTANEOUS_S {
            return None;
        }
        Some(polls_until(late_s, self.period_s, self.backoff))
    }

    /// Polls that go out within `elapsed_s` of waiting (fractional: one in flight counts in part).
    pub fn polls_within(&self, elapsed_s: f64) -> f64 {
        if self.period_s <= 0.0 {
            return 0.0;
        }
        polls_in(elapsed_s, self.period_s, self.backoff)
    }
}

/// The polls that miss an object stored `late_s` after the first poll (past its grace), and when
/// the one that finds it goes out: poll k goes out period·(1 + b + … + b^(k−1)) after the
/// first, so with `backoff` b = 1 every `period_s`. The model and the simulator's store both
/// poll by it.
pub fn polls_until(late_s: f64, period_s: f64, backoff: f64) -> (f64, f64) {
    let misses = (polls_in(late_s, period_s, backoff) - 1e-9).ceil().max(0.0);
    let found_s = if backoff <= 1.0 {
        misses * period_s
    } else {
        period_s * (backoff.powf(misses) - 1.0) / (backoff - 1.0)
    };
    (misses, found_s)
}

/// Polls that go out within `elapsed_s` after the first, fractionally: the k with
/// period·(1 + b + … + b^(k−1)) = `elapsed_s`.
fn polls_in(elapsed_s: f64, period_s: f64, backoff: f64) -> f64 {
    if backoff <= 1.0 {
        elapsed_s / period_s
    } else {
        (1.0 + elapsed_s * (backoff - 1.0) / period_s).ln() / backoff.ln()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    fn link() -> Link {
        Link {
            latency_s: 0.01,
            client_bytes_per_s: 100e6,
            shared_bytes_per_s: Some(400e6),
            max_object_bytes: Some(1e6),
            put_unit_bytes: None,
            get_unit_bytes: None,
            put_units_per_s: Some(1000.0),
            get_units_per_s: None,
            key_put_units_per_s: None,
            key_get_units_per_s: None,
            poll_interval_s: 0.05,
            poll_backoff: 1.0,
        }
    }

    #[test]
    fn polls_back_off_geometrically() {
        // Every 50 ms: an object 120 ms late is found by the third poll after the first, at 150 ms.
        assert_eq!(polls_until(0.12, 0.05, 1.0), (3.0, 0.15000000000000002));
        // Doubling: polls at 50, 150, 350 ms after the first; 120 ms late is found at 150 ms.
        let (misses, at) = polls_until(0.12, 0.05, 2.0);
        assert_eq!(misses, 2.0);
        assert_relative_eq!(at, 0.15, epsilon = 1e-12);
        let (misses, at) = polls_until(0.2, 0.05, 2.0);
        assert_eq!(misses, 3.0);
        assert_relative_eq!(at, 0.35, epsilon = 1e-12);
        let mut l = link();
        l.poll_backoff = 2.0;
        assert_relative_eq!(l.polls_within(0.35), 3.0, epsilon = 1e-12);
    }

    #[test]
    fn one_key_takes_its_partition_limit_per_item() {
        let mut l = link();
        l.key_put_units_per_s = Some(100.0);
        // A 1 kB object is one item on one partition; a 3 MB one spans 3 (1 MB items).
        assert_eq!(l.one_key(1e3).put_units_per_s, Some(100.0));
        assert_eq!(l.one_key(3e6).put_units_per_s, Some(300.0));
        // Never past the service's own limit.
        assert_eq!(l.one_key(3e7).put_units_per_s, Some(1000.0));
        // Reads have no key limit here: the service's (none) stays.
        assert_eq!(l.one_key(1e3).get_units_per_s, None);
    }

    #[test]
    fn a_transfer_pays_latency_per_request_and_bytes_over_bandwidth() {
        // 3 MB split into 3 requests: 3 × 10 ms + 3 MB / 100 MB/s.
        assert_relative_eq!(link().transfer_s(3e6, 1.0), 0.03 + 0.03, epsilon = 1e-12);
    }

    #[test]
    fn concurrent_clients_share_the_node_nic() {
        // 8 clients share 400 MB/s: 50 MB/s each, below their own 100 MB/s.
        assert_relative_eq!(link().bytes_per_s(8.0), 50e6);
        assert_relative_eq!(link().bytes_per_s(2.0), 100e6);
    }

    #[test]
    fn the_rate_limit_binds_a_phase_of_many_small_requests() {
        // 100 clients × 50 puts of 1 kB: the 5,000th request is admitted after 4.999 s at
        // 1,000/s, then takes its own transfer (10 ms + 1 kB at 400/100 MB/s) — far more than
        // 50 serial transfers.
        let expected = 4.999 + 0.01 + 1e3 / 4e6;
        assert_relative_eq!(
            link().phase_s(Op::Put, 50.0, 1e3, 100.0),
            expected,
            epsilon = 1e-9
        );
    }

    #[test]
    fn units_follow_the_unit_size() {
        let mut l = link();
        l.put_unit_bytes = Some(1024.0);
        l.max_object_bytes = Some(409_600.0);
        // 1 MB in three items of ~333 kB: 326 units each.
        assert_relative_eq!(l.units(Op::Put, 1e6), 3.0 * (1e6 / 3.0 / 1024.0_f64).ceil());
    }

    #[test]
    fn polling_finds_the_object_at_the_next_poll() {
        let (misses, delay) = link().polling(0.12);
        assert_relative_eq!(misses, 3.0);
        assert_relative_eq!(delay, 0.03, epsilon = 1e-12);
    }

    #[test]
    fn a_poll_in_flight_when_the_object_lands_finds_it() {
        assert_eq!(link().polling(0.009), (0.0, 0.0));
    }
}
