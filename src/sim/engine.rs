//! # Discrete-event engine
//!
//! The core in the spirit of SimPy and nexosim: a virtual clock and a queue of events ordered by
//! (time, sequence number), so events at the same instant come out first-in first-out and every
//! run is deterministic. A model implements [`Handler`]; [`Simulation::run`] pops events in order
//! and hands each to it with a [`Scheduler`] to schedule more.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::time::SimTime;

/// Lets a handler see the clock and schedule future events.
#[derive(Debug)]
pub struct Scheduler<E> {
    now: SimTime,
    next_seq: u64,
    heap: BinaryHeap<Reverse<Entry<E>>>,
    processed: u64,
}

#[derive(Debug)]
struct Entry<E> {
    time: SimTime,
    seq: u64,
    event: E,
}

impl<E> PartialEq for Entry<E> {
    fn eq(&self, other: &Self) -> bool {
        self.time == other.time && self.seq == other.seq
    }
}
impl<E> Eq for Entry<E> {}
impl<E> PartialOrd for Entry<E> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl<E> Ord for Entry<E> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.time.cmp(&other.time).then(self.seq.cmp(&other.seq))
    }
}

impl<E> Default for Scheduler<E> {
    fn default() -> Self {
        Scheduler {
            now: SimTime::ZERO,
            next_seq: 0,
            heap: BinaryHeap::new(),
            processed: 0,
        }
    }
}

impl<E> Scheduler<E> {
    /// The current virtual time.
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Schedules `event` at `time` (never earlier than now).
    pub fn at(&mut self, time: SimTime, event: E) {
        let time = time.max(self.now);
        self.heap.push(Reverse(Entry {
            time,
            seq: self.next_seq,
            event,
        }));
        self.next_seq += 1;
    }

    /// Schedules `event` `delay_s` seconds from now.
    pub fn after(&mut self, delay_s: f64, event: E) {
        self.at(self.now + delay_s, event);
    }

    /// Events processed so far.
    pub fn processed(&self) -> u64 {
        self.processed
    }

    /// Events waiting.
    pub fn pending(&self) -> usize {
        self.heap.len()
    }

    fn pop(&mut self) -> Option<E> {
        let Reverse(entry) = self.heap.pop()?;
        self.now = entry.time;
        self.processed += 1;
        Some(entry.event)
    }
}

/// A simulated system: reacts to each event, possibly scheduling others.
pub trait Handler<E> {
    /// Handles one event at `scheduler.now()`.
    fn handle(&mut self, event: E, scheduler: &mut Scheduler<E>);
}

/// A model together with its clock and event queue.
#[derive(Debug)]
pub struct Simulation<E, H> {
    pub scheduler: Scheduler<E>,
    pub model: H,
}

impl<E, H: Handler<E>> Simulation<E, H> {
    /// A simulation of `model` starting at time zero.
    pub fn new(model: H) -> Self {
        Simulation {
            scheduler: Scheduler::default(),
            model,
        }
    }

    /// Processes the next event, if any; returns whether there was one.
    pub fn step(&mut self) -> bool {
        match self.scheduler.pop() {
            Some(event) => {
                self.model.handle(event, &mut self.scheduler);
                true
            }
            None => false,
        }
    }

    /// Processes events until none is left.
    pub fn run(&mut self) {
        while self.step() {}
    }

    /// Processes every event scheduled up to and including `until`.
    pub fn run_until(&mut self, until: SimTime) {
        while self
            .scheduler
            .heap
            .peek()
            .is_some_and(|Reverse(e)| e.time <= until)
        {
            self.step();
        }
    }

    /// The current virtual time.
    pub fn now(&self) -> SimTime {
        self.scheduler.now()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Recorder(Vec<(f64, u32)>);

    impl Handler<u32> for Recorder {
        fn handle(&mut self, event: u32, scheduler: &mut Scheduler<u32>) {
            self.0.push((scheduler.now().secs(), event));
            if event == 1 {
                scheduler.after(0.5, 10);
                scheduler.after(0.0, 11);
            }
        }
    }

    #[test]
    fn events_come_out_in_time_order_and_fifo_at_equal_times() {
        let mut sim = Simulation::new(Recorder(Vec::new()));
        sim.scheduler.at(SimTime::from_secs(2.0), 3);
        sim.scheduler.at(SimTime::from_secs(1.0), 1);
        sim.scheduler.at(SimTime::from_secs(1.0), 2);
        sim.run();
        assert_eq!(
            sim.model.0,
            vec![(1.0, 1), (1.0, 2), (1.0, 11), (1.5, 10), (2.0, 3)]
        );
        assert_eq!(sim.scheduler.processed(), 5);
    }

    #[test]
    fn run_until_stops_at_the_horizon() {
        let mut sim = Simulation::new(Recorder(Vec::new()));
        sim.scheduler.at(SimTime::from_secs(1.0), 5);
        sim.scheduler.at(SimTime::from_secs(3.0), 6);
        sim.run_until(SimTime::from_secs(2.0));
        assert_eq!(sim.model.0, vec![(1.0, 5)]);
        assert_eq!(sim.scheduler.pending(), 1);
    }

    #[test]
    fn nothing_is_scheduled_in_the_past() {
        let mut sim = Simulation::new(Recorder(Vec::new()));
        sim.scheduler.at(SimTime::from_secs(1.0), 7);
        sim.step();
        sim.scheduler.at(SimTime::ZERO, 8);
        sim.step();
        assert_eq!(sim.model.0, vec![(1.0, 7), (1.0, 8)]);
    }
}
