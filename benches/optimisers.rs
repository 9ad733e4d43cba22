//! # Optimiser speed
//!
//! Each optimiser on a shipped scenario, end to end as the CLI calls it: the memory sweep
//! (Higgs), the worker sweep to 1,000 (Higgs), hyperparameter-search allocation of 16
//! configurations over 200 functions (Higgs), the Pareto front of the default plan, the
//! per-epoch schedule of Siren's toy example (its loss curves simulated) and its dynamic
//! programme alone. Run with `cargo bench --bench optimisers`.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use stratus::model::Platform;
use stratus::optimize::schedule::{EpochOption, Resolution, best_schedule, plan_schedule};
use stratus::optimize::tuning::{TuningGoal, plan_search};
use stratus::optimize::{memory, pareto, plan::plan, workers::optimize_workers};
use stratus::profile::Profiles;
use stratus::scenario::Scenario;

fn shipped(name: &str, profiles: &Profiles) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name);
    Scenario::from_path(&path, &[], profiles).unwrap()
}

fn bench_optimisers(c: &mut Criterion) {
    let profiles = Profiles::builtin().unwrap();
    let higgs = shipped("higgs-lr.toml", &profiles);
    let siren = shipped("siren-toy-lr.toml", &profiles);
    let mut group = c.benchmark_group("optimize");
    group.sample_size(10);
    group.bench_function("memory-higgs", |b| {
        b.iter(|| memory::for_scenario(&higgs, &profiles, &higgs.objective).unwrap())
    });
    group.bench_function("workers-higgs-to-1000", |b| {
        b.iter(|| {
            optimize_workers(
                &higgs,
                &profiles,
                &higgs.objective,
                Platform::Faas,
                Some(1000),
            )
            .unwrap()
        })
    });
    group.bench_function("tuning-16-configs-200-functions", |b| {
        b.iter(|| plan_search(&higgs, &profiles, 16, 200, &[], TuningGoal::Makespan).unwrap())
    });
    let planned = plan(&higgs, &profiles, &higgs.objective).unwrap();
    group.bench_function("pareto-default-plan", |b| {
        b.iter(|| black_box(pareto::frontier(&planned.candidates).len()))
    });
    group.bench_function("schedule-siren-toy-with-simulated-curves", |b| {
        b.iter(|| plan_schedule(&siren, &profiles, None).unwrap())
    });
    let options = synthetic_options();
    group.bench_function("schedule-dp-10-options-20-epochs", |b| {
        b.iter(|| best_schedule(&options, 1.0, 0.3, 10.0, 20, Resolution::default()).unwrap())
    });
    group.finish();
}

/// Ten configurations with geometric loss curves: more workers, faster but dearer epochs and
/// slower progress per epoch.
fn synthetic_options() -> Vec<EpochOption> {
    (1..=10u32)
        .map(|k| {
            let rate = 0.85 + 0.01 * f64::from(k);
            EpochOption {
                workers: 10 * k,
                memory_mb: 1024,
                epoch_s: 10.0 / f64::from(k),
                epoch_usd: 0.1 + 0.02 * f64::from(k),
                curve: (0..=20).map(|e| rate.powi(e)).collect(),
            }
        })
        .collect()
}

criterion_group!(benches, bench_optimisers);
criterion_main!(benches);
