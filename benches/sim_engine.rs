//! The discrete-event engine alone, with no kernel work: events per second through the
//! (time, sequence) queue with 1,000 concurrent processes, each rescheduling itself.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

use stratus::sim::engine::{Handler, Scheduler, Simulation};

const PROCESSES: u32 = 1_000;
const EVENTS: u64 = 1_000_000;

/// Each event reschedules its process a pseudo-random delay later until the budget is spent.
struct Pinger {
    remaining: u64,
    state: u64,
}

impl Handler<u32> for Pinger {
    fn handle(&mut self, process: u32, scheduler: &mut Scheduler<u32>) {
        if self.remaining == 0 {
            return;
        }
        self.remaining -= 1;
        self.state = self
            .state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let delay_s = (self.state >> 40) as f64 * 1e-9;
        scheduler.after(delay_s, process);
    }
}

fn bench_engine(c: &mut Criterion) {
    let mut group = c.benchmark_group("engine");
    group.throughput(Throughput::Elements(EVENTS));
    group.bench_function("reschedule-1000-processes", |b| {
        b.iter(|| {
            let mut sim = Simulation::new(Pinger {
                remaining: EVENTS - u64::from(PROCESSES),
                state: 1,
            });
            for p in 0..PROCESSES {
                sim.scheduler.after(f64::from(p) * 1e-6, p);
            }
            sim.run();
            black_box(sim.scheduler.processed())
        })
    });
    group.finish();
}

criterion_group!(benches, bench_engine);
criterion_main!(benches);
