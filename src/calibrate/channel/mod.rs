//! # Channel profiler
//!
//! Measures a real storage channel the way functions use it: PUT then GET of objects from 1 KiB
//! to 64 MiB (sizes ×4 apart), a warm-up round trip per size, then `repeats` timed ones, fitted
//! to time = latency + bytes / bandwidth per operation (see `fit`). Stores: Redis (RESP),
//! Memcached (text protocol), a local directory.

pub mod dir;
pub mod fit;
pub mod memcached;
pub mod redis;

use std::io::BufReader;
use std::net::TcpStream;
use std::time::Instant;

use serde::Serialize;

pub use fit::{ChannelFit, OpFit, fit};

use super::Progress;

/// Why a channel cannot be measured.
#[derive(Debug, thiserror::Error)]
pub enum ChannelError {
    #[error("{0}")]
    BadAddress(String),
    #[error("{what}: {source}")]
    Io {
        what: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}")]
    Protocol(String),
    #[error(
        "the {0} times do not grow with object size, so there is no bandwidth to fit: measure larger objects (--max-object-mib) or more round trips (--repeats)"
    )]
    NoBandwidth(&'static str),
}

impl ChannelError {
    /// Whether the user gave something wrong (exit 2) rather than the channel failing.
    pub fn is_input(&self) -> bool {
        matches!(self, ChannelError::BadAddress(_))
    }

    pub(crate) fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> ChannelError {
        let what = what.into();
        move |source| ChannelError::Io { what, source }
    }
}

/// A TCP connection to `server` at `address`: a buffered reader and a writer on one socket,
/// with Nagle's algorithm off so small requests go out at once.
pub(crate) fn connect(
    address: &str,
    server: &str,
) -> Result<(BufReader<TcpStream>, TcpStream), ChannelError> {
    let stream = TcpStream::connect(address).map_err(ChannelError::io(format!(
        "connecting to {server} at {address}"
    )))?;
    stream
        .set_nodelay(true)
        .map_err(ChannelError::io("setting TCP_NODELAY"))?;
    let writer = stream
        .try_clone()
        .map_err(ChannelError::io("cloning the socket"))?;
    Ok((BufReader::with_capacity(1 << 20, stream), writer))
}

/// A key–value store a function could exchange objects through.
pub trait Store {
    /// What is measured, for reports: `redis at 127.0.0.1:6379`.
    fn describe(&self) -> String;
    /// Stores `value` under `key`.
    fn put(&mut self, key: &str, value: &[u8]) -> Result<(), ChannelError>;
    /// Fetches `key`, returning its length.
    fn get(&mut self, key: &str) -> Result<usize, ChannelError>;
    /// Deletes `key` (and its chunks).
    fn remove(&mut self, key: &str) -> Result<(), ChannelError>;
    /// The largest object one request may carry, if the store has a limit.
    fn max_object_bytes(&self) -> Option<u64> {
        None
    }
}

/// Which objects to time and how often.
#[derive(Debug, Clone, PartialEq)]
pub struct ProbePlan {
    pub sizes_bytes: Vec<usize>,
    pub repeats: usize,
}

impl ProbePlan {
    /// 1 KiB, 4 KiB, … up to `max_bytes` (64 MiB by default), `repeats` timed round trips each.
    pub fn standard(repeats: usize, max_bytes: usize) -> Self {
        let sizes_bytes = std::iter::successors(Some(1024usize), |s| Some(s * 4))
            .take_while(|&s| s <= max_bytes)
            .collect();
        ProbePlan {
            sizes_bytes,
            repeats: repeats.max(1),
        }
    }
}

/// Whether a sample timed a write or a read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    Put,
    Get,
}

/// One timed operation.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Sample {
    pub op: Op,
    pub bytes: usize,
    pub seconds: f64,
}

/// Times the plan's round trips against `store`.
pub fn measure(
    store: &mut dyn Store,
    plan: &ProbePlan,
    progress: Progress,
) -> Result<Vec<Sample>, ChannelError> {
    let mut samples = Vec::new();
    for &bytes in &plan.sizes_bytes {
        progress(&format!(
            "{}: {} objects, {} round trips",
            store.describe(),
            crate::units::format_bytes(bytes as f64),
            plan.repeats
        ));
        let payload = payload(bytes);
        let key = format!("stratus-probe-{bytes}");
        round_trip(store, &key, &payload)?;
        for _ in 0..plan.repeats {
            let (put_s, get_s) = round_trip(store, &key, &payload)?;
            samples.push(Sample {
                op: Op::Put,
                bytes,
                seconds: put_s,
            });
            samples.push(Sample {
                op: Op::Get,
                bytes,
                seconds: get_s,
            });
        }
        store.remove(&key)?;
    }
    Ok(samples)
}

