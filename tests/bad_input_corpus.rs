//! The bad-input corpus: `tests/bad_input/cases.csv` lists one case per documented kind of bad
//! input — scenario rules, data lines, calibration inputs, corpus rows, flags — with the
//! command that meets it and a piece of the message it must give. Every case must exit 2, name
//! the file, line, field or key in that message, never panic, and leave nothing behind in the
//! output directory (`{out}`); `{in}` is this corpus's directory. Adding a case is one line.

use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;

#[test]
fn every_bad_input_exits_2_with_its_location_and_leaves_no_output() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad_input");
    let mut cases = csv::Reader::from_path(corpus.join("cases.csv")).unwrap();
    let mut checked = 0;
    for case in cases.records() {
        let case = case.unwrap();
        let (name, args, needle) = (&case[0], &case[1], &case[2]);
        let out = tempfile::tempdir().unwrap();
        let args: Vec<String> = args
            .split_whitespace()
            .map(|a| {
                a.replace("{in}", &corpus.to_string_lossy())
                    .replace("{out}", &out.path().to_string_lossy())
            })
            .collect();
        let result = Command::cargo_bin("stratus")
            .unwrap()
            .args(&args)
            .timeout(Duration::from_secs(60))
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&result.stderr);
        assert_eq!(result.status.code(), Some(2), "{name}: {args:?}\n{err}");
        assert!(
            err.contains(needle),
            "{name}: expected `{needle}` in\n{err}"
        );
        assert!(!err.contains("panicked"), "{name}: {err}");
        let left: Vec<_> = std::fs::read_dir(out.path()).unwrap().collect();
        assert!(
            left.is_empty(),
            "{name}: left {left:?} in the output directory"
        );
        checked += 1;
    }
    assert!(checked >= 25, "the corpus shrank to {checked} cases");
}
