//! Every kind of bad dataset makes `stratus train` exit with code 2 and a message naming the
//! file, the line and the problem, never a panic.

use std::io::Write;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::File::create(&path)
        .unwrap()
        .write_all(bytes)
        .unwrap();
    path
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

/// Runs `stratus train` on `path` and checks exit code 2 and a message containing `expected`.
fn assert_rejected(path: &Path, extra: &[&str], expected: &[&str]) {
    let output = Command::cargo_bin("stratus")
        .unwrap()
        .args(["train", "--model", "lr", "--data"])
        .arg(path)
        .args(extra)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "stderr: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        output.stdout.is_empty(),
        "results printed despite the error"
    );
    for part in expected {
        assert!(stderr.contains(part), "{stderr:?} lacks {part:?}");
    }
}

#[test]
fn libsvm_rules_each_exit_two_naming_file_line_and_problem() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &[&str]); 8] = [
        ("1 1:1\n0 0:1\n", &[":2:", "feature index 0"]),
        ("1 x:1\n", &[":1:", "is not a positive integer"]),
        ("1 4:1 2:1\n", &[":1:", "comes after 4"]),
        ("1 2:1 2:1\n", &[":1:", "appears twice"]),
        (
            "1 1:1\n1 2:abc\n",
            &[":2:", "value \"abc\" is not a number"],
        ),
        ("1 1:1 2\n", &[":1:", "index:value"]),
        ("yes 1:1\n", &[":1:", "label \"yes\" is not a number"]),
        ("0 1:1\n-1 1:1\n", &[":2:", "label -1 mixed with class 0"]),
    ];
    for (i, (text, expected)) in cases.iter().enumerate() {
        let path = write(dir.path(), &format!("bad{i}.libsvm"), text.as_bytes());
        let mut parts = vec![path.file_name().unwrap().to_str().unwrap()];
        parts.extend_from_slice(expected);
        assert_rejected(&path, &[], &parts);
    }
}

#[test]
fn delimited_rules_each_exit_two_naming_file_line_and_problem() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &[&str]); 3] = [
        (
            "1,2,0\n1,2\n",
            &["ragged.csv:2:", "row has 2 fields, expected 3"],
        ),
        (
            "1,2,0\n1,x,1\n",
            &["ragged.csv:2:", "field 2: value \"x\" is not a number"],
        ),
        (
            "1,2,0\n1,2,cat\n",
            &["ragged.csv:2:", "label \"cat\" is not a number"],
        ),
    ];
    for (text, expected) in cases {
        let path = write(dir.path(), "ragged.csv", text.as_bytes());
        assert_rejected(&path, &[], expected);
    }
}

#[test]
fn truncated_gzip_exits_two_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let whole = gzip("1,2,0\n".repeat(5000).as_bytes());
    let path = write(dir.path(), "cut.csv.gz", &whole[..whole.len() / 2]);
    assert_rejected(&path, &[], &["cut.csv.gz", "gzip stream ends early"]);
}

#[test]
fn truncated_idx_images_exit_two_naming_the_record() {
    let dir = tempfile::tempdir().unwrap();
    let mut images: Vec<u8> = [0x0803u32, 3, 2, 2]
        .iter()
        .flat_map(|w| w.to_be_bytes())
        .collect();
    images.extend_from_slice(&[0; 9]);
    let path = write(dir.path(), "tiny-images-idx3-ubyte", &images);
    write(
        dir.path(),
        "tiny-labels-idx1-ubyte",
        &[0, 0, 8, 1, 0, 0, 0, 3, 0, 1, 0],
    );
    assert_rejected(
        &path,
        &[],
        &["tiny-images-idx3-ubyte", "record 2", "ends inside an image"],
    );
}

#[test]
fn a_missing_file_exits_two() {
    assert_rejected(
        Path::new("/no/such/dir/train.libsvm"),
        &[],
        &["/no/such/dir/train.libsvm"],
    );
}

#[test]
fn a_test_set_of_another_width_exits_two_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let train = write(dir.path(), "train.csv", b"1,2,0\n3,4,1\n");
    let test = write(dir.path(), "test.csv", b"1,2,3,0\n");
    assert_rejected(
        &train,
        &["--test", test.to_str().unwrap()],
        &["test.csv", "3 features, but the training set has 2"],
    );
}

#[test]
fn multiclass_data_for_a_binary_model_exits_two() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "three.csv", b"1,2,0\n3,4,2\n");
    assert_rejected(&path, &[], &["three.csv", "3 classes"]);
}
