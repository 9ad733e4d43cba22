//! The simulator's behaviour: it agrees with the analytic model where both describe the same
//! world, and shows what the model can only assume — staleness, stragglers, re-invocation.

use std::path::Path;

use proptest::prelude::*;
use stratus::model::patterns::scatter_reduce::QUEUED_AT_MOST;
use stratus::model::{Config, FaasConfig, FaasModel, Pattern};
use stratus::profile::{ChannelKind, Profiles};
use stratus::scenario::shipped::SHIPPED;
use stratus::scenario::{Scenario, Sync};
use stratus::sim::{simulate_config, simulate_schedule};
use stratus::validate::{ValidationRow, validate_config, validate_scenario};

mod common;

fn scenario(text: &str, sets: &[&str]) -> (Scenario, Profiles) {
    let profiles = Profiles::builtin().unwrap();
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    (
        Scenario::from_text(text, "test.toml", &base, &sets, &profiles).unwrap(),
        profiles,
    )
}

fn shipped(name: &str) -> &'static str {
    SHIPPED.iter().find(|(n, _)| *n == name).unwrap().1
}

#[test]
fn every_shipped_scenario_agrees_with_the_model_within_two_percent() {
    let needs_data = ["a9a-lr.toml"];
    for (name, text) in SHIPPED {
        if needs_data.contains(&name) && common::shared_data_dir().is_none() {
            continue;
        }
        let (s, p) = scenario(text, &[]);
        for row in validate_scenario(&s, &p).unwrap() {
            assert!(
                agrees(&p, &row),
                "{name} {}: {} vs {}",
                row.config.describe(),
                row.analytic_s,
                row.simulated_s
            );
        }
    }
}

const SHAPE: &str = r#"
name = "random"
seed = 3
[workload]
dataset = { rows = 40000, features = 60, density = 1.0 }
model = "lr"
[faas]
workers = 4
[simulation]
max_rows = 4000
"#;

fn channel() -> impl Strategy<Value = ChannelKind> {
    prop::sample::select(ChannelKind::ALL.to_vec())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn random_configurations_agree_with_the_model_within_two_percent(
        workers in 1u32..40,
        memory_mb in prop::sample::select(vec![512u32, 1024, 1769, 3008]),
        channel in channel(),
        pattern in 0usize..3,
        sync in prop::sample::select(vec![Sync::Bsp, Sync::Asp, Sync::Hsp, Sync::Ssp(2)]),
        algorithm in prop::sample::select(vec!["ga-sgd", "ma-sgd"]),
        batch in prop::sample::select(vec![1000u32, 5000, 20000]),
        epochs in 1u32..3,
    ) {
        let sets = [
            format!("workload.algorithm={algorithm}"),
            format!("workload.batch_size={batch}"),
            format!("workload.epochs={epochs}"),
        ];
        let sets: Vec<&str> = sets.iter().map(String::as_str).collect();
        let (s, p) = scenario(SHAPE, &sets);
        let model = FaasModel::new(&s, &p).unwrap();
        let pattern = match (channel, sync.is_synchronous(), pattern) {
            (ChannelKind::VmPs, _, _) => Pattern::ParameterServer,
            (_, false, _) => Pattern::SharedModel,
            (_, true, 0) => Pattern::AllReduce,
            (_, true, 1) => Pattern::ScatterReduce,
            _ => Pattern::tree(stratus::optimize::tree::model_tree(&model, workers, memory_mb, channel, stratus::optimize::tree::TreeGoal::Time).structure),
        };
        let cfg = Config::Faas(FaasConfig { workers, memory_mb, channel, cache_node: None, pattern, sync });
        let row = validate_config(&s, &p, &cfg).unwrap();
        prop_assert!(agrees(&p, &row), "{}: analytic {} simulated {}", cfg.describe(), row.analytic_s, row.simulated_s);
    }
}

