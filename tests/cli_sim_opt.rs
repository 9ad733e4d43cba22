//! The simulator, optimisers and host profiling on the command line: determinism, the trace,
//! validation, the schedule's budget, the tree's shape, and a kernel calibration that changes
//! the plan.

use assert_cmd::Command;
use serde_json::Value;

fn stratus() -> Command {
    Command::cargo_bin("stratus").unwrap()
}

fn stdout(args: &[&str]) -> Vec<u8> {
    stratus()
        .args(args)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone()
}

fn json(args: &[&str]) -> Value {
    serde_json::from_slice(&stdout(args)).unwrap()
}

#[test]
fn simulate_with_noise_and_runs_is_byte_identical_run_to_run() {
    let args = [
        "simulate",
        "scenarios/higgs-lr.toml",
        "--set",
        "simulation.straggler_cv=0.3",
        "--runs",
        "3",
        "--seed",
        "5",
        "--format",
        "json",
    ];
    let (first, second) = (stdout(&args), stdout(&args));
    assert_eq!(first, second);
    let d: Value = serde_json::from_slice(&first).unwrap();
    let total = &d["quantiles"]["time_s"]["total"];
    assert!(
        total["p50"].as_f64().unwrap() <= total["p95"].as_f64().unwrap(),
        "{d}"
    );
    assert_eq!(d["runs"], 3);
}

#[test]
fn a_different_seed_draws_different_stragglers() {
    let run = |seed: &str| {
        json(&[
            "simulate",
            "scenarios/higgs-lr.toml",
            "--set",
            "simulation.straggler_cv=0.3",
            "--seed",
            seed,
            "--format",
            "json",
        ])["time_s"]["total"]
            .as_f64()
            .unwrap()
    };
    assert_ne!(run("1"), run("2"));
}

