//! # Shared model (asynchronous protocols, LambdaML §3.4; Siren)
//!
//! Under ASP, SSP and within an HSP epoch there is no barrier: each worker GETs the model in
//! storage, computes on it and PUTs its result back (last writer wins). The model counts one GET
//! and one PUT of m per worker per round, all workers sharing the channel; staleness changes
//! how many epochs training needs, which only the simulator measures. Without a barrier the
//! workers drift apart, so a rate limit spreads their requests once and afterwards only bounds
//! the round's throughput.

use super::keys::{Kind, key};
use super::script::{Action, Step};
use super::{Exchange, RoundComm, RoundContext};
use crate::model::link::Op;

/// The one model in storage that asynchronous workers read and overwrite.
#[derive(Debug, Clone, Copy)]
pub struct SharedModel;

impl Exchange for SharedModel {
    fn name(&self) -> &'static str {
        "shared-model"
    }

    fn round(&self, ctx: &RoundContext) -> RoundComm {
        round(ctx)
    }

    /// GET the model, compute on it, PUT the result back.
    fn worker_step(&self, at: &Step) -> Action {
        let model = key(Kind::Model, 0, 0, 0);
        match at.step {
            0 => Action::Get {
                key: model,
                bytes: at.bytes,
            },
            1 => Action::Compute,
            2 => Action::Put {
                key: model,
                bytes: at.bytes,
            },
            _ => Action::Done,
        }
    }

    fn alone_exchanges(&self) -> bool {
        true
    }
}

/// One asynchronous round: read, (compute), write.
pub fn round(ctx: &RoundContext) -> RoundComm {
    let (w, m, link) = (ctx.workers, ctx.bytes, ctx.link);
    let mut comm = RoundComm {
        time_s: link.transfer_s(m, w) + link.transfer_s(m, w),
        ..RoundComm::default()
    };
    comm.add(link, Op::Get, w, m);
    comm.add(link, Op::Put, w, m);
    // Every worker reads and writes the one model: its key's limits pace the rounds.
    comm.pace_by_limits(&link.one_key(m), 0.0);
    comm
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{ctx, link, profile};
    use approx::assert_relative_eq;

    #[test]
    fn a_round_reads_and_writes_the_model_once() {
        let (link, profile) = (link(), profile());
        let comm = super::round(&ctx(&link, &profile, 8.0));
        assert_relative_eq!(comm.time_s, 0.04, epsilon = 1e-12);
        assert_relative_eq!(comm.puts, 8.0);
        assert_relative_eq!(comm.gets, 8.0);
    }
}
