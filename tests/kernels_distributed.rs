//! Distributed algorithms on real data: LambdaML's GA-SGD vs MA-SGD finding, bit-for-bit
//! determinism whatever the thread count, and monotone k-means.

mod common;

use stratus::data::{Dataset, LoadOptions, delimited::LabelColumn, load};
use stratus::kernels::distributed::kmeans::{KMeansConfig, train_kmeans};
use stratus::kernels::distributed::{Algorithm, TrainConfig, TrainOutcome, train};
use stratus::kernels::kmeans::KMeans;
use stratus::kernels::sgd::Sgd;
use stratus::kernels::{Kernel, LogisticRegression, Mlp};

fn load_dataset(relative: &str) -> Option<Dataset> {
    let path = common::dataset(relative)?;
    Some(
        load(
            &path,
            &LoadOptions {
                label_column: LabelColumn::Last,
                ..LoadOptions::default()
            },
        )
        .unwrap(),
    )
}

fn run(
    kernel: &dyn Kernel,
    data: &Dataset,
    algorithm: Algorithm,
    workers: usize,
    batch_size: usize,
    lr: f32,
) -> TrainOutcome {
    let config = TrainConfig {
        algorithm,
        workers,
        epochs: 5,
        batch_size,
        sgd: Sgd { lr, l2: 1e-5 },
        seed: 7,
        stop: None,
    };
    train(kernel, data, &config, &mut |_| {})
}

/// LambdaML's finding holds where local SGD is noisy: one row per worker per step (global
/// batch 10) at η = 0.3 — GA-SGD ends about 8% lower (0.328–0.330 against 0.356–0.367 over
/// seeds 4–8). With larger per-worker batches on shuffled shards the two stay within about 1%
/// of each other either way: for a nearly quadratic loss, averaging models after local linear
/// updates is close to averaging the gradients.
#[test]
fn ga_sgd_reaches_lower_loss_than_ma_sgd_on_a9a_with_ten_workers_and_ma_sends_far_fewer_bytes() {
    let Some(data) = load_dataset("a9a/a9a") else {
        return;
    };
    let kernel = LogisticRegression::new(data.features());
    let ga = run(&kernel, &data, Algorithm::GaSgd, 10, 10, 0.3);
    let ma = run(&kernel, &data, Algorithm::MaSgd, 10, 10, 0.3);
    assert!(
        ga.losses[4] < 0.97 * ma.losses[4],
        "GA {:?} vs MA {:?}",
        ga.losses,
        ma.losses
    );
    let mean = |l: &[f64]| l.iter().sum::<f64>() / l.len() as f64;
    assert!(mean(&ga.losses) < mean(&ma.losses));
    assert!(
        ma.comm.bytes * 1000 < ga.comm.bytes,
        "MA {} bytes vs GA {}",
        ma.comm.bytes,
        ga.comm.bytes
    );
}

fn bits(params: &[f32]) -> Vec<u32> {
    params.iter().map(|p| p.to_bits()).collect()
}

fn with_threads<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
        .install(f)
}

#[test]
fn the_same_seed_gives_bit_identical_models_whatever_the_thread_count() {
    let Some(data) = load_dataset("a9a/a9a") else {
        return;
    };
    let kernel = LogisticRegression::new(data.features());
    for (algorithm, batch) in [(Algorithm::GaSgd, 8192), (Algorithm::MaSgd, 640)] {
        let one = with_threads(1, || run(&kernel, &data, algorithm, 4, batch, 0.1));
        let three = with_threads(3, || run(&kernel, &data, algorithm, 4, batch, 0.1));
        let again = run(&kernel, &data, algorithm, 4, batch, 0.1);
        assert_eq!(bits(&one.params), bits(&three.params), "{algorithm:?}");
        assert_eq!(bits(&one.params), bits(&again.params), "{algorithm:?}");
        assert_eq!(one.losses, three.losses);
    }
}

#[test]
fn mlp_training_is_bit_identical_across_runs() {
    let Some(data) = load_dataset("sklearn/digits.csv.gz") else {
        return;
    };
    let kernel = Mlp::new(64, &[16], 10);
    let config = TrainConfig {
        algorithm: Algorithm::MaSgd,
        workers: 3,
        epochs: 2,
        batch_size: 30,
        sgd: Sgd { lr: 0.01, l2: 0.0 },
        seed: 3,
        stop: None,
    };
    let a = with_threads(1, || train(&kernel, &data, &config, &mut |_| {}));
    let b = with_threads(2, || train(&kernel, &data, &config, &mut |_| {}));
    assert_eq!(bits(&a.params), bits(&b.params));
}

#[test]
fn kmeans_on_digits_reaches_the_reference_inertia_and_never_rises_between_lloyd_steps() {
    let Some(data) = load_dataset("sklearn/digits.csv.gz") else {
        return;
    };
    let model = KMeans::new(10, data.features());
    let mut history: Vec<(usize, f64)> = Vec::new();
    let config = KMeansConfig {
        workers: 4,
        iterations: 30,
        restarts: 3,
        seed: 1,
    };
    let outcome = train_kmeans(&model, &data, &config, &mut |run, _, inertia| {
        history.push((run, inertia))
    });
    for pair in history.windows(2).filter(|p| p[0].0 == p[1].0) {
        assert!(pair[1].1 <= pair[0].1, "inertia rose: {pair:?}");
    }
    let last = outcome.inertia.len() - 1;
    assert!(outcome.inertia[last] <= outcome.inertia[last - 1]);
    assert!(
        outcome.inertia[last] <= 1.19e6,
        "inertia {}",
        outcome.inertia[last]
    );
    assert_eq!(outcome.comm.rounds, 90);
}
