//! Same inputs and seed, byte-identical outputs: every shipped scenario through `plan`,
//! `simulate` (fixed seed, several runs spread over threads) and `report`, and the corpus
//! through `reproduce`, run twice with two threads and once with one, must print the same bytes.

use assert_cmd::Command;

const SCENARIOS: [&str; 7] = [
    "a9a-lr",
    "cifar10-mobilenet",
    "cifar10-resnet50",
    "feng2018-case-a",
    "higgs-lr",
    "rcv1-lr",
    "siren-toy-lr",
];

fn output(threads: &str, args: &[&str]) -> Vec<u8> {
    Command::cargo_bin("stratus")
        .unwrap()
        .env("RAYON_NUM_THREADS", threads)
        .args(args)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone()
}

/// Two runs on two threads and one on one thread print the same bytes.
fn same_on_one_and_two_threads(args: &[&str]) {
    let two = output("2", args);
    assert!(
        two == output("2", args),
        "{args:?} differs between two runs"
    );
    assert!(
        two == output("1", args),
        "{args:?} differs between 1 and 2 threads"
    );
}

#[test]
fn plans_do_not_depend_on_threads() {
    for name in SCENARIOS {
        same_on_one_and_two_threads(&["plan", name, "--format", "json"]);
    }
    same_on_one_and_two_threads(&["reproduce", "--format", "json"]);
}

#[test]
fn simulations_do_not_depend_on_threads() {
    for name in SCENARIOS {
        same_on_one_and_two_threads(&["simulate", name, "--runs", "3", "--format", "json"]);
    }
}

#[test]
fn reports_do_not_depend_on_threads() {
    let dir = tempfile::tempdir().unwrap();
    let run = |threads: &str| {
        let out = dir.path().join(threads);
        Command::cargo_bin("stratus")
            .unwrap()
            .env("RAYON_NUM_THREADS", threads)
            .args(["report", "a9a-lr", "--runs", "2", "--out"])
            .arg(&out)
            .assert()
            .success();
        [
            "summary.json",
            "summary.csv",
            "index.html",
            "3-convergence.svg",
        ]
        .map(|f| std::fs::read(out.join(f)).unwrap())
    };
    assert!(
        run("1") == run("2"),
        "a report differs between 1 and 2 threads"
    );
}
