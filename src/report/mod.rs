//! # Reports
//!
//! Turning results into output: every command hands its typed [`Output`] to [`print()`], which
//! renders it through the [`Exporter`] of the chosen [`Format`] — text for people (`text.rs`),
//! JSON with the SPEC's stable keys (`json.rs`) or CSV rows (`csv_rows.rs`). Exporters write
//! to any `io::Write`; files are written whole to a temporary name and renamed into place, so a
//! failure never leaves half a file.

pub mod bundle;
pub mod chart;
pub mod csv_rows;
pub mod exporter;
pub mod figures;
pub mod format;
pub mod html;
pub mod json;
pub mod measurements;
pub mod output;
pub mod profiles;
pub mod reproduce;
pub mod site;
pub mod sweep;
pub mod text;
pub mod workload;

pub use exporter::{Exporter, print};
pub use format::Format;
pub use output::Output;

use std::io::Write;
use std::path::Path;

/// Writes a file atomically: to `PATH.tmp`, then renamed over `PATH`; an error names `PATH`.
pub fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let mut tmp_name = path.as_os_str().to_owned();
    tmp_name.push(".tmp");
    let tmp = std::path::PathBuf::from(tmp_name);
    let result = (|| {
        let mut file = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
        write(&mut file)?;
        file.flush()?;
        file.into_inner().map_err(|e| e.into_error())?.sync_all()
    })();
    let result = result.and_then(|()| std::fs::rename(&tmp, path));
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        std::io::Error::new(e.kind(), format!("{}: cannot write: {e}", path.display()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_leaves_the_old_file_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        std::fs::write(&path, "old").unwrap();
        let err = write_atomically(&path, |w| {
            w.write_all(b"partial")?;
            Err(std::io::Error::other("boom"))
        });
        assert!(err.is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
        assert!(!dir.path().join("out.csv.tmp").exists());
    }

    #[test]
    fn a_good_write_replaces_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        write_atomically(&path, |w| w.write_all(b"new")).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
    }
}
