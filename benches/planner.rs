//! Planner speed: `plan` on the embedded default scenario end to end, and the analytic model's
//! throughput on a grid of more than 100,000 FaaS configurations (one core).

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

use stratus::model::{FaasConfig, FaasModel, Pattern};
use stratus::optimize::plan::plan;
use stratus::optimize::tree::{TreeGoal, model_tree};
use stratus::profile::{ChannelKind, Profiles};
use stratus::scenario::{Scenario, Sync};

fn grid() -> Vec<FaasConfig> {
    let channels = [
        ChannelKind::S3,
        ChannelKind::Memcached,
        ChannelKind::Redis,
        ChannelKind::DynamoDb,
    ];
    let mut configs = Vec::new();
    for workers in 1..=200u32 {
        for memory_mb in (128..=10240u32).step_by(100) {
            for channel in channels {
                for pattern in [Pattern::AllReduce, Pattern::ScatterReduce] {
                    configs.push(FaasConfig {
                        workers,
                        memory_mb,
                        channel,
                        cache_node: None,
                        pattern,
                        sync: Sync::Bsp,
                    });
                }
            }
        }
    }
    configs
}

fn bench_plan(c: &mut Criterion) {
    let profiles = Profiles::builtin().unwrap();
    let scenario = Scenario::default_scenario(&[], &profiles).unwrap();
    c.bench_function("plan/default-scenario", |b| {
        b.iter(|| plan(black_box(&scenario), &profiles, &scenario.objective).unwrap())
    });
}

fn bench_model(c: &mut Criterion) {
    let profiles = Profiles::builtin().unwrap();
    let scenario = Scenario::default_scenario(&[], &profiles).unwrap();
    let model = FaasModel::new(&scenario, &profiles).unwrap();
    let configs = grid();
    let mut group = c.benchmark_group("model");
    group.throughput(Throughput::Elements(configs.len() as u64));
    group.bench_with_input(
        BenchmarkId::new("faas-grid", configs.len()),
        &configs,
        |b, configs| {
            b.iter(|| {
                let mut total = 0.0;
                for cfg in configs {
                    if let Ok(p) = model.predict(cfg) {
                        total += p.time.total_s();
                    }
                }
                black_box(total)
            })
        },
    );
    group.finish();
}

fn bench_tree(c: &mut Criterion) {
    let profiles = Profiles::builtin().unwrap();
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/feng2018-case-a.toml");
    let scenario = Scenario::from_path(&path, &["faas.workers=10000".into()], &profiles).unwrap();
    let model = FaasModel::new(&scenario, &profiles).unwrap();
    let mut group = c.benchmark_group("tree-dp");
    group.sample_size(10);
    for workers in [1_000u32, 10_000] {
        group.bench_with_input(BenchmarkId::from_parameter(workers), &workers, |b, &w| {
            b.iter(|| model_tree(&model, w, 512, ChannelKind::S3, TreeGoal::Time))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_plan, bench_model, bench_tree);
criterion_main!(benches);
