//! # Parameter server on a VM (LambdaML's HybridPS, Cirrus)
//!
//! Workers push their update to a server on a VM and pull the model back. The server's NIC is
//! shared by all workers, and it applies updates one after another at its (de)serialisation and
//! update throughput — what makes it slower than pure FaaS for large models. Synchronous rounds
//! wait for all w updates; asynchronous workers only for their own, unless the server saturates.

use super::keys::{Kind, key};
use super::script::{Action, Step};
use super::tree::push_then_await_result;
use super::{Exchange, RoundComm, RoundContext};
use crate::model::link::Op;

/// A parameter server on a VM.
#[derive(Debug, Clone, Copy)]
pub struct ParameterServer;

impl Exchange for ParameterServer {
    fn name(&self) -> &'static str {
        "parameter-server"
    }

    fn round(&self, ctx: &RoundContext) -> RoundComm {
        round(ctx)
    }

    /// Synchronous workers push their update and await the round's model; asynchronous ones
    /// pull the model, compute, push, and await only their own update's application.
    fn worker_step(&self, at: &Step) -> Action {
        if at.synchronous {
            return push_then_await_result(at);
        }
        match at.step {
            0 => Action::Get {
                key: key(Kind::Model, 0, 0, 0),
                bytes: at.bytes,
            },
            1 => Action::Compute,
            2 => Action::Put {
                key: key(Kind::Contribution, at.round, at.worker, 0),
                bytes: at.bytes,
            },
            3 => Action::Await {
                key: key(Kind::Applied, at.round, at.worker, 0),
            },
            _ => Action::Done,
        }
    }

    fn alone_exchanges(&self) -> bool {
        true
    }
}

/// One round through the parameter server, synchronous or not.
pub fn round(ctx: &RoundContext) -> RoundComm {
    if ctx.synchronous {
        sync_round(ctx)
    } else {
        async_round(ctx)
    }
}

/// One synchronous round: everyone pushes, the server applies all w updates, everyone pulls.
fn sync_round(ctx: &RoundContext) -> RoundComm {
    let (w, m, link) = (ctx.workers, ctx.bytes, ctx.link);
    let push_s = link.phase_s(Op::Put, 1.0, m, w);
    let pull_s = link.phase_s(Op::Get, 1.0, m, w);
    let update_s = m / ctx.update_bytes_per_s;
    let mut comm = RoundComm {
        time_s: push_s + w * update_s + pull_s,
        ..RoundComm::default()
    };
    comm.add(link, Op::Put, w, m);
    comm.add(link, Op::Get, w, m);
    comm
}

/// One asynchronous round: a worker waits for its own update, or for the saturated server.
fn async_round(ctx: &RoundContext) -> RoundComm {
    let (w, m, link) = (ctx.workers, ctx.bytes, ctx.link);
    let own_s = link.phase_s(Op::Put, 1.0, m, w)
        + m / ctx.update_bytes_per_s
        + link.phase_s(Op::Get, 1.0, m, w);
    let server_bound_s = w * m / ctx.update_bytes_per_s - ctx.compute_s;
    let mut comm = RoundComm {
        time_s: own_s.max(server_bound_s),
        ..RoundComm::default()
    };
    comm.add(link, Op::Put, w, m);
    comm.add(link, Op::Get, w, m);
    comm
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{ctx, link, profile};
    use approx::assert_relative_eq;

    #[test]
    fn the_server_nic_and_update_rate_bound_a_round() {
        let (mut link, profile) = (link(), profile());
        link.shared_bytes_per_s = Some(200e6);
        let comm = super::round(&ctx(&link, &profile, 4.0));
        // 4 clients share 200 MB/s: 50 MB/s each, 30 ms per 1 MB; 4 updates of 10 ms.
        assert_relative_eq!(comm.time_s, 0.03 + 0.04 + 0.03, epsilon = 1e-12);
    }

    #[test]
    fn asynchronous_workers_wait_for_their_own_update() {
        let (mut link, profile) = (link(), profile());
        link.shared_bytes_per_s = Some(200e6);
        let mut c = ctx(&link, &profile, 4.0);
        c.synchronous = false;
        c.compute_s = 1.0;
        assert_relative_eq!(super::round(&c).time_s, 0.03 + 0.01 + 0.03, epsilon = 1e-12);
    }
}
