//! # ElastiCache nodes: Memcached and Redis
//!
//! A cache runs on one node of a type the plan chooses (`faas.cache_node`): every function's
//! transfers share the node's NIC, a round's objects must fit in its memory, and the node is
//! billed by the hour at its engine's price from the moment it is provisioned.

use super::{ChannelSetup, NodeSetup, Provision, ProvisionError, bare};
use crate::profile::{CacheNode, ChannelKind, Profiles};
use crate::scenario::FaasSpace;
use crate::units::BYTES_PER_GIB;

/// The node type a cache runs on when neither the scenario nor the profile names one.
const DEFAULT_NODE: &str = "cache.m5.large";

/// Channels that are caches on ElastiCache nodes.
pub struct CacheNodes;

impl Provision for CacheNodes {
    fn setup(
        &self,
        kind: ChannelKind,
        space: &FaasSpace,
        profiles: &Profiles,
    ) -> Result<ChannelSetup, ProvisionError> {
        let profile = profiles.channels.get(kind);
        let name = space
            .cache_nodes
            .first()
            .map(String::as_str)
            .or(profile.node.as_deref())
            .unwrap_or(DEFAULT_NODE);
        on_node(bare(profile), kind, profiles.cache_node(name)?)
    }

    /// Every node type of the catalogue that prices the engine.
    fn node_setups(&self, kind: ChannelKind, profiles: &Profiles) -> Vec<NodeSetup> {
        let bare = bare(profiles.channels.get(kind));
        profiles
            .cache_nodes
            .values()
            .filter_map(|node| {
                let setup = on_node(bare, kind, node).ok()?;
                Some(NodeSetup {
                    node: node.name.clone(),
                    kind,
                    setup,
                })
            })
            .collect()
    }
}

/// A cache channel's `setup` on `node`: its NIC shared by every function, its memory and its
/// hourly bill.
fn on_node(
    mut setup: ChannelSetup,
    kind: ChannelKind,
    node: &CacheNode,
) -> Result<ChannelSetup, ProvisionError> {
    setup.link.shared_bytes_per_s = Some(node.network_bytes_per_s());
    setup.capacity_bytes = node.memory_gib * BYTES_PER_GIB;
    setup.node_usd_per_hour =
        node.usd_per_hour(kind)
            .ok_or_else(|| ProvisionError::NoEnginePrice {
                node: node.name.clone(),
                engine: kind,
            })?;
    setup.node_billing_increment_s = node.billing_increment_s;
    Ok(setup)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cache_shares_its_nodes_nic_and_is_billed_at_its_engines_price() {
        let profiles = Profiles::builtin().unwrap();
        let node = profiles.cache_node("cache.r5.xlarge").unwrap();
        for kind in [ChannelKind::Memcached, ChannelKind::Redis] {
            let setups = CacheNodes.node_setups(kind, &profiles);
            let on = setups.iter().find(|n| n.node == node.name).unwrap();
            assert_eq!(
                on.setup.link.shared_bytes_per_s,
                Some(node.network_bytes_per_s())
            );
            assert_eq!(Some(on.setup.node_usd_per_hour), node.usd_per_hour(kind));
            assert!(on.setup.capacity_bytes < f64::INFINITY);
        }
    }
}
