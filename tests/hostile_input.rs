//! Hostile sizes and absurd values on the command line: each is refused at once with exit 2 and
//! a message naming the key, line or limit — never a panic, an abort for memory, or an answer
//! that runs for hours.

use std::time::Duration;

use assert_cmd::Command;

fn stratus() -> Command {
    let mut cmd = Command::cargo_bin("stratus").unwrap();
    // Each case must answer promptly; a hang is a failure, not a slow test.
    cmd.timeout(Duration::from_secs(60));
    cmd
}

fn refused(args: &[&str], needle: &str) {
    let out = stratus().args(args).assert().code(2).get_output().clone();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(needle), "{args:?}: {err}");
    assert!(!err.contains("panicked"), "{args:?}: {err}");
}

#[test]
fn worker_counts_past_the_limit_are_refused() {
    refused(
        &["plan", "--set", "faas.workers=1000000000"],
        "faas.workers",
    );
    refused(&["plan", "--set", "faas.workers=4e9"], "at most 1000000");
    refused(&["plan", "--set", "iaas.workers=1e12"], "iaas.workers");
}

#[test]
fn a_million_tree_workers_plan_in_bounded_time() {
    stratus()
        .args([
            "plan",
            "--set",
            "faas.workers=1000000",
            "--set",
            "faas.concurrency_limit=2000000",
        ])
        .args(["--set", "faas.pattern=tree", "--format", "json"])
        .assert()
        .success();
}

#[test]
fn absurd_training_lengths_are_refused() {
    refused(
        &["plan", "--set", "workload.epochs=1e308"],
        "workload.epochs",
    );
    refused(
        &[
            "estimate",
            "scenarios/feng2018-case-a.toml",
            "--set",
            "workload.iterations=1e15",
        ],
        "workload.iterations",
    );
}

#[test]
fn the_simulator_refuses_more_functions_than_its_keys_hold() {
    let out = stratus()
        .args([
            "simulate",
            "scenarios/a9a-lr.toml",
            "--set",
            "faas.workers=70000",
            "--set",
            "faas.concurrency_limit=100000",
        ])
        .assert()
        .failure()
        .get_output()
        .clone();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("65535"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn data_files_that_claim_too_much_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let wide = dir.path().join("wide.libsvm");
    std::fs::write(&wide, "1 1000000000:1\n").unwrap();
    refused(
        &["train", "--data", wide.to_str().unwrap(), "--model", "lr"],
        "wide.libsvm:1:",
    );

    let images = dir.path().join("huge-images-idx3-ubyte");
    let mut header = 0x0803u32.to_be_bytes().to_vec();
    for v in [1u32 << 31, 28, 28] {
        header.extend(v.to_be_bytes());
    }
    std::fs::write(&images, header).unwrap();
    let mut labels = 0x0801u32.to_be_bytes().to_vec();
    labels.extend((1u32 << 31).to_be_bytes());
    std::fs::write(dir.path().join("huge-labels-idx1-ubyte"), labels).unwrap();
    refused(
        &["train", "--data", images.to_str().unwrap(), "--model", "lr"],
        "huge-images",
    );
}

#[test]
fn a_file_without_lines_is_refused_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let zeros = dir.path().join("zeros.csv");
    std::fs::write(&zeros, vec![b'0'; (64 << 20) + 100]).unwrap();
    refused(
        &["train", "--data", zeros.to_str().unwrap(), "--model", "lr"],
        "longer than",
    );
}

#[test]
fn the_same_bad_input_exits_2_from_every_command() {
    // A runtime no profile knows: refused by the model wherever it is built.
    for args in [
        vec!["plan", "scenarios/higgs-lr.toml"],
        vec!["optimize", "workers", "scenarios/higgs-lr.toml"],
        vec!["optimize", "tuning", "scenarios/higgs-lr.toml"],
        vec!["optimize", "memory", "scenarios/higgs-lr.toml"],
        vec!["simulate", "scenarios/a9a-lr.toml"],
    ] {
        let mut args = args.clone();
        args.extend(["--set", "workload.runtime=nope"]);
        refused(&args, "nope");
    }
    refused(
        &[
            "optimize",
            "schedule",
            "scenarios/siren-toy-lr.toml",
            "--set",
            "workload.loss_curve=[0.7]",
        ],
        "loss_curve",
    );
    refused(
        &[
            "optimize",
            "tuning",
            "scenarios/higgs-lr.toml",
            "--functions",
            "20000",
        ],
        "at most 10000",
    );
}

