//! The published-measurements corpus CSV (`stratus reproduce CORPUS`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = stratus::reproduce::corpus::read(data, "fuzz.csv");
});
