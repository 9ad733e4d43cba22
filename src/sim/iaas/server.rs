//! # A parameter server, push by push
//!
//! Each worker pushes its update to the server as soon as it is ready: a round trip's latency,
//! then its bytes through the server's NIC, which the pushes in flight share equally (each
//! also capped by the worker's own NIC). The server sums the updates on one thread in the
//! order they arrive; when the last is summed, every worker pulls the model back through the
//! server's NIC, shared the same way.

use crate::model::iaas::VmNetwork;
use crate::sim::shared_link::SharedLink;
use crate::sim::time::SimTime;

/// When the last worker has pulled the model, the workers ready at `ready_s`.
pub fn end_s(ready_s: &[f64], bytes: f64, network: &VmNetwork) -> f64 {
    let starts: Vec<f64> = ready_s.iter().map(|r| r + network.step_latency_s).collect();
    let arrivals = shared_transfers(&starts, bytes, network.nic_bytes_per_s);
    let sum_s = bytes / network.sum_bytes_per_s;
    let summed = arrivals
        .into_iter()
        .fold(f64::NEG_INFINITY, |free, arrived| free.max(arrived) + sum_s);
    let pulls = vec![summed + network.step_latency_s; ready_s.len()];
    shared_transfers(&pulls, bytes, network.nic_bytes_per_s)
        .into_iter()
        .fold(f64::NEG_INFINITY, f64::max)
}

/// When each of the transfers of `bytes` starting at `starts` through one shared NIC of
/// `nic_bytes_per_s` (each also capped at that rate) is done, in the order they finish.
fn shared_transfers(starts: &[f64], bytes: f64, nic_bytes_per_s: f64) -> Vec<f64> {
    let mut order: Vec<f64> = starts.to_vec();
    order.sort_by(f64::total_cmp);
    let mut link = SharedLink::new(nic_bytes_per_s, nic_bytes_per_s);
    let mut done = Vec::with_capacity(order.len());
    let mut pending = order.into_iter().peekable();
    loop {
        let next_start = pending.peek().copied();
        let next_finish = link.next_completion();
        match (next_start, next_finish) {
            (None, None) => return done,
            (Some(start), None) => {
                link.start(SimTime::from_secs(start), bytes, ());
                pending.next();
            }
            (Some(start), Some(finish)) if start <= finish.secs() => {
                link.start(SimTime::from_secs(start), bytes, ());
                pending.next();
            }
            (_, Some(finish)) => {
                let finished = link.complete_due(finish);
                done.extend(std::iter::repeat_n(finish.secs(), finished.len()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    fn network() -> VmNetwork {
        VmNetwork {
            nic_bytes_per_s: 1e9,
            step_latency_s: 0.0,
            sum_bytes_per_s: 1e9,
        }
    }

    #[test]
    fn concurrent_pushes_share_the_servers_nic() {
        let done = shared_transfers(&[0.0, 0.0], 1e9, 1e9);
        assert_eq!(done.len(), 2);
        assert_relative_eq!(done[1], 2.0, epsilon = 1e-9);
    }

    #[test]
    fn the_server_sums_early_pushes_while_a_straggler_computes() {
        // 2 workers, 1 GB each: the first pushes alone (1 s) and is summed (1 s) before the
        // second is ready at 5 s; then 1 s push, 1 s sum, and two shared pulls of 2 s.
        let end = end_s(&[0.0, 5.0], 1e9, &network());
        assert_relative_eq!(end, 5.0 + 1.0 + 1.0 + 2.0, epsilon = 1e-9);
    }
}
