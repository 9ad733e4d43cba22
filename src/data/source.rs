//! # Opening dataset files
//!
//! Opens a path (gunzipping when the content starts with the gzip magic bytes or the name ends
//! in `.gz`), recognises the format by name and content (LIBSVM, delimited text, MNIST IDX),
//! and hands the stream to the matching parser; errors get the file name added here.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use flate2::bufread::MultiGzDecoder;

use super::delimited::{self, LabelColumn};
use super::error::{DataError, DataErrorKind, Location};
use super::{Dataset, idx, libsvm};

/// A dataset file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `label index:value ...`, 1-based indices (LIBSVM / svmlight).
    Libsvm,
    /// CSV, TSV or whitespace-separated dense rows with a label column.
    Delimited,
    /// MNIST IDX images with a matching labels file.
    Idx,
}

/// How to read a dataset file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LoadOptions {
    /// The format; recognised from name and content when `None`.
    pub format: Option<Format>,
    /// Which field of a delimited row is the label.
    pub label_column: LabelColumn,
    /// The IDX labels file; derived from the images file name when `None`.
    pub idx_labels: Option<PathBuf>,
}

/// Reads the dataset at `path`.
pub fn load(path: &Path, options: &LoadOptions) -> Result<Dataset, DataError> {
    let format = match options.format {
        Some(format) => format,
        None => detect_format(path)?,
    };
    match format {
        Format::Libsvm => libsvm::from_path(path),
        Format::Delimited => delimited::from_path(path, options.label_column),
        Format::Idx => {
            let labels = options
                .idx_labels
                .clone()
                .map_or_else(|| idx::labels_path_for(path), Ok)?;
            idx::from_paths(path, &labels)
        }
    }
}

/// A buffered reader over the file's content, and whether it was gzip.
pub fn open(path: &Path) -> Result<(Box<dyn BufRead>, bool), DataError> {
    let fail = |e| DataError::read(Location::Input, e).in_file(path, false);
    let mut file = BufReader::with_capacity(1 << 16, File::open(path).map_err(fail)?);
    let magic = file.fill_buf().map_err(fail)?.starts_with(&[0x1f, 0x8b]);
    if magic || path.extension().is_some_and(|e| e == "gz") {
        Ok((
            Box::new(BufReader::with_capacity(1 << 16, MultiGzDecoder::new(file))),
            true,
        ))
    } else {
        Ok((Box::new(file), false))
    }
}

/// The format of `path`: by name (`idx…ubyte`, `.csv`, `.tsv`, `.libsvm`, `.svm`), else by
/// content (IDX magic; a `index:value` token on the first data line means LIBSVM).
pub fn detect_format(path: &Path) -> Result<Format, DataError> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let stem = name.strip_suffix(".gz").unwrap_or(&name);
    if stem.contains("idx") && stem.contains("ubyte") {
        return Ok(Format::Idx);
    }
    if [".csv", ".tsv"].iter().any(|e| stem.ends_with(e)) {
        return Ok(Format::Delimited);
    }
    if [".libsvm", ".svm", ".svmlight"]
        .iter()
        .any(|e| stem.ends_with(e))
    {
        return Ok(Format::Libsvm);
    }
    let (mut reader, gzip) = open(path)?;
    detect_content(&mut reader).map_err(|e| e.in_file(path, gzip))
}

fn detect_content(reader: &mut dyn BufRead) -> Result<Format, DataError> {
    let head = reader
        .fill_buf()
        .map_err(|e| DataError::read(Location::Input, e))?;
    if head.starts_with(&[0, 0, 8]) {
        return Ok(Format::Idx);
    }
    let mut line = String::new();
    while reader
        .read_line(&mut line)
        .map_err(|e| DataError::read(Location::Input, e))?
        > 0
    {
        let data = line.split('#').next().unwrap_or("").trim();
        if !data.is_empty() {
            let libsvm = data
                .split_ascii_whitespace()
                .skip(1)
                .any(|t| t.contains(':'));
            return Ok(if libsvm {
                Format::Libsvm
            } else {
                Format::Delimited
            });
        }
        line.clear();
    }
    Ok(Format::Delimited)
}

/// The longest line a text data file may have: 64 MiB, a thousand times a dense 4,096-feature
/// row (YFCC100M's); beyond it the input is not line-oriented text (`/dev/zero`, a binary file)
/// and reading on would only fill memory.
pub const MAX_LINE_BYTES: usize = 64 << 20;

/// Calls `parse(line, number)` for every line (1-based numbers, newline stripped), reusing one
/// buffer; read failures name the line being read, and a line over [`MAX_LINE_BYTES`] is an error.
pub fn for_each_line<R: BufRead>(
    mut reader: R,
    mut parse: impl FnMut(&str, u64) -> Result<(), DataError>,
) -> Result<(), DataError> {
    let mut line = String::new();
    for number in 1.. {
        line.clear();
        let read = (&mut reader)
            .take(MAX_LINE_BYTES as u64 + 1)
            .read_line(&mut line)
            .map_err(|e| DataError::read(Location::Line(number), e))?;
        if read == 0 {
            break;
        }
        if read > MAX_LINE_BYTES {
            let kind = DataErrorKind::LineTooLong {
                max: MAX_LINE_BYTES,
            };
            return Err(DataError::new(Location::Line(number), kind));
        }
        parse(line.trim_end_matches(['\n', '\r']), number)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn temp_file(name: &str, bytes: &[u8]) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        File::create(&path).unwrap().write_all(bytes).unwrap();
        (dir, path)
    }

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(bytes).unwrap();
        encoder.finish().unwrap()
    }

    #[test]
    fn recognises_libsvm_and_delimited_text_by_content() {
        let (_d, svm) = temp_file("train", b"# comment\n1 3:1 7:0.5\n");
        let (_e, tsv) = temp_file("binary.train", b"1\t0.5\t0.25\n");
        assert_eq!(detect_format(&svm).unwrap(), Format::Libsvm);
        assert_eq!(detect_format(&tsv).unwrap(), Format::Delimited);
    }

    #[test]
    fn recognises_gzip_content_whatever_the_name() {
        let (_d, path) = temp_file("data", &gzip(b"0 1:2\n"));
        assert_eq!(detect_format(&path).unwrap(), Format::Libsvm);
        assert_eq!(load(&path, &LoadOptions::default()).unwrap().nnz(), 1);
    }

    #[test]
    fn truncated_gzip_is_a_data_error_naming_the_file() {
        let whole = gzip("1,2,3\n".repeat(2000).as_bytes());
        let (_d, path) = temp_file("cut.csv.gz", &whole[..whole.len() / 2]);
        let err = load(&path, &LoadOptions::default()).unwrap_err();
        assert!(
            matches!(err.kind, super::super::DataErrorKind::TruncatedGzip),
            "{err}"
        );
        assert!(err.to_string().contains("cut.csv.gz"));
    }

    #[test]
    fn a_missing_file_is_a_data_error_naming_it() {
        let err = load(Path::new("/no/such/file.csv"), &LoadOptions::default()).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("/no/such/file.csv: could not read")
        );
    }
}
