//! `stratus calibrate` and `stratus optimize memory` end to end on data the tests generate:
//! JSON keys, the calibration file's tables, the curve over every allowed memory size, limits
//! named when nothing qualifies, and AWS Lambda Power Tuning output that decodes back.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;
use stratus::calibrate::power_tuning::decode_visualization;

const HIGGS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/higgs-lr.toml");
const FENG: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/scenarios/feng2018-case-a.toml"
);

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

/// A REPORT log of a function with t(z) = 0.1 s + 200 MB·s / z, five invocations per size,
/// the first of each cold.
fn write_log(path: &Path) {
    let mut log = String::new();
    for z in [128, 256, 512, 1024, 2048] {
        for i in 0..5 {
            let ms = (0.1 + 200.0 / f64::from(z)) * 1e3 * (1.0 + 0.01 * f64::from(i));
            let init = if i == 0 {
                "\tInit Duration: 180.00 ms"
            } else {
                ""
            };
            log += &format!(
                "2024-01-01T00:00:00Z REPORT RequestId: {z}-{i}\tDuration: {ms:.2} ms\tBilled Duration: {:.0} ms\tMemory Size: {z} MB\tMax Memory Used: 75 MB{init}\t\n",
                ms.ceil()
            );
        }
    }
    std::fs::write(path, log).unwrap();
}

fn calibrated_function(dir: &Path) -> std::path::PathBuf {
    let log = dir.join("fn.log");
    write_log(&log);
    let out = dir.join("fn.toml");
    stratus()
        .args(["calibrate", "--from"])
        .arg(&log)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    out
}

#[test]
fn calibrating_a_report_log_writes_function_and_fit_tables() {
    let dir = tempfile::tempdir().unwrap();
    let out = calibrated_function(dir.path());
    let file: toml::Table = std::fs::read_to_string(&out).unwrap().parse().unwrap();
    let f = &file["function"];
    approx::assert_relative_eq!(f["fixed_s"].as_float().unwrap(), 0.1, max_relative = 0.1);
    approx::assert_relative_eq!(
        f["scalable_mb_s"].as_float().unwrap(),
        200.0,
        max_relative = 0.05
    );
    assert_eq!(f["measured_mb"].as_array().unwrap().len(), 5);
    let init_s = file["faas"]["aws-lambda-x86"]["startup"]["init_s"]
        .as_float()
        .unwrap();
    approx::assert_relative_eq!(init_s, 0.18, max_relative = 1e-6);
    assert_eq!(
        file["fit"]["sources"][0]["kind"].as_str(),
        Some("report-log")
    );
    assert!(
        file["fit"]["function"]["parameters"]
            .as_array()
            .unwrap()
            .len()
            >= 3
    );
}

