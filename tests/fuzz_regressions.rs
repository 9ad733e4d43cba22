//! The fuzz targets' inputs on stable Rust: every seed under `fuzz/corpus/TARGET/` and every
//! crash kept under `fuzz/regressions/TARGET/` goes through the call its target makes
//! (`fuzz/fuzz_targets/TARGET.rs`); none may panic. Errors are fine — they are answers.

use std::path::Path;

use stratus::calibrate::input::{InputKind, Inputs, detect};
use stratus::data::delimited::LabelColumn;
use stratus::profile::Profiles;
use stratus::scenario::{DEFAULT_SCENARIO, Scenario};

/// Calls target `target` on `data` as its fuzz target does.
fn feed(target: &str, data: &[u8]) {
    let text = std::str::from_utf8(data).ok();
    let base = Path::new(".");
    match target {
        "scenario" => {
            let profiles = Profiles::builtin().unwrap();
            if let Some(Ok(s)) =
                text.map(|t| Scenario::from_text(t, "fuzz.toml", base, &[], &profiles))
            {
                let _ = stratus::optimize::plan::plan(&s, &profiles, &s.objective);
            }
        }
        "calibration" => {
            let patch = text.and_then(|t| t.parse::<toml::Table>().ok());
            if let Some(Ok(profiles)) = patch.map(|p| Profiles::calibrated(&p)) {
                let s = Scenario::from_text(DEFAULT_SCENARIO, "default", base, &[], &profiles);
                if let Ok(s) = s {
                    let _ = stratus::optimize::plan::plan(&s, &profiles, &s.objective);
                }
            }
        }
        "libsvm" => {
            let _ = stratus::data::libsvm::read(data);
        }
        "delimited" => {
            if let Some((&pick, rows)) = data.split_first() {
                let label = match pick % 4 {
                    0 => LabelColumn::First,
                    1 => LabelColumn::Last,
                    n => LabelColumn::Index(usize::from(n)),
                };
                let _ = stratus::data::delimited::read(rows, label);
            }
        }
        "idx" => {
            if let Ok((images, _)) = stratus::data::idx::read_images(data) {
                let _ = stratus::data::idx::read_labels(data, images as u64);
            }
            let _ = stratus::data::idx::read_labels(data, 1);
        }
        "report_log" | "power_tuning" | "sebs" | "runs" => {
            let kind = match target {
                "report_log" => InputKind::ReportLog,
                "power_tuning" => InputKind::PowerTuning,
                "sebs" => InputKind::Sebs,
                _ => InputKind::Runs,
            };
            let _ = detect(data);
            let _ = Inputs::default().add_reader(kind, data, "fuzz");
        }
        "corpus" => {
            let _ = stratus::reproduce::corpus::read(data, "fuzz.csv");
        }
        other => panic!("no fuzz target `{other}`: add it here and in fuzz/Cargo.toml"),
    }
}

#[test]
fn every_seed_and_kept_crash_goes_through_its_target_without_a_panic() {
    let mut fed = 0;
    for folder in ["fuzz/corpus", "fuzz/regressions"] {
        let Ok(targets) = std::fs::read_dir(folder) else {
            continue;
        };
        for target in targets.map(Result::unwrap).filter(|e| e.path().is_dir()) {
            let name = target.file_name().to_string_lossy().into_owned();
            for input in std::fs::read_dir(target.path()).unwrap() {
                let path = input.unwrap().path();
                feed(&name, &std::fs::read(&path).unwrap());
                fed += 1;
            }
        }
    }
    assert!(fed >= 10, "only {fed} inputs: the seed corpora are missing");
}
