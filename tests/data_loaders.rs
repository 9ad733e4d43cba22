//! Real catalogue datasets load with the expected shapes, labels and memory footprint.

mod common;

use stratus::data::{Dataset, LoadOptions, delimited::LabelColumn, load};

fn load_with(path: &std::path::Path, label_column: LabelColumn) -> Dataset {
    load(
        path,
        &LoadOptions {
            label_column,
            ..LoadOptions::default()
        },
    )
    .unwrap()
}

#[test]
fn a9a_loads_as_sparse_binary_data_in_under_twelve_bytes_per_nonzero() {
    let Some(path) = common::dataset("a9a/a9a") else {
        return;
    };
    let data = load_with(&path, LabelColumn::Last);
    assert!(data.is_sparse());
    assert_eq!(
        (data.rows(), data.features(), data.classes()),
        (32_560, 122, 2)
    );
    let per_nnz = data.bytes_in_memory() as f64 / data.nnz() as f64;
    assert!(per_nnz <= 12.0, "{per_nnz} bytes per non-zero");
}

#[test]
fn rcv1_small_plus_minus_one_labels_become_zero_and_one() {
    let Some(path) = common::dataset("rcv1-small/rcv1_small.libsvm") else {
        return;
    };
    let data = load_with(&path, LabelColumn::Last);
    assert_eq!((data.rows(), data.classes()), (1_000, 2));
    assert!(data.labels().contains(&0) && data.labels().contains(&1));
    assert!(data.features() > 40_000);
}

#[test]
fn higgs_tsv_with_the_label_first_loads_dense_at_four_bytes_per_value() {
    let Some(path) = common::dataset("higgs-7k/binary.train") else {
        return;
    };
    let data = load_with(&path, LabelColumn::First);
    assert!(!data.is_sparse());
    assert_eq!((data.rows(), data.features()), (7_000, 28));
    let features_bytes = data.bytes_in_memory() - 4 * data.rows();
    assert_eq!(features_bytes, 4 * data.rows() * data.features());
}

#[test]
fn breast_cancer_csv_header_is_recognised_and_skipped() {
    let Some(path) = common::dataset("sklearn/breast_cancer.csv") else {
        return;
    };
    let data = load_with(&path, LabelColumn::Last);
    assert_eq!((data.rows(), data.features(), data.classes()), (569, 30, 2));
}

#[test]
fn gzipped_digits_csv_has_ten_classes() {
    let Some(path) = common::dataset("sklearn/digits.csv.gz") else {
        return;
    };
    let data = load_with(&path, LabelColumn::Last);
    assert_eq!(
        (data.rows(), data.features(), data.classes()),
        (1_797, 64, 10)
    );
}

#[test]
fn mnist_idx_images_find_their_labels_file() {
    let Some(path) = common::dataset("mnist-t10k/t10k-images-idx3-ubyte.gz") else {
        return;
    };
    let data = load_with(&path, LabelColumn::Last);
    assert_eq!(
        (data.rows(), data.features(), data.classes()),
        (10_000, 784, 10)
    );
}

#[test]
fn agaricus_train_and_test_align_to_one_feature_count() {
    let (Some(train), Some(test)) = (
        common::dataset("agaricus/agaricus.txt.train"),
        common::dataset("agaricus/agaricus.txt.test"),
    ) else {
        return;
    };
    let (mut train, mut test) = (
        load_with(&train, LabelColumn::Last),
        load_with(&test, LabelColumn::Last),
    );
    train.align_with(&mut test).unwrap();
    assert_eq!(train.features(), test.features());
    assert!((train.nnz() as f64 / train.rows() as f64 - 22.0).abs() < 0.5);
}
