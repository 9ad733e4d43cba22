//! Scenario TOML: parsing, `--set`-free checking, and, when it is accepted, the estimate of its
//! plan (a scenario that parses must never make the model panic).
#![no_main]

use libfuzzer_sys::fuzz_target;
use stratus::profile::Profiles;
use stratus::scenario::Scenario;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let profiles = Profiles::builtin().expect("built-in profiles");
    if let Ok(scenario) =
        Scenario::from_text(text, "fuzz.toml", std::path::Path::new("."), &[], &profiles)
    {
        let _ = stratus::optimize::plan::plan(&scenario, &profiles, &scenario.objective);
    }
});