/// A MobileNet-sized model (3.2 million parameters) exchanged through a small cache node.
const BUSY_NIC: &str = r#"
name = "busy-nic"
seed = 3
[workload]
dataset = { rows = 20000, features = 60, density = 1.0 }
model = { name = "mobilenet-sized", params = 3200000, flops_per_sample = 1.0e6 }
batch_size = 4000
epochs = 3
[faas]
memory_mb = 3008
channel = "redis"
[simulation]
max_rows = 4000
"#;

#[test]
fn scatter_reduce_through_a_busy_node_nic_agrees_with_the_model() {
    // A cache.m5.12xlarge carries 10 Gbps, below 40 or 100 functions' own rates: their
    // transfers fall out of step (one waits out its request's latency while the others move
    // bytes) and keep the NIC busy, in the simulator and the model alike. The model follows
    // each worker through such rounds as through any other (MobileNet's real rounds lose polls
    // there: timed in phases without them it came out up to 8% short); on this short run the
    // simulator's workers lose fewer polls than the followed rhythm's, 0.73 and 0.92 s over
    // 15 rounds (3.9% and 2.0% of the communication, 0.2% of the whole), where phases were
    // within 0.1 s.
    for workers in [40, 100] {
        let (s, p) = scenario(BUSY_NIC, &[]);
        let f = FaasConfig {
            workers,
            memory_mb: 3008,
            channel: ChannelKind::Redis,
            cache_node: Some("cache.m5.12xlarge".into()),
            pattern: Pattern::ScatterReduce,
            sync: Sync::Bsp,
        };
        let comm_s = FaasModel::new(&s, &p)
            .unwrap()
            .predict(&f)
            .unwrap()
            .time
            .comm_s;
        let row = validate_config(&s, &p, &Config::Faas(f)).unwrap();
        let off = (row.simulated_s - row.analytic_s).abs();
        assert!(
            off < 0.05 * comm_s && off < 0.005 * row.simulated_s,
            "{workers} workers: analytic {} simulated {} (communication {comm_s})",
            row.analytic_s,
            row.simulated_s
        );
    }
}

#[test]
fn scatter_reduce_just_past_a_node_nics_capacity_agrees_with_the_model() {
    // MobileNet at 3,008 MB: 14 and 20 functions are just more than a cache.m5.12xlarge's
    // 10 Gbps carries at their own rates. Their rounds still lose polls to late neighbours;
    // timed in phases without them the model came out 4.0% and 2.9% short.
    for workers in ["14", "20"] {
        let sets = [
            format!("faas.workers={workers}"),
            "faas.memory_mb=3008".to_string(),
            "faas.channel=redis".to_string(),
            "faas.pattern=scatter-reduce".to_string(),
            "faas.cache_node=cache.m5.12xlarge".to_string(),
        ];
        let sets: Vec<&str> = sets.iter().map(String::as_str).collect();
        let (s, p) = scenario(shipped("cifar10-mobilenet.toml"), &sets);
        for row in validate_scenario(&s, &p).unwrap() {
            if let Config::Faas(_) = row.config {
                assert!(
                    agrees(&p, &row),
                    "{workers} workers: {} vs {}",
                    row.analytic_s,
                    row.simulated_s
                );
            }
        }
    }
}

/// Models of 0.8 and 12.8 MB, whose exchanges take seconds (a cache node's NIC busy with them).
const LARGE_SHAPE: &str = r#"
name = "random-large"
seed = 3
[workload]
dataset = { rows = 40000, features = 60, density = 1.0 }
model = { name = "m", params = PARAMS, flops_per_sample = 1.0e5 }
batch_size = 8000
epochs = 2
[faas]
workers = 4
[simulation]
max_rows = 4000
"#;

/// The exchanges the random large-model test draws: AllReduce, ScatterReduce, or a two-layer
/// tree with about a third of the workers as aggregators.
fn large_exchange(kind: u8, workers: u32) -> Pattern {
    match kind {
        0 => Pattern::AllReduce,
        1 => Pattern::ScatterReduce,
        _ => {
            let middle = workers.div_ceil(3).max(2);
            match middle < workers {
                true => Pattern::tree(vec![1, middle, workers]),
                false => Pattern::tree(vec![1, workers]),
            }
        }
    }
}

