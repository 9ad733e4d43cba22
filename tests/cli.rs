//! The `stratus` binary end to end: every command the SPEC names, its JSON keys, and clear
//! exit-2 errors for bad input that name the file and the key.

use assert_cmd::Command;
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

fn scenario_file(text: &str) -> tempfile::NamedTempFile {
    let file = tempfile::Builder::new().suffix(".toml").tempfile().unwrap();
    std::fs::write(file.path(), text).unwrap();
    file
}

/// Runs `plan` on `text` and returns stderr, checking exit code 2 and no panic.
fn rejected(text: &str) -> String {
    let file = scenario_file(text);
    let out = stratus()
        .arg("plan")
        .arg(file.path())
        .assert()
        .code(2)
        .get_output()
        .clone();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(!err.contains("panicked"), "{err}");
    assert!(
        err.contains(&file.path().display().to_string()),
        "names the file: {err}"
    );
    err
}

const GOOD: &str = r#"
name = "t"
[workload]
dataset = "higgs"
model = "lr"
epochs = 1
[faas]
workers = 10
memory_mb = 1769
[iaas]
instances = "c5.large"
workers = 1
"#;

#[test]
fn plan_on_the_default_scenario_prints_both_plans_and_a_verdict() {
    let out = stratus()
        .arg("plan")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains("Best FaaS plan")
            && text.contains("Best IaaS plan")
            && text.contains("Verdict")
    );
}

#[test]
fn plan_json_has_the_spec_keys() {
    let plan = json(&["plan", "--format", "json"]);
    for key in [
        "scenario",
        "verdict",
        "faas",
        "iaas",
        "speedup",
        "cost_ratio",
        "reason",
    ] {
        assert!(plan.get(key).is_some(), "{key}");
    }
    for side in ["faas", "iaas"] {
        for key in ["total", "startup", "load", "compute", "comm"] {
            assert!(plan[side]["time_s"][key].is_number(), "{side}.time_s.{key}");
        }
        assert!(plan[side]["cost_usd"]["total"].is_number());
    }
    for key in [
        "workers",
        "memory_mb",
        "channel",
        "pattern",
        "sync",
        "algorithm",
    ] {
        assert!(
            plan["faas"]["config"].get(key).is_some(),
            "faas.config.{key}"
        );
    }
}

