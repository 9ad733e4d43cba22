//! Calibration speed: REPORT-log parsing throughput (MB/s of log text, plain and Telemetry API
//! JSON), the duration-curve fit with its 200-replicate bootstrap, and the model fit to Feng et
//! al.'s Case A runs (when the shared data is present).

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

use stratus::calibrate::observations::FunctionData;
use stratus::calibrate::runs_fit::{self, Knob};
use stratus::calibrate::{InputKind, Inputs, function, report_log};
use stratus::profile::Profiles;

/// A CloudWatch-style log of `invocations` (START, REPORT and END lines each), seeded.
fn report_log_text(invocations: usize) -> String {
    let mut log = String::with_capacity(invocations * 260);
    let mut state: u64 = 42;
    for i in 0..invocations {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1);
        let z = [128, 256, 512, 1024, 2048, 3008][i % 6];
        let ms = 100.0 + 200_000.0 / f64::from(z) + (state >> 54) as f64;
        let init = if i % 50 == 0 {
            "\tInit Duration: 180.31 ms"
        } else {
            ""
        };
        log += &format!(
            "START RequestId: {i:08x}-4e32-b38c-4c1408aea10e Version: $LATEST\n\
             REPORT RequestId: {i:08x}-4e32-b38c-4c1408aea10e\tDuration: {ms:.2} ms\tBilled Duration: {:.0} ms\tMemory Size: {z} MB\tMax Memory Used: 90 MB{init}\t\n\
             END RequestId: {i:08x}-4e32-b38c-4c1408aea10e\n",
            ms.ceil()
        );
    }
    log
}

fn telemetry_text(invocations: usize) -> String {
    (0..invocations)
        .map(|i| {
            let z = [128, 512, 2048][i % 3];
            format!("{{\"time\":\"2024-01-01T00:00:00.000Z\",\"type\":\"platform.report\",\"record\":{{\"requestId\":\"{i}\",\"metrics\":{{\"durationMs\":{:.2},\"billedDurationMs\":10,\"memorySizeMB\":{z},\"maxMemoryUsedMB\":80}}}}}}\n", 100.0 + (i % 97) as f64)
        })
        .collect()
}

fn bench_parse(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse");
    for (name, text) in [
        ("report-log", report_log_text(100_000)),
        ("telemetry-json", telemetry_text(100_000)),
    ] {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::new(name, text.len()), &text, |b, text| {
            b.iter(|| {
                let mut data = FunctionData::default();
                report_log::read(text.as_bytes(), "bench.log", |i| data.add(&i)).unwrap();
                black_box(data.invocations())
            })
        });
    }
    group.finish();
}

fn bench_fit(c: &mut Criterion) {
    let profiles = Profiles::builtin().unwrap();
    let x86 = profiles.faas("aws-lambda-x86").unwrap();
    let mut data = FunctionData::default();
    report_log::read(report_log_text(3000).as_bytes(), "bench.log", |i| {
        data.add(&i)
    })
    .unwrap();
    let mut group = c.benchmark_group("fit");
    group.bench_function("duration-curve-bootstrap-200", |b| {
        b.iter(|| black_box(function::fit(&data, x86, 42, 200).unwrap()))
    });
    let feng = stratus::scenario::paths::shared_data_dir()
        .join("calibration/feng2018-case-a-structures.csv");
    if feng.is_file() {
        let mut inputs = Inputs::default();
        let text = std::fs::read_to_string(&feng).unwrap();
        inputs
            .add_reader(InputKind::Runs, text.as_bytes(), "feng.csv")
            .unwrap();
        let scenario = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/scenarios/feng2018-case-a.toml"
        );
        group.bench_function("feng-case-a-runs", |b| {
            b.iter(|| {
                black_box(runs_fit::fit(&inputs.runs, scenario.as_ref(), &Knob::ALL).unwrap())
            })
        });
    } else {
        eprintln!(
            "skipping the runs fit: no shared data at {}",
            feng.display()
        );
    }
    group.finish();
}

criterion_group!(benches, bench_parse, bench_fit);
criterion_main!(benches);