// On DynamoDB an object over its 400 KB item limit is many items, whose units keep the table's
// limits busy from round to round: a round's last write (a result, a merged object) holds the
// write limit into the next round, and a tree's aggregators read while the workers' writes are
// still queued, and the reads of a result every worker fetches hold the read limit into the
// next round (see `request_unit_limited` for the band allowed there).
proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]
    #[test]
    fn random_large_model_exchanges_agree_with_the_model_within_two_percent(
        workers in 2u32..40,
        memory_mb in prop::sample::select(vec![1024u32, 3008]),
        channel in prop::sample::select(vec![ChannelKind::S3, ChannelKind::Memcached, ChannelKind::Redis, ChannelKind::DynamoDb]),
        kind in 0u8..3,
        params in prop::sample::select(vec![200_000u64, 3_200_000]),
    ) {
        let (s, p) = scenario(&LARGE_SHAPE.replace("PARAMS", &params.to_string()), &[]);
        let pattern = large_exchange(kind, workers);
        let cfg = Config::Faas(FaasConfig { workers, memory_mb, channel, cache_node: None, pattern, sync: Sync::Bsp });
        let row = validate_config(&s, &p, &cfg).unwrap();
        prop_assert!(agrees(&p, &row), "{}: analytic {} simulated {}", cfg.describe(), row.analytic_s, row.simulated_s);
    }
}

#[test]
fn a_large_model_through_dynamodb_is_paced_by_the_tables_write_limit() {
    // 12.8 MB objects are 32 items of 400 KB, 12,800 write units each: the table's 4,000 units
    // a second admit one every 3.2 s, round after round.
    let (s, p) = scenario(&LARGE_SHAPE.replace("PARAMS", "3200000"), &[]);
    for pattern in [
        Pattern::AllReduce,
        Pattern::ScatterReduce,
        Pattern::tree(vec![1, 2]),
    ] {
        let cfg = Config::Faas(FaasConfig {
            workers: 2,
            memory_mb: 1024,
            channel: ChannelKind::DynamoDb,
            cache_node: None,
            pattern,
            sync: Sync::Bsp,
        });
        let row = validate_config(&s, &p, &cfg).unwrap();
        assert!(
            row.rel_err() < 0.02,
            "{}: analytic {} simulated {}",
            cfg.describe(),
            row.analytic_s,
            row.simulated_s
        );
    }
}

#[test]
fn scatter_reduce_on_dynamodb_is_queued_over_the_runs_rounds() {
    // RCV1's rounds through DynamoDB lengthen from about the 20th (4.0 s, then 4.3 s a round
    // over 64 workers): queued over the run's first 64 rounds the model follows them; over
    // its first 16 it came out 2.8% and 3.8% short at 64 and 100 workers.
    let (s, p) = scenario(shipped("rcv1-lr.toml"), &[]);
    for workers in [64, 100] {
        let cfg = Config::Faas(FaasConfig {
            workers,
            memory_mb: 3008,
            channel: ChannelKind::DynamoDb,
            cache_node: None,
            pattern: Pattern::ScatterReduce,
            sync: Sync::Bsp,
        });
        let row = validate_config(&s, &p, &cfg).unwrap();
        assert!(
            row.rel_err() < 0.01,
            "{workers} workers: analytic {} simulated {}",
            row.analytic_s,
            row.simulated_s
        );
    }
}

