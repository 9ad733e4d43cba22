//! # Channel in virtual time
//!
//! One storage channel as a resource: a request waits for the service's rate limit (S3's PUT and
//! GET per second per prefix, DynamoDB's units per table) and for its key's (a DynamoDB
//! partition's units), pays its latency once per object piece, then
//! moves its bytes at the client's bandwidth — or through the shared NIC of a cache node or PS
//! VM, divided among the transfers in flight. Every request and billed unit is counted.

use std::collections::HashMap;

use super::shared_link::SharedLink;
use super::time::SimTime;
use crate::model::link::{Link, Op};

/// Requests, billed units and bytes a channel has served.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Counts {
    pub puts: f64,
    pub gets: f64,
    pub put_units: f64,
    pub get_units: f64,
    pub bytes: f64,
}

/// When a transfer's bytes move.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Bytes {
    /// At the client's own bandwidth: the transfer is done at this time.
    DoneAt(SimTime),
    /// Through the shared NIC, starting at this time.
    SharedFrom(SimTime),
}

/// A channel's state during a run.
#[derive(Debug, Clone)]
pub struct ChannelSim {
    link: Link,
    shared: Option<SharedLink<u64>>,
    put_free_at: SimTime,
    get_free_at: SimTime,
    /// When each key's limit next admits a write or a read.
    key_put_free_at: HashMap<u64, SimTime>,
    key_get_free_at: HashMap<u64, SimTime>,
    pub counts: Counts,
}

/// Keys whose limits a channel remembers before it forgets those already free again.
const KEYS_REMEMBERED: usize = 4096;

impl ChannelSim {
    /// The channel as `link` describes it for one client.
    pub fn new(link: Link) -> Self {
        let shared = link
            .shared_bytes_per_s
            .map(|nic| SharedLink::new(nic, link.client_bytes_per_s));
        ChannelSim {
            link,
            shared,
            put_free_at: SimTime::ZERO,
            get_free_at: SimTime::ZERO,
            key_put_free_at: HashMap::new(),
            key_get_free_at: HashMap::new(),
            counts: Counts::default(),
        }
    }

    /// The link's parameters.
    pub fn link(&self) -> &Link {
        &self.link
    }

    /// Starts moving one object of `bytes` stored under `key`; says when its bytes move.
    pub fn start(&mut self, now: SimTime, op: Op, bytes: f64, key: u64) -> Bytes {
        let requests = self.link.requests(bytes);
        let units = self.link.units(op, bytes);
        // The service's limit takes requests in the order they come; a key's own limit may
        // hold one back further without holding up other keys.
        let admitted = self.admit(now, op, units);
        let admitted = self.admit_key(admitted, op, bytes, key);
        self.count(op, requests, units, bytes);
        let bytes_from = admitted + requests * self.link.latency_s;
        match &self.shared {
            Some(_) => Bytes::SharedFrom(bytes_from),
            None => Bytes::DoneAt(bytes_from + bytes / self.link.client_bytes_per_s),
        }
    }

    /// Waits for the rate limit: units go out no faster than the service accepts them.
    fn admit(&mut self, now: SimTime, op: Op, units: f64) -> SimTime {
        let (rate, free_at) = match op {
            Op::Put => (self.link.put_units_per_s, &mut self.put_free_at),
            Op::Get => (self.link.get_units_per_s, &mut self.get_free_at),
        };
        let Some(rate) = rate else { return now };
        let start = now.max(*free_at);
        *free_at = start + units / rate;
        start
    }

    /// Waits for the key's own limit, where it has one below the service's: the earliest moment
    /// the object's partitions take its units.
    fn admit_key(&mut self, now: SimTime, op: Op, bytes: f64, key: u64) -> SimTime {
        let key_limit = match op {
            Op::Put => self.link.key_put_units_per_s,
            Op::Get => self.link.key_get_units_per_s,
        };
        let Some(rate) = key_limit.and(self.link.key_rate(op, bytes)) else {
            return now;
        };
        let units = self.link.units(op, bytes);
        let free = match op {
            Op::Put => &mut self.key_put_free_at,
            Op::Get => &mut self.key_get_free_at,
        };
        if free.len() > KEYS_REMEMBERED {
            free.retain(|_, at| *at > now);
        }
        let at = free.entry(key).or_insert(SimTime::ZERO);
        let start = now.max(*at);
        *at = start + units / rate;
        start
    }

