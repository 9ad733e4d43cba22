//! # The simulator engine beside SimPy: the Rust half
//!
//! The same model as `benches/peers/simpy_engine.py`, on Stratus's discrete-event engine:
//! `functions` functions run `rounds` rounds of compute → PUT → barrier → GET, and every PUT and
//! GET holds one of `slots` channel slots (first come, first served). Compute times carry a
//! deterministic jitter from a SplitMix64 hash of (function, round) that both halves compute the
//! same way, so both must end at the same simulated time — the check that they model the same
//! thing. Prints one JSON line: operations (4 a function-round), the engine's events, the wall
//! seconds of the run (best of `repeats`) and the simulated makespan.
//!
//! Run: `cargo bench --bench peer_engine -- FUNCTIONS ROUNDS SLOTS [REPEATS]`
//! (`benches/peers/run.py` does, beside SimPy).

use std::collections::VecDeque;
use std::time::Instant;

use stratus::sim::engine::{Handler, Scheduler, Simulation};

/// Seconds a PUT or a GET holds its slot.
const TRANSFER_S: f64 = 0.01;

/// What happens at a point in simulated time.
#[derive(Debug, Clone, Copy)]
enum Event {
    Computed(u32),
    Stored(u32),
    Fetched(u32),
}

/// A transfer waiting for a slot.
#[derive(Debug, Clone, Copy)]
enum Waiting {
    Put(u32),
    Get(u32),
}

/// The functions, the channel's slots and the barrier.
struct Model {
    functions: u32,
    rounds: u32,
    free_slots: u32,
    queue: VecDeque<Waiting>,
    at_barrier: Vec<u32>,
    round: Vec<u32>,
    makespan_s: f64,
}

/// Compute seconds of `function`'s round `round`: 1 s plus 0–0.1 s of jitter.
fn compute_s(function: u32, round: u32) -> f64 {
    let mut z =
        (u64::from(function) * 1_000_003 + u64::from(round)).wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    1.0 + (z % 1000) as f64 * 1e-4
}

impl Model {
    fn request(&mut self, waiting: Waiting, s: &mut Scheduler<Event>) {
        if self.free_slots > 0 {
            self.free_slots -= 1;
            self.start(waiting, s);
        } else {
            self.queue.push_back(waiting);
        }
    }

    fn start(&mut self, waiting: Waiting, s: &mut Scheduler<Event>) {
        match waiting {
            Waiting::Put(f) => s.after(TRANSFER_S, Event::Stored(f)),
            Waiting::Get(f) => s.after(TRANSFER_S, Event::Fetched(f)),
        }
    }

    fn release(&mut self, s: &mut Scheduler<Event>) {
        match self.queue.pop_front() {
            Some(next) => self.start(next, s),
            None => self.free_slots += 1,
        }
    }
}

impl Handler<Event> for Model {
    fn handle(&mut self, event: Event, s: &mut Scheduler<Event>) {
        match event {
            Event::Computed(f) => self.request(Waiting::Put(f), s),
            Event::Stored(f) => {
                self.release(s);
                if self.at_barrier.len() as u32 + 1 < self.functions {
                    self.at_barrier.push(f);
                    return;
                }
                // The last to arrive goes on first, then the others in arrival order.
                self.request(Waiting::Get(f), s);
                for g in std::mem::take(&mut self.at_barrier) {
                    self.request(Waiting::Get(g), s);
                }
            }
            Event::Fetched(f) => {
                self.release(s);
                self.makespan_s = s.now().secs();
                let round = &mut self.round[f as usize];
                *round += 1;
                if *round < self.rounds {
                    let round = *round;
                    s.after(compute_s(f, round), Event::Computed(f));
                }
            }
        }
    }
}

/// One run: (events processed, makespan).
fn run(functions: u32, rounds: u32, slots: u32) -> (u64, f64) {
    let mut sim = Simulation::new(Model {
        functions,
        rounds,
        free_slots: slots,
        queue: VecDeque::new(),
        at_barrier: Vec::with_capacity(functions as usize),
        round: vec![0; functions as usize],
        makespan_s: 0.0,
    });
    for f in 0..functions {
        sim.scheduler.after(compute_s(f, 0), Event::Computed(f));
    }
    sim.run();
    (sim.scheduler.processed(), sim.model.makespan_s)
}

fn main() {
    // `cargo bench` passes `--bench`; the numbers are the arguments that parse.
    let numbers: Vec<u32> = std::env::args().filter_map(|a| a.parse().ok()).collect();
    let [functions, rounds, slots, ..] = numbers[..] else {
        eprintln!("usage: peer_engine FUNCTIONS ROUNDS SLOTS [REPEATS]");
        std::process::exit(2);
    };
    let repeats = numbers.get(3).copied().unwrap_or(5).max(1);
    let mut best_s = f64::INFINITY;
    let mut outcome = (0, 0.0);
    for _ in 0..repeats {
        let start = Instant::now();
        outcome = run(functions.max(1), rounds, slots.max(1));
        best_s = best_s.min(start.elapsed().as_secs_f64());
    }
    let operations = 4 * u64::from(functions) * u64::from(rounds);
    println!(
        "{{\"operations\": {operations}, \"events\": {}, \"wall_s\": {best_s:.6}, \"makespan_s\": {:.6}}}",
        outcome.0, outcome.1
    );
}
