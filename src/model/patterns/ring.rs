//! # Ring AllReduce among VMs (LambdaML's IaaS model)
//!
//! VMs talk to each other directly: a ring AllReduce moves 2(w − 1)/w · m bytes through each NIC
//! in 2(w − 1) steps, each paying a step latency.

/// Seconds of one ring AllReduce of `bytes` among `workers` VMs with `bytes_per_s` NICs.
pub fn allreduce_s(workers: f64, bytes: f64, bytes_per_s: f64, step_latency_s: f64) -> f64 {
    if workers <= 1.0 {
        return 0.0;
    }
    2.0 * (workers - 1.0) / workers * bytes / bytes_per_s + 2.0 * (workers - 1.0) * step_latency_s
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn matches_the_textbook_formula() {
        // 4 VMs, 100 MB, 1 GB/s, 1 ms steps: 2·3/4·0.1 s + 6 ms.
        assert_relative_eq!(
            allreduce_s(4.0, 100e6, 1e9, 0.001),
            0.15 + 0.006,
            epsilon = 1e-12
        );
    }

    #[test]
    fn one_vm_communicates_nothing() {
        assert_eq!(allreduce_s(1.0, 1e9, 1e9, 0.001), 0.0);
    }
}
