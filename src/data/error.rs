//! # Data errors
//!
//! One error variant per rule a dataset file can break, each naming what is wrong; a
//! [`DataError`] adds where (file, line or record, field) so a user can fix the input.
//! Parsers build errors without a file name (they read any `Read`); the `from_path`
//! wrappers add it with [`DataError::in_file`].

use std::fmt;
use std::path::Path;

/// Where in a file a problem sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// The whole input (an empty file, a gzip stream cut short).
    Input,
    /// A text line, 1-based.
    Line(u64),
    /// The header of a binary file.
    Header,
    /// A record (image or label) of a binary file, 0-based.
    Record(u64),
}

/// What rule the input broke.
#[derive(Debug, thiserror::Error)]
pub enum DataErrorKind {
    #[error("could not read the input: {0}")]
    Read(std::io::Error),
    #[error("the gzip stream ends early (truncated file?)")]
    TruncatedGzip,
    #[error("the file holds no data rows")]
    Empty,
    #[error("label {token:?} is not a number")]
    LabelNotNumeric { token: String },
    #[error("label {token:?} is not a class id (a non-negative integer, or -1 / +1)")]
    LabelNotClass { token: String },
    #[error("label -1 mixed with class 0: use either -1/+1 or class ids 0..k-1")]
    MixedLabelCodings,
    #[error("token {field} ({token:?}) is not of the form index:value")]
    MissingColon { field: usize, token: String },
    #[error("token {field}: feature index {token:?} is not a positive integer")]
    IndexNotNumeric { field: usize, token: String },
    #[error("token {field}: feature index 0 is invalid (LIBSVM indices start at 1)")]
    IndexZero { field: usize },
    #[error("token {field}: feature index {index} is too large (at most {max})")]
    IndexTooLarge { field: usize, index: u64, max: u64 },
    #[error("token {field}: feature index {index} comes after {previous} (indices must increase)")]
    IndexUnsorted {
        field: usize,
        index: u64,
        previous: u64,
    },
    #[error("token {field}: feature index {index} appears twice")]
    IndexDuplicate { field: usize, index: u64 },
    #[error("field {field}: value {token:?} is not a number")]
    ValueNotNumeric { field: usize, token: String },
    #[error("field {field}: value {token:?} is not finite")]
    ValueNotFinite { field: usize, token: String },
    #[error("row has {found} fields, expected {expected} like the first row")]
    RaggedRow { expected: usize, found: usize },
    #[error("label column {column} does not exist (the row has {fields} fields)")]
    LabelColumnMissing { column: usize, fields: usize },
    #[error("row has only a label and no features")]
    NoFeatures,
    #[error(
        "magic number {found:#010x} is not an IDX file of unsigned bytes (expected {expected:#010x})"
    )]
    IdxBadMagic { expected: u32, found: u32 },
    #[error("the file ends inside {what}")]
    IdxTruncated { what: &'static str },
    #[error("{images} images but {labels} labels")]
    IdxCountMismatch { images: u64, labels: u64 },
    #[error("the file has {0} bytes after the last record")]
    IdxTrailingBytes(u64),
    #[error("no labels file given for IDX images, and none named like it ({0})")]
    IdxLabelsMissing(String),
    #[error("an image of {rows} × {cols} pixels: at most {max} pixels an image")]
    IdxImageTooLarge { rows: u64, cols: u64, max: u64 },
    #[error(
        "a test fraction of {fraction} of {rows} rows leaves the training or the test set empty"
    )]
    SplitEmpty { rows: usize, fraction: f64 },
    #[error("a line longer than {max} bytes (not a text data file?)")]
    LineTooLong { max: usize },
    #[error("{found} features, but the training set has {expected}")]
    FeatureCountMismatch { expected: usize, found: usize },
}

/// A malformed or unreadable dataset, naming the file, the place and what is wrong.
#[derive(Debug)]
pub struct DataError {
    /// The file, or `<input>` when the parser read bytes with no name.
    pub file: String,
    pub location: Location,
    pub kind: DataErrorKind,
}

impl DataError {
    /// An error at `location` of an unnamed input.
    pub fn new(location: Location, kind: DataErrorKind) -> Self {
        DataError {
            file: "<input>".to_string(),
            location,
            kind,
        }
    }

    /// A read failure at `location`.
    pub fn read(location: Location, err: std::io::Error) -> Self {
        Self::new(location, DataErrorKind::Read(err))
    }

    /// Names the file; a read failure with an early end in gzip input becomes [`DataErrorKind::TruncatedGzip`].
    pub fn in_file(mut self, path: &Path, gzip: bool) -> Self {
        self.file = path.display().to_string();
        let truncated = matches!(&self.kind, DataErrorKind::Read(e) if e.kind() == std::io::ErrorKind::UnexpectedEof);
        if gzip && truncated {
            self.kind = DataErrorKind::TruncatedGzip;
        }
        self
    }
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.location {
            Location::Input => write!(f, "{}: {}", self.file, self.kind),
            Location::Line(line) => write!(f, "{}:{}: {}", self.file, line, self.kind),
            Location::Header => write!(f, "{}: header: {}", self.file, self.kind),
            Location::Record(n) => write!(f, "{}: record {}: {}", self.file, n, self.kind),
        }
    }
}

impl std::error::Error for DataError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_names_file_line_and_problem() {
        let err = DataError::new(Location::Line(7), DataErrorKind::IndexZero { field: 2 })
            .in_file(Path::new("a9a"), false);
        assert_eq!(
            err.to_string(),
            "a9a:7: token 2: feature index 0 is invalid (LIBSVM indices start at 1)"
        );
    }

    #[test]
    fn early_end_of_gzip_input_reads_as_truncated_gzip() {
        let eof = std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "eof");
        let err = DataError::read(Location::Line(3), eof).in_file(Path::new("x.csv.gz"), true);
        assert!(matches!(err.kind, DataErrorKind::TruncatedGzip));
        assert!(err.to_string().starts_with("x.csv.gz:3:"));
    }
}
