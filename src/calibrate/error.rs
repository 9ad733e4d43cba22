//! # Calibration errors
//!
//! One variant per rule a calibration input can break. Each names the file and, where there is
//! one, the line and the field, so a message reads
//! `logs/a.log:17: Duration: \`12x ms\` is not a duration in ms`. Every variant but `Solver` is
//! bad input (exit code 2); a solver that fails is a failure of Stratus (exit code 1).

/// What is wrong with a calibration input or fit.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CalibrateError {
    #[error("--bootstrap {0}: at most {max} replicates", max = super::calibration::MAX_BOOTSTRAP)]
    TooManyReplicates(usize),
    #[error("{file}: cannot read: {message}")]
    Unreadable { file: String, message: String },
    #[error(
        "{file}: not a REPORT log, Lambda Power Tuning output, SeBS CSV or measured-runs CSV (it is empty or binary)"
    )]
    UnknownFormat { file: String },
    #[error("{file}: no {what} found ({skipped} other lines skipped)")]
    NothingUsable {
        file: String,
        what: &'static str,
        skipped: u64,
    },
    #[error("{file}:{line}: {field}: `{text}` is not {expected}")]
    BadValue {
        file: String,
        line: u64,
        field: String,
        text: String,
        expected: &'static str,
    },
    #[error("{file}:{line}: the report has no {field}")]
    MissingField {
        file: String,
        line: u64,
        field: &'static str,
    },
    #[error("{file}:{line}: not valid JSON: {message}")]
    BadJson {
        file: String,
        line: u64,
        message: String,
    },
    #[error("{file}: {path}: {problem}")]
    BadEntry {
        file: String,
        path: String,
        problem: String,
    },
    #[error("{file}: needs a column {wanted}")]
    MissingColumn { file: String, wanted: &'static str },
    #[error(
        "{file}: column `{column}` is neither a dotted scenario key nor one of structure, workers, memory_mb, iterations, epochs, channel, pattern, instance"
    )]
    UnknownColumn { file: String, column: String },
    #[error("{file}: needs exactly one observed column, time_s or latency_s (found {found})")]
    ObservedColumn { file: String, found: String },
    #[error("{file}:{line}: has {got} fields but the header has {want}")]
    RaggedRow {
        file: String,
        line: u64,
        got: usize,
        want: usize,
    },
    #[error("{file}: measured runs need --scenario SCENARIO to predict them with")]
    RunsNeedScenario { file: String },
    #[error("{0}")]
    Scenario(String),
    #[error("{file}:{line}: {message}")]
    RowScenario {
        file: String,
        line: u64,
        message: String,
    },
    #[error("{file}:{line}: the model cannot run this configuration: {reason}")]
    RowInfeasible {
        file: String,
        line: u64,
        reason: String,
    },
    #[error("measured runs: {got} rows cannot pin down a model parameter; give at least 2")]
    TooFewRows { got: usize },
    #[error("--fit {0}: unknown parameter (known: compute, invoke, latency, bandwidth, startup)")]
    UnknownFitParameter(String),
    #[error(
        "{file}: has no [function] table; write one with `stratus calibrate --from REPORT-LOG`"
    )]
    NoFunction { file: String },
    #[error("{file}: [function].{key}: {problem}")]
    BadFunction {
        file: String,
        key: &'static str,
        problem: String,
    },
    #[error("the fit failed: {0}")]
    Solver(String),
}

impl CalibrateError {
    /// Whether the error is in what the user gave (exit code 2) rather than in Stratus.
    pub fn is_input(&self) -> bool {
        !matches!(self, CalibrateError::Solver(_))
    }

    /// A CSV reader's error: a row with the wrong number of fields, or one that cannot be read.
    pub fn from_csv(err: csv::Error, file: &str) -> Self {
        match err.kind() {
            csv::ErrorKind::UnequalLengths {
                pos,
                expected_len,
                len,
            } => CalibrateError::RaggedRow {
                file: file.to_string(),
                line: pos.as_ref().map_or(0, |p| p.line()),
                got: *len as usize,
                want: *expected_len as usize,
            },
            _ => CalibrateError::Unreadable {
                file: file.to_string(),
                message: err.to_string(),
            },
        }
    }

    /// A value that does not parse, at a line of a file.
    pub fn bad_value(
        file: &str,
        line: u64,
        field: impl Into<String>,
        text: impl Into<String>,
        expected: &'static str,
    ) -> Self {
        CalibrateError::BadValue {
            file: file.to_string(),
            line,
            field: field.into(),
            text: text.into(),
            expected,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_failed_solver_is_not_bad_input() {
        assert!(!CalibrateError::Solver("x".into()).is_input());
        assert!(CalibrateError::UnknownFitParameter("x".into()).is_input());
    }

    #[test]
    fn a_bad_value_names_file_line_and_field() {
        let err = CalibrateError::bad_value("a.log", 17, "Duration", "12x ms", "a duration in ms");
        assert_eq!(
            err.to_string(),
            "a.log:17: Duration: `12x ms` is not a duration in ms"
        );
    }
}
