//! Every term of the analytic model checked against arithmetic done by hand from the profiles'
//! listed numbers, and every bill against the price lists.

use approx::assert_relative_eq;
use stratus::model::{FaasConfig, FaasModel, IaasModel, IaasPattern, Pattern};
use stratus::profile::{ChannelKind, Profiles};
use stratus::scenario::{Scenario, Sync};

const SCENARIO: &str = r#"
name = "hand"
[workload]
dataset = { rows = 1000000, features = 100, density = 1.0, stored_bytes = 1e9 }
model = "lr"
algorithm = "ga-sgd"
batch_size = 100000
epochs = 2
runtime = "native"
[faas]
workers = 10
memory_mb = 1769
channel = "s3"
pattern = "allreduce"
[iaas]
instances = "c5.2xlarge"
workers = 2
"#;

fn setup() -> (Scenario, Profiles) {
    let profiles = Profiles::builtin().unwrap();
    let scenario = Scenario::from_text(
        SCENARIO,
        "hand.toml",
        std::path::Path::new("."),
        &[],
        &profiles,
    )
    .unwrap();
    (scenario, profiles)
}

fn config() -> FaasConfig {
    FaasConfig {
        workers: 10,
        memory_mb: 1769,
        channel: ChannelKind::S3,
        cache_node: None,
        pattern: Pattern::AllReduce,
        sync: Sync::Bsp,
    }
}

// Listed numbers (profiles/aws-lambda-x86.toml, channels.toml, ec2.toml).
const COLD_START_S: f64 = 1.011;
const INVOKE_INTERVAL_S: f64 = 0.00116;
const S3_LATENCY_S: f64 = 0.164;
const FN_BANDWIDTH: f64 = 99.8e6; // 1 vCPU at 1,769 MB: 156 MB/s by CPU, capped at 99.8 by the NIC
const S3_POLL_S: f64 = 0.264;
const INIT_S: f64 = 0.119;

// Listed numbers of the PyTorch runtime (profiles/runtimes.toml).
const TORCH_IMPORT_S: f64 = 1.868;
const TORCH_STEP_S: f64 = 0.0002363;
const TORCH_ROW_S: f64 = 0.000003529;
const TORCH_LINEAR_FLOPS: f64 = 5.768e9;
const TORCH_SERIALIZE: f64 = 609.5e6;

/// The hand scenario trained with PyTorch.
fn torch_model() -> FaasModel {
    let profiles = Profiles::builtin().unwrap();
    let text = SCENARIO.replace("runtime = \"native\"", "runtime = \"pytorch\"");
    let scenario = Scenario::from_text(
        &text,
        "hand.toml",
        std::path::Path::new("."),
        &[],
        &profiles,
    )
    .unwrap();
    FaasModel::new(&scenario, &profiles).unwrap()
}

#[test]
fn a_framework_adds_its_import_step_row_and_parsing_costs_on_one_vcpu() {
    let p = torch_model().predict(&config()).unwrap();
    assert_relative_eq!(
        p.time.startup_s,
        COLD_START_S + TORCH_IMPORT_S + 10.0 * INVOKE_INTERVAL_S,
        max_relative = 1e-12
    );
    // One step of 10,000 rows a round at the framework's measured rate on 1 vCPU, after
    // batching the 10,000 rows; batching is timed apart from compute.
    let batching = 10_000.0 * TORCH_ROW_S;
    let step = TORCH_STEP_S + (10_000.0 * 432.0 + 303.0) / TORCH_LINEAR_FLOPS;
    assert_relative_eq!(
        p.detail.compute_per_round_s,
        batching + step,
        max_relative = 1e-12
    );
    let rounds = p.detail.rounds;
    assert_relative_eq!(p.time.batching_s, rounds * batching, max_relative = 1e-12);
    assert_relative_eq!(p.time.compute_s, rounds * step, max_relative = 1e-9);
    // A binary shard is deserialised after its transfer: one direction of the measured
    // serialise-and-deserialise round trip.
    assert_relative_eq!(
        p.time.load_s,
        S3_LATENCY_S + 1e8 / FN_BANDWIDTH + 1e8 / (2.0 * TORCH_SERIALIZE),
        max_relative = 1e-12
    );
}

/// LR on 100 dense features: 4·100 + 32 FLOPs over 404 bytes a row; roofline
/// min(16.25, 23.0 × intensity) (the measured x86 vCPU).
fn lr_rate_per_vcpu() -> f64 {
    (432.0 / 404.0 * 23.0_f64).min(16.25) * 1e9
}

#[test]
fn faas_startup_is_a_cold_start_plus_invoking_every_worker() {
    let (scenario, profiles) = setup();
    let p = FaasModel::new(&scenario, &profiles)
        .unwrap()
        .predict(&config())
        .unwrap();
    assert_relative_eq!(
        p.time.startup_s,
        COLD_START_S + 10.0 * INVOKE_INTERVAL_S,
        max_relative = 1e-12
    );
}

