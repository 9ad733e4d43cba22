//! # Calibration overlay
//!
//! A calibration file is a TOML patch over the profile files: `[faas."aws-lambda-x86".cpu]`
//! patches that FaaS profile, `[channels.s3]` the channel file, `[ec2.defaults]` the instance
//! file, `[cache_nodes]`, `[workloads]` and `[runtimes]` theirs. Tables merge key by key; values replace.
//! Any other top-level table (such as `[fit]`, the fit's report) is metadata and is ignored.

use super::ProfileError;
use super::sources::Sources;

/// Lays `patch` over the profile sources.
pub fn apply(sources: &mut Sources, patch: &toml::Table) -> Result<(), ProfileError> {
    for (section, value) in patch {
        let Some(table) = value.as_table() else {
            continue;
        };
        match section.as_str() {
            "faas" => apply_faas(sources, table)?,
            "channels" => merge(&mut sources.channels.table, table),
            "ec2" => merge(&mut sources.ec2.table, table),
            "cache_nodes" => merge(&mut sources.cache_nodes.table, table),
            "workloads" => merge(&mut sources.workloads.table, table),
            "runtimes" => merge(&mut sources.runtimes.table, table),
            _ => {}
        }
    }
    Ok(())
}

fn apply_faas(sources: &mut Sources, patch: &toml::Table) -> Result<(), ProfileError> {
    for (name, value) in patch {
        let source = sources.faas.get_mut(name).ok_or_else(|| {
            ProfileError::Overlay(format!("[faas.\"{name}\"] names no known FaaS profile"))
        })?;
        let table = value
            .as_table()
            .ok_or_else(|| ProfileError::Overlay(format!("faas.\"{name}\" must be a table")))?;
        merge(&mut source.table, table);
    }
    Ok(())
}

/// Merges `patch` into `base`: tables recursively, every other value by replacement.
pub fn merge(base: &mut toml::Table, patch: &toml::Table) {
    for (key, value) in patch {
        match (base.get_mut(key), value) {
            (Some(toml::Value::Table(inner)), toml::Value::Table(patch_inner)) => {
                merge(inner, patch_inner)
            }
            _ => {
                base.insert(key.clone(), value.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_tables_key_by_key() {
        let mut base: toml::Table = "a = 1\n[t]\nx = 1\ny = 2\n".parse().unwrap();
        let patch: toml::Table = "[t]\ny = 3\nz = 4\n".parse().unwrap();
        merge(&mut base, &patch);
        assert_eq!(base["a"].as_integer(), Some(1));
        assert_eq!(base["t"]["x"].as_integer(), Some(1));
        assert_eq!(base["t"]["y"].as_integer(), Some(3));
        assert_eq!(base["t"]["z"].as_integer(), Some(4));
    }

    #[test]
    fn rejects_a_patch_for_an_unknown_faas_profile() {
        let mut sources = super::super::sources::builtin();
        let patch: toml::Table = "[faas.\"nope\".cpu]\nmax_vcpus = 2.0\n".parse().unwrap();
        assert!(apply(&mut sources, &patch).is_err());
    }
}
