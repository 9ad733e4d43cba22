//! # Ring AllReduce, step by step
//!
//! The bandwidth-optimal ring (Patarasuk & Yuan, JPDC 2009; Horovod, PyTorch DDP): the update
//! is cut into w chunks; in each of 2(w − 1) steps (w − 1 to reduce-scatter, w − 1 to
//! all-gather) every VM sends one chunk to its right neighbour and receives one from its left,
//! both at once over its full-duplex NIC. A VM starts a step when it has sent its own chunk of
//! the step before and received its left neighbour's, which that neighbour sent when it
//! started that step.

use crate::model::iaas::VmNetwork;

/// When the last VM finishes the ring, the VMs ready at `ready_s`.
pub fn end_s(ready_s: &[f64], bytes: f64, network: &VmNetwork) -> f64 {
    let w = ready_s.len();
    let chunk = bytes / w as f64;
    let step_s = network.step_latency_s + chunk / network.nic_bytes_per_s;
    // done[j]: when VM j finished the latest step (at first: when it was ready).
    let mut done = ready_s.to_vec();
    let mut next = vec![0.0; w];
    for _ in 0..2 * (w - 1) {
        for j in 0..w {
            let left = done[(j + w - 1) % w];
            next[j] = done[j].max(left) + step_s;
        }
        std::mem::swap(&mut done, &mut next);
    }
    done.into_iter().fold(f64::NEG_INFINITY, f64::max)
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn a_late_vm_holds_its_right_neighbour_back_one_step_at_a_time() {
        let net = VmNetwork {
            nic_bytes_per_s: 1e9,
            step_latency_s: 0.001,
            sum_bytes_per_s: 1e10,
        };
        // 3 VMs, 3 MB: 1 MB chunks, 2 ms a step, 4 steps. VM 1 is ready 1 s late: the ring
        // cannot finish before it has done its 4 steps.
        let end = end_s(&[0.0, 1.0, 0.0], 3e6, &net);
        assert_relative_eq!(end, 1.0 + 4.0 * 0.002, epsilon = 1e-12);
    }
}
