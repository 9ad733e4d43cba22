//! `stratus report` and `stratus sweep` on the command line: the files a report holds and that
//! each is valid (SVG as XML, PNG decodable at the figure's size, the page self-contained), the
//! directory written whole or not at all, bad input exiting 2, byte-identical reruns, the page in
//! headless Chromium where it is installed, and the committed reports under `reports/`.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

mod common;

fn stratus() -> Command {
    Command::cargo_bin("stratus").unwrap()
}

fn report(dir: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    stratus()
        .args(["report", "scenarios/higgs-lr.toml", "--out"])
        .arg(dir)
        .args(extra)
        .assert()
}

/// Checks every file a summary lists: SVGs parse as XML with the figure's title as text, PNGs
/// decode at 960 × 600 with more than one colour.
fn check_figures(dir: &Path) -> Value {
    let summary: Value =
        serde_json::from_slice(&std::fs::read(dir.join("summary.json")).unwrap()).unwrap();
    let figures = summary["figures"].as_array().unwrap();
    assert!(!figures.is_empty());
    for figure in figures {
        let svg = std::fs::read_to_string(dir.join(figure["svg"].as_str().unwrap())).unwrap();
        let doc =
            roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{}: {e}", figure["svg"]));
        assert_eq!(doc.root_element().tag_name().name(), "svg");
        let text: String = doc.descendants().filter_map(|n| n.text()).collect();
        let title = figure["title"].as_str().unwrap();
        assert!(
            text.contains(title.split(':').next().unwrap()),
            "{title} not in {}",
            figure["svg"]
        );
        let png = std::fs::File::open(dir.join(figure["png"].as_str().unwrap())).unwrap();
        let mut reader = png::Decoder::new(std::io::BufReader::new(png))
            .read_info()
            .unwrap();
        let mut pixels = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut pixels).unwrap();
        assert_eq!((info.width, info.height), (960, 600));
        let first = &pixels[..3];
        assert!(
            pixels.chunks(3).any(|p| p != first),
            "{} is blank",
            figure["png"]
        );
    }
    summary
}

#[test]
fn a_report_holds_the_page_the_figures_and_the_summaries() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("higgs");
    report(&out, &["--no-sim"]).success();
    let summary = check_figures(&out);
    let names: Vec<&str> = summary["figures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    for name in [
        "1-time-cost",
        "2-breakdown",
        "4-memory",
        "5-trees",
        "6-break-even",
        "7-sensitivity",
        "8-reproduction",
    ] {
        assert!(names.contains(&name), "{name} missing from {names:?}");
    }
    assert_eq!(summary["skipped"][0]["figure"], "3-convergence");
    assert_eq!(
        summary["plan"]["verdict"]
            .as_str()
            .map(|v| v == "faas" || v == "iaas"),
        Some(true)
    );
    assert!(summary["sensitivity"]["effects"].as_array().unwrap().len() >= 8);
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert_eq!(
        html.matches("<svg").count(),
        names.len(),
        "every figure inline"
    );
    for external in ["<script", "<link", "<img", "src=\"http", "@import"] {
        assert!(
            !html.contains(external),
            "{external} in a self-contained page"
        );
    }
    assert!(html.contains("higgs-lr") && html.contains("Verdict") && html.contains("profiles/"));
    assert!(!html.contains(" src="), "nothing loaded from elsewhere");
    for link in html
        .split("href=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap())
    {
        assert!(
            link.starts_with('#') || out.join(link).exists(),
            "{link} is missing"
        );
    }
    let csv = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    assert!(csv.lines().count() > 10, "every candidate in summary.csv");
}

#[test]
fn reruns_are_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    report(&a, &["--no-sim"]).success();
    report(&b, &["--no-sim"]).success();
    for file in [
        "summary.json",
        "summary.csv",
        "index.html",
        "1-time-cost.svg",
        "7-sensitivity.svg",
        "6-break-even.png",
    ] {
        assert_eq!(
            std::fs::read(a.join(file)).unwrap(),
            std::fs::read(b.join(file)).unwrap(),
            "{file}"
        );
    }
}

