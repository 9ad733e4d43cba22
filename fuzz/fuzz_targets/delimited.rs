//! CSV / TSV / whitespace-separated rows; the first byte picks where the label is.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stratus::data::delimited::{LabelColumn, read};

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rows)) = data.split_first() else {
        return;
    };
    let label = match pick % 4 {
        0 => LabelColumn::First,
        1 => LabelColumn::Last,
        n => LabelColumn::Index(usize::from(n)),
    };
    let _ = read(rows, label);
});