#[test]
fn plan_csv_has_a_row_per_candidate_searched() {
    let out = stratus()
        .args(["plan", "--format", "csv"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let searched = json(&["plan", "--format", "json"])["searched"]
        .as_u64()
        .unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap().lines().count() as u64,
        searched + 1
    );
}

#[test]
fn plan_is_byte_identical_run_to_run() {
    let a = stratus()
        .args(["plan", "--format", "json"])
        .output()
        .unwrap()
        .stdout;
    let b = stratus()
        .args(["plan", "--format", "json"])
        .output()
        .unwrap()
        .stdout;
    assert_eq!(a, b);
}

#[test]
fn an_impossible_deadline_names_the_fastest_plan() {
    let out = stratus()
        .args(["plan", "--deadline-s", "1"])
        .assert()
        .code(1)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8(out).unwrap();
    assert!(
        err.contains("no FaaS plan finishes within") && err.contains("the fastest takes"),
        "{err}"
    );
}

#[test]
fn estimate_with_a_structure_gives_a_candidate() {
    let c = json(&[
        "estimate",
        "scenarios/feng2018-case-a.toml",
        "--set",
        "faas.structure=1-5-22-100",
        "--format",
        "json",
    ]);
    assert_eq!(c["config"]["structure"], serde_json::json!([1, 5, 22, 100]));
    assert!(c["time_s"]["total"].as_f64().unwrap() > 0.0);
}

#[test]
fn estimate_names_the_list_left_open() {
    let out = stratus()
        .args(["estimate", "scenarios/higgs-lr.toml"])
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    assert!(String::from_utf8(out).unwrap().contains("faas.workers"));
}

#[test]
fn cost_of_a_faas_run_is_the_list_price() {
    let c = json(&[
        "cost",
        "faas",
        "--profile",
        "aws-lambda-x86",
        "--workers",
        "10",
        "--memory-mb",
        "1024",
        "--duration-s",
        "60",
        "--format",
        "json",
    ]);
    let expected = 10.0 * 60.0 * 0.0000166667 + 10.0 * 0.2e-6;
    assert!((c["cost_usd"]["total"].as_f64().unwrap() - expected).abs() < 1e-12);
}

#[test]
fn a_faas_run_past_the_duration_limit_is_priced_as_chained_invocations() {
    let out = Command::cargo_bin("stratus")
        .unwrap()
        .args([
            "cost",
            "faas",
            "--profile",
            "aws-lambda-2018",
            "--workers",
            "2",
            "--memory-mb",
            "1024",
            "--duration-s",
            "2000",
            "--format",
            "json",
        ])
        .assert()
        .success()
        .get_output()
        .clone();
    let c: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // 2,000 s past the 900 s limit: 900 + 900 + 200 s a worker, three requests each.
    let expected = 2.0 * 2000.0 * 0.0000166667 + 6.0 * 0.2e-6;
    let total = c["cost_usd"]["total"].as_f64().unwrap();
    assert!((total - expected).abs() < 1e-9, "{total} vs {expected}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("3 invocations a worker"), "{err}");
}

#[test]
fn cost_of_an_iaas_run_is_the_list_price() {
    let c = json(&[
        "cost",
        "iaas",
        "--instance",
        "c5.2xlarge",
        "--count",
        "2",
        "--duration-s",
        "3600",
        "--format",
        "json",
    ]);
    assert!((c["cost_usd"]["total"].as_f64().unwrap() - 0.68).abs() < 1e-12);
}

#[test]
fn profiles_lists_platforms_instances_and_channels() {
    let p = json(&["profiles", "--format", "json"]);
    assert!(p["faas"].as_array().unwrap().len() >= 4);
    assert!(
        p["instances"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["name"] == "p3.2xlarge")
    );
    assert_eq!(p["channels"].as_array().unwrap().len(), 5);
}

#[test]
fn profiles_as_csv_are_rows_not_the_table() {
    let out = stratus()
        .args(["profiles", "--format", "csv"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let mut rows = csv::Reader::from_reader(out.as_slice());
    assert_eq!(
        rows.headers().unwrap(),
        vec!["kind", "name", "field", "value"]
    );
    let rows: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    let price = rows
        .iter()
        .find(|r| &r[0] == "instances" && &r[1] == "c5.2xlarge" && &r[2] == "usd_per_hour")
        .expect("c5.2xlarge's price");
    assert_eq!(&price[3], "0.34");
}

#[test]
fn every_shipped_scenario_plans() {
    for entry in std::fs::read_dir("scenarios").unwrap() {
        let path = entry.unwrap().path();
        stratus()
            .arg("plan")
            .arg(&path)
            .args(["--format", "json"])
            .assert()
            .success();
    }
}

#[test]
fn rejects_an_unknown_key() {
    let err = rejected("name = \"x\"\nbogus = 1\n");
    assert!(err.contains("bogus"), "{err}");
}

#[test]
fn rejects_a_wrong_type() {
    let err = rejected(&GOOD.replace("workers = 10", "workers = \"ten\""));
    assert!(
        err.contains("faas.workers") && err.contains("integer"),
        "{err}"
    );
}

#[test]
fn rejects_zero_workers() {
    let err = rejected(&GOOD.replace("workers = 10", "workers = 0"));
    assert!(
        err.contains("faas.workers") && err.contains("at least 1"),
        "{err}"
    );
}

#[test]
fn rejects_memory_outside_the_profile() {
    let err = rejected(&GOOD.replace("memory_mb = 1769", "memory_mb = 20000"));
    assert!(
        err.contains("faas.memory_mb") && err.contains("10240"),
        "{err}"
    );
}

#[test]
fn rejects_a_structure_that_does_not_start_at_one() {
    let err = rejected(&GOOD.replace("memory_mb = 1769", "memory_mb = 1769\nstructure = [2, 10]"));
    assert!(
        err.contains("faas.structure") && err.contains("start at 1"),
        "{err}"
    );
}

#[test]
fn rejects_a_structure_that_is_not_increasing() {
    let err = rejected(&GOOD.replace(
        "memory_mb = 1769",
        "memory_mb = 1769\nstructure = [1, 5, 3, 10]",
    ));
    assert!(
        err.contains("faas.structure") && err.contains("increasing"),
        "{err}"
    );
}

#[test]
fn rejects_a_structure_that_does_not_end_at_the_worker_count() {
    let err = rejected(&GOOD.replace(
        "memory_mb = 1769",
        "memory_mb = 1769\nstructure = [1, 5, 20]",
    ));
    assert!(
        err.contains("faas.structure") && err.contains("worker count 10"),
        "{err}"
    );
}

#[test]
fn rejects_an_unknown_profile() {
    let err = rejected(&GOOD.replace("workers = 10", "workers = 10\nprofile = \"aws-lambda-z80\""));
    assert!(
        err.contains("faas.profile") && err.contains("aws-lambda-z80"),
        "{err}"
    );
}

#[test]
fn rejects_an_unknown_instance_type() {
    let err = rejected(&GOOD.replace("\"c5.large\"", "\"c9.huge\""));
    assert!(
        err.contains("iaas.instances") && err.contains("c9.huge"),
        "{err}"
    );
}

#[test]
fn rejects_a_missing_file() {
    let out = stratus()
        .args(["plan", "no/such/scenario.toml"])
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8(out).unwrap();
    assert!(
        err.contains("no/such/scenario.toml") && !err.contains("panicked"),
        "{err}"
    );
}

#[test]
fn rejects_a_bad_override_naming_it() {
    let out = stratus()
        .args(["plan", "--set", "faas.wrkers=3"])
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8(out).unwrap();
    assert!(
        err.contains("--set") && err.contains("faas.wrkers"),
        "{err}"
    );
}

#[test]
fn rejects_a_toml_syntax_error_with_its_line() {
    let err = rejected("name = \"x\"\n[workload\n");
    assert!(err.contains("line 2"), "{err}");
}
