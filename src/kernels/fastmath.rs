//! # Branch-free `f32` exp and log1p
//!
//! Inlinable polynomial approximations the compiler can vectorise across a block of rows,
//! replacing libm calls in the linear kernels' hot loop. `exp` reduces x = k·ln2 + r with
//! |r| ≤ ln2/2 and evaluates a degree-7 Taylor polynomial of e^r (Cody & Waite range
//! reduction); `ln_1p_and_reciprocal` uses ln(1+e) = 2·atanh(e/(2+e)) with its odd series to
//! u¹³, and shares one division with 1/(1+e). Both polynomials are evaluated by Estrin's
//! scheme (Knuth, TAOCP vol. 2, §4.6.4), whose short dependency chains suit a loop that runs a
//! block of rows at once. Both are within 1e-6 relative error on their domains.

/// e^x for x in [−87, 88] (clamped outside).
#[inline(always)]
pub fn exp(x: f32) -> f32 {
    const LOG2_E: f32 = std::f32::consts::LOG2_E;
    const LN2_HI: f32 = 0.693_145_75;
    const LN2_LO: f32 = 1.428_606_8e-6;
    let x = x.clamp(-87.0, 88.0);
    // Round to nearest without a libm call: adding 1.5·2²³ pushes the fraction out of the
    // mantissa (exact for |x·log2 e| < 2²²).
    const ROUNDER: f32 = 12_582_912.0;
    let shifted = x * LOG2_E + ROUNDER;
    let k = shifted - ROUNDER;
    let r = (x - k * LN2_HI) - k * LN2_LO;
    // Estrin's scheme: the same degree-7 Taylor terms as Horner's rule, in a tree whose
    // dependency chain is half as long, so a block of rows overlaps better.
    let r2 = r * r;
    let r4 = r2 * r2;
    let low = (1.0 + r) + r2 * (0.5 + r * (1.0 / 6.0));
    let high = (1.0 / 24.0 + r * (1.0 / 120.0)) + r2 * (1.0 / 720.0 + r * (1.0 / 5040.0));
    let p = low + r4 * high;
    // The low mantissa bits of `shifted` hold k itself: 2^k is built with integer lane
    // operations (a float-to-int cast would not vectorise).
    let biased = shifted
        .to_bits()
        .wrapping_sub(ROUNDER.to_bits())
        .wrapping_add(127);
    let scale = f32::from_bits(biased << 23);
    p * scale
}

/// ln(1 + e) and 1/(1 + e) for e in [0, 1], with one division for both: the logistic loss
/// needs the pair, and a division costs several multiplications.
#[inline(always)]
pub fn ln_1p_and_reciprocal(e: f32) -> (f32, f32) {
    let (one_e, two_e) = (1.0 + e, 2.0 + e);
    let r = 1.0 / (one_e * two_e);
    (atanh_series(e * one_e * r), two_e * r)
}

/// 2·atanh(u) = ln((1 + u)/(1 − u)) for 0 ≤ u ≤ 1/3, which is ln(1 + e) at u = e/(2 + e).
#[inline(always)]
fn atanh_series(u: f32) -> f32 {
    let u2 = u * u;
    let u4 = u2 * u2;
    let u8 = u4 * u4;
    // Σ u²ᵏ/(2k + 1) for k ≤ 6, by Estrin's scheme (see `exp`).
    let series = (1.0 + u2 * (1.0 / 3.0))
        + u4 * (1.0 / 5.0 + u2 * (1.0 / 7.0))
        + u8 * ((1.0 / 9.0 + u2 * (1.0 / 11.0)) + u4 * (1.0 / 13.0));
    2.0 * u * series
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_matches_std_to_a_millionth_relative() {
        for i in -8700..=8800 {
            let x = i as f32 * 0.01;
            let (fast, exact) = (exp(x), x.exp());
            assert!(
                ((fast - exact) / exact).abs() < 1e-6,
                "x {x}: {fast} vs {exact}"
            );
        }
    }

    #[test]
    fn the_pair_matches_std_to_a_millionth_relative() {
        for i in 0..=10_000 {
            let e = i as f32 * 1e-4;
            let (ln, reciprocal) = ln_1p_and_reciprocal(e);
            let close = |a: f32, b: f32| (a - b).abs() <= 1e-6 * b.abs().max(1e-30);
            assert!(close(ln, e.ln_1p()), "e {e}: {ln}");
            assert!(close(reciprocal, 1.0 / (1.0 + e)), "e {e}: {reciprocal}");
        }
    }
}
