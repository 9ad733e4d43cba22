//! # Managed services: S3 and DynamoDB
//!
//! A service billed per request, with no node of the user's to size: every client has its own
//! bandwidth, and the service's request-rate limits (S3's per prefix, DynamoDB's on-demand table
//! and partitions) are what the clients share. All of that is in the channel profile.

use super::{ChannelSetup, Provision, ProvisionError, bare};
use crate::profile::{ChannelKind, Profiles};
use crate::scenario::FaasSpace;

/// Channels that are managed services.
pub struct Service;

impl Provision for Service {
    fn setup(
        &self,
        kind: ChannelKind,
        _space: &FaasSpace,
        profiles: &Profiles,
    ) -> Result<ChannelSetup, ProvisionError> {
        Ok(bare(profiles.channels.get(kind)))
    }
}
