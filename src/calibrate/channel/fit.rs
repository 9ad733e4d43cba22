//! # Latency and bandwidth of a channel
//!
//! Each operation (PUT, GET) is fitted to time = latency + bytes / bandwidth, Hockney's α–β
//! model (Parallel Computing 20, 1994), in two steps where each parameter dominates: the
//! bandwidth is the least-squares slope through the per-size median times of objects of 1 MiB
//! and more (where latency is noise), the latency the median time of the smallest object (where
//! bytes are noise) less its bytes at that bandwidth. Real stores are not linear — caches make mid-sized objects faster per
//! byte than huge ones — and a single relative-error line would let mid-sized objects set the
//! bandwidth that model-sized transfers get. Intervals: a seeded bootstrap of the samples within
//! each size. The channel's profile gets the mean of the PUT and GET latencies and the harmonic
//! mean of their bandwidths (an object is written once and read once), in MB/s of 10^6 bytes.

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use serde::Serialize;

use super::{ChannelError, Op, Sample};
use crate::calibrate::stats::{is_pinned, median, percentile_interval};
use crate::units::BYTES_PER_MB;

/// Objects from this size on set the bandwidth.
const LARGE_BYTES: usize = 1 << 20;
const BOOTSTRAP: usize = 200;
const SEED: u64 = 42;

/// The α–β fit of one operation.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct OpFit {
    pub latency_s: f64,
    pub bandwidth_mb_s: f64,
    pub latency_ci_s: (f64, f64),
    pub bandwidth_ci_mb_s: (f64, f64),
    pub pinned_down: bool,
    /// Shortest and longest time of the smallest objects.
    pub smallest_s: (f64, f64),
    /// Lowest and highest throughput (bytes / time) of the largest objects, MB/s.
    pub largest_mb_s: (f64, f64),
}

/// Both operations' fits and what the channel profile gets.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ChannelFit {
    pub put: OpFit,
    pub get: OpFit,
    pub latency_s: f64,
    pub bandwidth_mb_s: f64,
}

/// Fits the samples of both operations.
pub fn fit(samples: &[Sample]) -> Result<ChannelFit, ChannelError> {
    let put = fit_op(samples, Op::Put)?;
    let get = fit_op(samples, Op::Get)?;
    Ok(ChannelFit {
        put,
        get,
        latency_s: (put.latency_s + get.latency_s) / 2.0,
        bandwidth_mb_s: 2.0 / (1.0 / put.bandwidth_mb_s + 1.0 / get.bandwidth_mb_s),
    })
}

/// One operation's times, by object size (ascending).
fn by_size(samples: &[Sample], op: Op) -> Vec<(usize, Vec<f64>)> {
    let mut sizes: Vec<usize> = samples
        .iter()
        .filter(|s| s.op == op)
        .map(|s| s.bytes)
        .collect();
    sizes.sort_unstable();
    sizes.dedup();
    sizes
        .into_iter()
        .map(|bytes| {
            let times = samples
                .iter()
                .filter(|s| s.op == op && s.bytes == bytes)
                .map(|s| s.seconds)
                .collect();
            (bytes, times)
        })
        .collect()
}

fn fit_op(samples: &[Sample], op: Op) -> Result<OpFit, ChannelError> {
    let name = if op == Op::Put { "PUT" } else { "GET" };
    let sizes = by_size(samples, op);
    let (latency_s, s_per_byte) =
        alpha_beta(&medians(&sizes)).ok_or(ChannelError::NoBandwidth(name))?;
    let bandwidth_mb_s = 1.0 / s_per_byte / BYTES_PER_MB;
    let (latency_ci_s, bandwidth_ci_mb_s) = bootstrap(&sizes);
    let (smallest, largest) = (&sizes[0], &sizes[sizes.len() - 1]);
    Ok(OpFit {
        latency_s,
        bandwidth_mb_s,
        latency_ci_s,
        bandwidth_ci_mb_s,
        pinned_down: is_pinned(latency_s, latency_ci_s)
            && is_pinned(bandwidth_mb_s, bandwidth_ci_mb_s),
        smallest_s: range(smallest.1.iter().copied()),
        largest_mb_s: range(
            largest
                .1
                .iter()
                .map(|t| largest.0 as f64 / t / BYTES_PER_MB),
        ),
    })
}

/// (bytes, median seconds) of each size.
fn medians(sizes: &[(usize, Vec<f64>)]) -> Vec<(f64, f64)> {
    sizes
        .iter()
        .map(|(b, t)| (*b as f64, median(&mut t.clone())))
        .collect()
}

