//! `stratus train` with default flags (plus the flags that describe the data) reaches the
//! accuracy of scikit-learn's reference fits on the catalogue datasets.

mod common;

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

/// Runs `stratus train --format json` with `args` and returns its JSON results.
fn train(args: &[&str], files: &[&Path]) -> Value {
    let mut command = Command::cargo_bin("stratus").unwrap();
    command.args(["train", "--format", "json"]).args(args);
    for (flag, file) in ["--data", "--test"].iter().zip(files) {
        command.arg(flag).arg(file);
    }
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

fn figure(results: &Value, key: &str) -> f64 {
    results[key]
        .as_f64()
        .unwrap_or_else(|| panic!("no {key} in {results}"))
}

#[test]
fn logistic_regression_on_a9a_reaches_84_percent() {
    let (Some(train_file), Some(test_file)) =
        (common::dataset("a9a/a9a"), common::dataset("a9a/a9a.t"))
    else {
        return;
    };
    let results = train(&["--model", "lr"], &[&train_file, &test_file]);
    assert!(figure(&results, "test_accuracy") >= 0.84, "{results}");
    for key in ["epochs", "train_loss", "test_loss", "seconds"] {
        assert!(results.get(key).is_some(), "{key} missing: {results}");
    }
}

#[test]
fn linear_svm_on_agaricus_reaches_99_percent() {
    let (Some(train_file), Some(test_file)) = (
        common::dataset("agaricus/agaricus.txt.train"),
        common::dataset("agaricus/agaricus.txt.test"),
    ) else {
        return;
    };
    let results = train(&["--model", "svm"], &[&train_file, &test_file]);
    assert!(figure(&results, "test_accuracy") >= 0.99, "{results}");
}

#[test]
fn logistic_regression_on_rcv1_small_reaches_85_percent() {
    let (Some(train_file), Some(test_file)) = (
        common::dataset("rcv1-small/rcv1_small.libsvm"),
        common::dataset("rcv1-small/rcv1_small_test.libsvm"),
    ) else {
        return;
    };
    let results = train(&["--model", "lr"], &[&train_file, &test_file]);
    assert!(figure(&results, "test_accuracy") >= 0.85, "{results}");
    // Without --epochs the run stops when the training loss has converged, before the cap.
    let epochs = figure(&results, "epochs");
    assert!((6.0..1000.0).contains(&epochs), "{results}");
    let looser = train(
        &["--model", "lr", "--tol", "0.01"],
        &[&train_file, &test_file],
    );
    assert!(figure(&looser, "epochs") < epochs, "{looser}");
}

#[test]
fn a_tolerance_and_a_fixed_epoch_count_conflict() {
    let output = Command::cargo_bin("stratus")
        .unwrap()
        .args([
            "train", "--model", "lr", "--data", "x.libsvm", "--epochs", "3", "--tol", "0.01",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--tol"));
}

#[test]
fn standardised_logistic_regression_on_higgs_reaches_63_percent() {
    let (Some(train_file), Some(test_file)) = (
        common::dataset("higgs-7k/binary.train"),
        common::dataset("higgs-7k/binary.test"),
    ) else {
        return;
    };
    let results = train(
        &["--model", "lr", "--standardize", "--label-col", "first"],
        &[&train_file, &test_file],
    );
    assert!(figure(&results, "test_accuracy") >= 0.63, "{results}");
}

#[test]
fn mlp_on_digits_with_a_seeded_80_20_split_reaches_95_percent() {
    let Some(file) = common::dataset("sklearn/digits.csv.gz") else {
        return;
    };
    let results = train(&["--model", "mlp", "--test-fraction", "0.2"], &[&file]);
    assert!(figure(&results, "test_accuracy") >= 0.95, "{results}");
}

#[test]
fn mlp_on_mnist_t10k_with_8000_training_images_reaches_92_percent() {
    let Some(file) = common::dataset("mnist-t10k/t10k-images-idx3-ubyte.gz") else {
        return;
    };
    let results = train(&["--model", "mlp", "--test-fraction", "0.2"], &[&file]);
    assert_eq!(figure(&results, "rows"), 8_000.0);
    assert!(figure(&results, "test_accuracy") >= 0.92, "{results}");
}

#[test]
fn kmeans_on_digits_reaches_an_inertia_of_at_most_1_19e6() {
    let Some(file) = common::dataset("sklearn/digits.csv.gz") else {
        return;
    };
    let results = train(&["--model", "kmeans", "--k", "10"], &[&file]);
    assert!(figure(&results, "inertia") <= 1.19e6, "{results}");
}

#[test]
fn the_same_seed_prints_the_same_losses() {
    let (Some(train_file), Some(test_file)) =
        (common::dataset("a9a/a9a"), common::dataset("a9a/a9a.t"))
    else {
        return;
    };
    let flags = [
        "--model",
        "lr",
        "--workers",
        "3",
        "--epochs",
        "2",
        "--seed",
        "9",
    ];
    let (a, b) = (
        train(&flags, &[&train_file, &test_file]),
        train(&flags, &[&train_file, &test_file]),
    );
    assert_eq!(a["train_loss"], b["train_loss"]);
    assert_eq!(a["test_loss"], b["test_loss"]);
}

#[test]
fn curve_file_gets_one_row_per_epoch_and_stdout_only_results() {
    let Some(file) = common::dataset("higgs-7k/binary.train") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let curve = dir.path().join("curve.csv");
    let output = Command::cargo_bin("stratus")
        .unwrap()
        .args([
            "train",
            "--model",
            "lr",
            "--label-col",
            "first",
            "--epochs",
            "3",
            "--test-fraction",
            "0.1",
            "--format",
            "json",
            "--data",
        ])
        .arg(&file)
        .arg("--curve")
        .arg(&curve)
        .output()
        .unwrap();
    assert!(output.status.success());
    let text = std::fs::read_to_string(&curve).unwrap();
    assert_eq!(
        text.lines().next(),
        Some("epoch,train_loss,test_loss,test_accuracy")
    );
    assert_eq!(text.lines().count(), 4);
    serde_json::from_slice::<Value>(&output.stdout).unwrap();
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
