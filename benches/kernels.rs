//! # Kernel throughput benches
//!
//! Dense logistic-regression epochs on a Higgs-like synthetic set of 1M rows, in stored order
//! and in a shuffled order as a worker's shard has it, against a plain streaming sum over a
//! buffer of the same size (this host's single-thread read bandwidth),
//! sparse logistic-regression epochs on a9a replicated to over 1M rows (non-zeros per second),
//! and the per-batch cost of dense L2 regularisation on RCV1-like rows. One thread, plus a
//! two-thread pair (two GA-SGD workers, and two MA-SGD workers, against a two-thread
//! streaming sum).
//! Run with `cargo bench --bench kernels`; `-- --quick` for a fast look.

#[path = "../tests/common/mod.rs"]
mod common;

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use stratus::data::synthetic::{higgs_like, rcv1_like};
use stratus::data::{LoadOptions, Partition, Shard, load, vecops};
use stratus::kernels::distributed::{
    GlobalModel, Worker, ga_round, ma_round, merge_gradients, merge_models, rounds_per_epoch,
};
use stratus::kernels::sgd::Sgd;
use stratus::kernels::{Kernel, LogisticRegression};

const BATCH_ROWS: usize = 1_000;

/// One pass of mini-batch SGD over every row of the shard in order, as one worker does it.
fn lr_epoch(
    kernel: &LogisticRegression,
    shard: &Shard,
    batch_rows: usize,
    params: &mut [f32],
    grad: &mut [f32],
) -> f64 {
    let sgd = Sgd { lr: 0.01, l2: 1e-5 };
    let mut loss = 0.0;
    for start in (0..shard.len()).step_by(batch_rows) {
        let rows = start..(start + batch_rows).min(shard.len());
        grad.fill(0.0);
        loss += kernel.gradient(params, shard, rows.clone(), grad, &mut []);
        sgd.step(params, grad, rows.len());
    }
    loss
}

/// One GA-SGD epoch over two workers running in parallel, from the simulator's building blocks.
fn lr_epoch_two_workers(
    kernel: &LogisticRegression,
    workers: &mut [Worker; 2],
    global: &mut GlobalModel,
) {
    let sgd = Sgd { lr: 0.01, l2: 1e-5 };
    for round in 0..rounds_per_epoch(workers.as_slice()) {
        let [first, second] = workers;
        let params = &global.params;
        let (batch_a, batch_b) = (first.batch(round), second.batch(round));
        let (a, b) = rayon::join(
            || ga_round(kernel, first, params, batch_a),
            || ga_round(kernel, second, params, batch_b),
        );
        merge_gradients(
            global,
            [
                (first.contribution.as_slice(), a.rows),
                (second.contribution.as_slice(), b.rows),
            ],
            sgd,
        );
    }
}

fn dense_epoch_vs_streaming_sum(c: &mut Criterion) {
    let data = higgs_like(1_000_000, 1);
    let kernel = LogisticRegression::new(data.features());
    let buffer = vec![1.0f32; data.rows() * data.features()];
    let bytes = data.bytes_in_memory() as u64;
    let mut group = c.benchmark_group("dense_higgs_1m");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(4 * buffer.len() as u64));
    group.bench_function("streaming_sum", |b| {
        b.iter(|| vecops::sum(black_box(&buffer)))
    });
    group.throughput(Throughput::Bytes(bytes));
    let (mut params, mut grad) = (kernel.init_params(0), vec![0.0; kernel.num_params()]);
    let partition = Partition::in_order(data.rows(), 1);
    let shard = partition.shard(&data, 0);
    group.bench_function("lr_epoch", |b| {
        b.iter(|| lr_epoch(&kernel, &shard, BATCH_ROWS, &mut params, &mut grad))
    });
    let shuffled = Partition::shuffled(data.rows(), 1, 7);
    let shard = shuffled.shard(&data, 0);
    group.bench_function("lr_epoch_shuffled", |b| {
        b.iter(|| lr_epoch(&kernel, &shard, BATCH_ROWS, &mut params, &mut grad))
    });
    group.throughput(Throughput::Bytes(4 * buffer.len() as u64));
    let halves = buffer.split_at(buffer.len() / 2);
    group.bench_function("streaming_sum_2_threads", |b| {
        b.iter(|| {
            rayon::join(
                || vecops::sum(black_box(halves.0)),
                || vecops::sum(black_box(halves.1)),
            )
        })
    });
    group.throughput(Throughput::Bytes(bytes));
    let pair = Partition::in_order(data.rows(), 2);
    let mut workers =
        [0, 1].map(|j| Worker::new(&kernel, j, 2, pair.shard(&data, j), 2 * BATCH_ROWS));
    let mut global = GlobalModel::new(kernel.init_params(0));
    group.bench_function("lr_epoch_2_workers", |b| {
        b.iter(|| lr_epoch_two_workers(&kernel, &mut workers, &mut global))
    });
    group.bench_function("lr_epoch_2_workers_ma_sgd", |b| {
        b.iter(|| ma_epoch_two_workers(&kernel, &mut workers, &mut global))
    });
    group.finish();
}

