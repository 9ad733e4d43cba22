//! Calibration input read as Runs (and the kind detection on the same bytes).
#![no_main]

use libfuzzer_sys::fuzz_target;
use stratus::calibrate::input::{InputKind, Inputs, detect};

fuzz_target!(|data: &[u8]| {
    let _ = detect(data);
    let _ = Inputs::default().add_reader(InputKind::Runs, data, "fuzz");
});
