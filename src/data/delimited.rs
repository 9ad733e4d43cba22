//! # Delimited text reader (CSV, TSV, whitespace)
//!
//! Streams dense rows with one label field into row-major `f32` storage. The delimiter is
//! taken from the first data line (tab, else comma, else runs of whitespace); a first line with
//! any non-numeric field is a header and is skipped; lines starting with `#` are comments. Every
//! row must have as many fields as the first one.

use std::io::BufRead;
use std::path::Path;

use super::error::{DataError, DataErrorKind, Location};
use super::labels::LabelCollector;
use super::libsvm::parse_value;
use super::{Dataset, DenseMatrix, Features, source};

/// Which field of a row holds the label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LabelColumn {
    First,
    #[default]
    Last,
    /// A 0-based field index.
    Index(usize),
}

impl LabelColumn {
    fn resolve(self, fields: usize) -> usize {
        match self {
            LabelColumn::First => 0,
            LabelColumn::Last => fields.saturating_sub(1),
            LabelColumn::Index(i) => i,
        }
    }
}

impl std::str::FromStr for LabelColumn {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "first" => Ok(LabelColumn::First),
            "last" => Ok(LabelColumn::Last),
            n => n.parse().map(LabelColumn::Index).map_err(|_| {
                format!("label column must be first, last or a 0-based index (got {n:?})")
            }),
        }
    }
}

/// Reads the delimited file at `path` (gunzipped when needed).
pub fn from_path(path: &Path, label_column: LabelColumn) -> Result<Dataset, DataError> {
    let (reader, gzip) = source::open(path)?;
    read(reader, label_column).map_err(|e| e.in_file(path, gzip))
}

/// Reads delimited text from any buffered reader.
pub fn read<R: BufRead>(reader: R, label_column: LabelColumn) -> Result<Dataset, DataError> {
    let mut table = Table {
        label_column,
        ..Table::default()
    };
    source::for_each_line(reader, |line, number| table.push_line(line, number))?;
    let Some(layout) = table.layout else {
        return Err(DataError::new(Location::Input, DataErrorKind::Empty));
    };
    let (labels, classes) = table.labels.finish()?;
    let matrix = DenseMatrix::new(layout.fields - 1, table.values);
    Ok(Dataset::new(Features::Dense(matrix), labels, classes))
}

/// The shape fixed by the first data row.
#[derive(Debug, Clone, Copy)]
struct Layout {
    delimiter: Option<char>,
    fields: usize,
    label: usize,
}

#[derive(Debug, Default)]
struct Table {
    label_column: LabelColumn,
    layout: Option<Layout>,
    seen_data_line: bool,
    values: Vec<f32>,
    labels: LabelCollector,
}

impl Table {
    fn push_line(&mut self, line: &str, number: u64) -> Result<(), DataError> {
        let text = line.trim();
        if text.is_empty() || text.starts_with('#') {
            return Ok(());
        }
        let location = Location::Line(number);
        let first_line = !std::mem::replace(&mut self.seen_data_line, true);
        let delimiter = self
            .layout
            .map_or_else(|| detect_delimiter(text), |l| l.delimiter);
        if first_line && split(text, delimiter).any(|f| f.parse::<f64>().is_err()) {
            return Ok(());
        }
        let layout = match self.layout {
            Some(layout) => layout,
            None => *self
                .layout
                .insert(self.first_layout(text, delimiter, location)?),
        };
        self.push_row(text, layout, location)
    }

    fn first_layout(
        &self,
        text: &str,
        delimiter: Option<char>,
        location: Location,
    ) -> Result<Layout, DataError> {
        let fields = split(text, delimiter).count();
        let label = self.label_column.resolve(fields);
        if label >= fields {
            return Err(DataError::new(
                location,
                DataErrorKind::LabelColumnMissing {
                    column: label,
                    fields,
                },
            ));
        }
        if fields < 2 {
            return Err(DataError::new(location, DataErrorKind::NoFeatures));
        }
        Ok(Layout {
            delimiter,
            fields,
            label,
        })
    }

    fn push_row(
        &mut self,
        text: &str,
        layout: Layout,
        location: Location,
    ) -> Result<(), DataError> {
        let mut found = 0;
        for (i, field) in split(text, layout.delimiter).enumerate() {
            found += 1;
            if i == layout.label {
                self.labels.push(field, location)?;
            } else if i < layout.fields {
                let value =
                    parse_value(field, i + 1).map_err(|kind| DataError::new(location, kind))?;
                self.values.push(value);
            }
        }
        if found != layout.fields {
            let kind = DataErrorKind::RaggedRow {
                expected: layout.fields,
                found,
            };
            return Err(DataError::new(location, kind));
        }
        Ok(())
    }
}

