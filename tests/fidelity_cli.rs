//! The fidelity commands on the command line: the published corpus next to the model, the
//! runtime probe, the provenance of every profile number, and the account limits.

use assert_cmd::Command;

mod common;
use serde_json::Value;

fn stratus() -> Command {
    Command::cargo_bin("stratus").unwrap()
}

fn json(args: &[&str]) -> Value {
    let out = stratus()
        .args(args)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).unwrap()
}

const HEADER: &str = "id,source,scenario,set,platform,quantity,published,quote,note\n";

#[test]
fn reproduce_lists_every_row_with_its_ratio_and_the_error_factors() {
    let d = json(&["reproduce", "--format", "json"]);
    let rows = d["rows"].as_array().unwrap();
    assert!(rows.len() >= 30, "{}", rows.len());
    for row in rows {
        for key in [
            "id",
            "source",
            "quantity",
            "published",
            "predicted",
            "ratio",
            "expressible",
        ] {
            assert!(row.get(key).is_some(), "{key} in {row}");
        }
        if row["expressible"] == false {
            assert!(row["predicted"].is_null(), "{row}");
        }
    }
    let median = d["median_error_factor"].as_f64().unwrap();
    let max = d["max_error_factor"].as_f64().unwrap();
    // The default profiles reproduce the corpus to within a factor of 1.5 at the median.
    assert!(median <= 1.5 && median <= max, "{median} {max}");
    assert!(d["geomean_ratio"].as_f64().unwrap() > 0.0);
}

#[test]
fn a_corpus_of_ones_own_resolves_scenarios_beside_it_and_names_a_bad_row() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("one.toml"),
        "name = \"one\"\n[workload]\ndataset = { rows = 100000, features = 10, stored_bytes = 1e8 }\nmodel = \"lr\"\niterations = 1\nruntime = \"native\"\n[faas]\nworkers = 1\nmemory_mb = 1769\nchannel = \"s3\"\npattern = \"allreduce\"\n",
    )
    .unwrap();
    let good = dir.path().join("good.csv");
    std::fs::write(
        &good,
        format!("{HEADER}load,mine,one.toml,,faas,time_s.load,1.15,q,n\nratio,mine,,,faas,time_s.total,2,q,a ratio\n"),
    )
    .unwrap();
    let d = json(&["reproduce", good.to_str().unwrap(), "--format", "json"]);
    // One 100 MB object at the NIC's 99.8 MB/s plus one request: about 1.15 s.
    let ratio = d["rows"][0]["ratio"].as_f64().unwrap();
    assert!((0.9..1.1).contains(&ratio), "{ratio}");
    assert_eq!(d["rows"][1]["expressible"], false);

    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        format!("{HEADER}x,mine,one.toml,,faas,time_s.total,soon,q,n\n"),
    )
    .unwrap();
    let out = stratus()
        .args(["reproduce", bad.to_str().unwrap()])
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        err.contains("bad.csv:2") && err.contains("published"),
        "{err}"
    );

    let unknown = dir.path().join("unknown.csv");
    std::fs::write(
        &unknown,
        format!("{HEADER}y,mine,one.toml,faas.wrokers=2,faas,time_s.total,1,q,n\n"),
    )
    .unwrap();
    let out = stratus()
        .args(["reproduce", unknown.to_str().unwrap()])
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        err.contains("unknown.csv:2") && err.contains("wrokers"),
        "{err}"
    );
}

