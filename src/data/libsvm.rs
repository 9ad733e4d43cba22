//! # LIBSVM / svmlight reader
//!
//! Streams `label [qid:N] index:value ... [# comment]` lines (Joachims' svmlight format, as
//! used by LIBSVM, Chang & Lin 2011) into CSR storage. Indices are 1-based and must strictly
//! increase within a line; `qid:` tokens are ignored; blank and comment lines are skipped.
//! Every other deviation is an error naming the line and token.

use std::io::BufRead;
use std::path::Path;

use super::error::{DataError, DataErrorKind, Location};
use super::labels::LabelCollector;
use super::{CsrMatrix, Dataset, Features, source};

/// The largest feature index accepted: 2²⁷ = 134,217,728, more than twice the widest set of
/// the LIBSVM collection (kdd2012, 54,686,452 features); a model this wide already takes 512 MiB
/// a class, so a larger index is a corrupt file, not a dataset.
pub const MAX_FEATURES: u64 = 1 << 27;

/// Reads the LIBSVM file at `path`.
pub fn from_path(path: &Path) -> Result<Dataset, DataError> {
    let (reader, gzip) = source::open(path)?;
    read(reader).map_err(|e| e.in_file(path, gzip))
}

/// Reads LIBSVM text from any buffered reader.
pub fn read<R: BufRead>(reader: R) -> Result<Dataset, DataError> {
    let mut csr = CsrBuilder::default();
    let mut labels = LabelCollector::default();
    source::for_each_line(reader, |line, number| {
        let data = line.split('#').next().unwrap_or("");
        let mut tokens = data.split_ascii_whitespace();
        let Some(label) = tokens.next() else {
            return Ok(());
        };
        let location = Location::Line(number);
        labels.push(label, location)?;
        csr.push_row(tokens)
            .map_err(|kind| DataError::new(location, kind))
    })?;
    if labels.is_empty() {
        return Err(DataError::new(Location::Input, DataErrorKind::Empty));
    }
    let (labels, classes) = labels.finish()?;
    Ok(Dataset::new(
        Features::Sparse(csr.finish()),
        labels,
        classes,
    ))
}

/// CSR arrays grown one row at a time.
#[derive(Debug)]
struct CsrBuilder {
    offsets: Vec<usize>,
    indices: Vec<u32>,
    values: Vec<f32>,
    cols: usize,
}

impl Default for CsrBuilder {
    fn default() -> Self {
        CsrBuilder {
            offsets: vec![0],
            indices: Vec::new(),
            values: Vec::new(),
            cols: 0,
        }
    }
}

impl CsrBuilder {
    /// Appends the `index:value` tokens of one line (the label already taken).
    fn push_row<'a>(&mut self, tokens: impl Iterator<Item = &'a str>) -> Result<(), DataErrorKind> {
        let start = self.indices.len();
        let mut previous = 0u64;
        for (position, token) in tokens.enumerate() {
            let field = position + 2;
            if token.starts_with("qid:") {
                continue;
            }
            let (index, value) = parse_pair(token, field, previous)?;
            previous = index;
            self.indices.push((index - 1) as u32);
            self.values.push(value);
        }
        if self.indices.len() > start {
            self.cols = self.cols.max(previous as usize);
        }
        self.offsets.push(self.indices.len());
        Ok(())
    }

    fn finish(self) -> CsrMatrix {
        CsrMatrix::new(self.cols, self.offsets, self.indices, self.values)
    }
}

/// Parses `index:value`, checking the index against the previous one on the line.
fn parse_pair(token: &str, field: usize, previous: u64) -> Result<(u64, f32), DataErrorKind> {
    let Some((index, value)) = token.split_once(':') else {
        return Err(DataErrorKind::MissingColon {
            field,
            token: token.to_string(),
        });
    };
    let index: u64 = index.parse().map_err(|_| DataErrorKind::IndexNotNumeric {
        field,
        token: index.to_string(),
    })?;
    let max = MAX_FEATURES;
    match index {
        0 => return Err(DataErrorKind::IndexZero { field }),
        i if i > max => return Err(DataErrorKind::IndexTooLarge { field, index, max }),
        i if i == previous => return Err(DataErrorKind::IndexDuplicate { field, index }),
        i if i < previous => {
            return Err(DataErrorKind::IndexUnsorted {
                field,
                index,
                previous,
            });
        }
        _ => {}
    }
    Ok((index, parse_value(value, field)?))
}