/// Percentile intervals of latency and bandwidth over resamples of each size's samples.
fn bootstrap(sizes: &[(usize, Vec<f64>)]) -> ((f64, f64), (f64, f64)) {
    let (mut latencies, mut bandwidths) = (Vec::new(), Vec::new());
    let mut rng = StdRng::seed_from_u64(SEED);
    for _ in 0..BOOTSTRAP {
        let resampled: Vec<(usize, Vec<f64>)> = sizes
            .iter()
            .map(|(b, t)| {
                (
                    *b,
                    (0..t.len())
                        .map(|_| t[rng.random_range(0..t.len())])
                        .collect(),
                )
            })
            .collect();
        if let Some((a, s)) = alpha_beta(&medians(&resampled)) {
            latencies.push(a);
            bandwidths.push(1.0 / s / BYTES_PER_MB);
        }
    }
    (
        percentile_interval(&mut latencies),
        percentile_interval(&mut bandwidths),
    )
}

fn range(values: impl Iterator<Item = f64>) -> (f64, f64) {
    values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| {
        (lo.min(x), hi.max(x))
    })
}

/// Latency and seconds per byte from (bytes, median seconds) points, ascending by size; `None`
/// when time does not grow with size.
fn alpha_beta(points: &[(f64, f64)]) -> Option<(f64, f64)> {
    let large: Vec<(f64, f64)> = points
        .iter()
        .copied()
        .filter(|p| p.0 >= LARGE_BYTES as f64)
        .collect();
    let slope = least_squares_slope(if large.len() >= 2 { &large } else { points })?;
    let (bytes, seconds) = points[0];
    let latency = seconds - slope * bytes;
    Some((latency.max(0.0), slope))
}

fn least_squares_slope(points: &[(f64, f64)]) -> Option<f64> {
    let n = points.len() as f64;
    if n < 2.0 {
        return None;
    }
    let (mx, my) = points
        .iter()
        .fold((0.0, 0.0), |(a, b), p| (a + p.0 / n, b + p.1 / n));
    let (sxy, sxx) = points.iter().fold((0.0, 0.0), |(a, b), p| {
        (a + (p.0 - mx) * (p.1 - my), b + (p.0 - mx).powi(2))
    });
    let slope = sxy / sxx;
    (slope > 0.0 && slope.is_finite()).then_some(slope)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calibrate::channel::ProbePlan;
    use approx::assert_relative_eq;

    fn synthetic(plan: &ProbePlan, per_byte_s: impl Fn(usize) -> f64) -> Vec<Sample> {
        plan.sizes_bytes
            .iter()
            .flat_map(|&bytes| {
                [Op::Put, Op::Get].map(|op| Sample {
                    op,
                    bytes,
                    seconds: 0.002 + bytes as f64 * per_byte_s(bytes),
                })
            })
            .collect()
    }

    #[test]
    fn recovers_latency_and_bandwidth_of_an_exact_channel() {
        let fit = fit(&synthetic(&ProbePlan::standard(3, 64 << 20), |_| {
            1.0 / 100e6
        }))
        .unwrap();
        assert_relative_eq!(fit.latency_s, 0.002, max_relative = 1e-6);
        assert_relative_eq!(fit.bandwidth_mb_s, 100.0, max_relative = 1e-6);
        assert!(fit.put.pinned_down);
    }

    #[test]
    fn large_objects_set_the_bandwidth_when_mid_sized_ones_are_faster() {
        // 1 GB/s up to 1 MiB, 200 MB/s beyond: transfers of models get the large-object rate.
        let samples = synthetic(&ProbePlan::standard(1, 64 << 20), |b| {
            if b < LARGE_BYTES * 4 {
                1.0 / 1e9
            } else {
                1.0 / 200e6
            }
        });
        let fit = fit(&samples).unwrap();
        assert!(fit.put.bandwidth_mb_s < 260.0, "{}", fit.put.bandwidth_mb_s);
        assert_relative_eq!(fit.put.latency_s, 0.002, max_relative = 0.05);
    }

    #[test]
    fn times_that_do_not_grow_have_no_bandwidth() {
        let samples: Vec<Sample> = [1024, 4096]
            .iter()
            .map(|&bytes| Sample {
                op: Op::Put,
                bytes,
                seconds: 0.01,
            })
            .collect();
        assert!(matches!(
            fit_op(&samples, Op::Put),
            Err(ChannelError::NoBandwidth("PUT"))
        ));
    }
}
