//! # Profile sources
//!
//! The built-in profile files, embedded at compile time, held as TOML tables until a calibration
//! patch has been laid over them.

use std::collections::BTreeMap;

use super::{FaasProfile, ProfileError, from_table, invalid};

const FAAS_FILES: [(&str, &str); 4] = [
    (
        "aws-lambda-x86.toml",
        include_str!("../../profiles/aws-lambda-x86.toml"),
    ),
    (
        "aws-lambda-arm64.toml",
        include_str!("../../profiles/aws-lambda-arm64.toml"),
    ),
    (
        "aws-lambda-2018.toml",
        include_str!("../../profiles/aws-lambda-2018.toml"),
    ),
    (
        "gcp-cloud-functions.toml",
        include_str!("../../profiles/gcp-cloud-functions.toml"),
    ),
];
const EC2: &str = include_str!("../../profiles/ec2.toml");
const CHANNELS: &str = include_str!("../../profiles/channels.toml");
const CACHE_NODES: &str = include_str!("../../profiles/cache-nodes.toml");
const WORKLOADS: &str = include_str!("../../profiles/workloads.toml");
const RUNTIMES: &str = include_str!("../../profiles/runtimes.toml");

/// Every built-in profile file as written: (file name, text).
pub fn texts() -> Vec<(&'static str, &'static str)> {
    let mut texts: Vec<(&str, &str)> = FAAS_FILES.to_vec();
    texts.extend([
        ("ec2.toml", EC2),
        ("channels.toml", CHANNELS),
        ("cache-nodes.toml", CACHE_NODES),
        ("workloads.toml", WORKLOADS),
        ("runtimes.toml", RUNTIMES),
    ]);
    texts
}

/// One profile file as a TOML table, with the name it is reported under.
#[derive(Debug, Clone)]
pub struct Source {
    pub file: String,
    pub table: toml::Table,
}

/// All profile files as TOML tables.
#[derive(Debug, Clone)]
pub struct Sources {
    /// FaaS profiles by their `name` key.
    pub faas: BTreeMap<String, Source>,
    pub ec2: Source,
    pub channels: Source,
    pub cache_nodes: Source,
    pub workloads: Source,
    pub runtimes: Source,
}

/// The built-in sources. They are checked by a unit test, so parsing cannot fail at run time.
pub fn builtin() -> Sources {
    let faas = FAAS_FILES
        .iter()
        .map(|(file, text)| {
            let source = parse_source(file, text);
            let name = source.table["name"].as_str().unwrap_or(file).to_string();
            (name, source)
        })
        .collect();
    Sources {
        faas,
        ec2: parse_source("ec2.toml", EC2),
        channels: parse_source("channels.toml", CHANNELS),
        cache_nodes: parse_source("cache-nodes.toml", CACHE_NODES),
        workloads: parse_source("workloads.toml", WORKLOADS),
        runtimes: parse_source("runtimes.toml", RUNTIMES),
    }
}

fn parse_source(file: &str, text: &str) -> Source {
    let table = text
        .parse::<toml::Table>()
        .unwrap_or_else(|e| panic!("built-in profile {file} is not TOML: {e}"));
    Source {
        file: format!("profiles/{file}"),
        table,
    }
}

impl Sources {
    /// Parses and checks every FaaS profile.
    pub fn parse_faas(&self) -> Result<BTreeMap<String, FaasProfile>, ProfileError> {
        self.faas
            .iter()
            .map(|(name, source)| {
                let raw = from_table(&source.file, &source.table)?;
                let profile = FaasProfile::try_from_raw(raw)
                    .map_err(|message| invalid(&source.file, message))?;
                Ok((name.clone(), profile))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_file_is_toml_with_a_name() {
        let sources = builtin();
        assert_eq!(sources.faas.len(), FAAS_FILES.len());
        assert!(sources.faas.contains_key("aws-lambda-x86"));
    }
}