#[test]
fn holdout_calibrates_on_some_rows_of_a_source_and_predicts_the_others() {
    let d = json(&["reproduce", "--holdout", "--format", "json"]);
    let roles: Vec<&str> = d["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["holdout"].as_str().unwrap())
        .collect();
    assert!(roles.contains(&"calibration"), "{roles:?}");
    assert!(roles.contains(&"held out"), "{roles:?}");
    // Calibrated on their neighbours, the held-out rows come within 25%.
    assert!(d["median_error_factor"].as_f64().unwrap() < 1.25, "{d}");
}

#[test]
fn profile_runtime_names_a_missing_python_and_exits_2() {
    let out = stratus()
        .args(["profile", "runtime", "--python", "/no/such/python3"])
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(err.contains("/no/such/python3"), "{err}");
}

#[test]
fn profile_runtime_writes_a_calibration_for_the_frameworks_present() {
    if std::process::Command::new("python3")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("python3 absent: skipped");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("runtime.toml");
    let d = json(&[
        "profile",
        "runtime",
        "--quick",
        "-o",
        file.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let text = std::fs::read_to_string(&file).unwrap();
    let calibration: toml::Table = text.parse().unwrap();
    for fit in d.as_array().unwrap() {
        let name = fit["name"].as_str().unwrap();
        assert!(fit["import_s"].as_f64().unwrap() > 0.0, "{fit}");
        assert!(calibration["runtimes"].get(name).is_some(), "{text}");
    }
    // The calibration applies: plan reads it.
    stratus()
        .args(["plan", "--calibration", file.to_str().unwrap()])
        .assert()
        .success();
}

#[test]
fn every_profile_number_has_a_provenance() {
    let d = json(&["profiles", "--sources", "--format", "json"]);
    let rows = d.as_array().unwrap();
    assert!(rows.len() > 100);
    for row in rows {
        let kind = row["kind"].as_str().unwrap();
        assert!(
            ["measured", "published", "assumption"].contains(&kind),
            "{row}"
        );
        assert!(!row["source"].as_str().unwrap().is_empty(), "{row}");
    }
}

#[test]
fn more_functions_than_the_account_runs_at_once_cannot_run_until_the_limit_is_raised() {
    let args = |extra: &[&'static str]| {
        let mut a = vec![
            "estimate",
            "higgs-lr",
            "--set",
            "faas.workers=2000",
            "--set",
            "workload.epochs=0.01",
            "--set",
            "faas.memory_mb=1769",
            "--set",
            "faas.channel=s3",
            "--set",
            "faas.pattern=allreduce",
            "--format",
            "json",
        ];
        a.extend_from_slice(extra);
        a
    };
    let d = json(&args(&[]));
    assert_eq!(d["feasible"], false);
    assert!(
        d["reason"]
            .as_str()
            .unwrap()
            .contains("concurrency limit of 1000"),
        "{d}"
    );
    let raised = json(&args(&["--set", "faas.concurrency_limit=3000"]));
    assert_eq!(raised["feasible"], true);
    // Past the first 1,000, functions start 1,000 per 10 s.
    let one_k = json(&[
        "estimate",
        "higgs-lr",
        "--set",
        "faas.workers=1000",
        "--set",
        "workload.epochs=0.01",
        "--set",
        "faas.memory_mb=1769",
        "--set",
        "faas.channel=s3",
        "--set",
        "faas.pattern=allreduce",
        "--format",
        "json",
    ]);
    let ramp = raised["time_s"]["startup"].as_f64().unwrap()
        - one_k["time_s"]["startup"].as_f64().unwrap();
    assert!((10.0..11.5).contains(&ramp), "{ramp}");
}

#[test]
fn a_per_epoch_lifecycle_gets_the_same_time_and_bill_from_estimate_and_the_schedule_baseline() {
    let schedule = json(&[
        "optimize",
        "schedule",
        "scenarios/siren-toy-lr.toml",
        "--budget-usd",
        "0.02",
        "--format",
        "json",
    ]);
    let baseline = &schedule["baseline"];
    let workers = format!("faas.workers={}", baseline["workers"]);
    let memory = format!("faas.memory_mb={}", baseline["memory_mb"]);
    let epochs = format!("workload.epochs={}", baseline["epochs"]);
    let estimate = json(&[
        "estimate",
        "scenarios/siren-toy-lr.toml",
        "--set",
        &workers,
        "--set",
        &memory,
        "--set",
        &epochs,
        "--set",
        "faas.lifecycle=per-epoch",
        "--format",
        "json",
    ]);
    let (t, c) = (
        estimate["time_s"]["total"].as_f64().unwrap(),
        estimate["cost_usd"]["total"].as_f64().unwrap(),
    );
    assert!(
        (t / baseline["time_s"].as_f64().unwrap() - 1.0).abs() < 1e-9,
        "{t} {baseline}"
    );
    assert!(
        (c / baseline["cost_usd"].as_f64().unwrap() - 1.0).abs() < 1e-9,
        "{c} {baseline}"
    );
    // A persistent generation loads once and starts once: faster and cheaper.
    let persistent = json(&[
        "estimate",
        "scenarios/siren-toy-lr.toml",
        "--set",
        &workers,
        "--set",
        &memory,
        "--set",
        &epochs,
        "--set",
        "faas.lifecycle=persistent",
        "--format",
        "json",
    ]);
    assert!(persistent["time_s"]["total"].as_f64().unwrap() < t);
}

#[test]
fn the_simulator_runs_a_per_epoch_lifecycle_as_the_model_predicts_it() {
    let d = json(&[
        "validate",
        "scenarios/siren-toy-lr.toml",
        "--set",
        "faas.lifecycle=per-epoch",
        "--format",
        "json",
    ]);
    for row in d["rows"].as_array().unwrap() {
        assert!(row["rel_err"].as_f64().unwrap() < 0.02, "{row}");
    }
}

#[test]
fn workers_whose_shard_does_not_fit_stream_it_in_the_model_and_the_simulator_alike() {
    // 10 functions of 128 MB cannot hold a tenth of Higgs (128 MB in memory) beside the runtime:
    // they stream and read their shard again every epoch.
    let d = json(&[
        "validate",
        "higgs-lr",
        "--set",
        "faas.workers=10",
        "--set",
        "faas.memory_mb=128",
        "--set",
        "faas.channel=s3",
        "--set",
        "faas.pattern=allreduce",
        "--set",
        "workload.runtime=native",
        "--format",
        "json",
    ]);
    for row in d["rows"].as_array().unwrap() {
        assert!(row["rel_err"].as_f64().unwrap() < 0.02, "{row}");
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cnn.toml");
    std::fs::write(
        &file,
        "name = \"cnn-1m\"\n[workload]\ndataset = { rows = 1000000, features = 150528, stored_bytes = 1.5e11 }\nmodel = \"resnet50\"\nbatch_size = 256\nepochs = 2\n[iaas]\ninstances = \"g4dn.xlarge\"\nworkers = 4\n",
    )
    .unwrap();
    let plan = json(&["plan", file.to_str().unwrap(), "--format", "json"]);
    assert_eq!(plan["iaas"]["feasible"], true, "{}", plan["iaas"]);
    // 8 GB of rows on one 4 GiB VM: it streams, and the simulator reads as the model does.
    let vm = dir.path().join("vm.toml");
    std::fs::write(
        &vm,
        "name = \"big-lr\"\n[workload]\ndataset = { rows = 20000000, features = 100 }\nmodel = \"lr\"\nbatch_size = 100000\nepochs = 3\nruntime = \"native\"\n[iaas]\ninstances = \"t2.medium\"\nworkers = 1\n",
    )
    .unwrap();
    let v = json(&["validate", vm.to_str().unwrap(), "--format", "json"]);
    for row in v["rows"].as_array().unwrap() {
        assert!(row["rel_err"].as_f64().unwrap() < 0.02, "{row}");
    }
}

#[test]
fn every_corpus_figure_taken_from_the_shared_data_is_recomputed_by_its_script() {
    let Some(data) = common::shared_data_dir() else {
        return;
    };
    let Ok(out) = std::process::Command::new("python3")
        .args(["reproduce/derive_shared.py", "--check"])
        .env("STRATUS_DATA", &data)
        .output()
    else {
        eprintln!("python3 absent: skipped");
        return;
    };
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && err.contains(" 0 mismatches"),
        "{err}"
    );
}

fn resnet_compute_s(instance: &str, features: u64) -> f64 {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cnn.toml");
    std::fs::write(
        &file,
        format!("name = \"cnn\"\n[workload]\ndataset = {{ rows = 10000, features = {features} }}\nmodel = \"resnet50\"\nbatch_size = 256\nepochs = 1\n[iaas]\ninstances = \"{instance}\"\nworkers = 1\n"),
    )
    .unwrap();
    let d = json(&[
        "estimate",
        file.to_str().unwrap(),
        "--platform",
        "iaas",
        "--format",
        "json",
    ]);
    d["time_s"]["compute"].as_f64().unwrap()
}

#[test]
fn a_v100_trains_resnet50_about_two_and_a_half_times_a_t4_as_nvidia_published() {
    // 367 img/s FP32 training on a V100; a T4's published FP32 inference efficiency stands in.
    let ratio = resnet_compute_s("g4dn.xlarge", 3072) / resnet_compute_s("p3.2xlarge", 3072);
    assert!((2.3..3.0).contains(&ratio), "{ratio}");
}

#[test]
fn a_convolutional_network_does_work_in_proportion_to_the_image_area() {
    let small = resnet_compute_s("p3.2xlarge", 32 * 32 * 3);
    let large = resnet_compute_s("p3.2xlarge", 64 * 64 * 3);
    let ratio = large / small;
    assert!((3.8..4.01).contains(&ratio), "{ratio}");
}

/// a9a trained until the loss reaches 0.33, at most 40 epochs (needs the shared data).
const AUTO: [&str; 6] = [
    "--set",
    "workload.epochs=\"auto\"",
    "--set",
    "workload.target_loss=0.33",
    "--set",
    "workload.max_epochs=40",
];

#[test]
fn the_simulator_stops_when_the_target_loss_is_reached() {
    if common::shared_data_dir().is_none() {
        return;
    }
    let mut args = vec![
        "simulate",
        "a9a-lr",
        "--set",
        "faas.workers=10",
        "--format",
        "json",
    ];
    args.extend(AUTO);
    let d = json(&args);
    assert_eq!(d["converged"], true, "{d}");
    assert!(d["final_loss"].as_f64().unwrap() <= 0.33, "{d}");
    assert!(d["epochs"].as_f64().unwrap() < 40.0, "{d}");
}

#[test]
fn plan_and_estimate_price_each_kind_of_configuration_with_its_measured_epochs() {
    if common::shared_data_dir().is_none() {
        return;
    }
    let mut args = vec![
        "plan",
        "a9a-lr",
        "--set",
        "faas.sync=[\"bsp\",\"asp\"]",
        "--set",
        "faas.workers=10",
        "--format",
        "json",
    ];
    args.extend(AUTO);
    let plan = json(&args);
    let measured = plan["measured_epochs"].as_array().unwrap();
    let epochs_of = |sync: &str| {
        measured
            .iter()
            .find(|m| m["config"]["sync"] == sync)
            .unwrap_or_else(|| panic!("{sync} in {measured:?}"))
    };
    let (bsp, asp) = (epochs_of("bsp"), epochs_of("asp"));
    assert_eq!(bsp["reached"], true, "{bsp}");
    // Stale models slow ASP down: it needs more epochs, or does not get there at all.
    assert!(
        asp["reached"] == false || asp["epochs"].as_f64() > bsp["epochs"].as_f64(),
        "{asp} {bsp}"
    );
    // estimate measures the same configuration the same way.
    let mut est = vec![
        "estimate",
        "a9a-lr",
        "--set",
        "faas.workers=10",
        "--set",
        "faas.memory_mb=1024",
        "--set",
        "faas.channel=s3",
        "--set",
        "faas.pattern=allreduce",
        "--format",
        "json",
    ];
    est.extend(AUTO);
    let e = json(&est);
    assert_eq!(e["workload"]["epochs"], bsp["epochs"], "{}", e["workload"]);
}

#[test]
fn a_single_report_line_pins_nothing_down_and_the_memory_curve_says_where_it_extrapolates() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("one.log");
    std::fs::write(
        &log,
        "REPORT RequestId: 8f82\tDuration: 9281.08 ms\tBilled Duration: 9300 ms\tMemory Size: 256 MB\tMax Memory Used: 96 MB\tInit Duration: 10.68 ms\t\n",
    )
    .unwrap();
    let fit = dir.path().join("one.toml");
    stratus()
        .args([
            "calibrate",
            "--from",
            log.to_str().unwrap(),
            "-o",
            fit.to_str().unwrap(),
        ])
        .assert()
        .success();
    let text = std::fs::read_to_string(&fit).unwrap();
    let table: toml::Table = text.parse().unwrap();
    let params = table["fit"]["function"]["parameters"].as_array().unwrap();
    for p in params {
        assert_eq!(p["pinned_down"].as_bool(), Some(false), "{p}");
    }
    let d = json(&[
        "optimize",
        "memory",
        "--calibration",
        fit.to_str().unwrap(),
        "--format",
        "json",
    ]);
    for point in d["curve"].as_array().unwrap() {
        let mb = point["memory_mb"].as_u64().unwrap();
        assert_eq!(point["extrapolated"].as_bool(), Some(mb != 256), "{point}");
    }
    assert!(
        d["note"].as_str().unwrap().contains("extrapolated"),
        "{}",
        d["note"]
    );
}

#[test]
fn the_readme_scenario_example_plans_and_its_shape_dataset_reads() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let start = readme.find("```toml\n").unwrap() + "```toml\n".len();
    let example = &readme[start..start + readme[start..].find("```").unwrap()];
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("example.toml");
    std::fs::write(&file, example).unwrap();
    stratus()
        .args(["plan", file.to_str().unwrap()])
        .assert()
        .success();
    // The shape its comment offers, counts written as 1e6.
    let shape = example.replace(
        "dataset = \"higgs\"",
        "dataset = { rows = 1e6, features = 100, density = 0.01, stored_bytes = 2e9, stored_format = \"csv\" }",
    );
    std::fs::write(&file, shape).unwrap();
    stratus()
        .args(["plan", file.to_str().unwrap()])
        .assert()
        .success();
}

#[test]
fn plan_searches_every_listed_algorithm_and_mini_batch_and_estimate_asks_for_one() {
    let sets = [
        "--set",
        "workload.algorithm=[\"ga-sgd\", \"ma-sgd\"]",
        "--set",
        "workload.batch_size=[1000, 10000]",
    ];
    let mut args = vec!["plan", "--format", "json"];
    args.extend(sets);
    let d = json(&args);
    let front = d["pareto"].as_array().unwrap();
    let recipe = |c: &Value| {
        (
            c["config"]["algorithm"].as_str().unwrap().to_string(),
            c["config"]["batch_size"].as_u64().unwrap(),
        )
    };
    assert!(front.iter().all(|c| c["config"]["batch_size"].is_u64()));
    // MA-SGD syncs once an epoch where GA-SGD syncs every mini-batch: over the same epochs it
    // is the faster, and the plan says the epochs are the same for all.
    assert_eq!(recipe(&d["faas"]).0, "ma-sgd");
    assert!(d["notes"][0].as_str().unwrap().contains("same epochs"));
    let mut csv_args = vec!["plan", "--format", "csv"];
    csv_args.extend(sets);
    let out = stratus().args(&csv_args).assert().success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].ends_with(",algorithm,batch_size"), "{}", lines[0]);
    for recipe in ["ga-sgd,1000", "ga-sgd,10000", "ma-sgd,1000", "ma-sgd,10000"] {
        assert!(
            lines.iter().any(|l| l.ends_with(recipe)),
            "no candidate trains by {recipe}"
        );
    }
    let mut estimate = vec!["estimate", "higgs-lr", "--set", "faas.workers=10"];
    estimate.extend(sets);
    let out = stratus().args(&estimate).assert().code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(err.contains("list 4 combinations"), "{err}");
}
