//! # A parameter server among VMs (the IaaS baseline next to the ring)
//!
//! One more VM of the workers' type serves the model: each round every worker pushes its m
//! bytes through the server's NIC, the server sums the w updates in memory on one thread, and
//! only then (a barrier) every worker pulls the merged m back through the same NIC: w · m in,
//! then w · m out, each after a message's latency. Bandwidth-bound where the ring moves
//! 2(w − 1)/w · m through each NIC, the server's NIC carries 2w · m, so the ring wins large
//! models and the server saves the ring's 2(w − 1) step latencies on tiny ones. The
//! simulator plays the same round push by push (`sim::iaas`).

/// Seconds of one round among `workers` VMs through a server with a `nic_bytes_per_s` NIC that
/// sums at `sum_bytes_per_s`.
pub fn round_s(
    workers: f64,
    bytes: f64,
    nic_bytes_per_s: f64,
    sum_bytes_per_s: f64,
    step_latency_s: f64,
) -> f64 {
    if workers <= 1.0 {
        return 0.0;
    }
    2.0 * step_latency_s
        + 2.0 * workers * bytes / nic_bytes_per_s
        + workers * bytes / sum_bytes_per_s
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn the_server_nic_carries_every_update_in_and_the_model_out_to_each() {
        // 4 VMs, 100 MB, a 1 GB/s NIC, summing at 10 GB/s, 1 ms steps.
        assert_relative_eq!(
            round_s(4.0, 100e6, 1e9, 10e9, 0.001),
            0.002 + 0.4 + 0.4 + 0.04,
            epsilon = 1e-12
        );
        assert_eq!(round_s(1.0, 1e9, 1e9, 1e9, 0.001), 0.0);
    }

    #[test]
    fn the_ring_wins_large_models_and_the_server_tiny_ones() {
        let ring = |bytes| super::super::ring::allreduce_s(16.0, bytes, 1e9, 0.001);
        let server = |bytes| round_s(16.0, bytes, 1e9, 10e9, 0.001);
        assert!(ring(100e6) < server(100e6));
        assert!(server(100.0) < ring(100.0));
    }
}
