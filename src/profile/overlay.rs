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

/// Multiplies the number at the dotted `key` of the sources by `factor`; returns it unscaled.
pub fn scale(sources: &mut Sources, key: &str, factor: f64) -> Result<f64, ProfileError> {
    let missing = || ProfileError::Overlay(format!("`{key}` names no number in the profiles"));
    let mut parts = key.split('.');
    let table = match parts.next() {
        Some("faas") => {
            let name = parts.next().ok_or_else(missing)?;
            &mut sources.faas.get_mut(name).ok_or_else(missing)?.table
        }
        Some("channels") => &mut sources.channels.table,
        Some("ec2") => &mut sources.ec2.table,
        Some("cache_nodes") => &mut sources.cache_nodes.table,
        Some("workloads") => &mut sources.workloads.table,
        Some("runtimes") => &mut sources.runtimes.table,
        _ => return Err(missing()),
    };
    let path: Vec<&str> = parts.collect();
    let (last, inner) = path.split_last().ok_or_else(missing)?;
    let mut current = table;
    for part in inner {
        current = current
            .get_mut(*part)
            .and_then(toml::Value::as_table_mut)
            .ok_or_else(missing)?;
    }
    let slot = current.get_mut(*last).ok_or_else(missing)?;
    let value = match slot {
        toml::Value::Float(x) => *x,
        toml::Value::Integer(i) => *i as f64,
        _ => return Err(missing()),
    };
    *slot = toml::Value::Float(value * factor);
    Ok(value)
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
    fn scales_one_number_and_reports_it() {
        let mut sources = super::super::sources::builtin();
        let before = scale(&mut sources, "channels.s3.latency_s", 2.0).unwrap();
        assert!(before > 0.0);
        let after = sources.channels.table["s3"]["latency_s"]
            .as_float()
            .unwrap();
        assert!((after - 2.0 * before).abs() < 1e-12);
        assert!(scale(&mut sources, "channels.s3.nope", 2.0).is_err());
        assert!(scale(&mut sources, "nope.x", 2.0).is_err());
    }

    #[test]
    fn rejects_a_patch_for_an_unknown_faas_profile() {
        let mut sources = super::super::sources::builtin();
        let patch: toml::Table = "[faas.\"nope\".cpu]\nmax_vcpus = 2.0\n".parse().unwrap();
        assert!(apply(&mut sources, &patch).is_err());
    }
}