fn round_trip(
    store: &mut dyn Store,
    key: &str,
    payload: &[u8],
) -> Result<(f64, f64), ChannelError> {
    let start = Instant::now();
    store.put(key, payload)?;
    let put_s = start.elapsed().as_secs_f64();
    let start = Instant::now();
    let got = store.get(key)?;
    let get_s = start.elapsed().as_secs_f64();
    if got != payload.len() {
        return Err(ChannelError::Protocol(format!(
            "{}: stored {} bytes under {key} but read back {got}",
            store.describe(),
            payload.len()
        )));
    }
    Ok((put_s, get_s))
}

/// Incompressible bytes from a fixed linear congruential sequence.
fn payload(bytes: usize) -> Vec<u8> {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..bytes)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 56) as u8
        })
        .collect()
}

/// The calibration patch for `channel` and the `[fit.channel]` report.
pub fn calibration(
    channel: &str,
    store: &dyn Store,
    fit: &ChannelFit,
    samples: &[Sample],
) -> toml::Table {
    let mut table = toml::Table::new();
    table.insert("latency_s".into(), fit.latency_s.into());
    table.insert("bandwidth_mb_s".into(), fit.bandwidth_mb_s.into());
    if let Some(limit) = store.max_object_bytes() {
        table.insert("max_object_bytes".into(), (limit as i64).into());
    }
    let mut channels = toml::Table::new();
    channels.insert(channel.to_string(), table.into());
    let mut report = toml::Table::new();
    report.insert("store".into(), store.describe().into());
    report.insert("channel".into(), channel.into());
    report.insert("samples".into(), (samples.len() as i64).into());
    report.insert(
        "put".into(),
        toml::Value::try_from(fit.put).expect("numbers"),
    );
    report.insert(
        "get".into(),
        toml::Value::try_from(fit.get).expect("numbers"),
    );
    let mut fit_table = toml::Table::new();
    fit_table.insert("channel".into(), report.into());
    let mut file = toml::Table::new();
    file.insert("fit".into(), fit_table.into());
    file.insert("channels".into(), channels.into());
    file
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    /// An in-memory store.
    struct Fake(std::collections::HashMap<String, usize>);

    /// 2 ms plus 1 ms per 100 kB per operation.
    fn synthetic(plan: &ProbePlan) -> Vec<Sample> {
        plan.sizes_bytes
            .iter()
            .flat_map(|&bytes| {
                [Op::Put, Op::Get].map(|op| Sample {
                    op,
                    bytes,
                    seconds: 0.002 + bytes as f64 / 100e6,
                })
            })
            .collect()
    }

    impl Store for Fake {
        fn describe(&self) -> String {
            "fake".into()
        }
        fn put(&mut self, key: &str, value: &[u8]) -> Result<(), ChannelError> {
            self.0.insert(key.into(), value.len());
            Ok(())
        }
        fn get(&mut self, key: &str) -> Result<usize, ChannelError> {
            Ok(self.0[key])
        }
        fn remove(&mut self, key: &str) -> Result<(), ChannelError> {
            self.0.remove(key);
            Ok(())
        }
    }

    #[test]
    fn the_standard_plan_runs_from_1_kib_to_64_mib() {
        let plan = ProbePlan::standard(5, 64 << 20);
        assert_eq!(plan.sizes_bytes.first(), Some(&1024));
        assert_eq!(plan.sizes_bytes.last(), Some(&(64 << 20)));
        assert_eq!(plan.sizes_bytes.len(), 9);
    }

    #[test]
    fn measuring_times_every_size_and_cleans_up() {
        let mut store = Fake(Default::default());
        let plan = ProbePlan::standard(2, 16 << 10);
        let samples = measure(&mut store, &plan, &|_| {}).unwrap();
        assert_eq!(samples.len(), 3 * 2 * 2);
        assert!(store.0.is_empty());
    }

    #[test]
    fn the_patch_sets_the_channel_profile() {
        let store = Fake(Default::default());
        let samples = synthetic(&ProbePlan::standard(1, 1 << 20));
        let file = calibration("redis", &store, &fit(&samples).unwrap(), &samples);
        let profiles = crate::profile::Profiles::calibrated(&file).unwrap();
        let redis = profiles.channels.get(crate::profile::ChannelKind::Redis);
        assert_relative_eq!(redis.latency_s, 0.002, max_relative = 1e-6);
        assert_relative_eq!(redis.bandwidth_mb_s.unwrap(), 100.0, max_relative = 1e-6);
    }
}
