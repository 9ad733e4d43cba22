//! # Parameter server
//!
//! A VM parameter server that applies the workers' updates one after another at its update
//! rate.

use super::*;

impl FaasRun<'_> {
    pub(super) fn server_receives(
        &mut self,
        j: u32,
        round: u64,
        now: SimTime,
        s: &mut Scheduler<Event>,
    ) {
        let update_s = self.layout.bytes
            / self
                .model
                .update_bytes_per_s(self.settings.cfg.channel_ref());
        let applied_at = self.server_free_at.max(now) + update_s;
        self.server_free_at = applied_at;
        if !self.layout.synchronous {
            s.at(applied_at, Event::ServerApplied(j, round));
            return;
        }
        let r = round as usize;
        if self.server_applied.len() <= r {
            self.server_applied.resize(r + 1, 0);
        }
        self.server_applied[r] += 1;
        if self.server_applied[r] == self.settings.cfg.workers {
            s.at(applied_at, Event::Publish(key(Kind::Result, round, 0, 0)));
        }
    }
}