/// On a channel that limits request units per second (DynamoDB), the band the simulated over
/// the analytic time must fall in where the two are known to differ more than the usual 2%,
/// else `None`: ScatterReduce past `QUEUED_AT_MOST` workers is timed in phases, an upper
/// bound; in AllReduce the order in which the others' contributions join the write queue
/// follows the phases of their polls for the last result, which the model replays from a
/// common start (a sweep of 2–39 workers of 0.8 and 12.8 MB objects: within 2.2%).
fn request_unit_limited(p: &Profiles, cfg: &Config) -> Option<std::ops::Range<f64>> {
    let Config::Faas(f) = cfg else { return None };
    let channel = p.channels.get(f.channel);
    let limited = channel.get_units_per_s.is_some() && channel.get_unit_bytes.is_some();
    let queued = f.workers as usize <= QUEUED_AT_MOST;
    match f.pattern {
        Pattern::ScatterReduce if limited && !queued => Some(0.85..1.02),
        Pattern::AllReduce if limited => Some(0.97..1.03),
        _ => None,
    }
}

/// Whether a validated row agrees: within the band its configuration is allowed, else 2%.
fn agrees(p: &Profiles, row: &ValidationRow) -> bool {
    match request_unit_limited(p, &row.config) {
        Some(band) => band.contains(&(row.simulated_s / row.analytic_s)),
        None => row.rel_err() < 0.02,
    }
}

fn a9a(sets: &[&str]) -> Option<(Scenario, Profiles)> {
    common::shared_data_dir()?;
    Some(scenario(shipped("a9a-lr.toml"), sets))
}

fn faas(workers: u32, channel: ChannelKind, pattern: Pattern, sync: Sync) -> Config {
    Config::Faas(FaasConfig {
        workers,
        memory_mb: 1769,
        channel,
        cache_node: None,
        pattern,
        sync,
    })
}

#[test]
fn asp_on_a9a_with_twenty_workers_shows_staleness() {
    let Some((s, p)) = a9a(&["workload.epochs=5"]) else {
        return;
    };
    let bsp = simulate_config(
        &s,
        &p,
        &faas(20, ChannelKind::S3, Pattern::AllReduce, Sync::Bsp),
        s.seed,
    )
    .unwrap();
    let asp = simulate_config(
        &s,
        &p,
        &faas(20, ChannelKind::S3, Pattern::SharedModel, Sync::Asp),
        s.seed,
    )
    .unwrap();
    let spread = |l: &[f64]| l.windows(2).map(|w| (w[1] - w[0]).abs()).sum::<f64>();
    assert!(
        asp.final_loss > bsp.final_loss || spread(&asp.epoch_losses) > spread(&bsp.epoch_losses),
        "ASP {:?} vs BSP {:?}",
        asp.epoch_losses,
        bsp.epoch_losses
    );
}

#[test]
fn ga_sgd_reaches_a_lower_loss_than_ma_sgd_on_a9a() {
    // LambdaML's finding, where local SGD is noisy: one row per worker per step (global batch
    // 10) at η = 0.3, as in tests/kernels_distributed.rs, now in virtual time.
    let sets = [
        "workload.epochs=2",
        "workload.batch_size=10",
        "workload.learning_rate=0.3",
    ];
    let Some((ga, p)) = a9a(&sets) else { return };
    let mut ma_sets = sets.to_vec();
    ma_sets.push("workload.algorithm=ma-sgd");
    let (ma, _) = a9a(&ma_sets).unwrap();
    let cfg = faas(10, ChannelKind::Memcached, Pattern::AllReduce, Sync::Bsp);
    let ga_run = simulate_config(&ga, &p, &cfg, 7).unwrap();
    let ma_run = simulate_config(&ma, &p, &cfg, 7).unwrap();
    assert!(
        ga_run.final_loss < 0.97 * ma_run.final_loss,
        "GA {} MA {}",
        ga_run.final_loss,
        ma_run.final_loss
    );
    assert!(ma_run.counts.bytes_moved * 1000.0 < ga_run.counts.bytes_moved);
}