/// One MA-SGD epoch over two workers in parallel: each runs a local epoch from the global
/// model (batches of [`BATCH_ROWS`]), then the models are averaged.
fn ma_epoch_two_workers(
    kernel: &LogisticRegression,
    workers: &mut [Worker; 2],
    global: &mut GlobalModel,
) {
    let sgd = Sgd { lr: 0.01, l2: 1e-5 };
    let [first, second] = workers;
    let params = &global.params;
    rayon::join(
        || ma_round(kernel, first, params, sgd),
        || ma_round(kernel, second, params, sgd),
    );
    merge_models(
        global,
        [
            first.contribution.as_slice(),
            second.contribution.as_slice(),
        ],
    );
}

fn sparse_epoch(c: &mut Criterion) {
    let Some(path) = common::dataset("a9a/a9a") else {
        return;
    };
    let a9a = load(&path, &LoadOptions::default()).expect("a9a loads");
    let copies = 1_000_000usize.div_ceil(a9a.rows());
    let ids: Vec<u32> = (0..copies * a9a.rows())
        .map(|i| (i % a9a.rows()) as u32)
        .collect();
    let data = a9a.select(&ids);
    let kernel = LogisticRegression::new(data.features());
    let mut group = c.benchmark_group(format!("sparse_a9a_x{copies}"));
    group.sample_size(10);
    group.throughput(Throughput::Elements(data.nnz() as u64));
    let (mut params, mut grad) = (kernel.init_params(0), vec![0.0; kernel.num_params()]);
    let partition = Partition::in_order(data.rows(), 1);
    let shard = partition.shard(&data, 0);
    group.bench_function("lr_epoch_nnz", |b| {
        b.iter(|| lr_epoch(&kernel, &shard, BATCH_ROWS, &mut params, &mut grad))
    });
    group.finish();
}

/// Dense per-batch work (zeroing, L2 decay, step: O(d)) against sparse gradient work
/// (O(batch·nnz)) on RCV1-like rows: 47,236 features, ~75 non-zeros per row; and the same
/// epochs through the kernel's O(non-zeros) SGD pass.
fn sparse_batch_size_vs_dense_regularisation(c: &mut Criterion) {
    let data = rcv1_like(100_000, 2);
    let kernel = LogisticRegression::new(data.features());
    let mut group = c.benchmark_group("rcv1_like_100k");
    group.sample_size(10);
    group.throughput(Throughput::Elements(data.nnz() as u64));
    let (mut params, mut grad) = (kernel.init_params(0), vec![0.0; kernel.num_params()]);
    let partition = Partition::in_order(data.rows(), 1);
    let shard = partition.shard(&data, 0);
    for batch_rows in [64, 640, 6_400] {
        group.bench_with_input(
            BenchmarkId::new("lr_epoch_nnz", batch_rows),
            &batch_rows,
            |b, &rows| b.iter(|| lr_epoch(&kernel, &shard, rows, &mut params, &mut grad)),
        );
        // The same epoch through `Kernel::sgd_pass`, which keeps the weights as s·v on sparse
        // rows: O(batch·nnz) per step.
        let sgd = Sgd { lr: 0.01, l2: 1e-5 };
        group.bench_with_input(
            BenchmarkId::new("sgd_pass_nnz", batch_rows),
            &batch_rows,
            |b, &rows| {
                b.iter(|| kernel.sgd_pass(&mut params, &shard, rows, sgd, (&mut grad, &mut [])))
            },
        );
    }
    group.finish();
}

criterion_group!(
    benches,
    dense_epoch_vs_streaming_sum,
    sparse_epoch,
    sparse_batch_size_vs_dense_regularisation
);
criterion_main!(benches);
