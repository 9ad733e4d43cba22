//! # Profiles
//!
//! Everything Stratus knows about platforms and prices: FaaS platforms, EC2 instance types,
//! storage channels, ElastiCache nodes and the workload catalogue. The built-in profiles are the
//! TOML files under `profiles/`, embedded in the binary; a calibration file is a TOML patch laid
//! over them before they are parsed, so every fitted number reaches the model the same way a
//! listed one does.

pub mod catalogue;
pub mod channel;
pub mod faas;
pub mod instance;
mod overlay;
pub mod provenance;
pub mod runtime;
mod sources;
pub mod spread;

use std::collections::BTreeMap;

pub use catalogue::{Catalogue, DatasetEntry, ModelEntry};
pub use channel::{CacheNode, ChannelKind, ChannelProfile, Channels, Host};
pub use faas::FaasProfile;
pub use instance::{Gpu, InstanceType};
pub use runtime::{Runtime, StoredFormat};

/// A profile file that does not parse or breaks a rule, or a name that is not known.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error("{file}: {message}")]
    Invalid { file: String, message: String },
    #[error("unknown FaaS profile `{name}` (known: {known})")]
    UnknownFaas { name: String, known: String },
    #[error("unknown instance type `{name}` (known: {known})")]
    UnknownInstance { name: String, known: String },
    #[error("unknown cache node type `{name}` (known: {known})")]
    UnknownCacheNode { name: String, known: String },
    #[error("unknown runtime `{name}` (known: {known})")]
    UnknownRuntime { name: String, known: String },
    #[error("calibration: {0}")]
    Overlay(String),
}

/// Every profile, parsed and checked.
#[derive(Debug, Clone)]
pub struct Profiles {
    pub faas: BTreeMap<String, FaasProfile>,
    pub instances: BTreeMap<String, InstanceType>,
    pub channels: Channels,
    pub cache_nodes: BTreeMap<String, CacheNode>,
    pub catalogue: Catalogue,
    pub runtimes: BTreeMap<String, Runtime>,
}

impl Profiles {
    /// The profiles built into the binary.
    pub fn builtin() -> Result<Self, ProfileError> {
        Self::from_sources(sources::builtin(), None)
    }

    /// The built-in profiles with a calibration patch laid over them.
    pub fn calibrated(patch: &toml::Table) -> Result<Self, ProfileError> {
        Self::from_sources(sources::builtin(), Some(patch))
    }

    /// The profiles (calibrated by `patch` if given) with one number multiplied by `factor`:
    /// `key` is its dotted path in the profile files, such as `channels.s3.latency_s`,
    /// `ec2.defaults.setup_s` or `faas.aws-lambda-x86.startup.cold_start_mean_s`. Returns the
    /// number before scaling too.
    pub fn scaled(
        patch: Option<&toml::Table>,
        key: &str,
        factor: f64,
    ) -> Result<(Self, f64), ProfileError> {
        let mut sources = sources::builtin();
        if let Some(patch) = patch {
            overlay::apply(&mut sources, patch)?;
        }
        let value = overlay::scale(&mut sources, key, factor)?;
        Ok((Self::from_sources(sources, None)?, value))
    }

    fn from_sources(
        mut sources: sources::Sources,
        patch: Option<&toml::Table>,
    ) -> Result<Self, ProfileError> {
        if let Some(patch) = patch {
            overlay::apply(&mut sources, patch)?;
        }
        let parsed = Self::parse(&sources);
        match (parsed, patch) {
            // A calibration broke a profile file: say it is the calibration's value.
            (Err(ProfileError::Invalid { file, message }), Some(_)) => {
                let message = message.split_whitespace().collect::<Vec<_>>().join(" ");
                Err(ProfileError::Overlay(format!(
                    "{message} (a value the calibration lays over {file})"
                )))
            }
            (parsed, _) => parsed,
        }
    }

    fn parse(sources: &sources::Sources) -> Result<Self, ProfileError> {
        Ok(Profiles {
            faas: sources.parse_faas()?,
            instances: instance::parse(&sources.ec2)?,
            channels: channel::parse(&sources.channels)?,
            cache_nodes: channel::parse_cache_nodes(&sources.cache_nodes)?,
            catalogue: catalogue::parse(&sources.workloads)?,
            runtimes: runtime::parse(&sources.runtimes)?,
        })
    }

    /// The FaaS profile called `name`.
    pub fn faas(&self, name: &str) -> Result<&FaasProfile, ProfileError> {
        self.faas
            .get(name)
            .ok_or_else(|| ProfileError::UnknownFaas {
                name: name.to_string(),
                known: known(self.faas.keys()),
            })
    }

    /// The EC2 instance type called `name`.
    pub fn instance(&self, name: &str) -> Result<&InstanceType, ProfileError> {
        self.instances
            .get(name)
            .ok_or_else(|| ProfileError::UnknownInstance {
                name: name.to_string(),
                known: known(self.instances.keys()),
            })
    }

    /// The training runtime called `name`.
    pub fn runtime(&self, name: &str) -> Result<&Runtime, ProfileError> {
        self.runtimes
            .get(name)
            .ok_or_else(|| ProfileError::UnknownRuntime {
                name: name.to_string(),
                known: known(self.runtimes.keys()),
            })
    }

    /// The ElastiCache node type called `name`.
    pub fn cache_node(&self, name: &str) -> Result<&CacheNode, ProfileError> {
        self.cache_nodes
            .get(name)
            .ok_or_else(|| ProfileError::UnknownCacheNode {
                name: name.to_string(),
                known: known(self.cache_nodes.keys()),
            })
    }
}

fn known<'a>(names: impl Iterator<Item = &'a String>) -> String {
    names.cloned().collect::<Vec<_>>().join(", ")
}

/// Deserialises one TOML table, naming the file in the error.
fn from_table<T: serde::de::DeserializeOwned>(
    file: &str,
    table: &toml::Table,
) -> Result<T, ProfileError> {
    T::deserialize(table.clone()).map_err(|e| invalid(file, e.to_string()))
}

fn invalid(file: &str, message: impl Into<String>) -> ProfileError {
    ProfileError::Invalid {
        file: file.to_string(),
        message: message.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_profiles_parse() {
        let profiles = Profiles::builtin().unwrap();
        assert!(profiles.faas.len() >= 4);
        assert!(profiles.instances.contains_key("c5.2xlarge"));
        assert!(profiles.cache_nodes.contains_key("cache.m5.large"));
    }

    #[test]
    fn unknown_profile_names_the_known_ones() {
        let profiles = Profiles::builtin().unwrap();
        let err = profiles.faas("aws-lambda-z80").unwrap_err().to_string();
        assert!(err.contains("aws-lambda-z80") && err.contains("aws-lambda-x86"));
    }
}
