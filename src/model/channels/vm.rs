//! # A parameter server on a VM (LambdaML's HybridPS)
//!
//! The server runs on an EC2 instance (`faas.ps_instance`, or the profile's): every worker's
//! push and pull share its NIC, it boots and installs before training starts, and it is billed
//! by the hour with the instance's minimum. It applies updates at the profile's measured rate.

use super::{ChannelSetup, Provision, ProvisionError, bare};
use crate::profile::{ChannelKind, Profiles};
use crate::scenario::FaasSpace;

/// The instance type a server runs on when neither the scenario nor the profile names one.
const DEFAULT_INSTANCE: &str = "c5.4xlarge";

/// Channels that are a server on a VM.
pub struct ServerVm;

impl Provision for ServerVm {
    fn setup(
        &self,
        kind: ChannelKind,
        space: &FaasSpace,
        profiles: &Profiles,
    ) -> Result<ChannelSetup, ProvisionError> {
        let profile = profiles.channels.get(kind);
        let name = space
            .ps_instance
            .as_deref()
            .or(profile.instance.as_deref())
            .unwrap_or(DEFAULT_INSTANCE);
        let vm = profiles.instance(name)?;
        let mut setup = bare(profile);
        setup.link.shared_bytes_per_s = Some(vm.network_bytes_per_s());
        setup.startup_s += vm.boot_s + vm.setup_s;
        setup.node_usd_per_hour = vm.usd_per_hour;
        setup.node_minimum_s = vm.billing_minimum_s;
        Ok(setup)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_server_boots_its_instance_before_training_and_shares_its_nic() {
        let profiles = Profiles::builtin().unwrap();
        let mut scenario = crate::scenario::Scenario::default_scenario(&[], &profiles).unwrap();
        let space = scenario.faas.as_mut().unwrap();
        space.ps_instance = Some("m5.large".into());
        let setup = ServerVm.setup(ChannelKind::VmPs, space, &profiles).unwrap();
        let vm = profiles.instance("m5.large").unwrap();
        let service = profiles.channels.get(ChannelKind::VmPs).startup_s;
        approx::assert_relative_eq!(setup.startup_s, service + vm.boot_s + vm.setup_s);
        assert_eq!(
            setup.link.shared_bytes_per_s,
            Some(vm.network_bytes_per_s())
        );
        approx::assert_relative_eq!(setup.node_usd_per_hour, vm.usd_per_hour);
    }
}
