//! # Storage channels
//!
//! The services through which functions exchange gradients and models (LambdaML §3): S3,
//! ElastiCache Memcached and Redis, DynamoDB, and a parameter server on a VM. Each is described
//! by per-request latency, per-connection and shared bandwidth, object size limits, request-rate
//! limits, request prices and start-up; cache nodes and the PS VM add an hourly bill.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::Deserialize;

use super::{ProfileError, from_table, invalid, sources::Source};
use crate::units::{BYTES_PER_S_PER_GBPS, is_positive};

/// The kinds of channel, in a fixed order (used to index per-channel tables).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ChannelKind {
    S3,
    Memcached,
    Redis,
    DynamoDb,
    VmPs,
}

/// What a channel runs on, which decides how it is provisioned, shared and billed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Host {
    /// A managed service billed per request (S3, DynamoDB).
    Service,
    /// An ElastiCache node of a type the plan chooses, billed by the hour.
    CacheNode,
    /// A parameter server on an EC2 instance: it carries only its own pattern.
    Vm,
}

impl ChannelKind {
    /// Every channel kind.
    pub const ALL: [ChannelKind; 5] = [
        ChannelKind::S3,
        ChannelKind::Memcached,
        ChannelKind::Redis,
        ChannelKind::DynamoDb,
        ChannelKind::VmPs,
    ];

    /// The name used in scenarios, profiles and output.
    pub fn name(self) -> &'static str {
        match self {
            ChannelKind::S3 => "s3",
            ChannelKind::Memcached => "memcached",
            ChannelKind::Redis => "redis",
            ChannelKind::DynamoDb => "dynamodb",
            ChannelKind::VmPs => "vm-ps",
        }
    }

    /// What the channel runs on.
    pub fn host(self) -> Host {
        match self {
            ChannelKind::S3 | ChannelKind::DynamoDb => Host::Service,
            ChannelKind::Memcached | ChannelKind::Redis => Host::CacheNode,
            ChannelKind::VmPs => Host::Vm,
        }
    }

    /// Whether the channel is an ElastiCache node billed by the hour.
    pub fn is_cache(self) -> bool {
        self.host() == Host::CacheNode
    }

    /// Whether the channel is a parameter server, which implies its own pattern.
    pub fn is_server(self) -> bool {
        self.host() == Host::Vm
    }
}

impl fmt::Display for ChannelKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for ChannelKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        ChannelKind::ALL
            .into_iter()
            .find(|kind| kind.name() == s)
            .ok_or_else(|| {
                let known: Vec<&str> = ChannelKind::ALL.iter().map(|k| k.name()).collect();
                format!("unknown channel `{s}` (known: {})", known.join(", "))
            })
    }
}

/// One channel's parameters.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelProfile {
    /// Round-trip latency of one request.
    pub latency_s: f64,
    /// The published range a request's latency lies in (what a calibration may fit).
    pub plausible_latency_s: Option<[f64; 2]>,
    /// Per-connection bandwidth cap, if the service has one below the client's NIC.
    pub bandwidth_mb_s: Option<f64>,
    /// The largest object one request may carry; larger ones are split into several.
    pub max_object_bytes: Option<u64>,
    /// Bytes per billed/limited write unit (DynamoDB); absent: one unit per request.
    pub put_unit_bytes: Option<u64>,
    /// Bytes per billed/limited read unit.
    pub get_unit_bytes: Option<u64>,
    /// Write units per second the service accepts (S3 per prefix, a DynamoDB table).
    pub put_units_per_s: Option<f64>,
    /// Read units per second the service accepts.
    pub get_units_per_s: Option<f64>,
    /// Write units per second one key accepts (a DynamoDB partition), when below the service's.
    pub key_put_units_per_s: Option<f64>,
    /// Read units per second one key accepts.
    pub key_get_units_per_s: Option<f64>,
    #[serde(default)]
    pub usd_per_put_unit: f64,
    #[serde(default)]
    pub usd_per_get_unit: f64,
    /// How often a waiting worker polls for an object that is not there yet (0: it is told).
    pub poll_interval_s: f64,
    /// Time to provision the channel before training can start.
    pub startup_s: f64,
    /// Default ElastiCache node type (cache channels).
    pub node: Option<String>,
    /// Default EC2 instance type (VM parameter server).
    pub instance: Option<String>,
    /// Serialisation + update throughput of the parameter server.
    pub update_mb_s: Option<f64>,
}

/// All channels, indexed by kind.
#[derive(Debug, Clone, PartialEq)]
pub struct Channels {
    by_kind: Vec<ChannelProfile>,
}

impl Channels {
    /// The profile of one channel.
    pub fn get(&self, kind: ChannelKind) -> &ChannelProfile {
        &self.by_kind[kind as usize]
    }
}

/// Parses the channel file; every kind must be present.
pub fn parse(source: &Source) -> Result<Channels, ProfileError> {
    let mut raw: BTreeMap<String, ChannelProfile> = from_table(&source.file, &source.table)?;
    let mut take = |kind: ChannelKind| {
        let profile = raw
            .remove(kind.name())
            .ok_or_else(|| invalid(&source.file, format!("[{}] is missing", kind.name())))?;
        profile
            .check()
            .map_err(|m| invalid(&source.file, format!("{}.{m}", kind.name())))?;
        Ok::<_, ProfileError>(profile)
    };
    let by_kind = ChannelKind::ALL
        .into_iter()
        .map(&mut take)
        .collect::<Result<Vec<_>, _>>()?;
    if let Some(extra) = raw.keys().next() {
        return Err(invalid(&source.file, format!("unknown channel [{extra}]")));
    }
    Ok(Channels { by_kind })
}

