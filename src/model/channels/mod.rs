//! # Channels as provisioned for a scenario
//!
//! A channel's measured numbers (latency, bandwidth, object and rate limits, request prices)
//! are data in the channel profile; what differs in kind is what the channel runs on, which
//! decides its shared NIC, its memory and its hourly bill: a managed service (S3, DynamoDB), an
//! ElastiCache node of a type the plan chooses (Memcached, Redis), or a parameter server's VM.
//! Each host is one file implementing [`Provision`]; the model and the simulator both take the
//! [`ChannelSetup`] it builds (the simulator plays the same [`Link`]), and the model bills the
//! node from it for both. A new channel on an existing host is a profile entry and a
//! [`ChannelKind`]; a new kind of host is one more file here.

mod cache_node;
mod service;
mod vm;

use crate::model::link::Link;
use crate::profile::{ChannelKind, ChannelProfile, Host, ProfileError, Profiles};
use crate::scenario::FaasSpace;
use crate::units::{BYTES_PER_MB, SECONDS_PER_HOUR, round_up_to_increment};

/// A channel as one scenario uses it: its link, its start-up and its node bill.
#[derive(Debug, Clone, Copy)]
pub struct ChannelSetup {
    pub link: Link,
    pub startup_s: f64,
    pub node_usd_per_hour: f64,
    pub node_billing_increment_s: f64,
    pub node_minimum_s: f64,
    /// Bytes per second a parameter server applies updates at (infinite elsewhere).
    pub update_bytes_per_s: f64,
    pub usd_per_put_unit: f64,
    pub usd_per_get_unit: f64,
    /// Bytes the channel's node holds (infinite for services without a node).
    pub capacity_bytes: f64,
}

/// A channel on one of the node types a plan may choose between.
#[derive(Debug, Clone)]
pub struct NodeSetup {
    pub node: String,
    pub kind: ChannelKind,
    pub setup: ChannelSetup,
}

/// Why a channel cannot be provisioned.
#[derive(Debug, thiserror::Error)]
pub enum ProvisionError {
    #[error(transparent)]
    Profile(#[from] ProfileError),
    #[error("cache node {node} has no {engine} price")]
    NoEnginePrice { node: String, engine: ChannelKind },
}

/// How one kind of host provisions a channel.
pub trait Provision {
    /// The channel `kind` as `space` uses it unless a configuration names a node: on the
    /// scenario's first node type, or the profile's default host.
    fn setup(
        &self,
        kind: ChannelKind,
        space: &FaasSpace,
        profiles: &Profiles,
    ) -> Result<ChannelSetup, ProvisionError>;

    /// The channel `kind` on every node type a configuration may name.
    fn node_setups(&self, _kind: ChannelKind, _profiles: &Profiles) -> Vec<NodeSetup> {
        Vec::new()
    }
}

/// The provisioning of channels on `host`.
pub fn provision(host: Host) -> &'static dyn Provision {
    match host {
        Host::Service => &service::Service,
        Host::CacheNode => &cache_node::CacheNodes,
        Host::Vm => &vm::ServerVm,
    }
}

/// Every channel of `space` provisioned, in [`ChannelKind::ALL`] order: those the scenario
/// searches fully, the others as far as their profile goes (their node may be unpriced).
pub fn setups(space: &FaasSpace, profiles: &Profiles) -> Result<Vec<ChannelSetup>, ProvisionError> {
    let mut setups = Vec::with_capacity(ChannelKind::ALL.len());
    for kind in ChannelKind::ALL {
        let setup = match provision(kind.host()).setup(kind, space, profiles) {
            Err(e) if space.channels.contains(&kind) => return Err(e),
            Err(_) => bare(profiles.channels.get(kind)),
            Ok(setup) => setup,
        };
        setups.push(with_polling(setup, space));
    }
    Ok(setups)
}

/// Every channel on every node type a configuration may name, polled as `space` says.
pub fn node_setups(space: &FaasSpace, profiles: &Profiles) -> Vec<NodeSetup> {
    ChannelKind::ALL
        .into_iter()
        .flat_map(|kind| provision(kind.host()).node_setups(kind, profiles))
        .map(|mut n| {
            n.setup = with_polling(n.setup, space);
            n
        })
        .collect()
}

/// A channel with no node: its link and request prices only.
pub fn bare(profile: &ChannelProfile) -> ChannelSetup {
    ChannelSetup {
        link: Link::new(profile, f64::INFINITY, None),
        startup_s: profile.startup_s,
        node_usd_per_hour: 0.0,
        node_billing_increment_s: 1.0,
        node_minimum_s: 0.0,
        update_bytes_per_s: profile
            .update_mb_s
            .map_or(f64::INFINITY, |mb| mb * BYTES_PER_MB),
        usd_per_put_unit: profile.usd_per_put_unit,
        usd_per_get_unit: profile.usd_per_get_unit,
        capacity_bytes: f64::INFINITY,
    }
}

/// `setup` polled as the scenario says (its interval, when set, and its backoff); channels
/// that tell their waiters (no polling) stay as they are.
fn with_polling(mut setup: ChannelSetup, space: &FaasSpace) -> ChannelSetup {
    if setup.link.poll_interval_s > 0.0 {
        if let Some(interval_s) = space.poll_interval_s {
            setup.link.poll_interval_s = interval_s;
        }
        setup.link.poll_backoff = space.poll_backoff;
    }
    setup
}

impl ChannelSetup {
    /// The bill of the channel's node (cache node-hours or the PS VM) for a run of `total_s`.
    pub fn node_usd(&self, total_s: f64) -> f64 {
        if self.node_usd_per_hour <= 0.0 {
            return 0.0;
        }
        let billed_s =
            round_up_to_increment(total_s, self.node_billing_increment_s).max(self.node_minimum_s);
        self.node_usd_per_hour * billed_s / SECONDS_PER_HOUR
    }
}