#[test]
fn ma_sgd_matches_ga_sgd_loss_on_a9a_with_a_tenth_of_the_traffic() {
    // LambdaML's finding for convex models: averaging models once per epoch reaches about the
    // loss of averaging gradients every mini-batch, for far fewer bytes.
    let Some((ga, p)) = a9a(&["workload.epochs=3", "workload.batch_size=200"]) else {
        return;
    };
    let (ma, _) = a9a(&[
        "workload.epochs=3",
        "workload.batch_size=200",
        "workload.algorithm=ma-sgd",
    ])
    .unwrap();
    let cfg = faas(10, ChannelKind::Memcached, Pattern::AllReduce, Sync::Bsp);
    let ga_run = simulate_config(&ga, &p, &cfg, 7).unwrap();
    let ma_run = simulate_config(&ma, &p, &cfg, 7).unwrap();
    assert!(ga_run.final_loss < ga_run.initial_loss && ma_run.final_loss < ma_run.initial_loss);
    assert!(
        (ga_run.final_loss - ma_run.final_loss).abs() < 0.02,
        "GA {} MA {}",
        ga_run.final_loss,
        ma_run.final_loss
    );
    assert!(ma_run.counts.bytes_moved * 10.0 < ga_run.counts.bytes_moved);
}

#[test]
fn stragglers_slow_bsp_down_more_with_more_workers() {
    // Compute-bound rounds, so the barrier's wait for the slowest worker shows in the total.
    let heavy = [
        "workload.epochs=1",
        "workload.batch_size=4000",
        "workload.model={ params = 60, flops_per_sample = 20000000 }",
    ];
    let slowdown = |workers: u32| {
        let quiet = scenario(SHAPE, &heavy);
        let mut noisy_sets = heavy.to_vec();
        noisy_sets.push("simulation.straggler_cv=0.5");
        let noisy = scenario(SHAPE, &noisy_sets);
        let cfg = faas(
            workers,
            ChannelKind::Memcached,
            Pattern::AllReduce,
            Sync::Bsp,
        );
        let base = simulate_config(&quiet.0, &quiet.1, &cfg, 1)
            .unwrap()
            .time
            .total_s();
        let slow = simulate_config(&noisy.0, &noisy.1, &cfg, 1)
            .unwrap()
            .time
            .total_s();
        slow / base
    };
    let (few, many) = (slowdown(2), slowdown(32));
    assert!(
        few > 1.0 && many > few,
        "2 workers ×{few:.3}, 32 workers ×{many:.3}"
    );
}

#[test]
fn a_run_past_the_duration_limit_reinvokes_and_pays_for_it() {
    let (s, p) = scenario(
        SHAPE,
        &[
            "workload.epochs=6",
            "workload.batch_size=50",
            "simulation.max_rows=2000",
        ],
    );
    let cfg = faas(4, ChannelKind::S3, Pattern::AllReduce, Sync::Bsp);
    let run = simulate_config(&s, &p, &cfg, 1).unwrap();
    assert!(run.time.total_s() > 900.0, "{} s", run.time.total_s());
    assert!(
        run.counts.invocations > 4.0,
        "{} invocations",
        run.counts.invocations
    );
    let row = validate_config(&s, &p, &cfg).unwrap();
    assert!(
        row.rel_err() < 0.02,
        "{} vs {}",
        row.analytic_s,
        row.simulated_s
    );
    let Config::Faas(f) = &cfg else {
        unreachable!()
    };
    let predicted = FaasModel::new(&s, &p).unwrap().predict(f).unwrap();
    assert!(
        (predicted.cost.requests_usd - run.bill.parts()[1].1).abs() < 1e-12,
        "requests billed per invocation"
    );
}

#[test]
fn dynamodb_splits_a_model_over_400_kb_into_items() {
    let (s, p) = scenario(
        SHAPE,
        &[
            "workload.model={ params = 250000, flops_per_sample = 1000 }",
            "workload.epochs=1",
            "workload.batch_size=20000",
        ],
    );
    let cfg = faas(4, ChannelKind::DynamoDb, Pattern::AllReduce, Sync::Bsp);
    let run = simulate_config(&s, &p, &cfg, 1).unwrap();
    // Two rounds of 5 PUTs of a 1 MB model, three items each.
    assert_eq!(run.counts.channel_puts, 2.0 * 5.0 * 3.0);
}

