//! # Dense vector primitives
//!
//! Dot products, scaled additions and squared distances over `f32` slices, written so the
//! compiler vectorises them: `chunks_exact` over [`LANES`] lanes with one accumulator per lane
//! (a fixed summation order, so results are deterministic), and no bounds checks in the loop.

/// Lanes per chunk: eight `f32` accumulators fill two SSE or one AVX register.
pub const LANES: usize = 8;

/// Σ a_i b_i over the common length: eight lanes per step, then one four-lane step, then the
/// last 0–3 products.
#[inline(always)]
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut acc = [0.0f32; LANES];
    let (chunks_a, chunks_b) = (a.chunks_exact(LANES), b.chunks_exact(LANES));
    let (rest_a, rest_b) = (chunks_a.remainder(), chunks_b.remainder());
    for (x, y) in chunks_a.zip(chunks_b) {
        for lane in 0..LANES {
            acc[lane] += x[lane] * y[lane];
        }
    }
    let (quad_a, quad_b) = (rest_a.chunks_exact(4), rest_b.chunks_exact(4));
    let tail: f32 = quad_a
        .remainder()
        .iter()
        .zip(quad_b.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in quad_a.zip(quad_b) {
        for lane in 0..4 {
            acc[lane] += x[lane] * y[lane];
        }
    }
    horizontal_sum(&acc) + tail
}

/// y ← y + alpha·x over the common length.
#[inline(always)]
pub fn axpy(alpha: f32, x: &[f32], y: &mut [f32]) {
    let n = x.len().min(y.len());
    let (x, y) = (&x[..n], &mut y[..n]);
    for (yi, xi) in y.iter_mut().zip(x) {
        *yi += alpha * xi;
    }
}

/// Σ (a_i − b_i)² over the common length.
#[inline(always)]
pub fn squared_distance(a: &[f32], b: &[f32]) -> f32 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut acc = [0.0f32; LANES];
    let (chunks_a, chunks_b) = (a.chunks_exact(LANES), b.chunks_exact(LANES));
    let tail: f32 = chunks_a
        .remainder()
        .iter()
        .zip(chunks_b.remainder())
        .map(|(x, y)| (x - y) * (x - y))
        .sum();
    for (x, y) in chunks_a.zip(chunks_b) {
        for lane in 0..LANES {
            let d = x[lane] - y[lane];
            acc[lane] += d * d;
        }
    }
    horizontal_sum(&acc) + tail
}

/// Σ x_i, with one accumulator per lane: the streaming-read baseline of the benches.
pub fn sum(x: &[f32]) -> f32 {
    let mut acc = [0.0f32; LANES];
    let chunks = x.chunks_exact(LANES);
    let tail: f32 = chunks.remainder().iter().sum();
    for chunk in chunks {
        for lane in 0..LANES {
            acc[lane] += chunk[lane];
        }
    }
    horizontal_sum(&acc) + tail
}

#[inline]
fn horizontal_sum(acc: &[f32; LANES]) -> f32 {
    let quad = [
        acc[0] + acc[4],
        acc[1] + acc[5],
        acc[2] + acc[6],
        acc[3] + acc[7],
    ];
    (quad[0] + quad[2]) + (quad[1] + quad[3])
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    fn ramp(n: usize, scale: f32) -> Vec<f32> {
        (0..n).map(|i| (i as f32 * scale).sin()).collect()
    }

    #[test]
    fn dot_matches_a_plain_loop_for_every_tail_length() {
        for n in 0..40 {
            let (a, b) = (ramp(n, 0.3), ramp(n, 0.7));
            let plain: f32 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
            assert_relative_eq!(dot(&a, &b), plain, epsilon = 1e-5);
        }
    }

    #[test]
    fn squared_distance_matches_a_plain_loop() {
        let (a, b) = (ramp(29, 0.3), ramp(29, 0.9));
        let plain: f32 = a.iter().zip(&b).map(|(x, y)| (x - y) * (x - y)).sum();
        assert_relative_eq!(squared_distance(&a, &b), plain, epsilon = 1e-5);
    }

    #[test]
    fn axpy_adds_a_scaled_vector() {
        let mut y = vec![1.0; 11];
        axpy(2.0, &ramp(11, 0.5), &mut y);
        assert_relative_eq!(y[3], 1.0 + 2.0 * (1.5f32).sin());
    }

    #[test]
    fn sum_adds_every_element() {
        assert_relative_eq!(sum(&[0.5; 37]), 18.5);
    }
}
