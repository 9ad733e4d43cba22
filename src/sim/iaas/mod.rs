//! # VMs exchanging updates, as events
//!
//! One round's exchange among w VMs, played transfer by transfer from the moment each VM has
//! finished computing: the ring AllReduce step by step between neighbours, the parameter
//! server's pushes through its shared NIC, its sums one after another and its pulls. It takes
//! the instance's network figures from the model, never the model's round formulas, so the
//! two are independent: with every VM ready at once they agree exactly, and with stragglers
//! the events show what the formulas cannot (a server summing early pushes while it waits).

mod ring;
mod server;

use crate::model::IaasPattern;
use crate::model::iaas::VmNetwork;

/// Seconds from the round's start until every VM holds the merged update, when VM j finished
/// computing `ready_s[j]` seconds in and each contributes `bytes`.
pub fn exchange_end_s(
    pattern: IaasPattern,
    ready_s: &[f64],
    bytes: f64,
    network: &VmNetwork,
) -> f64 {
    if ready_s.len() <= 1 {
        return ready_s.first().copied().unwrap_or(0.0);
    }
    match pattern {
        IaasPattern::RingAllReduce => ring::end_s(ready_s, bytes, network),
        IaasPattern::ParameterServer => server::end_s(ready_s, bytes, network),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::patterns::{ring as ring_formula, vm_server};
    use approx::assert_relative_eq;

    fn network() -> VmNetwork {
        VmNetwork {
            nic_bytes_per_s: 1.25e9,
            step_latency_s: 0.000177,
            sum_bytes_per_s: 23e9,
        }
    }

    #[test]
    fn with_every_vm_ready_at_once_the_events_equal_the_models_formulas() {
        let net = network();
        for w in [2usize, 3, 8, 33] {
            let ready = vec![0.5; w];
            let m = 4e7;
            let ring = exchange_end_s(IaasPattern::RingAllReduce, &ready, m, &net);
            let formula =
                ring_formula::allreduce_s(w as f64, m, net.nic_bytes_per_s, net.step_latency_s);
            assert_relative_eq!(ring, 0.5 + formula, max_relative = 1e-9);
            let server = exchange_end_s(IaasPattern::ParameterServer, &ready, m, &net);
            let formula = vm_server::round_s(
                w as f64,
                m,
                net.nic_bytes_per_s,
                net.sum_bytes_per_s,
                net.step_latency_s,
            );
            assert_relative_eq!(server, 0.5 + formula, max_relative = 1e-9);
        }
    }

    #[test]
    fn a_vm_alone_exchanges_nothing() {
        let net = network();
        assert_eq!(
            exchange_end_s(IaasPattern::ParameterServer, &[0.7], 1e6, &net),
            0.7
        );
    }
}