#[test]
fn a_schedule_runs_each_epoch_as_a_fresh_generation_from_the_last_model() {
    let (s, p) = scenario(
        SHAPE,
        &[
            "workload.batch_size=4000",
            "workload.learning_rate=0.5",
            "workload.epochs=3",
        ],
    );
    let (one_epoch, _) = scenario(
        SHAPE,
        &[
            "workload.batch_size=4000",
            "workload.learning_rate=0.5",
            "workload.epochs=1",
        ],
    );
    let small = FaasConfig {
        workers: 4,
        memory_mb: 1769,
        channel: ChannelKind::Redis,
        cache_node: None,
        pattern: Pattern::AllReduce,
        sync: Sync::Bsp,
    };
    let large = FaasConfig {
        workers: 16,
        ..small.clone()
    };
    let epochs = [large.clone(), small.clone(), small.clone()];
    let run = simulate_schedule(&s, &p, &epochs, 3).unwrap();
    let model = FaasModel::new(&one_epoch, &p).unwrap();
    let predicted: f64 = epochs
        .iter()
        .map(|c| model.predict(c).unwrap().time.total_s())
        .sum();
    assert!(
        (run.time.total_s() / predicted - 1.0).abs() < 0.02,
        "{} vs {predicted}",
        run.time.total_s()
    );
    assert_eq!(run.epoch_losses.len(), 3);
    assert!(
        run.epoch_losses[2] < run.epoch_losses[0] && run.epoch_losses[0] < run.initial_loss,
        "{:?}",
        run.epoch_losses
    );
    assert_eq!(run.counts.invocations, 16.0 + 4.0 + 4.0);
    let times: Vec<f64> = run.trace.iter().map(|r| r.time_s).collect();
    assert!(
        times.windows(2).all(|t| t[0] <= t[1]),
        "the trace runs on across epochs"
    );
}

/// Under BSP a run's arithmetic is computed ahead of the clock on other threads, except on a
/// thread of the pool (runs of `--runs` spread over it), where it is computed inline as the
/// event loop asks. Both must give the same run to the last bit: GA-SGD, MA-SGD, ADMM and
/// k-means, a run that a target loss ends early (its workers computed a round past the end)
/// and a per-epoch lifecycle.
#[test]
fn rounds_computed_ahead_give_the_same_run_as_rounds_computed_inline() {
    let inline_pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let cases: [&[&str]; 6] = [
        &[
            "workload.algorithm=ga-sgd",
            "workload.batch_size=2000",
            "workload.epochs=2",
        ],
        &["workload.algorithm=ma-sgd", "workload.epochs=3"],
        &["workload.algorithm=admm", "workload.epochs=3"],
        &["workload.model=kmeans", "workload.k=3", "workload.epochs=3"],
        &[
            "workload.algorithm=ga-sgd",
            "workload.batch_size=1000",
            "workload.epochs=auto",
            "workload.target_loss=0.6",
        ],
        &["faas.lifecycle=per-epoch", "workload.epochs=3"],
    ];
    for sets in cases {
        let (s, p) = scenario(SHAPE, sets);
        let cfg = faas(4, ChannelKind::S3, Pattern::AllReduce, Sync::Bsp);
        let ahead = simulate_config(&s, &p, &cfg, 11).unwrap();
        let inline = inline_pool.install(|| simulate_config(&s, &p, &cfg, 11).unwrap());
        assert!(ahead.rounds > 1, "{sets:?}: too short to tell");
        assert_eq!(ahead, inline, "{sets:?}");
    }
}

