//! MNIST IDX images and labels.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stratus::data::idx::{read_images, read_labels};

fuzz_target!(|data: &[u8]| {
    if let Ok((images, _)) = read_images(data) {
        let _ = read_labels(data, images as u64);
    }
    let _ = read_labels(data, 1);
});
