//! # Data paths
//!
//! Resolves a scenario's data paths: relative to the scenario file, with `$STRATUS_DATA`
//! standing for the shared data directory (default `../shared/data` beside the repository).

use std::path::{Path, PathBuf};

/// The shared data directory: `$STRATUS_DATA`, else `../shared/data` beside the crate.
pub fn shared_data_dir() -> PathBuf {
    match std::env::var_os("STRATUS_DATA") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data"),
    }
}

/// Resolves `text` against the scenario's directory, expanding a leading `$STRATUS_DATA`.
pub fn resolve(base_dir: &Path, text: &str) -> PathBuf {
    if let Some(rest) = text.strip_prefix("$STRATUS_DATA") {
        return shared_data_dir().join(rest.trim_start_matches(['/', '\\']));
    }
    let path = Path::new(text);
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        base_dir.join(path)
    }
}

/// Reads a data file and describes its shape (rows, features, density, classes, bytes on disk).
pub fn scan_shape(
    path: &Path,
    options: &crate::data::LoadOptions,
) -> Result<super::Dataset, String> {
    use crate::data::Format;
    let data = crate::data::load(path, options).map_err(|e| e.to_string())?;
    let format = match options.format {
        Some(format) => format,
        None => crate::data::source::detect_format(path).map_err(|e| e.to_string())?,
    };
    let stored_format = match format {
        Format::Libsvm => crate::profile::StoredFormat::Libsvm,
        Format::Delimited => crate::profile::StoredFormat::Csv,
        Format::Idx => crate::profile::StoredFormat::Binary,
    };
    let stored_bytes = std::fs::metadata(path)
        .map(|m| m.len() as f64)
        .unwrap_or(0.0);
    let cells = (data.rows() * data.features()).max(1) as f64;
    Ok(super::Dataset {
        name: String::new(),
        rows: data.rows() as u64,
        features: data.features() as u64,
        density: (data.nnz() as f64 / cells).clamp(f64::MIN_POSITIVE, 1.0),
        classes: data.classes() as u32,
        stored_bytes,
        stored_format,
        source: super::DataSource::Shape,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_relative_paths_against_the_scenario_directory() {
        assert_eq!(
            resolve(Path::new("/s"), "d/x.svm"),
            PathBuf::from("/s/d/x.svm")
        );
        assert_eq!(resolve(Path::new("/s"), "/abs/x"), PathBuf::from("/abs/x"));
    }

    #[test]
    fn expands_the_shared_data_directory() {
        let path = resolve(Path::new("/s"), "$STRATUS_DATA/datasets/a9a/a9a");
        assert!(path.ends_with("datasets/a9a/a9a"));
    }
}