#[test]
fn faas_loading_reads_a_tenth_of_the_data_at_function_bandwidth() {
    let (scenario, profiles) = setup();
    let p = FaasModel::new(&scenario, &profiles)
        .unwrap()
        .predict(&config())
        .unwrap();
    assert_relative_eq!(
        p.time.load_s,
        S3_LATENCY_S + 1e8 / FN_BANDWIDTH,
        max_relative = 1e-12
    );
}

#[test]
fn faas_compute_is_flops_over_the_cpu_share_rate() {
    let (scenario, profiles) = setup();
    let p = FaasModel::new(&scenario, &profiles)
        .unwrap()
        .predict(&config())
        .unwrap();
    // 10 rounds an epoch × 2 epochs; each worker takes 10,000 rows a round.
    // Plus one SGD step of 3 FLOPs for each of the 101 parameters.
    let per_round = (10_000.0 * 432.0 + 303.0) / lr_rate_per_vcpu();
    assert_relative_eq!(
        p.detail.compute_per_round_s,
        per_round,
        max_relative = 1e-12
    );
    assert_relative_eq!(p.time.compute_s, 20.0 * per_round, max_relative = 1e-12);
}

/// The reducer's path: its PUT, 10 GETs, the merge, the result's PUT and its own GET of it;
/// the 9 others poll from their PUT until the result is there.
fn allreduce_round_s() -> (f64, f64) {
    let m = 101.0 * 4.0;
    let t = S3_LATENCY_S + m / FN_BANDWIDTH;
    let merge = 10.0 * m / 23e9;
    let wait = 10.0 * t + merge + t;
    // The poll in flight when the result lands (within one latency) finds it.
    // Polls go out every poll interval, or back to back when a request takes longer.
    let polls = ((wait - S3_LATENCY_S) / S3_POLL_S.max(S3_LATENCY_S)).ceil();
    (t + 10.0 * t + merge + t + t, polls)
}

#[test]
fn faas_communication_is_the_allreduce_round_with_polling() {
    let (scenario, profiles) = setup();
    let p = FaasModel::new(&scenario, &profiles)
        .unwrap()
        .predict(&config())
        .unwrap();
    // The reducer's path bounds a round from below; the others, a poll late, can stretch it
    // by at most one poll period (then the reducer polls for their contributions).
    let (path, _) = allreduce_round_s();
    let round = p.detail.comm_per_round_s;
    assert!(
        (path - 1e-9..=path + S3_POLL_S.max(S3_LATENCY_S)).contains(&round),
        "{round} vs {path}"
    );
    assert_relative_eq!(p.time.comm_s, 20.0 * round, max_relative = 1e-9);
}

#[test]
fn faas_bill_follows_the_price_lists() {
    let (scenario, profiles) = setup();
    let p = FaasModel::new(&scenario, &profiles)
        .unwrap()
        .predict(&config())
        .unwrap();
    let round = p.detail.comm_per_round_s;
    let duration = S3_LATENCY_S
        + 1e8 / FN_BANDWIDTH
        + 20.0 * ((10_000.0 * 432.0 + 303.0) / lr_rate_per_vcpu() + round);
    let billed_s = ((duration + INIT_S) * 1000.0).ceil() / 1000.0;
    assert_relative_eq!(
        p.cost.functions_usd,
        10.0 * billed_s * 1769.0 / 1024.0 * 0.0000166667,
        max_relative = 1e-9
    );
    assert_relative_eq!(p.cost.requests_usd, 10.0 * 0.20 / 1e6, max_relative = 1e-12);
    // Per round: 11 PUTs; 10 + 10 GETs and the waiting workers' polls; plus 10 GETs of the data.
    let (_, polls) = allreduce_round_s();
    let puts = 20.0 * 11.0;
    // Polls: at most as many as the others make waiting from a common start (a late worker
    // waits less), and at least the transfers.
    assert!((20.0 * 20.0..=20.0 * (21.0 + 9.0 * polls)).contains(&p.detail.channel_gets));
    let gets = p.detail.channel_gets + 10.0;
    assert_relative_eq!(
        p.cost.channel_requests_usd,
        puts * 0.005 / 1000.0 + gets * 0.0004 / 1000.0,
        max_relative = 1e-9
    );
    assert_eq!(p.cost.channel_node_usd, 0.0);
}