#[test]
fn calibrate_json_mirrors_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("fn.log");
    write_log(&log);
    let out = dir.path().join("fn.toml");
    let printed = json(&[
        "calibrate",
        "--from",
        log.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let file: toml::Table = std::fs::read_to_string(&out).unwrap().parse().unwrap();
    assert_eq!(printed["function"]["profile"], "aws-lambda-x86");
    approx::assert_relative_eq!(
        printed["function"]["fixed_s"].as_f64().unwrap(),
        file["function"]["fixed_s"].as_float().unwrap()
    );
}

#[test]
fn optimize_memory_of_a_function_covers_every_allowed_size() {
    let dir = tempfile::tempdir().unwrap();
    let cal = calibrated_function(dir.path());
    let d = json(&[
        "optimize",
        "memory",
        "--calibration",
        cal.to_str().unwrap(),
        "--objective",
        "balanced",
        "--format",
        "json",
    ]);
    for key in [
        "memory_mb",
        "time_s",
        "cost_usd",
        "curve",
        "ratio",
        "continuous_optimum_mb",
    ] {
        assert!(d.get(key).is_some(), "{key} missing");
    }
    let curve = d["curve"].as_array().unwrap();
    assert_eq!(curve.len(), 10240 - 128 + 1);
    assert!(curve.iter().all(|p| p["ratio"].as_f64().unwrap() > 0.0));
    // Feng: t = a + b/z is balanced at z* = b/a = 2000 MB.
    let z = d["memory_mb"].as_u64().unwrap();
    assert!((1800..=2200).contains(&z), "{z}");
    assert_eq!(d["per"], "invocation");
}

#[test]
fn optimize_memory_writes_power_tuning_output_that_decodes_back() {
    let dir = tempfile::tempdir().unwrap();
    let cal = calibrated_function(dir.path());
    let pt = dir.path().join("pt.json");
    let d = json(&[
        "optimize",
        "memory",
        "--calibration",
        cal.to_str().unwrap(),
        "--power-tuning",
        pt.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&pt).unwrap()).unwrap();
    let results = &doc["results"];
    assert_eq!(results["power"], d["memory_mb"]);
    approx::assert_relative_eq!(
        results["duration"].as_f64().unwrap(),
        d["time_s"].as_f64().unwrap() * 1e3,
        max_relative = 1e-12
    );
    let url = results["stateMachine"]["visualization"].as_str().unwrap();
    assert!(url.starts_with("https://lambda-power-tuning.show/#"));
    let decoded = decode_visualization(url).unwrap();
    let stats = results["stats"].as_array().unwrap();
    assert_eq!(decoded.len(), stats.len());
    assert!(decoded.windows(2).all(|w| w[0].memory_mb < w[1].memory_mb));
    // The Power Tuning output is itself a calibration input.
    stratus()
        .args(["calibrate", "--from"])
        .arg(&pt)
        .arg("-o")
        .arg(dir.path().join("again.toml"))
        .assert()
        .success();
}

#[test]
fn optimize_memory_of_a_scenario_sweeps_its_listed_range_through_the_plans_best() {
    let d = json(&[
        "optimize",
        "memory",
        HIGGS,
        "--objective",
        "cost",
        "--format",
        "json",
    ]);
    assert_eq!(d["source"], "scenario");
    assert_eq!(d["per"], "run");
    assert!(d["basis"].as_str().unwrap().contains("best FaaS plan"));
    // higgs-lr lists 1024, 1769 and 3008 MB: the sweep runs between them at 64 MB steps.
    let sizes: Vec<u64> = d["curve"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["memory_mb"].as_u64().unwrap())
        .collect();
    assert!(
        sizes.iter().all(|mb| (1024..=3008).contains(mb)),
        "{sizes:?}"
    );
    for listed in [1024, 1769, 3008, 1024 + 64] {
        assert!(sizes.contains(&listed), "{listed} missing from {sizes:?}");
    }
    let cheapest = d["curve"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["cost_usd"].as_f64().unwrap())
        .fold(f64::INFINITY, f64::min);
    assert!(d["cost_usd"].as_f64().unwrap() <= cheapest * 1.05);
    // The same plan as `plan` names under the same objective.
    let planned = json(&["plan", HIGGS, "--objective", "cost", "--format", "json"]);
    let best = &planned["faas"]["config"];
    assert_eq!(d["config"]["memory_mb"], best["memory_mb"], "{best}");
    assert_eq!(d["config"]["workers"], best["workers"], "{best}");
    assert_eq!(d["config"]["channel"], best["channel"], "{best}");
}

#[test]
fn optimize_memory_keeps_a_fixed_configuration_and_its_tree() {
    let d = json(&[
        "optimize",
        "memory",
        FENG,
        "--objective",
        "time",
        "--format",
        "json",
    ]);
    assert_eq!(
        d["config"]["structure"].as_array().unwrap().len(),
        4,
        "{}",
        d["config"]
    );
    assert!(d["basis"].as_str().unwrap().contains("fixes"));
    // The 2018 price list: 128–3,008 MB in 64 MB steps.
    assert_eq!(d["curve"].as_array().unwrap().len(), (3008 - 128) / 64 + 1);
}

#[test]
fn an_unreachable_deadline_is_named_with_the_fastest_time() {
    let out = stratus()
        .args(["optimize", "memory", HIGGS, "--deadline-s", "1"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("no memory size finishes within 1.0 s: the fastest takes"),
        "{err}"
    );
}

#[test]
fn optimize_memory_prints_csv_rows_for_every_size() {
    let out = stratus()
        .args(["optimize", "memory", FENG, "--format", "csv"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(text.starts_with("memory_mb,time_s,cost_usd,ratio\n"));
    assert_eq!(text.lines().count(), 1 + 46);
}
