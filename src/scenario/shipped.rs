//! # Shipped scenarios
//!
//! The scenarios under `scenarios/`, embedded so `stratus validate` runs them from anywhere.
//! Relative data paths resolve against the crate's `scenarios/` directory, and
//! `$STRATUS_DATA` against the shared data.

/// (file name, TOML) of every shipped scenario.
pub const SHIPPED: [(&str, &str); 7] = [
    ("a9a-lr.toml", include_str!("../../scenarios/a9a-lr.toml")),
    (
        "cifar10-mobilenet.toml",
        include_str!("../../scenarios/cifar10-mobilenet.toml"),
    ),
    (
        "cifar10-resnet50.toml",
        include_str!("../../scenarios/cifar10-resnet50.toml"),
    ),
    (
        "feng2018-case-a.toml",
        include_str!("../../scenarios/feng2018-case-a.toml"),
    ),
    (
        "higgs-lr.toml",
        include_str!("../../scenarios/higgs-lr.toml"),
    ),
    ("rcv1-lr.toml", include_str!("../../scenarios/rcv1-lr.toml")),
    (
        "siren-toy-lr.toml",
        include_str!("../../scenarios/siren-toy-lr.toml"),
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scenario_file_is_shipped() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".toml"))
            .collect();
        files.sort();
        let shipped: Vec<&str> = SHIPPED.iter().map(|(name, _)| *name).collect();
        assert_eq!(files, shipped);
    }
}