fn detect_delimiter(text: &str) -> Option<char> {
    ['\t', ','].into_iter().find(|d| text.contains(*d))
}

/// The fields of a line: split on the delimiter and trimmed, or on runs of whitespace.
fn split(text: &str, delimiter: Option<char>) -> Box<dyn Iterator<Item = &str> + '_> {
    match delimiter {
        Some(d) => Box::new(text.split(d).map(str::trim)),
        None => Box::new(text.split_ascii_whitespace()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Rows;

    fn parse(text: &str, label: LabelColumn) -> Result<Dataset, DataError> {
        read(text.as_bytes(), label)
    }

    fn dense(set: &Dataset) -> &DenseMatrix {
        let Features::Dense(m) = set.matrix() else {
            panic!("dense expected")
        };
        m
    }

    #[test]
    fn reads_csv_with_a_header_and_the_label_last() {
        let set = parse(
            "569,30,malignant,benign\n1.5,2,0\n3,4.25,1\n",
            LabelColumn::Last,
        )
        .unwrap();
        assert_eq!(
            (set.rows(), set.features(), set.labels()),
            (2, 2, &[0, 1][..])
        );
        assert_eq!(dense(&set).row(1), &[3.0, 4.25]);
    }

    #[test]
    fn reads_tsv_with_the_label_first() {
        let set = parse("1\t0.5\t-2\r\n0\t1e-3\t7\n", LabelColumn::First).unwrap();
        assert_eq!(dense(&set).values(), &[0.5, -2.0, 0.001, 7.0]);
        assert_eq!(set.labels(), &[1, 0]);
    }

    #[test]
    fn reads_whitespace_separated_rows_with_a_label_index() {
        let set = parse("# comment\n0.5 3 1\n0.25 2 0\n", LabelColumn::Index(1)).unwrap();
        assert_eq!((set.labels(), set.classes()), (&[3, 2][..], 4));
        assert_eq!(dense(&set).values(), &[0.5, 1.0, 0.25, 0.0]);
    }

    #[test]
    fn rejects_a_ragged_row() {
        let err = parse("1,2,0\n1,2\n", LabelColumn::Last).unwrap_err();
        assert!(matches!(
            err.kind,
            DataErrorKind::RaggedRow {
                expected: 3,
                found: 2
            }
        ));
        assert_eq!(
            err.to_string(),
            "<input>:2: row has 2 fields, expected 3 like the first row"
        );
    }

    #[test]
    fn rejects_a_non_numeric_value_after_the_first_line() {
        let err = parse("1,2,0\n1,x,1\n", LabelColumn::Last).unwrap_err();
        assert!(matches!(
            err.kind,
            DataErrorKind::ValueNotNumeric { field: 2, .. }
        ));
        assert_eq!(err.location, Location::Line(2));
    }

    #[test]
    fn rejects_a_non_numeric_label() {
        let err = parse("1,2,0\n1,2,cat\n", LabelColumn::Last).unwrap_err();
        assert!(matches!(err.kind, DataErrorKind::LabelNotNumeric { .. }));
    }

    #[test]
    fn rejects_an_empty_field() {
        assert!(matches!(
            parse("1,2,0\n1,,0\n", LabelColumn::Last).unwrap_err().kind,
            DataErrorKind::ValueNotNumeric { .. }
        ));
    }

    #[test]
    fn rejects_a_label_column_beyond_the_row() {
        let err = parse("1,2,0\n", LabelColumn::Index(5)).unwrap_err();
        assert!(matches!(
            err.kind,
            DataErrorKind::LabelColumnMissing {
                column: 5,
                fields: 3
            }
        ));
    }

    #[test]
    fn rejects_rows_with_only_a_label() {
        assert!(matches!(
            parse("1\n0\n", LabelColumn::Last).unwrap_err().kind,
            DataErrorKind::NoFeatures
        ));
    }

    #[test]
    fn rejects_a_file_with_only_a_header() {
        assert!(matches!(
            parse("a,b,c\n", LabelColumn::Last).unwrap_err().kind,
            DataErrorKind::Empty
        ));
    }

    #[test]
    fn parses_label_columns_from_flags() {
        assert_eq!("first".parse(), Ok(LabelColumn::First));
        assert_eq!("3".parse(), Ok(LabelColumn::Index(3)));
        assert!("middle".parse::<LabelColumn>().is_err());
    }
}