#[test]
fn a_parameter_server_sums_early_pushes_while_stragglers_compute_and_a_ring_cannot() {
    // MobileNet on 8 VMs, one epoch: the update is large, so the server's NIC and sum matter.
    let comm = |pattern: &str, straggler_cv: &str| {
        let sets = [
            "workload.epochs=1",
            "iaas.instances=c5.4xlarge",
            "iaas.workers=8",
            pattern,
            straggler_cv,
        ];
        let (s, p) = scenario(shipped("cifar10-mobilenet.toml"), &sets);
        let cfg = Config::Iaas(stratus::model::IaasConfig {
            instance: "c5.4xlarge".into(),
            workers: 8,
            pattern: pattern.trim_start_matches("iaas.pattern=").parse().unwrap(),
        });
        simulate_config(&s, &p, &cfg, 1).unwrap().time.comm_s
    };
    let server = "iaas.pattern=parameter-server";
    let ring = "iaas.pattern=ring-allreduce";
    let (quiet, noisy) = ("simulation.straggler_cv=0", "simulation.straggler_cv=0.3");
    assert!(comm(server, noisy) < 0.95 * comm(server, quiet));
    approx::assert_relative_eq!(comm(ring, noisy), comm(ring, quiet), max_relative = 1e-9);
}

/// Feng's Case A (100 workers of 512 MB) through `layers` on `channel`.
fn feng_tree(channel: ChannelKind, layers: Vec<u32>) -> Config {
    Config::Faas(FaasConfig {
        workers: 100,
        memory_mb: 512,
        channel,
        cache_node: None,
        pattern: Pattern::tree(layers),
        sync: Sync::Bsp,
    })
}

#[test]
fn trees_with_equal_fan_in_sums_differ_where_the_aggregators_writes_share_a_limit() {
    // 1-5-50-100 and 1-10-50-100: three layers, fan-ins summing to 17 either way. On DynamoDB
    // the five more aggregators of the second write five more 4 MB results a round through
    // the table's write units; model and simulator both find it slower.
    let (s, p) = scenario(shipped("feng2018-case-a.toml"), &["workload.iterations=10"]);
    let row = |layers| validate_config(&s, &p, &feng_tree(ChannelKind::DynamoDb, layers)).unwrap();
    let (five, ten) = (row(vec![1, 5, 50, 100]), row(vec![1, 10, 50, 100]));
    for r in [&five, &ten] {
        assert!(r.rel_err() < 0.02, "{} vs {}", r.analytic_s, r.simulated_s);
    }
    assert!(ten.analytic_s > 1.02 * five.analytic_s);
    assert!(ten.simulated_s > 1.02 * five.simulated_s);
}

#[test]
fn a_trees_aggregators_wait_for_their_slowest_child_while_variance_is_on() {
    // Feng's Case A for 10 iterations; a 1% compute spread switches variance on, so what
    // slows the tree is each aggregator's warm invocation drawn from the measured spread.
    let delay = |layers: Vec<u32>| {
        let (quiet, p) = scenario(shipped("feng2018-case-a.toml"), &["workload.iterations=10"]);
        let (noisy, _) = scenario(
            shipped("feng2018-case-a.toml"),
            &["workload.iterations=10", "simulation.straggler_cv=0.01"],
        );
        let cfg = feng_tree(ChannelKind::S3, layers);
        let total = |s: &Scenario, seed| simulate_config(s, &p, &cfg, seed).unwrap().time.total_s();
        let base = total(&quiet, 1);
        let noisy_mean = (1..=16).map(|seed| total(&noisy, seed)).sum::<f64>() / 16.0;
        (noisy_mean - base) / 10.0
    };
    // The workers' cold starts and compute vary alike under both trees; the root then waits
    // for the slowest of 5 aggregators, or of 25 (the measured spread's expected maxima over
    // 5 and 25 warm invocations of 0.555 s differ by 0.17 s).
    let (few, many) = (delay(vec![1, 5, 100]), delay(vec![1, 25, 100]));
    assert!(few > 0.0, "{few:.3} s an iteration");
    assert!(many > few + 0.05, "{few:.3} vs {many:.3} s an iteration");
}
