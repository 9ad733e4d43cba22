//! # Rounds
//!
//! Counting a round finished (by every worker, or at the HSP barrier), recording it in the
//! trace with its epoch loss, ending the run at a target loss or a stop, and forgetting the
//! objects of rounds nobody reads again; the SSP bound and where epochs end.

use super::*;

impl FaasRun<'_> {
    /// Counts worker `actor`'s current round as finished, once.
    pub(super) fn count_round(&mut self, actor: u32, now: SimTime, s: &mut Scheduler<Event>) {
        let worker = &mut self.workers[actor as usize];
        if std::mem::replace(&mut worker.counted, true) {
            return;
        }
        let round = worker.round;
        let (loss, rows) = (
            std::mem::take(&mut worker.loss_sum),
            std::mem::take(&mut worker.rows),
        );
        self.round_finished(round, loss, rows, now, s);
    }

    /// Counts a worker's finished round; when all have, the round is over for the run.
    pub(super) fn round_finished(
        &mut self,
        round: u64,
        loss: f64,
        rows: usize,
        now: SimTime,
        s: &mut Scheduler<Event>,
    ) {
        let r = round as usize;
        if self.round_done.len() <= r {
            self.round_done.resize(r + 1, 0);
            self.round_loss.resize(r + 1, (0.0, 0));
        }
        self.round_done[r] += 1;
        self.round_loss[r].0 += loss;
        self.round_loss[r].1 += rows;
        if self.round_done[r] as usize == self.workers.len() {
            self.publish(key(Kind::AllDone, round, 0, 0), now, s);
            self.record_round(round, now);
        }
    }

    pub(super) fn record_round(&mut self, round: u64, now: SimTime) {
        self.watch.finish(1);
        if self.watch.stopping() {
            // Asked to stop: this round is the last one begun.
            self.settings.rounds = self.settings.rounds.min(round + 1);
        }
        self.forget_old_rounds(round);
        let (loss_sum, rows) = self.round_loss[round as usize];
        if self.ends_epoch(round) {
            let loss = if self.layout.synchronous {
                self.arithmetic.merged_loss(round)
            } else {
                self.arithmetic.train_loss(&self.shared_model)
            };
            self.epoch_losses.push(loss);
            if self.settings.target_loss.is_some_and(|t| loss <= t) {
                self.settings.rounds = self.settings.rounds.min(round + 1);
            }
        }
        let counts = self.channel.counts;
        self.trace.push(TraceRow {
            time_s: now.secs(),
            epoch: round / self.settings.rounds_per_epoch.max(1) + 1,
            round: round + 1,
            loss: loss_sum / rows.max(1) as f64,
            bytes: counts.bytes,
            requests: counts.puts + counts.gets,
            active: self
                .workers
                .iter()
                .filter(|w| w.finished_at.is_none())
                .count() as u32,
            usd: self.accrued_usd(now),
        });
    }

    /// Every 16 rounds of a BSP run, drops the objects of rounds no worker can read again (the
    /// slowest worker is two rounds past them), so the store holds a few rounds' objects rather
    /// than the whole run's. The shared model and checkpoints stay; asynchronous runs keep all.
    pub(super) fn forget_old_rounds(&mut self, round: u64) {
        if !self.layout.synchronous || !round.is_multiple_of(16) {
            return;
        }
        let slowest = self
            .workers
            .iter()
            .filter(|w| w.finished_at.is_none())
            .map(|w| w.round)
            .min()
            .unwrap_or(round);
        let horizon = slowest.saturating_sub(2);
        self.store.forget(|k| {
            decode(k).is_some_and(|(kind, r, ..)| {
                !matches!(kind, Kind::Model | Kind::Checkpoint) && r < horizon
            })
        });
    }

    /// Rounds every worker has finished so far.
    pub fn rounds_recorded(&self) -> u64 {
        self.trace.len() as u64
    }

    pub(super) fn ssp_bound(&self) -> u32 {
        match self.settings.cfg.sync {
            Sync::Ssp(k) => k,
            _ => 0,
        }
    }

    pub(super) fn ends_epoch(&self, round: u64) -> bool {
        (round + 1).is_multiple_of(self.settings.rounds_per_epoch.max(1))
    }
}
