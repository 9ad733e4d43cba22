//! # Shared test data
//!
//! Finds the project's shared data directory for integration tests: `$STRATUS_DATA`, else
//! `../shared/data` beside the crate. Where it is absent a test says it is skipped and returns,
//! except under `CI=true`, where the absence fails the test. Use it as
//! `let Some(path) = common::dataset("a9a/a9a") else { return };`.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The shared data directory, or `None` (after saying so) when it is absent outside CI.
/// Panics when it is absent and `CI=true`.
pub fn shared_data_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("STRATUS_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data"));
    if dir.is_dir() {
        return Some(dir);
    }
    let in_ci = std::env::var("CI").is_ok_and(|v| v == "true");
    assert!(
        !in_ci,
        "shared data not found at {} (CI=true requires it; set STRATUS_DATA)",
        dir.display()
    );
    eprintln!(
        "skipped: shared data not found at {} (set STRATUS_DATA to run this test)",
        dir.display()
    );
    None
}

/// A file under `datasets/` of the shared data directory.
pub fn dataset(relative: &str) -> Option<PathBuf> {
    let path = shared_data_dir()?.join("datasets").join(relative);
    assert!(
        path.exists(),
        "{} is missing from the shared data",
        path.display()
    );
    Some(path)
}
