//! # Calibration inputs
//!
//! Recognises each `--from` file by its content, not its name — CloudWatch REPORT lines or
//! Telemetry API records, Lambda Power Tuning output, SeBS CSVs, measured-runs CSVs — from its
//! first 64 KiB, then streams it through the matching reader. Function measurements from every
//! file are folded into one `FunctionData` (they describe one function); measured runs are
//! kept per file.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek};
use std::path::Path;

use serde::Serialize;

use super::observations::FunctionData;
use super::runs::{self, RunsTable};
use super::{CalibrateError, power_tuning, report_log, sebs};

/// How much of a file is looked at to tell its kind.
const HEAD_BYTES: usize = 64 * 1024;

/// The kinds of calibration input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum InputKind {
    /// CloudWatch REPORT lines or Telemetry API `platform.report` records.
    ReportLog,
    PowerTuning,
    Sebs,
    Runs,
}

impl InputKind {
    pub fn label(self) -> &'static str {
        match self {
            InputKind::ReportLog => "REPORT log",
            InputKind::PowerTuning => "Power Tuning output",
            InputKind::Sebs => "SeBS CSV",
            InputKind::Runs => "measured runs",
        }
    }
}

/// Tells the kind of a file from its first bytes; `None` for empty or binary content.
pub fn detect(head: &[u8]) -> Option<InputKind> {
    if head.contains(&0) {
        return None;
    }
    let text = String::from_utf8_lossy(head);
    if text.contains("REPORT RequestId:") || text.contains("\"platform.report\"") {
        return Some(InputKind::ReportLog);
    }
    let first = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))?;
    if first.starts_with('{') || first.starts_with('[') {
        let is_record = serde_json::from_str::<serde_json::Value>(first)
            .is_ok_and(|v| v.get("type").is_some() && v.get("record").is_some());
        return Some(if is_record {
            InputKind::ReportLog
        } else {
            InputKind::PowerTuning
        });
    }
    let columns: Vec<&str> = first.split(',').map(str::trim).collect();
    if sebs::is_sebs_header(&columns) {
        return Some(InputKind::Sebs);
    }
    if runs::is_runs_header(&columns) {
        return Some(InputKind::Runs);
    }
    // Plain text: a log whose reports come later, or none (the reader will say so).
    Some(InputKind::ReportLog)
}

/// What one input file gave.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceSummary {
    pub file: String,
    pub kind: InputKind,
    /// Reports, invocations, averages or runs used.
    pub used: u64,
    /// Lines that were not reports.
    pub skipped: u64,
}

/// Everything read from the `--from` files.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Inputs {
    pub function: FunctionData,
    pub runs: Vec<RunsTable>,
    pub sources: Vec<SourceSummary>,
}

impl Inputs {
    /// Opens `path`, tells its kind and reads it.
    pub fn add_file(&mut self, path: &Path) -> Result<(), CalibrateError> {
        let name = path.display().to_string();
        let unreadable = |e: std::io::Error| CalibrateError::Unreadable {
            file: name.clone(),
            message: e.to_string(),
        };
        let mut file = File::open(path).map_err(unreadable)?;
        let mut head = Vec::with_capacity(HEAD_BYTES);
        (&mut file)
            .take(HEAD_BYTES as u64)
            .read_to_end(&mut head)
            .map_err(unreadable)?;
        let kind =
            detect(&head).ok_or_else(|| CalibrateError::UnknownFormat { file: name.clone() })?;
        file.rewind().map_err(unreadable)?;
        self.add_reader(kind, BufReader::with_capacity(256 * 1024, file), &name)
    }

    /// Reads input of a known kind from any reader (named `file` in messages).
    pub fn add_reader(
        &mut self,
        kind: InputKind,
        reader: impl BufRead,
        file: &str,
    ) -> Result<(), CalibrateError> {
        let function = &mut self.function;
        let counts = match kind {
            InputKind::ReportLog => report_log::read(reader, file, |i| function.add(&i))?,
            InputKind::Sebs => sebs::read(reader, file, |i| function.add(&i))?,
            InputKind::PowerTuning => power_tuning::read(reader, file, function)?,
            InputKind::Runs => {
                let table = runs::read(reader, file)?;
                let used = table.rows.len() as u64;
                self.runs.push(table);
                report_log::LineCounts { used, skipped: 0 }
            }
        };
        self.sources.push(SourceSummary {
            file: file.to_string(),
            kind,
            used: counts.used,
            skipped: counts.skipped,
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_each_kind_by_its_content() {
        let cases: [(&str, Option<InputKind>); 8] = [
            (
                "START RequestId: 1\nREPORT RequestId: 1\tDuration: 1 ms\n",
                Some(InputKind::ReportLog),
            ),
            (
                "{\"time\":\"t\",\"type\":\"platform.start\",\"record\":{}}\n",
                Some(InputKind::ReportLog),
            ),
            (
                "{\n  \"results\": {\"stats\": []}\n}\n",
                Some(InputKind::PowerTuning),
            ),
            (
                "memory,type,is_cold,exec_time,connection_time,client_time,provider_time,mem_used\n",
                Some(InputKind::Sebs),
            ),
            (
                "# comment\nstructure,workers,latency_s\n1-2,2,3\n",
                Some(InputKind::Runs),
            ),
            ("some application log\n", Some(InputKind::ReportLog)),
            ("", None),
            ("\0\x01binary", None),
        ];
        for (text, kind) in cases {
            assert_eq!(detect(text.as_bytes()), kind, "{text:?}");
        }
    }

    #[test]
    fn an_unreadable_file_names_itself() {
        let err = Inputs::default()
            .add_file(Path::new("/nonexistent/x.log"))
            .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("/nonexistent/x.log: cannot read"),
            "{err}"
        );
    }

    #[test]
    fn an_empty_file_is_of_no_known_kind() {
        let file = tempfile::NamedTempFile::new().unwrap();
        let err = Inputs::default().add_file(file.path()).unwrap_err();
        assert!(matches!(err, CalibrateError::UnknownFormat { .. }), "{err}");
    }
}
