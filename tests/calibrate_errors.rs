//! Every bad input to `calibrate`, `optimize memory` and `profile channel` exits with code 2,
//! names the file and the line (and field) at fault, never panics, and leaves no output file
//! behind — an existing one keeps its content.

use std::path::Path;

use assert_cmd::Command;

const FENG: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/scenarios/feng2018-case-a.toml"
);
const GOOD_REPORT: &str = "REPORT RequestId: a\tDuration: 100.00 ms\tBilled Duration: 100 ms\tMemory Size: 128 MB\tMax Memory Used: 70 MB\t\n";

fn stratus() -> Command {
    Command::cargo_bin("stratus").unwrap()
}

/// Runs stratus with `args` (`{in}` stands for a file holding `input`, `{out}` for the output),
/// checks exit code 2, no panic, and an untouched output file; returns stderr.
fn rejected(input: &str, args: &[&str]) -> (String, String) {
    let dir = tempfile::tempdir().unwrap();
    let input_path = dir.path().join("input.txt");
    std::fs::write(&input_path, input).unwrap();
    let out_path = dir.path().join("out.toml");
    std::fs::write(&out_path, "old").unwrap();
    let fill = |a: &&str| {
        a.replace("{in}", input_path.to_str().unwrap())
            .replace("{out}", out_path.to_str().unwrap())
    };
    let args: Vec<String> = args.iter().map(fill).collect();
    let out = stratus().args(&args).assert().code(2).get_output().clone();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&out_path).unwrap(),
        "old",
        "the output file was touched"
    );
    assert!(!Path::new(&format!("{}.tmp", out_path.display())).exists());
    (err, input_path.display().to_string())
}

fn calibrate_rejects(input: &str, wanted: &[&str]) {
    let (err, file) = rejected(input, &["calibrate", "--from", "{in}", "-o", "{out}"]);
    assert!(err.contains(&file), "names the file: {err}");
    for w in wanted {
        assert!(err.contains(w), "`{w}` missing from: {err}");
    }
}

#[test]
fn a_duration_that_is_not_a_number_names_line_and_field() {
    calibrate_rejects(
        &format!(
            "{GOOD_REPORT}{}",
            GOOD_REPORT.replace("100.00 ms", "1x0 ms")
        ),
        &[":2: Duration: `1x0 ms`"],
    );
}

#[test]
fn a_report_without_a_memory_size_names_its_line() {
    calibrate_rejects(
        "START\nREPORT RequestId: a\tDuration: 3.0 ms\t\n",
        &[":2: the report has no Memory Size"],
    );
}

#[test]
fn a_broken_telemetry_record_names_its_line() {
    calibrate_rejects(
        "{\"type\":\"platform.report\",\"record\":{\"metrics\":{\"durationMs\":\n",
        &[":1: not valid JSON"],
    );
}

#[test]
fn a_telemetry_record_without_a_duration_names_the_field() {
    calibrate_rejects(
        "{\"type\":\"platform.report\",\"record\":{\"metrics\":{\"memorySizeMB\":128}}}\n",
        &[":1: the report has no record.metrics.durationMs"],
    );
}

#[test]
fn a_log_without_reports_says_how_many_lines_it_skipped() {
    calibrate_rejects(
        "hello\nworld\n",
        &["no REPORT lines or platform.report records found (2 other lines skipped)"],
    );
}

#[test]
fn an_empty_file_is_of_no_known_kind() {
    calibrate_rejects(
        "",
        &["not a REPORT log, Lambda Power Tuning output, SeBS CSV or measured-runs CSV"],
    );
}

#[test]
fn a_power_tuning_stat_without_a_memory_size_names_its_entry() {
    calibrate_rejects(
        r#"{"results":{"stats":[{"value":"big","averageDuration":3}]}}"#,
        &["results.stats[0].value"],
    );
}

#[test]
fn a_sebs_cold_flag_that_is_neither_names_line_and_field() {
    calibrate_rejects(
        "memory,is_cold,provider_time,client_time\n128,False,100,200\n128,perhaps,100,200\n",
        &[":3: is_cold: `perhaps`"],
    );
}

#[test]
fn a_short_csv_row_names_its_line() {
    calibrate_rejects(
        "memory,is_cold,provider_time,client_time\n128,False\n",
        &[":2: has 2 fields but the header has 4"],
    );
}

#[test]
fn a_runs_column_that_is_no_scenario_key_is_named() {
    let (err, _) = rejected(
        "colour,latency_s\nred,1\n",
        &[
            "calibrate",
            "--from",
            "{in}",
            "--scenario",
            FENG,
            "-o",
            "{out}",
        ],
    );
    assert!(err.contains("column `colour`"), "{err}");
}