    fn count(&mut self, op: Op, requests: f64, units: f64, bytes: f64) {
        match op {
            Op::Put => {
                self.counts.puts += requests;
                self.counts.put_units += units;
            }
            Op::Get => {
                self.counts.gets += requests;
                self.counts.get_units += units;
            }
        }
        self.counts.bytes += bytes;
    }

    /// Counts polls that found nothing.
    pub fn count_polls(&mut self, polls: f64) {
        self.counts.gets += polls;
        self.counts.get_units += polls;
    }

    /// The shared NIC, for transfers that go through it.
    pub fn shared(&mut self) -> Option<&mut SharedLink<u64>> {
        self.shared.as_mut()
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
            shared_bytes_per_s: None,
            max_object_bytes: Some(1e6),
            put_unit_bytes: None,
            get_unit_bytes: None,
            put_units_per_s: Some(100.0),
            get_units_per_s: None,
            key_put_units_per_s: None,
            key_get_units_per_s: None,
            poll_interval_s: 0.05,
            poll_backoff: 1.0,
        }
    }

    #[test]
    fn a_transfer_matches_the_model_link() {
        let mut channel = ChannelSim::new(link());
        let Bytes::DoneAt(done) = channel.start(SimTime::ZERO, Op::Get, 3e6, 0) else {
            panic!("direct")
        };
        assert_relative_eq!(done.secs(), link().transfer_s(3e6, 1.0), epsilon = 1e-12);
        assert_eq!(channel.counts.gets, 3.0);
    }

    #[test]
    fn the_rate_limit_spaces_requests_out() {
        let mut channel = ChannelSim::new(link());
        for _ in 0..10 {
            channel.start(SimTime::ZERO, Op::Put, 1e3, 0);
        }
        let Bytes::DoneAt(done) = channel.start(SimTime::ZERO, Op::Put, 1e3, 0) else {
            panic!("direct")
        };
        // The eleventh of 100/s is admitted at 0.1 s.
        assert_relative_eq!(done.secs(), 0.1 + 0.01 + 1e3 / 100e6, epsilon = 1e-12);
    }

    #[test]
    fn one_key_waits_for_its_own_limit_and_distinct_keys_do_not() {
        let mut l = link();
        l.put_units_per_s = Some(1000.0);
        l.key_put_units_per_s = Some(10.0);
        let mut channel = ChannelSim::new(l);
        let done = |b: Bytes| match b {
            Bytes::DoneAt(t) => t.secs(),
            Bytes::SharedFrom(_) => panic!("direct"),
        };
        // Three writes of one key: 10 a second, 0.1 s apart.
        let same: Vec<f64> = (0..3)
            .map(|_| done(channel.start(SimTime::ZERO, Op::Put, 1e3, 7)))
            .collect();
        assert_relative_eq!(same[2] - same[0], 0.2, epsilon = 1e-12);
        // A write of another key only waits for the table's 1,000 a second.
        let other = done(channel.start(SimTime::ZERO, Op::Put, 1e3, 8));
        assert_relative_eq!(other - same[0], 0.003, epsilon = 1e-12);
    }

    #[test]
    fn a_node_nic_routes_bytes_through_the_shared_link() {
        let mut l = link();
        l.shared_bytes_per_s = Some(200e6);
        let mut channel = ChannelSim::new(l);
        assert_eq!(
            channel.start(SimTime::ZERO, Op::Get, 1e3, 0),
            Bytes::SharedFrom(SimTime::from_secs(0.01))
        );
        assert!(channel.shared().is_some());
    }
}