impl ChannelProfile {
    fn check(&self) -> Result<(), String> {
        if !(self.latency_s >= 0.0 && self.latency_s.is_finite()) {
            return Err(format!(
                "latency_s must not be negative (got {})",
                self.latency_s
            ));
        }
        let positive = [
            ("bandwidth_mb_s", self.bandwidth_mb_s),
            ("put_units_per_s", self.put_units_per_s),
            ("get_units_per_s", self.get_units_per_s),
            ("key_put_units_per_s", self.key_put_units_per_s),
            ("key_get_units_per_s", self.key_get_units_per_s),
            ("update_mb_s", self.update_mb_s),
        ];
        for (key, value) in positive {
            if let Some(v) = value
                && !is_positive(v)
            {
                return Err(format!("{key} must be positive (got {v})"));
            }
        }
        if self.max_object_bytes == Some(0) {
            return Err("max_object_bytes must be positive".into());
        }
        // A measured latency may fall outside the published range: that is news, not an error.
        if let Some([low, high]) = self.plausible_latency_s
            && !(low > 0.0 && low < high && high.is_finite())
        {
            return Err(format!(
                "plausible_latency_s must be a rising range of positive seconds (got [{low}, {high}])"
            ));
        }
        Ok(())
    }
}

/// An ElastiCache node type.
#[derive(Debug, Clone, PartialEq)]
pub struct CacheNode {
    pub name: String,
    pub vcpus: f64,
    pub memory_gib: f64,
    pub memcached_usd_per_hour: Option<f64>,
    pub redis_usd_per_hour: Option<f64>,
    pub network_gbps: f64,
    pub billing_increment_s: f64,
}

impl CacheNode {
    /// Sustained network bandwidth in bytes per second.
    pub fn network_bytes_per_s(&self) -> f64 {
        self.network_gbps * BYTES_PER_S_PER_GBPS
    }

    /// The hourly price for an engine, if the node offers it.
    pub fn usd_per_hour(&self, engine: ChannelKind) -> Option<f64> {
        match engine {
            ChannelKind::Memcached => self.memcached_usd_per_hour,
            ChannelKind::Redis => self.redis_usd_per_hour,
            _ => None,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCacheNodes {
    defaults: RawCacheDefaults,
    nodes: BTreeMap<String, RawCacheNode>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCacheDefaults {
    billing_increment_s: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCacheNode {
    vcpus: f64,
    memory_gib: f64,
    memcached_usd_per_hour: Option<f64>,
    redis_usd_per_hour: Option<f64>,
    network_gbps: f64,
}

/// Parses the ElastiCache node file.
pub fn parse_cache_nodes(source: &Source) -> Result<BTreeMap<String, CacheNode>, ProfileError> {
    let raw: RawCacheNodes = from_table(&source.file, &source.table)?;
    if !is_positive(raw.defaults.billing_increment_s) {
        return Err(invalid(
            &source.file,
            "defaults.billing_increment_s must be positive",
        ));
    }
    raw.nodes
        .into_iter()
        .map(|(name, node)| {
            if !is_positive(node.network_gbps) {
                return Err(invalid(
                    &source.file,
                    format!("nodes.\"{name}\".network_gbps must be positive"),
                ));
            }
            let node = CacheNode {
                name: name.clone(),
                vcpus: node.vcpus,
                memory_gib: node.memory_gib,
                memcached_usd_per_hour: node.memcached_usd_per_hour,
                redis_usd_per_hour: node.redis_usd_per_hour,
                network_gbps: node.network_gbps,
                billing_increment_s: raw.defaults.billing_increment_s,
            };
            Ok((name, node))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::Profiles;

    #[test]
    fn channel_names_round_trip() {
        for kind in ChannelKind::ALL {
            assert_eq!(kind.name().parse::<ChannelKind>().unwrap(), kind);
        }
        assert!("ftp".parse::<ChannelKind>().is_err());
    }

    #[test]
    fn rejects_a_plausible_latency_range_that_does_not_rise() {
        let profiles = Profiles::builtin().unwrap();
        let mut s3 = profiles.channels.get(ChannelKind::S3).clone();
        assert!(s3.check().is_ok());
        s3.plausible_latency_s = Some([2.0, 0.01]);
        assert!(s3.check().unwrap_err().contains("plausible_latency_s"));
    }

    #[test]
    fn dynamodb_items_stop_at_400_kb() {
        let profiles = Profiles::builtin().unwrap();
        let dynamo = profiles.channels.get(ChannelKind::DynamoDb);
        assert_eq!(dynamo.max_object_bytes, Some(400 * 1024));
    }

    #[test]
    fn s3_request_prices_match_the_list() {
        let profiles = Profiles::builtin().unwrap();
        let s3 = profiles.channels.get(ChannelKind::S3);
        approx::assert_relative_eq!(s3.usd_per_put_unit * 1000.0, 0.005);
        approx::assert_relative_eq!(s3.usd_per_get_unit * 1000.0, 0.0004);
    }
}
