//! # MNIST IDX reader
//!
//! Reads an IDX images file (magic 0x00000803: count × rows × cols unsigned bytes) and its IDX
//! labels file (magic 0x00000801), as published by LeCun, Cortes & Burges for MNIST, gzip or
//! not. Pixels become `f32` intensities divided by 255, so features lie in [0, 1]; images are
//! read one record at a time into the dense matrix.

use std::io::Read;
use std::path::{Path, PathBuf};

use super::error::{DataError, DataErrorKind, Location};
use super::labels::LabelCollector;
use super::{Dataset, DenseMatrix, Features, source};

const IMAGES_MAGIC: u32 = 0x0000_0803;
const LABELS_MAGIC: u32 = 0x0000_0801;
/// The most pixels an image may have: 2²⁴, a 4,096 × 4,096 image (MNIST's are 28 × 28).
const MAX_PIXELS: u64 = 1 << 24;
/// Values reserved up front, at most (the rest grows as it is read).
const PREALLOCATE_MAX: usize = 1 << 24;

/// Reads an images file and its labels file.
pub fn from_paths(images: &Path, labels: &Path) -> Result<Dataset, DataError> {
    let (reader, gzip) = source::open(images)?;
    let (cols, pixels) = read_images(reader).map_err(|e| e.in_file(images, gzip))?;
    let (reader, gzip) = source::open(labels)?;
    let rows = (pixels.len() / cols) as u64;
    let (labels, classes) = read_labels(reader, rows).map_err(|e| e.in_file(labels, gzip))?;
    Ok(Dataset::new(
        Features::Dense(DenseMatrix::new(cols, pixels)),
        labels,
        classes,
    ))
}

/// The labels file beside an images file: `…images-idx3-ubyte…` → `…labels-idx1-ubyte…`.
pub fn labels_path_for(images: &Path) -> Result<PathBuf, DataError> {
    let name = images
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let labels = name
        .replace("images-idx3", "labels-idx1")
        .replace("images.idx3", "labels.idx1");
    let candidate = images.with_file_name(&labels);
    if labels == name || !candidate.exists() {
        let kind = DataErrorKind::IdxLabelsMissing(candidate.display().to_string());
        return Err(DataError::new(Location::Input, kind).in_file(images, false));
    }
    Ok(candidate)
}

/// Pixels per image and every pixel scaled to [0, 1], row-major.
pub fn read_images<R: Read>(mut reader: R) -> Result<(usize, Vec<f32>), DataError> {
    let header = read_header(&mut reader, IMAGES_MAGIC, 3)?;
    let (count, pixels) = (header[0] as usize, (header[1] * header[2]) as usize);
    if count == 0 || pixels == 0 {
        return Err(DataError::new(Location::Header, DataErrorKind::Empty));
    }
    if pixels as u64 > MAX_PIXELS {
        let (rows, cols) = (header[1], header[2]);
        let kind = DataErrorKind::IdxImageTooLarge {
            rows,
            cols,
            max: MAX_PIXELS,
        };
        return Err(DataError::new(Location::Header, kind));
    }
    // The header's count is not trusted with memory: the values grow as images are read, so a
    // header claiming 2³¹ images in a small file fails at its end, not at allocation.
    let mut values = Vec::with_capacity(count.saturating_mul(pixels).min(PREALLOCATE_MAX));
    let mut record = vec![0u8; pixels];
    for i in 0..count {
        read_record(&mut reader, &mut record, i, "an image")?;
        values.extend(record.iter().map(|&p| f32::from(p) / 255.0));
    }
    expect_end(reader, count)?;
    Ok((pixels, values))
}

/// Class labels, checked against the number of images.
pub fn read_labels<R: Read>(mut reader: R, images: u64) -> Result<(Vec<u32>, usize), DataError> {
    let count = read_header(&mut reader, LABELS_MAGIC, 1)?[0];
    if count != images {
        return Err(DataError::new(
            Location::Header,
            DataErrorKind::IdxCountMismatch {
                images,
                labels: count,
            },
        ));
    }
    let mut collector = LabelCollector::default();
    let mut byte = [0u8; 1];
    for i in 0..count as usize {
        read_record(&mut reader, &mut byte, i, "a label")?;
        collector.push(&byte[0].to_string(), Location::Record(i as u64))?;
    }
    expect_end(reader, count as usize)?;
    collector.finish()
}

/// Checks the magic number and returns the `dims` dimension sizes.
fn read_header<R: Read>(reader: &mut R, magic: u32, dims: usize) -> Result<Vec<u64>, DataError> {
    let mut word = [0u8; 4];
    let mut next_word = |reader: &mut R| -> Result<u32, DataError> {
        reader
            .read_exact(&mut word)
            .map_err(|e| truncated(e, Location::Header, "the header"))?;
        Ok(u32::from_be_bytes(word))
    };
    let found = next_word(reader)?;
    if found != magic {
        return Err(DataError::new(
            Location::Header,
            DataErrorKind::IdxBadMagic {
                expected: magic,
                found,
            },
        ));
    }
    (0..dims)
        .map(|_| next_word(reader).map(u64::from))
        .collect()
}

fn read_record<R: Read>(
    reader: &mut R,
    buffer: &mut [u8],
    index: usize,
    what: &'static str,
) -> Result<(), DataError> {
    reader
        .read_exact(buffer)
        .map_err(|e| truncated(e, Location::Record(index as u64), what))
}