#[test]
fn the_trace_has_a_row_per_round_with_growing_time_and_dollars() {
    let dir = tempfile::tempdir().unwrap();
    let trace = dir.path().join("trace.csv");
    let d = json(&[
        "simulate",
        "scenarios/higgs-lr.toml",
        "--trace",
        trace.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let mut reader = csv::Reader::from_path(&trace).unwrap();
    let header = reader.headers().unwrap().clone();
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (time, usd) = (column("time_s"), column("usd"));
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len() as u64, d["rounds"].as_u64().unwrap());
    let value = |row: &csv::StringRecord, i: usize| row[i].parse::<f64>().unwrap();
    for pair in rows.windows(2) {
        assert!(value(&pair[1], time) >= value(&pair[0], time));
        assert!(value(&pair[1], usd) >= value(&pair[0], usd));
    }
}

#[test]
fn validate_reports_every_row_and_its_summary() {
    let d = json(&[
        "validate",
        "scenarios/feng2018-case-a.toml",
        "--format",
        "json",
    ]);
    let rows = d["rows"].as_array().unwrap();
    assert!(!rows.is_empty());
    let errors: Vec<f64> = rows
        .iter()
        .map(|r| r["rel_err"].as_f64().unwrap())
        .collect();
    let max = errors.iter().cloned().fold(0.0, f64::max);
    assert_eq!(d["max_rel_err"].as_f64().unwrap(), max);
    assert!(d["median_rel_err"].as_f64().unwrap() <= max);
    assert!(max < 0.02, "analytic and simulated agree: {errors:?}");
}

#[test]
fn the_schedule_never_exceeds_its_budget() {
    for budget in ["0.011", "0.015", "0.02"] {
        let d = json(&[
            "optimize",
            "schedule",
            "scenarios/siren-toy-lr.toml",
            "--budget-usd",
            budget,
            "--format",
            "json",
        ]);
        let budget: f64 = budget.parse().unwrap();
        assert!(
            d["cost_usd"].as_f64().unwrap() <= budget * (1.0 + 1e-9),
            "{d}"
        );
        assert!(!d["schedule"].as_array().unwrap().is_empty());
    }
}

#[test]
fn sirens_toy_schedule_scales_down_and_beats_the_cheap_fixed_plans() {
    let d = json(&[
        "optimize",
        "schedule",
        "scenarios/siren-toy-lr.toml",
        "--format",
        "json",
    ]);
    let workers: Vec<u64> = d["schedule"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["workers"].as_u64().unwrap())
        .collect();
    assert!(workers[0] > *workers.last().unwrap(), "{workers:?}");
    assert!(
        workers.windows(2).all(|pair| pair[0] >= pair[1]),
        "never scales up: {workers:?}"
    );
    // Siren's claim: no dearer than the cheap fixed option and faster; and faster than any
    // fixed plan within the same budget.
    for fixed in [&d["baseline"], &d["cheapest_listed"]] {
        assert!(
            d["cost_usd"].as_f64().unwrap() <= fixed["cost_usd"].as_f64().unwrap(),
            "{d}"
        );
        assert!(
            d["time_s"].as_f64().unwrap() < fixed["time_s"].as_f64().unwrap(),
            "{d}"
        );
    }
    assert_eq!(
        d["cheapest_listed"]["workers"], 20,
        "of the scenario's 20 and 150 functions"
    );
}

#[test]
fn the_simulated_schedule_costs_what_the_programme_planned() {
    let d = json(&[
        "optimize",
        "schedule",
        "scenarios/siren-toy-lr.toml",
        "--simulate",
        "--format",
        "json",
    ]);
    let simulated = &d["simulated"]["schedule"];
    for key in ["time_s", "cost_usd"] {
        let (planned, ran) = (d[key].as_f64().unwrap(), simulated[key].as_f64().unwrap());
        assert!(
            (ran / planned - 1.0).abs() < 0.02,
            "{key}: planned {planned}, simulated {ran}"
        );
    }
    assert_eq!(
        simulated["epoch_losses"].as_array().unwrap().len(),
        d["schedule"].as_array().unwrap().len()
    );
    assert!(d["simulated"]["baseline"]["final_loss"].as_f64().is_some());
}

#[test]
fn a_budget_below_any_schedule_is_a_clear_error() {
    let out = stratus()
        .args([
            "optimize",
            "schedule",
            "scenarios/siren-toy-lr.toml",
            "--budget-usd",
            "0.0000001",
        ])
        .assert()
        .failure()
        .get_output()
        .clone();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        !err.contains("panicked") && err.contains("cheapest fixed plan"),
        "{err}"
    );
}