#[test]
fn a_report_replaces_its_directory_whole() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("stale.txt"), "old").unwrap();
    report(&out, &["--no-sim"]).success();
    assert!(!out.join("stale.txt").exists());
    assert!(out.join("index.html").exists());
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "{leftovers:?}");
}

#[test]
fn bad_input_exits_2_and_leaves_no_directory() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let err = report(&out, &["--no-sim", "--set", "faas.nope=1"])
        .code(2)
        .get_output()
        .stderr
        .clone();
    assert!(
        String::from_utf8_lossy(&err).contains("faas.nope"),
        "{}",
        String::from_utf8_lossy(&err)
    );
    assert!(!out.exists());

    let calibration = dir.path().join("bad.toml");
    std::fs::write(&calibration, "[channels\n").unwrap();
    let err = report(&out, &["--no-sim", "--calibration"])
        .get_output()
        .stderr
        .clone();
    assert!(!err.is_empty());
    let err = stratus()
        .args(["report", "scenarios/higgs-lr.toml", "--no-sim", "--out"])
        .arg(&out)
        .arg("--calibration")
        .arg(&calibration)
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    assert!(String::from_utf8_lossy(&err).contains("bad.toml"));
    assert!(!out.exists());

    // A file where a parent directory should be: nothing can be written there.
    let blocker = dir.path().join("file");
    std::fs::write(&blocker, "x").unwrap();
    let err = report(&blocker.join("r"), &["--no-sim"])
        .code(2)
        .get_output()
        .stderr
        .clone();
    assert!(
        String::from_utf8_lossy(&err).contains("file"),
        "{}",
        String::from_utf8_lossy(&err)
    );
    let entries = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(entries, 2, "only bad.toml and file remain");
}

#[test]
fn the_simulator_draws_loss_curves_with_bands_over_several_runs() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("a9a");
    stratus()
        .args(["report", "scenarios/a9a-lr.toml", "--runs", "3", "--out"])
        .arg(&out)
        .assert()
        .success();
    let summary = check_figures(&out);
    assert!(
        summary["figures"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["name"] == "3-convergence")
    );
    let svg = std::fs::read_to_string(out.join("3-convergence.svg")).unwrap();
    assert!(
        svg.contains("p5–p95") && svg.contains("<polygon"),
        "bands drawn"
    );
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(html.contains("Simulated with the real kernels"));
}

#[test]
fn the_other_algorithms_curve_flips_the_algorithm_the_best_faas_plan_trains_with() {
    // RCV1 listing GA-SGD first: the best FaaS plan trains with MA-SGD (one exchange an epoch),
    // so the curve beside it is GA-SGD's, not a second MA-SGD curve.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("rcv1");
    let sets = ["workload.algorithm=[ga-sgd,ma-sgd]", "workload.epochs=2"];
    let plan = stratus()
        .args(["plan", "scenarios/rcv1-lr.toml", "--format", "json"])
        .args(sets.iter().flat_map(|s| ["--set", s]))
        .assert()
        .success();
    let plan: Value = serde_json::from_slice(&plan.get_output().stdout).unwrap();
    assert_eq!(plan["faas"]["config"]["algorithm"], "ma-sgd");
    stratus()
        .args(["report", "scenarios/rcv1-lr.toml", "--out"])
        .arg(&out)
        .args(sets.iter().flat_map(|s| ["--set", s]))
        .assert()
        .success();
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(html.contains("FaaS, GA-SGD") && !html.contains("FaaS, MA-SGD"));
}

