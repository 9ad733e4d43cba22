//! Calibration TOML laid over the built-in profiles, then the default scenario planned with
//! them (a calibration that is accepted must never make the model panic).
#![no_main]

use libfuzzer_sys::fuzz_target;
use stratus::profile::Profiles;
use stratus::scenario::{DEFAULT_SCENARIO, Scenario};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(patch) = text.parse::<toml::Table>() else {
        return;
    };
    let Ok(profiles) = Profiles::calibrated(&patch) else {
        return;
    };
    let base = std::path::Path::new(".");
    if let Ok(scenario) = Scenario::from_text(DEFAULT_SCENARIO, "default", base, &[], &profiles) {
        let _ = stratus::optimize::plan::plan(&scenario, &profiles, &scenario.objective);
    }
});