/// Parses a finite `f32` feature value.
pub(crate) fn parse_value(token: &str, field: usize) -> Result<f32, DataErrorKind> {
    let value: f32 = token.parse().map_err(|_| DataErrorKind::ValueNotNumeric {
        field,
        token: token.to_string(),
    })?;
    if value.is_finite() {
        Ok(value)
    } else {
        Err(DataErrorKind::ValueNotFinite {
            field,
            token: token.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{Row, Rows};

    fn parse(text: &str) -> Result<Dataset, DataError> {
        read(text.as_bytes())
    }

    fn error_of(text: &str) -> DataError {
        parse(text).unwrap_err()
    }

    #[test]
    fn refuses_an_index_wider_than_any_dataset() {
        let err = read(&b"1 1000000000:1\n"[..]).unwrap_err();
        assert!(
            matches!(
                err.kind,
                DataErrorKind::IndexTooLarge {
                    max: MAX_FEATURES,
                    ..
                }
            ),
            "{err}"
        );
        assert_eq!(err.location, Location::Line(1));
    }

    #[test]
    fn refuses_a_line_longer_than_any_row() {
        let long = vec![b'1'; super::super::source::MAX_LINE_BYTES + 10];
        let err = read(&long[..]).unwrap_err();
        assert!(
            matches!(err.kind, DataErrorKind::LineTooLong { .. }),
            "{err}"
        );
    }

    #[test]
    fn reads_sparse_rows_with_comments_and_qid() {
        let set = parse("# header\n+1 qid:3 1:0.5 4:2 # note\n\n-1 2:1\n").unwrap();
        assert_eq!(
            (set.rows(), set.features(), set.nnz(), set.labels()),
            (2, 4, 3, &[1, 0][..])
        );
        let Features::Sparse(m) = set.matrix() else {
            panic!("sparse expected")
        };
        assert_eq!(m.row(0).indices(), &[0, 3]);
        assert_eq!(m.row(1).dot(&[1.0, 7.0, 0.0, 0.0]), 7.0);
    }

    #[test]
    fn a_row_with_no_features_is_an_empty_row() {
        let set = parse("1\n0 2:1\n").unwrap();
        assert_eq!((set.rows(), set.nnz()), (2, 1));
    }

    #[test]
    fn rejects_index_zero() {
        let err = error_of("1 1:1\n0 0:1\n");
        assert!(matches!(err.kind, DataErrorKind::IndexZero { field: 2 }));
        assert_eq!(err.location, Location::Line(2));
    }

    #[test]
    fn rejects_a_non_numeric_index() {
        assert!(matches!(
            error_of("1 a:1\n").kind,
            DataErrorKind::IndexNotNumeric { .. }
        ));
        assert!(matches!(
            error_of("1 -3:1\n").kind,
            DataErrorKind::IndexNotNumeric { .. }
        ));
    }

    #[test]
    fn rejects_an_index_beyond_u32() {
        assert!(matches!(
            error_of("1 5000000000:1\n").kind,
            DataErrorKind::IndexTooLarge { .. }
        ));
    }

    #[test]
    fn rejects_unsorted_indices() {
        let err = error_of("1 5:1 3:1\n");
        assert!(matches!(
            err.kind,
            DataErrorKind::IndexUnsorted {
                field: 3,
                index: 3,
                previous: 5
            }
        ));
    }

    #[test]
    fn rejects_a_duplicate_index() {
        assert!(matches!(
            error_of("1 2:1 2:1\n").kind,
            DataErrorKind::IndexDuplicate { index: 2, .. }
        ));
    }

    #[test]
    fn rejects_a_non_numeric_value() {
        let err = error_of("1 2:abc\n");
        assert!(matches!(
            err.kind,
            DataErrorKind::ValueNotNumeric { field: 2, .. }
        ));
        assert_eq!(
            err.to_string(),
            "<input>:1: field 2: value \"abc\" is not a number"
        );
    }

    #[test]
    fn rejects_a_non_finite_value() {
        assert!(matches!(
            error_of("1 2:nan\n").kind,
            DataErrorKind::ValueNotFinite { .. }
        ));
    }

    #[test]
    fn rejects_a_token_without_colon() {
        assert!(matches!(
            error_of("1 2 3:1\n").kind,
            DataErrorKind::MissingColon { field: 2, .. }
        ));
    }

    #[test]
    fn rejects_a_non_numeric_label() {
        assert!(matches!(
            error_of("spam 1:1\n").kind,
            DataErrorKind::LabelNotNumeric { .. }
        ));
    }

    #[test]
    fn rejects_a_file_without_rows() {
        assert!(matches!(
            error_of("# nothing\n\n").kind,
            DataErrorKind::Empty
        ));
    }

    #[test]
    fn rejects_invalid_utf8_as_a_read_error_on_its_line() {
        let err = read(&b"1 1:1\n1 2:\xff\n"[..]).unwrap_err();
        assert!(matches!(err.kind, DataErrorKind::Read(_)));
        assert_eq!(err.location, Location::Line(2));
    }
}
