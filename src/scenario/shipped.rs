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

/// The text of the shipped scenario called `name` (`rcv1-lr` or `rcv1-lr.toml`).
pub fn text_of(name: &str) -> Option<&'static str> {
    let file = name.strip_suffix(".toml").unwrap_or(name);
    SHIPPED
        .iter()
        .find(|(f, _)| f.strip_suffix(".toml") == Some(file))
        .map(|(_, text)| *text)
}

/// The names of the shipped scenarios, for messages.
pub fn names() -> Vec<&'static str> {
    SHIPPED
        .iter()
        .map(|(f, _)| f.strip_suffix(".toml").unwrap_or(f))
        .collect()
}

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

    #[test]
    fn finds_a_shipped_scenario_by_name_with_or_without_the_extension() {
        assert!(text_of("rcv1-lr").is_some());
        assert_eq!(text_of("rcv1-lr"), text_of("rcv1-lr.toml"));
        assert!(text_of("no-such").is_none());
        assert!(names().contains(&"higgs-lr"));
    }
}