fn expect_end<R: Read>(reader: R, records: usize) -> Result<(), DataError> {
    let mut rest = Vec::new();
    let extra = reader
        .take(1 << 20)
        .read_to_end(&mut rest)
        .map_err(|e| DataError::read(Location::Record(records as u64), e))?;
    if extra > 0 {
        return Err(DataError::new(
            Location::Record(records as u64),
            DataErrorKind::IdxTrailingBytes(extra as u64),
        ));
    }
    Ok(())
}

/// An early end of plain IDX data is a truncated record; other failures stay read errors
/// (an early end of gzip data becomes a truncated-gzip error once the file name is added).
fn truncated(err: std::io::Error, location: Location, what: &'static str) -> DataError {
    let gzip_failure = err.get_ref().is_some();
    if err.kind() == std::io::ErrorKind::UnexpectedEof && !gzip_failure {
        DataError::new(location, DataErrorKind::IdxTruncated { what })
    } else {
        DataError::read(location, err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn images_bytes(count: u32, side: u32, pixels: &[u8]) -> Vec<u8> {
        let mut bytes = [IMAGES_MAGIC, count, side, side]
            .iter()
            .flat_map(|w| w.to_be_bytes())
            .collect::<Vec<_>>();
        bytes.extend_from_slice(pixels);
        bytes
    }

    fn labels_bytes(labels: &[u8]) -> Vec<u8> {
        let mut bytes = [LABELS_MAGIC, labels.len() as u32]
            .iter()
            .flat_map(|w| w.to_be_bytes())
            .collect::<Vec<_>>();
        bytes.extend_from_slice(labels);
        bytes
    }

    #[test]
    fn reads_images_scaled_to_unit_range() {
        let (cols, values) =
            read_images(&images_bytes(2, 2, &[0, 255, 51, 0, 0, 0, 0, 102])[..]).unwrap();
        assert_eq!(cols, 4);
        assert_eq!(values, vec![0.0, 1.0, 0.2, 0.0, 0.0, 0.0, 0.0, 0.4]);
    }

    #[test]
    fn reads_labels_as_classes() {
        assert_eq!(
            read_labels(&labels_bytes(&[7, 0, 2])[..], 3).unwrap(),
            (vec![7, 0, 2], 8)
        );
    }

    #[test]
    fn rejects_empty_and_oversized_headers_without_allocating() {
        for (count, rows, cols) in [(0u32, 28u32, 28u32), (5, 0, 0), (3, 1 << 16, 1 << 16)] {
            let mut bytes = IMAGES_MAGIC.to_be_bytes().to_vec();
            for v in [count, rows, cols] {
                bytes.extend(v.to_be_bytes());
            }
            assert!(
                read_images(&bytes[..]).is_err(),
                "{count} × {rows} × {cols}"
            );
        }
        // 2³¹ images claimed, none present: a truncation error, not terabytes reserved.
        let mut bytes = IMAGES_MAGIC.to_be_bytes().to_vec();
        for v in [1u32 << 31, 28, 28] {
            bytes.extend(v.to_be_bytes());
        }
        let err = read_images(&bytes[..]).unwrap_err();
        assert!(
            matches!(err.kind, DataErrorKind::IdxTruncated { .. }),
            "{err}"
        );
    }

    #[test]
    fn rejects_a_wrong_magic_number() {
        let err = read_images(&labels_bytes(&[1])[..]).unwrap_err();
        assert!(matches!(
            err.kind,
            DataErrorKind::IdxBadMagic {
                found: LABELS_MAGIC,
                ..
            }
        ));
    }

    #[test]
    fn rejects_a_truncated_image_naming_the_record() {
        let err = read_images(&images_bytes(2, 2, &[1, 2, 3, 4, 5])[..]).unwrap_err();
        assert!(matches!(
            err.kind,
            DataErrorKind::IdxTruncated { what: "an image" }
        ));
        assert_eq!(err.location, Location::Record(1));
    }

    #[test]
    fn rejects_a_truncated_header() {
        let err = read_labels(&[0u8, 0, 8][..], 1).unwrap_err();
        assert!(matches!(
            err.kind,
            DataErrorKind::IdxTruncated { what: "the header" }
        ));
    }

    #[test]
    fn rejects_label_count_different_from_image_count() {
        let err = read_labels(&labels_bytes(&[1, 2])[..], 3).unwrap_err();
        assert!(matches!(
            err.kind,
            DataErrorKind::IdxCountMismatch {
                images: 3,
                labels: 2
            }
        ));
    }

    #[test]
    fn rejects_trailing_bytes() {
        let mut bytes = labels_bytes(&[1]);
        bytes.push(9);
        assert!(matches!(
            read_labels(&bytes[..], 1).unwrap_err().kind,
            DataErrorKind::IdxTrailingBytes(1)
        ));
    }

    #[test]
    fn finds_the_labels_file_beside_the_images() {
        let dir = tempfile::tempdir().unwrap();
        let images = dir.path().join("t10k-images-idx3-ubyte.gz");
        std::fs::write(dir.path().join("t10k-labels-idx1-ubyte.gz"), b"").unwrap();
        assert!(
            labels_path_for(&images)
                .unwrap()
                .ends_with("t10k-labels-idx1-ubyte.gz")
        );
        assert!(labels_path_for(&dir.path().join("other-images-idx3-ubyte")).is_err());
    }
}