#[test]
fn the_tree_starts_at_one_and_ends_at_the_workers() {
    let d = json(&[
        "optimize",
        "tree",
        "scenarios/feng2018-case-a.toml",
        "--set",
        "faas.workers=300",
        "--format",
        "json",
    ]);
    let structure: Vec<u64> = d["structure"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    assert_eq!(structure[0], 1);
    assert_eq!(*structure.last().unwrap(), 300);
    assert!(structure.windows(2).all(|p| p[0] < p[1]), "{structure:?}");
}

#[test]
fn the_best_worker_count_is_on_its_curve_and_within_the_near_tie_of_every_point() {
    let d = json(&[
        "optimize",
        "workers",
        "scenarios/higgs-lr.toml",
        "--format",
        "json",
    ]);
    let best = d["time_s"]["total"].as_f64().unwrap();
    let curve = d["curve"].as_array().unwrap();
    assert!(curve.len() > 3);
    for point in curve {
        assert!(
            best <= point["time_s"].as_f64().unwrap() * (1.0 + stratus::optimize::select::NEAR_TIE),
            "{point}"
        );
    }
}

#[test]
fn a_kernel_profile_writes_a_calibration_that_changes_compute_time() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("host.toml");
    let d = json(&[
        "profile",
        "kernels",
        "--quick",
        "-o",
        file.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let kernels = d["kernels"].as_array().unwrap();
    let names: Vec<&str> = kernels
        .iter()
        .map(|k| k["kernel"].as_str().unwrap())
        .collect();
    for name in ["lr-dense", "lr-sparse", "svm-sparse", "mlp-64", "kmeans-10"] {
        assert!(names.contains(&name), "{names:?}");
    }
    assert!(d["stream_gb_s"].as_f64().unwrap() > 0.0);
    let peak = d["peak_gflops_per_vcpu"].as_f64().unwrap();
    let estimate = |calibration: Option<&str>| {
        let mut args = vec![
            "estimate",
            "scenarios/cifar10-mobilenet.toml",
            "--set",
            "workload.runtime=native",
            "--set",
            "faas.workers=10",
            "--set",
            "faas.memory_mb=3008",
            "--set",
            "faas.channel=s3",
            "--set",
            "faas.pattern=allreduce",
            "--format",
            "json",
        ];
        if let Some(path) = calibration {
            args.extend(["--calibration", path]);
        }
        json(&args)["time_s"]["compute"].as_f64().unwrap()
    };
    let (builtin, measured) = (estimate(None), estimate(Some(file.to_str().unwrap())));
    // Roofline: a vCPU runs min(peak, intensity × bandwidth); built in, 16.25 GFLOP/s and 23 GB/s.
    let workloads: toml::Table = std::fs::read_to_string("profiles/workloads.toml")
        .unwrap()
        .parse()
        .unwrap();
    let intensity = workloads["models"]["mobilenet"]["flops_per_byte"]
        .as_float()
        .unwrap();
    let bandwidth = d["memory_gb_s_per_vcpu"].as_f64().unwrap();
    let expected = (16.25f64).min(intensity * 23.0) / peak.min(intensity * bandwidth);
    assert!(
        (measured / builtin - expected).abs() < 0.02 * expected,
        "{builtin} → {measured}, expected ×{expected}"
    );
}

#[test]
fn a_kernel_profile_for_an_unknown_faas_profile_exits_2() {
    stratus()
        .args(["profile", "kernels", "--quick", "--faas-profile", "nope"])
        .assert()
        .code(2);
}

#[test]
fn limits_and_counts_that_cannot_be_meant_exit_2() {
    for args in [
        &["plan", "--budget-usd", "nan"][..],
        &["plan", "--deadline-s", "0"],
        &["simulate", "scenarios/higgs-lr.toml", "--runs", "0"],
        &[
            "optimize",
            "workers",
            "scenarios/higgs-lr.toml",
            "--max-workers",
            "0",
        ],
        &[
            "optimize",
            "tuning",
            "scenarios/higgs-lr.toml",
            "--configs",
            "0",
        ],
        &[
            "optimize",
            "schedule",
            "scenarios/siren-toy-lr.toml",
            "--budget-usd=-1",
        ],
    ] {
        let out = stratus().args(args).assert().code(2).get_output().clone();
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(
            !err.contains("panicked") && err.contains("invalid value"),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn a_longer_poll_interval_trades_requests_for_time_in_model_and_simulator_alike() {
    let estimate = |interval: &str| {
        let set = format!("faas.poll_interval_s={interval}");
        json(&[
            "estimate",
            "feng2018-case-a",
            "--set",
            &set,
            "--format",
            "json",
        ])
    };
    let (eager, patient) = (estimate("0.264"), estimate("5"));
    let requests = |e: &Value| e["cost_usd"]["channel_requests"].as_f64().unwrap();
    let total_s = |e: &Value| e["time_s"]["total"].as_f64().unwrap();
    assert!(requests(&patient) < requests(&eager));
    assert!(total_s(&patient) > total_s(&eager));
    let simulated = json(&[
        "simulate",
        "feng2018-case-a",
        "--set",
        "faas.poll_interval_s=5",
        "--format",
        "json",
    ]);
    let gap = (total_s(&simulated) - total_s(&patient)).abs() / total_s(&patient);
    assert!(gap < 0.02, "simulated {simulated} vs analytic {patient}");
    assert_eq!(requests(&simulated), requests(&patient));
}
