//! `stratus profiles`: list the platforms, instance types, channels and cache nodes Stratus knows.

use clap::Args;
use serde_json::{Value, json};

use super::common::load_profiles;
use super::output::{Format, print_json};
use crate::profile::provenance::{self, SourceKind};
use crate::profile::{ChannelKind, Profiles};

/// Flags of `stratus profiles`.
#[derive(Debug, Args)]
pub struct ProfilesArgs {
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Show the profiles with a calibration file applied.
    #[arg(long, value_name = "FILE")]
    pub calibration: Option<std::path::PathBuf>,
    /// List every number of the built-in profiles with its provenance: measured (how),
    /// published (where) or an assumption.
    #[arg(long)]
    pub sources: bool,
}

/// Runs `stratus profiles`.
pub fn run(args: &ProfilesArgs) -> anyhow::Result<()> {
    if args.sources {
        return sources(args.format);
    }
    let profiles = load_profiles(args.calibration.as_deref())?;
    match args.format {
        Format::Json => print_json(&as_json(&profiles)),
        Format::Table | Format::Csv => {
            print!("{}", as_text(&profiles));
            Ok(())
        }
    }
}

fn sources(format: Format) -> anyhow::Result<()> {
    let rows = provenance::all();
    match format {
        Format::Json => print_json(&serde_json::to_value(&rows)?),
        Format::Csv => {
            let mut out = csv::Writer::from_writer(std::io::stdout().lock());
            for row in &rows {
                out.serialize(row)?;
            }
            out.flush()?;
            Ok(())
        }
        Format::Table => {
            let count = |k: SourceKind| rows.iter().filter(|r| r.kind == k).count();
            let mut text = String::new();
            for r in &rows {
                text.push_str(&format!(
                    "{:<28} {:<48} {:>14}  {:<10} {}\n",
                    r.file,
                    r.key,
                    r.value,
                    serde_json::to_value(r.kind)?.as_str().unwrap_or_default(),
                    r.source
                ));
            }
            text.push_str(&format!(
                "{} numbers: {} measured, {} published, {} assumptions\n",
                rows.len(),
                count(SourceKind::Measured),
                count(SourceKind::Published),
                count(SourceKind::Assumption)
            ));
            print!("{text}");
            Ok(())
        }
    }
}

fn as_json(p: &Profiles) -> Value {
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

fn as_text(p: &Profiles) -> String {
    let mut out = String::from("FaaS platforms\n");
    for f in p.faas.values() {
        let (min_mb, max_mb) = f.memory_bounds_mb();
        out += &format!(
            "  {:<22} {:>5}–{:<5} MB  ${:.10}/GB-s  ${:.2}/M requests  {:>4} ms billing  {:.0} s limit  ({})\n",
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
    out += "\nEC2 instance types\n";
    for i in p.instances.values() {
        let gpu = i
            .gpu
            .as_ref()
            .map(|g| format!("  {}", g.name))
            .unwrap_or_default();
        out += &format!(
            "  {:<12} {:>3} vCPU {:>5} GiB  ${:<7}/h  {:>5} Gbit/s{gpu}\n",
            i.name, i.vcpus, i.memory_gib, i.usd_per_hour, i.network_gbps
        );
    }
    out += "\nChannels\n";
    for k in ChannelKind::ALL {
        let c = p.channels.get(k);
        out += &format!(
            "  {:<10} latency {:>6.1} ms  start-up {:>5.0} s\n",
            k.name(),
            c.latency_s * 1e3,
            c.startup_s
        );
    }
    out += "\nElastiCache nodes\n";
    for n in p.cache_nodes.values() {
        out += &format!(
            "  {:<16} {:>5} Gbit/s  ${}/h\n",
            n.name,
            n.network_gbps,
            n.memcached_usd_per_hour
                .or(n.redis_usd_per_hour)
                .unwrap_or(0.0)
        );
    }
    out
}