#[test]
fn a_split_that_leaves_a_side_empty_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let one = dir.path().join("one.libsvm");
    std::fs::write(&one, "1 1:0.5\n").unwrap();
    for model in ["kmeans", "lr"] {
        refused(
            &[
                "train",
                "--data",
                one.to_str().unwrap(),
                "--model",
                model,
                "--test-fraction",
                "0.5",
            ],
            "empty",
        );
    }
}

#[test]
fn an_output_never_overwrites_an_input_or_leaves_a_partial_file() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("in.log");
    let line = "REPORT RequestId: 1\tDuration: 10.0 ms\tBilled Duration: 10 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\t\n";
    std::fs::write(&log, line.repeat(3)).unwrap();
    refused(
        &[
            "calibrate",
            "--from",
            log.to_str().unwrap(),
            "-o",
            log.to_str().unwrap(),
        ],
        "that is the input",
    );
    assert_eq!(std::fs::read_to_string(&log).unwrap(), line.repeat(3));

    let data = dir.path().join("d.libsvm");
    std::fs::write(&data, "1 1:0.5\n-1 1:-0.5\n1 1:0.7\n-1 1:-0.2\n").unwrap();
    let same = dir.path().join(".").join("d.libsvm");
    refused(
        &[
            "train",
            "--data",
            data.to_str().unwrap(),
            "--model",
            "lr",
            "--curve",
            same.to_str().unwrap(),
        ],
        "that is the input",
    );
    refused(
        &[
            "train",
            "--data",
            data.to_str().unwrap(),
            "--model",
            "lr",
            "--curve",
            dir.path().to_str().unwrap(),
        ],
        "is a directory",
    );
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.contains("partial")), "{names:?}");
}

#[test]
fn control_characters_from_inputs_are_escaped_in_tables() {
    let out = stratus()
        .args(["plan", "--set", "name=\"evil\\u001b[2Jname\""])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(
        !text.contains('\u{1b}'),
        "a raw escape reached the terminal"
    );
    assert!(text.contains("evil\\x1b[2Jname"), "{text}");
}

#[test]
fn search_and_fit_sizes_past_their_limits_are_refused() {
    refused(
        &[
            "optimize",
            "workers",
            "scenarios/higgs-lr.toml",
            "--max-workers",
            "4000000000",
        ],
        "--max-workers",
    );
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("in.log");
    let line = "REPORT RequestId: 1\tDuration: 10.0 ms\tBilled Duration: 10 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\t\n";
    std::fs::write(&log, line.repeat(3)).unwrap();
    let out = dir.path().join("fit.toml");
    refused(
        &[
            "calibrate",
            "--from",
            log.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--bootstrap",
            "1000000000",
        ],
        "--bootstrap",
    );
    let data = dir.path().join("d.libsvm");
    std::fs::write(&data, "1 1:0.5 1000:1\n-1 1:-0.5\n").unwrap();
    refused(
        &[
            "train",
            "--data",
            data.to_str().unwrap(),
            "--model",
            "mlp",
            "--hidden",
            "10000000",
        ],
        "--hidden",
    );
    refused(
        &[
            "train",
            "--data",
            data.to_str().unwrap(),
            "--model",
            "lr",
            "--algorithm",
            "admm",
            "--rho",
            "nan",
        ],
        "--rho",
    );
}

#[test]
fn flag_mistakes_name_the_flag() {
    refused(
        &["plan", "--set", "faas.workers", "10"],
        "expected KEY=VALUE",
    );
    refused(
        &[
            "cost",
            "faas",
            "--profile",
            "aws-lambda-x86",
            "--workers",
            "10",
            "--memory-mb",
            "1024",
            "--duration-s",
            "-60",
        ],
        "--duration-s",
    );
    refused(&["plan", "--deadline-s", "-5"], "--deadline-s");
}