#[test]
fn a_one_sided_scenario_says_which_figures_it_cannot_draw() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("feng");
    stratus()
        .args([
            "report",
            "scenarios/feng2018-case-a.toml",
            "--no-sim",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let summary = check_figures(&out);
    let skipped: Vec<&str> = summary["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["figure"].as_str().unwrap())
        .collect();
    assert!(
        skipped.contains(&"6-break-even") && skipped.contains(&"7-sensitivity"),
        "{skipped:?}"
    );
    assert!(
        std::fs::read_to_string(out.join("index.html"))
            .unwrap()
            .contains("compares FaaS with IaaS")
    );
}

#[test]
fn a_measured_function_draws_its_memory_curve_over_the_measurements() {
    let Some(data) = common::shared_data_dir() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let calibration = dir.path().join("fn.toml");
    stratus()
        .args(["calibrate", "--from"])
        .arg(data.join("profiles/sebs/aws-311.report.log"))
        .arg("--output")
        .arg(&calibration)
        .assert()
        .success();
    let out = dir.path().join("r");
    report(
        &out,
        &["--no-sim", "--calibration", calibration.to_str().unwrap()],
    )
    .success();
    check_figures(&out);
    let svg = std::fs::read_to_string(out.join("4-function-memory.svg")).unwrap();
    assert!(svg.contains("measured") && svg.contains("fitted t(z)") && svg.contains("chosen"));
    let summary: Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["calibration"], calibration.to_str().unwrap());
}

/// Opens the page in headless Chromium when it is installed (`.ci/run` installs it): it must
/// render with no failed resource and no script error.
#[test]
fn the_page_opens_in_headless_chromium() {
    let Some(chromium) = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|b| {
            std::process::Command::new(b)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
    else {
        eprintln!("chromium not installed: skipping the browser check");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    report(&out, &["--no-sim"]).success();
    let shot = dir.path().join("shot.png");
    let run = std::process::Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!(
            "--user-data-dir={}",
            dir.path().join("profile").display()
        ))
        .arg(format!("--screenshot={}", shot.display()))
        .arg("--window-size=1200,2000")
        .arg(format!("file://{}", out.join("index.html").display()))
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{log}");
    assert!(
        std::fs::metadata(&shot).unwrap().len() > 10_000,
        "a screenshot with content"
    );
    for failure in ["Failed to load resource", "Uncaught", "net::ERR_"] {
        assert!(!log.contains(failure), "{failure}: {log}");
    }
}

#[test]
fn sweep_plans_every_combination() {
    let out = stratus()
        .args([
            "sweep",
            "--vary",
            "workload.epochs=1,100",
            "--vary",
            "faas.channel=s3,redis",
            "--format",
            "json",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let doc: Value = serde_json::from_slice(&out).unwrap();
    let points = doc["points"].as_array().unwrap();
    assert_eq!(points.len(), 4);
    assert_eq!(points[0]["settings"]["workload.epochs"], "1");
    assert_eq!(points[1]["settings"]["faas.channel"], "redis");
    let time = |i: usize| points[i]["faas"]["time_s"].as_f64().unwrap();
    assert!(time(2) > time(0), "100 epochs take longer than 1");
    let csv = stratus()
        .args(["sweep", "--vary", "workload.epochs=1,10", "--format", "csv"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let csv = String::from_utf8(csv).unwrap();
    assert!(csv.starts_with("workload.epochs,verdict,faas_config"));
    assert_eq!(csv.lines().count(), 3);
}

#[test]
fn sweep_names_a_bad_key_and_exits_2() {
    let err = stratus()
        .args(["sweep", "--vary", "workload.nope=1,2"])
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    assert!(String::from_utf8_lossy(&err).contains("workload.nope"));
    stratus()
        .args(["sweep", "--vary", "workload.epochs"])
        .assert()
        .code(2);
}

/// The committed reports under `reports/` are what `bash reports/generate.sh` writes today: each
/// is regenerated from `reports/reports.txt` and its summaries compared byte for byte; its
/// figures are checked for existence and validity.
#[test]
fn the_committed_reports_are_reproducible() {
    let manifest = std::fs::read_to_string("reports/reports.txt").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut checked = 0;
    for line in manifest
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
    {
        let mut words = line.split_whitespace();
        let name = words.next().unwrap();
        let out = dir.path().join(name);
        stratus()
            .arg("report")
            .args(words)
            .arg("--out")
            .arg(&out)
            .assert()
            .success();
        let committed = Path::new("reports").join(name);
        for file in ["summary.json", "summary.csv"] {
            let (now, then) = (
                std::fs::read(out.join(file)).unwrap(),
                std::fs::read(committed.join(file)).unwrap(),
            );
            assert!(
                now == then,
                "reports/{name}/{file} differs from a fresh run: run `bash reports/generate.sh`"
            );
        }
        check_figures(&committed);
        checked += 1;
    }
    assert!(checked >= 6, "{checked}");
}