#[test]
fn runs_with_two_observed_columns_are_refused() {
    calibrate_rejects(
        "workers,time_s,latency_s\n1,2,3\n",
        &["found time_s and latency_s"],
    );
}

#[test]
fn a_non_positive_observation_names_line_and_field() {
    calibrate_rejects(
        "# note\nstructure,latency_s\n1-100,0\n",
        &[":3: latency_s: `0`"],
    );
}

#[test]
fn measured_runs_need_a_scenario() {
    calibrate_rejects(
        "structure,latency_s\n1-100,10\n1-5-100,5\n",
        &["need --scenario"],
    );
}

#[test]
fn a_run_the_scenario_cannot_take_names_its_line_and_key() {
    let (err, file) = rejected(
        "structure,latency_s\n1-100,10\n1-5-50,5\n",
        &[
            "calibrate",
            "--from",
            "{in}",
            "--scenario",
            FENG,
            "-o",
            "{out}",
        ],
    );
    assert!(
        err.contains(&format!("{file}:3:")) && err.contains("faas.structure"),
        "{err}"
    );
}

#[test]
fn a_missing_scenario_is_named_once() {
    let (err, _) = rejected(
        "structure,latency_s\n1-100,10\n1-5-100,5\n",
        &[
            "calibrate",
            "--from",
            "{in}",
            "--scenario",
            "/nonexistent/s.toml",
            "-o",
            "{out}",
        ],
    );
    assert!(
        err.contains("/nonexistent/s.toml: cannot read the file"),
        "{err}"
    );
}

#[test]
fn a_single_run_cannot_pin_anything_down() {
    let (err, _) = rejected(
        "structure,latency_s\n1-100,10\n",
        &[
            "calibrate",
            "--from",
            "{in}",
            "--scenario",
            FENG,
            "-o",
            "{out}",
        ],
    );
    assert!(err.contains("give at least 2"), "{err}");
}

#[test]
fn an_unknown_fit_parameter_is_named() {
    let (err, _) = rejected(
        GOOD_REPORT,
        &[
            "calibrate",
            "--from",
            "{in}",
            "--fit",
            "speed",
            "-o",
            "{out}",
        ],
    );
    assert!(err.contains("--fit speed"), "{err}");
}

#[test]
fn a_missing_input_file_is_named() {
    let (err, _) = rejected(
        "",
        &["calibrate", "--from", "/nonexistent/run.log", "-o", "{out}"],
    );
    assert!(err.contains("/nonexistent/run.log: cannot read"), "{err}");
}

#[test]
fn optimize_memory_needs_a_scenario_or_a_calibration() {
    let (err, _) = rejected("", &["optimize", "memory"]);
    assert!(err.contains("needs a SCENARIO"), "{err}");
}

#[test]
fn optimize_memory_on_a_calibration_without_a_function_says_how_to_make_one() {
    let (err, file) = rejected(
        "[channels.s3]\nlatency_s = 0.02\n",
        &["optimize", "memory", "--calibration", "{in}"],
    );
    assert!(
        err.contains(&file) && err.contains("no [function] table"),
        "{err}"
    );
}

#[test]
fn optimize_memory_names_a_bad_function_key() {
    let (err, _) = rejected(
        "[function]\nfixed_s = \"slow\"\nscalable_mb_s = 1.0\nsaturation_mb = 3008\n",
        &["optimize", "memory", "--calibration", "{in}"],
    );
    assert!(
        err.contains("[function].fixed_s: must be a number"),
        "{err}"
    );
}

#[test]
fn optimize_memory_names_an_unknown_profile() {
    let (err, _) = rejected(
        "[function]\nfixed_s = 0.1\nscalable_mb_s = 100.0\nsaturation_mb = 3008\n",
        &[
            "optimize",
            "memory",
            "--calibration",
            "{in}",
            "--profile",
            "nope",
        ],
    );
    assert!(err.contains("unknown FaaS profile `nope`"), "{err}");
}

#[test]
fn profile_channel_refuses_a_url_that_is_not_redis() {
    let (err, _) = rejected(
        "",
        &[
            "profile",
            "channel",
            "--redis",
            "http://127.0.0.1:1",
            "-o",
            "{out}",
        ],
    );
    assert!(err.contains("not a redis:// URL"), "{err}");
}

#[test]
fn profile_channel_refuses_a_missing_directory() {
    let (err, _) = rejected(
        "",
        &[
            "profile",
            "channel",
            "--dir",
            "/nonexistent/dir",
            "-o",
            "{out}",
        ],
    );
    assert!(err.contains("/nonexistent/dir: not a directory"), "{err}");
}