#[test]
fn a_plan_that_meets_no_limit_is_still_a_json_result() {
    let out = stratus()
        .args(["plan", "--budget-usd", "0.000001", "--format", "json"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["feasible"], false);
    assert!(doc["verdict"].is_null());
    assert!(doc["reason"].as_str().unwrap().contains("costs at most"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("costs at most"));
}

#[test]
fn training_flags_past_the_data_are_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("four.libsvm");
    std::fs::write(&data, "1 1:0.5\n-1 1:-0.5\n1 1:0.7\n-1 1:-0.2\n").unwrap();
    let path = data.to_str().unwrap();
    refused(
        &[
            "train",
            "--data",
            path,
            "--model",
            "lr",
            "--workers",
            "100000000",
        ],
        "more workers than the 4 training rows",
    );
    refused(
        &[
            "train",
            "--data",
            path,
            "--model",
            "kmeans",
            "--k",
            "100000000",
        ],
        "--k",
    );
}

#[test]
fn a_probe_object_past_the_cap_is_refused_before_any_allocation() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path().to_str().unwrap();
    refused(
        &[
            "profile",
            "channel",
            "--dir",
            dir,
            "--max-object-mib",
            "99999999999999",
        ],
        "--max-object-mib 99999999999999: at most 1024",
    );
}

#[test]
fn a_simulation_with_nothing_runnable_says_why() {
    let out = stratus()
        .args([
            "simulate",
            "higgs-lr",
            "--set",
            "faas.memory_mb=128",
            "--set",
            "faas.workers=10",
        ])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("over the 900 s limit"), "{err}");
    let out = stratus()
        .args(["simulate", "feng2018-case-a", "--platform", "iaas"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no [iaas] section"), "{err}");
}

#[test]
fn a_bad_override_is_blamed_on_the_command_line_with_the_word_meant() {
    refused(
        &["plan", "--set", "faas.workers=abc"],
        "--set: faas.workers: expected an integer",
    );
    refused(
        &["plan", "--set", "faas.channel=memcache"],
        "did you mean `memcached`?",
    );
    refused(
        &["plan", "--set", "faas.chanel=s3"],
        "did you mean `channel`?",
    );
    refused(
        &["plan", "higgs-l"],
        "nor a shipped scenario (shipped: a9a-lr",
    );
    refused(&["plan", "higgs-l"], "did you mean `higgs-lr`?");
}

#[test]
fn an_interrupted_simulation_keeps_what_it_simulated() {
    let dir = tempfile::tempdir().unwrap();
    let trace = dir.path().join("trace.csv");
    // About 10^6 rounds: far longer than the two seconds this test waits.
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("stratus"))
        .args([
            "simulate",
            "higgs-lr",
            "--set",
            "faas.workers=10",
            "--set",
            "faas.memory_mb=1769",
            "--set",
            "faas.channel=memcached",
            "--set",
            "faas.pattern=allreduce",
            "--set",
            "workload.algorithm=ga-sgd",
            "--set",
            "workload.epochs=10000",
            "--format",
            "json",
            "--trace",
        ])
        .arg(&trace)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_secs(2));
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{err}");
    assert!(
        err.contains("interrupted: the first run stopped after"),
        "{err}"
    );
    let result: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rounds = result["rounds"].as_u64().unwrap();
    assert!(rounds > 0 && rounds < 1_100_000, "{rounds}");
    let rows = std::fs::read_to_string(&trace).unwrap().lines().count() as u64;
    assert_eq!(rows, rounds + 1, "a header and a row per simulated round");
}

#[test]
fn nan_infinite_negative_and_zero_are_refused_in_every_numeric_key() {
    // simulation.straggler_cv and seed take 0; every other numeric key must be positive.
    let keys = [
        "workload.batch_size",
        "workload.epochs",
        "workload.iterations",
        "workload.learning_rate",
        "workload.target_loss",
        "workload.max_epochs",
        "workload.local_epochs",
        "workload.k",
        "workload.hidden",
        "faas.workers",
        "faas.memory_mb",
        "faas.concurrency_limit",
        "faas.poll_interval_s",
        "iaas.workers",
        "objective.budget_usd",
        "objective.deadline_s",
        "simulation.max_rows",
    ];
    for key in keys {
        for value in ["nan", "inf", "-inf", "-1", "0"] {
            let set = format!("{key}={value}");
            let args = if key == "workload.iterations" {
                // A scenario counted in iterations (epochs and iterations are exclusive).
                vec!["plan", "feng2018-case-a", "--set", &set]
            } else {
                vec!["plan", "--set", &set]
            };
            refused(&args, key);
        }
    }
}

