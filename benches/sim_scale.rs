//! # The simulator at scale
//!
//! 1,000 simulated FaaS workers × 100 rounds of GA-SGD logistic regression on the real a9a
//! (full-batch rounds: every worker computes the gradient of its 33-row shard each round,
//! AllReduce through Memcached), against the same kernel work with no simulator around it —
//! the shards' gradients, the merges and steps, and the per-epoch training-loss evaluation the
//! simulator also makes. The difference between the two, less the loading of a9a and a9a.t
//! that each simulated run does (`load_a9a_and_test`), is the simulator's own cost.
//! Needs the shared data (`$STRATUS_DATA` or `../shared/data`); run with
//! `cargo bench --bench sim_scale`.

#[path = "../tests/common/mod.rs"]
mod common;

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use stratus::data::{LoadOptions, Partition, load};
use stratus::kernels::distributed::{GlobalModel, Worker, ga_round, merge_gradients};
use stratus::kernels::sgd::Sgd;
use stratus::kernels::{Kernel, LogisticRegression};
use stratus::model::{Config, FaasConfig, Pattern};
use stratus::profile::{ChannelKind, Profiles};
use stratus::scenario::shipped::SHIPPED;
use stratus::scenario::{Scenario, Sync};
use stratus::sim::simulate_config;

const WORKERS: usize = 1_000;
const ROUNDS: usize = 100;

fn scenario(profiles: &Profiles) -> Scenario {
    let text = SHIPPED.iter().find(|(n, _)| *n == "a9a-lr.toml").unwrap().1;
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let sets = [
        "workload.batch_size=32561".to_string(),
        format!("workload.epochs={ROUNDS}"),
    ];
    Scenario::from_text(text, "a9a-lr.toml", &base, &sets, profiles).expect("a9a scenario")
}

fn bench_scale(c: &mut Criterion) {
    let Some(path) = common::dataset("a9a/a9a") else {
        return;
    };
    let profiles = Profiles::builtin().unwrap();
    let s = scenario(&profiles);
    let cfg = Config::Faas(FaasConfig {
        workers: WORKERS as u32,
        memory_mb: 1769,
        channel: ChannelKind::Memcached,
        cache_node: None,
        pattern: Pattern::AllReduce,
        sync: Sync::Bsp,
    });
    let data = load(&path, &LoadOptions::default()).expect("a9a loads");
    let kernel = LogisticRegression::new(data.features());
    let partition = Partition::shuffled(data.rows(), WORKERS, 7);
    let sgd = Sgd { lr: 0.5, l2: 0.0 };

    let mut group = c.benchmark_group("a9a_1000_workers_100_rounds");
    group.sample_size(10);
    group.bench_function("simulate", |b| {
        b.iter(|| black_box(simulate_config(&s, &profiles, &cfg, 7).unwrap().final_loss))
    });
    let test_path = path.with_extension("t");
    group.bench_function("load_a9a_and_test", |b| {
        b.iter(|| {
            let train = load(&path, &LoadOptions::default()).unwrap();
            let test = load(&test_path, &LoadOptions::default()).unwrap();
            black_box(train.rows() + test.rows())
        })
    });
    group.bench_function("kernels_alone", |b| {
        b.iter(|| {
            let mut workers: Vec<Worker> = (0..WORKERS)
                .map(|j| Worker::new(&kernel, j, WORKERS, partition.shard(&data, j), data.rows()))
                .collect();
            let mut global = GlobalModel::new(kernel.init_params(7));
            let mut loss = kernel.evaluate(&global.params, &data).loss;
            for _ in 0..ROUNDS {
                let rows: Vec<usize> = workers
                    .iter_mut()
                    .map(|w| {
                        let batch = w.batch(0);
                        ga_round(&kernel, w, &global.params, batch).rows
                    })
                    .collect();
                let contributions = workers
                    .iter()
                    .zip(&rows)
                    .map(|(w, &r)| (w.contribution.as_slice(), r));
                merge_gradients(&mut global, contributions, sgd);
                loss = kernel.evaluate(&global.params, &data).loss;
            }
            black_box(loss)
        })
    });
    group.finish();
}

criterion_group!(benches, bench_scale);
criterion_main!(benches);