#[test]
fn a_memcached_node_is_billed_a_whole_hour_for_a_short_run() {
    let (scenario, profiles) = setup();
    let cfg = FaasConfig {
        channel: ChannelKind::Memcached,
        cache_node: None,
        ..config()
    };
    let p = FaasModel::new(&scenario, &profiles)
        .unwrap()
        .predict(&cfg)
        .unwrap();
    assert!(p.time.total_s() < 3600.0);
    assert_relative_eq!(p.cost.channel_node_usd, 0.156, max_relative = 1e-12);
    assert!(p.time.startup_s > 120.0, "the node's start-up comes first");
}

/// A CNN's model through Memcached on `node`: (round's communication s, node $, or why not).
fn on_cache_node(node: &str, workers: u32) -> Result<(f64, f64), String> {
    let profiles = Profiles::builtin().unwrap();
    let text = SCENARIO.replace(r#"model = "lr""#, r#"model = "resnet50""#);
    let scenario = Scenario::from_text(
        &text,
        "hand.toml",
        std::path::Path::new("."),
        &[],
        &profiles,
    )
    .unwrap();
    let cfg = FaasConfig {
        workers,
        channel: ChannelKind::Memcached,
        cache_node: Some(node.to_string()),
        pattern: Pattern::ScatterReduce,
        ..config()
    };
    let p = FaasModel::new(&scenario, &profiles)
        .unwrap()
        .predict(&cfg)
        .map_err(|e| e.to_string())?;
    Ok((p.detail.comm_per_round_s, p.cost.channel_node_usd))
}

#[test]
fn a_cache_node_brings_its_own_network_price_and_memory() {
    let (small_s, small_usd) = on_cache_node("cache.m5.large", 10).unwrap();
    let (big_s, big_usd) = on_cache_node("cache.r5.4xlarge", 10).unwrap();
    // 0.75 against 5 Gbps of sustained NIC (cache-nodes.toml): the round is NIC-bound.
    assert!(big_s < small_s / 3.0, "{big_s} s against {small_s} s");
    // Each billed by the whole node-hour at its own price.
    for (usd, per_hour) in [(small_usd, 0.156), (big_usd, 1.724)] {
        let hours = usd / per_hour;
        assert!(
            hours >= 1.0 && (hours - hours.round()).abs() < 1e-9,
            "{usd}"
        );
    }
    // 101 copies of ResNet50's 94 MB do not fit a cache.t3.small's 1.37 GiB.
    let why = on_cache_node("cache.t3.small", 100).unwrap_err();
    assert!(why.contains("cache node"), "{why}");
}

#[test]
fn backing_off_polls_less_and_finds_the_result_later() {
    let profiles = Profiles::builtin().unwrap();
    let predict = |backoff: &str| {
        let set = format!("faas.poll_backoff={backoff}");
        let scenario = Scenario::from_text(
            SCENARIO,
            "hand.toml",
            std::path::Path::new("."),
            &[set],
            &profiles,
        )
        .unwrap();
        let model = FaasModel::new(&scenario, &profiles).unwrap();
        model.predict(&config()).unwrap()
    };
    let (constant, doubling) = (predict("1"), predict("2"));
    assert!(doubling.detail.channel_gets < constant.detail.channel_gets);
    assert!(doubling.time.comm_s >= constant.time.comm_s);
}

#[test]
fn iaas_terms_match_hand_arithmetic() {
    let (scenario, profiles) = setup();
    let c5 = profiles.instance("c5.2xlarge").unwrap();
    let p = IaasModel::new(&scenario, &profiles)
        .unwrap()
        .predict(c5, 2, IaasPattern::RingAllReduce)
        .unwrap();
    let nic = 2.5e9 / 8.0;
    // Boot, then the workers meet: the native runtime has nothing to install or import.
    assert_relative_eq!(p.time.startup_s, 40.0 + 0.037);
    assert_relative_eq!(
        p.time.load_s,
        S3_LATENCY_S + 5e8 / nic,
        max_relative = 1e-12
    );
    let compute = (50_000.0 * 432.0 + 303.0) / (8.0 * lr_rate_per_vcpu());
    assert_relative_eq!(p.time.compute_s, 20.0 * compute, max_relative = 1e-12);
    let ring = 2.0 * 1.0 / 2.0 * 404.0 / nic + 2.0 * 0.000177;
    assert_relative_eq!(p.time.comm_s, 20.0 * ring, max_relative = 1e-12);
    assert_relative_eq!(
        p.cost.instances_usd,
        2.0 * 0.34 * p.time.total_s().ceil().max(60.0) / 3600.0,
        max_relative = 1e-12
    );
}

#[test]
fn a_fresh_vm_installs_and_imports_its_framework_before_the_workers_meet() {
    let profiles = Profiles::builtin().unwrap();
    let set = ["workload.runtime=lambdaml-pytorch".to_string()];
    let scenario = Scenario::from_text(
        SCENARIO,
        "hand.toml",
        std::path::Path::new("."),
        &set,
        &profiles,
    )
    .unwrap();
    let c5 = profiles.instance("c5.2xlarge").unwrap();
    let p = IaasModel::new(&scenario, &profiles)
        .unwrap()
        .predict(c5, 2, IaasPattern::RingAllReduce)
        .unwrap();
    // runtimes.toml: torch 1.0.1 installs in 19.05 s and imports in 0.2825 s (measured).
    assert_relative_eq!(
        p.time.startup_s,
        40.0 + 19.05 + 0.2825 + 0.037,
        max_relative = 1e-12
    );
}

#[test]
fn a_parameter_server_is_one_more_vm_whose_nic_carries_every_update() {
    let (scenario, profiles) = setup();
    let c5 = profiles.instance("c5.2xlarge").unwrap();
    let model = IaasModel::new(&scenario, &profiles).unwrap();
    let p = model.predict(c5, 2, IaasPattern::ParameterServer).unwrap();
    let nic = 2.5e9 / 8.0;
    // Two pushes of 404 bytes through the server's NIC, summed at 23 GB/s on one thread
    // (ec2.toml), then two pulls through the same NIC, each way after a message's latency.
    let round = 2.0 * 0.000177 + 2.0 * 404.0 / nic + 2.0 * 404.0 / 23e9 + 2.0 * 404.0 / nic;
    assert_relative_eq!(p.time.comm_s, 20.0 * round, max_relative = 1e-12);
    assert_relative_eq!(
        p.cost.instances_usd,
        3.0 * 0.34 * p.time.total_s().ceil().max(60.0) / 3600.0,
        max_relative = 1e-12
    );
    // One VM needs no server.
    let alone = model.predict(c5, 1, IaasPattern::ParameterServer).unwrap();
    assert_eq!(alone.time.comm_s, 0.0);
}

#[test]
fn a_run_past_the_duration_limit_reinvokes_and_pays_for_it() {
    let profiles = Profiles::builtin().unwrap();
    let long = SCENARIO.replace("epochs = 2", "epochs = 400");
    let scenario = Scenario::from_text(
        &long,
        "long.toml",
        std::path::Path::new("."),
        &[],
        &profiles,
    )
    .unwrap();
    let model = FaasModel::new(&scenario, &profiles).unwrap();
    let p = model.predict(&config()).unwrap();
    assert!(p.detail.invocations_per_worker > 1.0);
    let restarts = p.detail.invocations_per_worker - 1.0;
    assert_relative_eq!(
        p.time.startup_s,
        COLD_START_S * (1.0 + restarts) + 10.0 * INVOKE_INTERVAL_S,
        max_relative = 1e-12
    );
    let load_once = S3_LATENCY_S + 1e8 / FN_BANDWIDTH;
    assert_relative_eq!(
        p.time.load_s,
        load_once * p.detail.invocations_per_worker,
        max_relative = 1e-12
    );
    assert_relative_eq!(
        p.cost.requests_usd,
        10.0 * p.detail.invocations_per_worker * 0.2e-6,
        max_relative = 1e-12
    );
}

#[test]
fn a_model_over_400_kb_is_split_into_dynamodb_items() {
    let profiles = Profiles::builtin().unwrap();
    let big = SCENARIO.replace(
        "model = \"lr\"",
        "model = { params = 250000, flops_per_sample = 1e3 }",
    );
    let scenario =
        Scenario::from_text(&big, "big.toml", std::path::Path::new("."), &[], &profiles).unwrap();
    let model = FaasModel::new(&scenario, &profiles).unwrap();
    let cfg = FaasConfig {
        channel: ChannelKind::DynamoDb,
        cache_node: None,
        ..config()
    };
    let p = model.predict(&cfg).unwrap();
    // A 1 MB model needs three items of at most 400 KB: 11 PUT objects × 3 requests a round.
    assert_relative_eq!(p.detail.channel_puts, 20.0 * 11.0 * 3.0);
}

#[test]
fn a_shard_too_large_for_memory_is_streamed_and_read_again_every_epoch() {
    let (scenario, profiles) = setup();
    let model = FaasModel::new(&scenario, &profiles).unwrap();
    let at = |memory_mb| FaasConfig {
        workers: 1,
        memory_mb,
        ..config()
    };
    // 404 MB of rows do not fit 256 MB; two mini-batches of 100,000 rows (80.8 MB) and the
    // 90 MB runtime do, so the worker streams: 2 epochs read the whole 1 GB twice.
    let p = model.predict(&at(256)).unwrap();
    let size = model.size(256);
    assert_relative_eq!(
        p.time.load_s,
        2.0 * model.load_s(1, &size),
        max_relative = 1e-12
    );
    let err = model.predict(&at(128)).unwrap_err();
    assert!(err.to_string().contains("128 MB"), "{err}");
}
