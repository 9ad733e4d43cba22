//! # The profiles
//!
//! `stratus profiles`: the platforms, instance types, channels and cache nodes Stratus knows,
//! as text or JSON; with `--sources`, every number of the built-in profiles with its
//! provenance, as a table, JSON or CSV.

use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::profile::provenance::{Provenance, SourceKind};
use crate::profile::{ChannelKind, Profiles};

/// The profiles as JSON.
pub fn json(p: &Profiles) -> Value {
    let faas: Vec<Value> = p
        .faas
        .values()
        .map(|f| {
            let (min_mb, max_mb) = f.memory_bounds_mb();
            json!({
                "name": f.name, "provider": f.provider, "min_memory_mb": min_mb, "max_memory_mb": max_mb,
                "usd_per_gb_s": f.usd_per_gb_s, "usd_per_request": f.usd_per_request,
                "billing_granularity_s": f.billing_granularity_s, "max_duration_s": f.max_duration_s,
            })
        })
        .collect();
    let instances: Vec<Value> = p
        .instances
        .values()
        .map(|i| json!({
            "name": i.name, "vcpus": i.vcpus, "memory_gib": i.memory_gib, "usd_per_hour": i.usd_per_hour,
            "network_gbps": i.network_gbps, "gpu": i.gpu.as_ref().map(|g| g.name.clone()),
        }))
        .collect();
    let channels: Vec<Value> = ChannelKind::ALL
        .iter()
        .map(|&k| {
            let c = p.channels.get(k);
            json!({ "name": k.name(), "latency_s": c.latency_s, "startup_s": c.startup_s, "max_object_bytes": c.max_object_bytes })
        })
        .collect();
    let nodes: Vec<Value> = p
        .cache_nodes
        .values()
        .map(|n| json!({ "name": n.name, "network_gbps": n.network_gbps, "memcached_usd_per_hour": n.memcached_usd_per_hour, "redis_usd_per_hour": n.redis_usd_per_hour }))
        .collect();
    json!({ "faas": faas, "instances": instances, "channels": channels, "cache_nodes": nodes })
}

/// The profiles as CSV: one row per number or name, `kind,name,field,value`, in the order of
/// [`json()`] (nested objects such as an instance's GPU as dotted fields, absent values empty).
pub fn write_csv(out: &mut dyn std::io::Write, p: &Profiles) -> anyhow::Result<()> {
    let mut rows = csv::Writer::from_writer(out);
    rows.write_record(["kind", "name", "field", "value"])?;
    let Value::Object(kinds) = json(p) else {
        return Ok(());
    };
    for (kind, entries) in &kinds {
        for entry in entries.as_array().into_iter().flatten() {
            let name = entry["name"].as_str().unwrap_or_default();
            let mut fields = Vec::new();
            flatten("", entry, &mut fields);
            for (field, value) in fields.iter().filter(|(f, _)| f != "name") {
                rows.write_record([kind.as_str(), name, field, value])?;
            }
        }
    }
    rows.flush()?;
    Ok(())
}

/// `value`'s leaves as (dotted field, text) pairs.
fn flatten(prefix: &str, value: &Value, into: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                let field = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                flatten(&field, inner, into);
            }
        }
        Value::Null => into.push((prefix.to_string(), String::new())),
        Value::String(text) => into.push((prefix.to_string(), text.clone())),
        other => into.push((prefix.to_string(), other.to_string())),
    }
}

/// The profiles as text, one section per kind.
pub fn text(p: &Profiles) -> String {
    [
        faas_text(p),
        instances_text(p),
        channels_text(p),
        nodes_text(p),
    ]
    .join("\n")
}

fn faas_text(p: &Profiles) -> String {
    let mut out = String::from("FaaS platforms\n");
    for f in p.faas.values() {
        let (min_mb, max_mb) = f.memory_bounds_mb();
        let _ = writeln!(
            out,
            "  {:<22} {:>5}–{:<5} MB  ${:.10}/GB-s  ${:.2}/M requests  {:>4} ms billing  {:.0} s limit  ({})",
            f.name,
            min_mb,
            max_mb,
            f.usd_per_gb_s,
            f.usd_per_request * 1e6,
            f.billing_granularity_s * 1e3,
            f.max_duration_s,
            f.provider
        );
    }
    out
}

fn instances_text(p: &Profiles) -> String {
    let mut out = String::from("EC2 instance types\n");
    for i in p.instances.values() {
        let gpu = i
            .gpu
            .as_ref()
            .map(|g| format!("  {}", g.name))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  {:<12} {:>3} vCPU {:>5} GiB  ${:<7}/h  {:>5} Gbit/s{gpu}",
            i.name, i.vcpus, i.memory_gib, i.usd_per_hour, i.network_gbps
        );
    }
    out
}

fn channels_text(p: &Profiles) -> String {
    let mut out = String::from("Channels\n");
    for k in ChannelKind::ALL {
        let c = p.channels.get(k);
        let _ = writeln!(
            out,
            "  {:<10} latency {:>6.1} ms  start-up {:>5.0} s",
            k.name(),
            c.latency_s * 1e3,
            c.startup_s
        );
    }
    out
}

fn nodes_text(p: &Profiles) -> String {
    let mut out = String::from("ElastiCache nodes\n");
    for n in p.cache_nodes.values() {
        let _ = writeln!(
            out,
            "  {:<16} {:>5} Gbit/s  ${}/h",
            n.name,
            n.network_gbps,
            n.memcached_usd_per_hour
                .or(n.redis_usd_per_hour)
                .unwrap_or(0.0)
        );
    }
    out
}

/// Every number with its provenance, one a line, then the count of each kind.
pub fn sources_text(rows: &[Provenance]) -> anyhow::Result<String> {
    let count = |k: SourceKind| rows.iter().filter(|r| r.kind == k).count();
    let mut text = String::new();
    for r in rows {
        let _ = writeln!(
            text,
            "{:<28} {:<48} {:>14}  {:<10} {}",
            r.file,
            r.key,
            r.value,
            serde_json::to_value(r.kind)?.as_str().unwrap_or_default(),
            r.source
        );
    }
    let _ = writeln!(
        text,
        "{} numbers: {} measured, {} published, {} {}",
        rows.len(),
        count(SourceKind::Measured),
        count(SourceKind::Published),
        count(SourceKind::Assumption),
        if count(SourceKind::Assumption) == 1 {
            "assumption"
        } else {
            "assumptions"
        }
    );
    Ok(text)
}