#[test]
fn every_pattern_name_the_output_prints_is_accepted_back() {
    let plan = stratus()
        .args([
            "plan",
            "--set",
            "faas.sync=[\"bsp\",\"asp\"]",
            "--format",
            "csv",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let mut rows = csv::Reader::from_reader(plan.as_slice());
    let mut seen = std::collections::BTreeSet::new();
    for row in rows.records().map(Result::unwrap) {
        if &row[0] != "faas"
            || !seen.insert((row[3].to_string(), row[4].to_string(), row[6].to_string()))
        {
            continue;
        }
        let sets = [
            format!("faas.workers={}", &row[1]),
            format!("faas.memory_mb={}", &row[2]),
            format!("faas.channel={}", &row[3]),
            format!("faas.pattern={}", &row[4]),
            format!("faas.sync={}", &row[6]),
        ];
        let mut args = vec!["estimate".to_string(), "higgs-lr".to_string()];
        for set in &sets {
            args.push("--set".into());
            args.push(set.clone());
        }
        if !row[5].is_empty() {
            args.push("--set".into());
            args.push(format!("faas.structure={}", &row[5]));
        }
        stratus().args(&args).assert().success();
    }
    let patterns: std::collections::BTreeSet<_> = seen.iter().map(|(_, p, _)| p.clone()).collect();
    for name in ["allreduce", "parameter-server", "shared-model"] {
        assert!(patterns.contains(name), "{name} not among {patterns:?}");
    }
}

#[test]
fn a_ten_million_point_grid_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("grid.toml");
    let workers: Vec<String> = (1..=2000).map(|w| w.to_string()).collect();
    let memory: Vec<String> = (128..=1127).map(|m| m.to_string()).collect();
    std::fs::write(
        &file,
        format!(
            "name = \"grid\"\n[workload]\ndataset = \"higgs\"\nmodel = \"lr\"\nepochs = 1\n[faas]\nworkers = [{}]\nmemory_mb = [{}]\nchannel = [\"s3\", \"memcached\", \"redis\", \"dynamodb\", \"vm-ps\"]\n",
            workers.join(", "),
            memory.join(", ")
        ),
    )
    .unwrap();
    refused(
        &["plan", file.to_str().unwrap()],
        "30000000 configurations (2000 worker counts × 1000 memory sizes × 5 channels × 3 patterns × 1 protocols)",
    );
    let instances = "[\"t2.medium\", \"c5.large\", \"c5.2xlarge\", \"c5.4xlarge\"]";
    let many: Vec<String> = (1..=300_000).map(|w| w.to_string()).collect();
    std::fs::write(
        &file,
        format!(
            "name = \"grid\"\n[workload]\ndataset = \"higgs\"\nmodel = \"lr\"\nepochs = 1\n[iaas]\ninstances = {instances}\nworkers = [{}]\n",
            many.join(", ")
        ),
    )
    .unwrap();
    refused(
        &["plan", file.to_str().unwrap()],
        "iaas: 1200000 configurations",
    );
}

#[test]
fn a_sweep_of_millions_of_points_is_refused_at_once() {
    let values: Vec<String> = (1..=3000).map(|v| v.to_string()).collect();
    let epochs = format!("workload.epochs={}", values.join(","));
    let workers = format!("faas.workers={}", values.join(","));
    refused(
        &["sweep", "--vary", &epochs, "--vary", &workers],
        "--vary: 9000000 combinations",
    );
}

#[test]
fn an_iaas_simulation_past_the_round_limit_is_refused() {
    let out = stratus()
        .args([
            "simulate",
            "higgs-lr",
            "--platform",
            "iaas",
            "--set",
            "workload.algorithm=ga-sgd",
            "--set",
            "workload.batch_size=1000",
            "--set",
            "workload.epochs=100000",
            "--set",
            "iaas.instances=c5.large",
            "--set",
            "iaas.workers=1",
        ])
        .assert()
        .failure()
        .get_output()
        .clone();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("the simulator runs at most 16777215 rounds"),
        "{err}"
    );
}
