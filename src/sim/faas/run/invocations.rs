//! # Invocations
//!
//! A worker's invocation against the platform's duration limit: when to checkpoint and
//! re-invoke, closing an invocation (its billed duration), and a worker's end.

use super::*;

impl FaasRun<'_> {
    /// Whether worker `j` should checkpoint before its next round: the round (as long as the
    /// model's average round, the rule the model splits a run by: a worker's own last round
    /// differs from it by its place in the round's queues, which would move a checkpoint a
    /// round either way where the split is close) and a checkpoint (every worker's, queued at
    /// the service's write limit; none after the last round) would pass the limit. An
    /// invocation always runs at least one round, so a round longer than the limit cannot loop.
    pub(super) fn must_checkpoint(&self, j: u32, now: SimTime) -> bool {
        let worker = &self.workers[j as usize];
        if worker.rounds_in_invocation == 0 {
            return false;
        }
        // After its last round a worker returns instead.
        let last = worker.round + 1 >= self.settings.rounds;
        let put_s = if last { 0.0 } else { self.checkpoint_put_s };
        let elapsed_s = now - worker.invocation_start;
        elapsed_s + self.round_estimate_s + put_s > self.model.profile().max_duration_s
    }

    pub(super) fn close_invocation(&mut self, actor: u32, now: SimTime) {
        let worker = &mut self.workers[actor as usize];
        let duration_s = now - worker.invocation_start;
        worker.billed_usd += self.model.profile().billed_s(duration_s, true) * self.size.usd_per_s;
        worker.invocations += 1;
    }

    pub(super) fn finish_worker(&mut self, j: u32, now: SimTime) {
        if self.workers[j as usize].finished_at.is_none() {
            self.close_invocation(j, now);
            self.workers[j as usize].finished_at = Some(now);
        }
    }

    /// An actor ran out of actions: a worker's round is over; an aggregator's invocation ends.
    pub(super) fn end_of_plan(&mut self, actor: u32, now: SimTime, s: &mut Scheduler<Event>) {
        if !self.actor_is_worker(actor) {
            let agg = &self.aggregators[actor as usize - self.workers.len()];
            let busy_s = now - agg.busy_from;
            self.aggregator_usd +=
                self.model.profile().billed_s(busy_s, false) * self.size.usd_per_s;
            self.aggregator_invocations += 1.0;
            return;
        }
        self.count_round(actor, now, s);
        let worker = &mut self.workers[actor as usize];
        worker.round += 1;
        worker.rounds_in_invocation += 1;
        self.begin_round(actor, now, s);
    }
}
