//! # Summary
//!
//! The end of a run: the time split of the last worker to finish, the bill, and the counts.

use super::*;

impl FaasRun<'_> {
    /// The run's end: every worker's finish, the time split of the last one, and the bill.
    pub fn summary(&self) -> RunSummary {
        let (last, end) = self
            .workers
            .iter()
            .enumerate()
            .map(|(j, w)| (j, w.finished_at.unwrap_or(SimTime::ZERO)))
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
            .unwrap_or((0, SimTime::ZERO));
        let w = &self.workers[last];
        let busy = w.startup_s + w.load_s + w.batching_s + w.compute_s;
        let time = TimeBreakdown {
            startup_s: w.startup_s,
            load_s: w.load_s,
            batching_s: w.batching_s,
            compute_s: w.compute_s,
            comm_s: (end.secs() - busy).max(0.0),
        };
        let c = &self.channel.counts;
        let invocations: f64 = self.workers.iter().map(|w| f64::from(w.invocations)).sum();
        let cost = self.bill_at(end);
        RunSummary {
            time,
            cost,
            rounds: self.settings.rounds,
            epoch_losses: self.epoch_losses.clone(),
            trace: self.trace.clone(),
            counts: RunCounts {
                invocations,
                aggregator_invocations: self.aggregator_invocations,
                channel_puts: c.puts,
                channel_gets: c.gets,
                bytes_moved: c.bytes,
            },
            final_params: if self.layout.synchronous {
                self.arithmetic.params().to_vec()
            } else {
                self.shared_model.to_vec()
            },
        }
    }
}

/// What a finished run measured.
#[derive(Debug, Clone)]
pub struct RunSummary {
    pub time: TimeBreakdown,
    pub cost: FaasCost,
    pub rounds: u64,
    pub epoch_losses: Vec<f64>,
    pub trace: Vec<TraceRow>,
    pub final_params: Vec<f32>,
    pub counts: RunCounts,
}

/// Invocations and channel traffic of a run (model-exchange channel only; the dataset reads
/// from S3 are billed but not counted here).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RunCounts {
    /// Worker invocations, re-invocations after the duration limit included.
    pub invocations: f64,
    /// Invocations of a tree's aggregator functions.
    pub aggregator_invocations: f64,
    /// PUT requests on the channel (an object over the item limit is several).
    pub channel_puts: f64,
    /// GET requests on the channel, polls included.
    pub channel_gets: f64,
    /// Bytes moved through the channel.
    pub bytes_moved: f64,
}

impl RunCounts {
    /// Adds another run's counts.
    pub fn add(&mut self, other: &RunCounts) {
        self.invocations += other.invocations;
        self.aggregator_invocations += other.aggregator_invocations;
        self.channel_puts += other.channel_puts;
        self.channel_gets += other.channel_gets;
        self.bytes_moved += other.bytes_moved;
    }
}
