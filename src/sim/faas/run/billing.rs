//! # Billing
//!
//! What a run has cost at a moment of its clock: the functions' billed durations so far (the
//! running invocations' too), the requests, and the channel's node by the hour, priced by the
//! model's one price function — the trace's running bill and the run's final one.

use super::*;
use crate::model::faas::Usage;

impl FaasRun<'_> {
    /// The bill at `now`: the functions' billed invocations and the running ones so far, the
    /// invocations and channel requests made, and the channel's node for the time passed.
    pub(super) fn bill_at(&self, now: SimTime) -> FaasCost {
        let functions_usd: f64 = self
            .workers
            .iter()
            .map(|w| {
                w.billed_usd
                    + (now - w.invocation_start).max(0.0)
                        * self.size.usd_per_s
                        * f64::from(w.finished_at.is_none())
            })
            .sum();
        let invocations: f64 = self.workers.iter().map(|w| f64::from(w.invocations)).sum();
        let c = &self.channel.counts;
        let usage = Usage {
            functions_usd: functions_usd + self.aggregator_usd,
            invocations: invocations + self.aggregator_invocations,
            put_units: c.put_units,
            get_units: c.get_units,
            data_get_units: self.data_channel.counts.get_units,
        };
        self.model
            .price(self.settings.cfg.channel_ref(), &usage, now.secs())
    }

    /// The running bill at `now`, for the trace.
    pub(super) fn accrued_usd(&self, now: SimTime) -> f64 {
        self.bill_at(now).total_usd()
    }
}
