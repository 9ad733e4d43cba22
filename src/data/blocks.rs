//! # Blocks of dense rows
//!
//! The inner loop of a linear model on row-major dense rows, done a block of [`BLOCK`] rows
//! at a time: the rows' margins z_k = x_k·w + b, then the caller's loss turns the margins
//! into per-row weights α_k (its slope), then g ← g + Σ_k α_k·x_k while the rows are still in
//! L1 cache ([`gradient_pass`]); and the margins alone for scoring ([`dots`]). Rows are walked
//! chunk by chunk (eight columns) with all eight rows in flight, so no chain of dependent
//! adds is longer than a row's chunk count; a row's last partial chunk is loaded under a mask
//! instead of a scalar tail; a short block is padded with its first row (weight zero, margin
//! dropped); and the gradient pass prefetches the rows two blocks ahead when they are not
//! stored one after another (a shuffled shard), which the hardware prefetcher cannot follow.
//!
//! Each loop is written twice with one arithmetic order, portable Rust over explicit lanes
//! and AVX2 intrinsics, and the two give bit-identical results. A row's lane l holds
//! Σ_c x[8c + l]·w[8c + l] (chunks in order) and its dot is ((a0 + a1) + (a2 + a3)) +
//! ((a4 + a5) + (a6 + a7)), the AVX2 horizontal-add tree; each chunk of g gains, once per
//! block, ((p0 + p1) + (p2 + p3)) + ((p4 + p5) + (p6 + p7)) with p_k = α_k·x_k. The AVX2
//! form loads a whole 32-byte chunk with one `vmovups`: compiled for the generic x86-64
//! target, LLVM would split each unaligned load in two halves, which costs a fifth of the
//! kernel's time on the hosts measured.

use super::vecops::LANES;

/// Rows in flight together.
pub const BLOCK: usize = 8;

/// How many blocks ahead rows are prefetched (16 rows cover a memory latency).
const PREFETCH_BLOCKS: usize = 2;

/// What a loss makes of a block's margins: the weight α_k of each row in the gradient.
pub trait Slopes {
    /// α for the rows `block` (at most [`BLOCK`]) with margins `z`; entries past the block's
    /// rows are padding. Implementations should be `#[inline(always)]`, so the loss is
    /// compiled into the vectorised loop that calls it.
    fn slopes(&mut self, block: &[u32], z: &[f32; BLOCK]) -> [f32; BLOCK];
}

/// For each block of the rows `ids` of `values` (`d` columns): z_k = x_k·w + bias, then
/// α = `slopes.slopes(block, z)` (entries past the block's rows are ignored), then g ← g + Σ_k α_k·x_k.
/// Panics if a row is out of range or `w` or `g` is shorter than a row.
#[inline(always)]
pub fn gradient_pass(
    values: &[f32],
    d: usize,
    ids: &[u32],
    (w, bias): (&[f32], f32),
    g: &mut [f32],
    slopes: &mut impl Slopes,
) {
    assert!(
        w.len() >= d && g.len() >= d,
        "weights or gradient shorter than a row"
    );
    #[cfg(target_arch = "x86_64")]
    if crate::kernels::wide::avx2() {
        // SAFETY: AVX2 is present; `offsets` bounds every row, and `w`, `g` were checked.
        return unsafe { avx2::gradient_pass(values, d, ids, (w, bias), g, slopes) };
    }
    portable::gradient_pass(values, d, ids, (w, bias), g, slopes)
}

/// out[k] = row(ids[k])·w. Panics if a row is out of range, or `w` or `out` is short.
#[inline(always)]
pub fn dots(values: &[f32], d: usize, ids: &[u32], w: &[f32], out: &mut [f32]) {
    assert!(
        w.len() >= d && out.len() >= ids.len(),
        "short weights or output"
    );
    let out = &mut out[..ids.len()];
    for (block, out) in ids.chunks(BLOCK).zip(out.chunks_mut(BLOCK)) {
        let rows = offsets(values, d, block);
        #[cfg(target_arch = "x86_64")]
        let z = if crate::kernels::wide::avx2() {
            // SAFETY: AVX2 is present; `offsets` bounds every row, and `w` was checked.
            unsafe { avx2::block_dots_array(values, d, &rows, w) }
        } else {
            portable::block_dots(values, d, &rows, w)
        };
        #[cfg(not(target_arch = "x86_64"))]
        let z = portable::block_dots(values, d, &rows, w);
        for (o, v) in out.iter_mut().zip(z) {
            *o = v;
        }
    }
}

/// The offsets of a block's rows (at most [`BLOCK`]), padded with the first; checks bounds.
#[inline(always)]
fn offsets(values: &[f32], d: usize, ids: &[u32]) -> [usize; BLOCK] {
    debug_assert!(ids.len() <= BLOCK);
    let first = ids.first().copied().unwrap_or(0);
    let offsets: [usize; BLOCK] =
        std::array::from_fn(|k| ids.get(k).copied().unwrap_or(first) as usize * d);
    let last = offsets.iter().copied().max().unwrap_or(0);
    assert!(last + d <= values.len(), "row index out of range");
    offsets
}

/// The slopes of a block with the padding rows' weights set to zero.
#[inline(always)]
fn live_slopes(block: &[u32], z: &[f32; BLOCK], slopes: &mut impl Slopes) -> [f32; BLOCK] {
    let mut alpha = slopes.slopes(block, z);
    for a in alpha.iter_mut().skip(block.len()) {
        *a = 0.0;
    }
    alpha
}

/// The block [`PREFETCH_BLOCKS`] after block `index` (empty past the end).
#[inline(always)]
fn block_ahead(ids: &[u32], index: usize) -> &[u32] {
    let start = ((index + PREFETCH_BLOCKS) * BLOCK).min(ids.len());
    &ids[start..(start + BLOCK).min(ids.len())]
}

/// Hints the CPU to fetch the rows `ids` of `values` (`d` columns) into cache ahead of use,
/// unless they are stored one after another (the hardware prefetcher streams those). Addresses
/// are only computed, never dereferenced, so no bounds apply.
#[inline(always)]
fn prefetch(values: &[f32], d: usize, ids: &[u32]) {
    let consecutive = ids
        .windows(2)
        .all(|pair| pair[1] == pair[0].wrapping_add(1));
    #[cfg(target_arch = "x86_64")]
    if !consecutive {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        const LINE: usize = 64;
        for &i in ids {
            let row = values.as_ptr().wrapping_add(i as usize * d);
            // Every cache line the row touches, from its first byte's line to its last's.
            let first = row as usize / LINE * LINE;
            let last = row.wrapping_add(d.max(1) - 1) as usize;
            let mut line = first;
            while line <= last {
                // SAFETY: SSE is part of x86_64, and a prefetch reads nothing architecturally.
                unsafe { _mm_prefetch::<_MM_HINT_T0>(line as *const i8) };
                line += LINE;
            }
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (values, d, consecutive);
}

/// ((v0 + v1) + (v2 + v3)) + ((v4 + v5) + (v6 + v7)).
#[inline(always)]
pub fn tree<T: Copy + std::ops::Add<Output = T>>(v: [T; 8]) -> T {
    ((v[0] + v[1]) + (v[2] + v[3])) + ((v[4] + v[5]) + (v[6] + v[7]))
}

mod portable {
    use super::{BLOCK, LANES, Slopes, block_ahead, live_slopes, offsets, prefetch, tree};

    #[inline(always)]
    pub fn gradient_pass(
        values: &[f32],
        d: usize,
        ids: &[u32],
        (w, bias): (&[f32], f32),
        g: &mut [f32],
        slopes: &mut impl Slopes,
    ) {
        for (index, block) in ids.chunks(BLOCK).enumerate() {
            prefetch(values, d, block_ahead(ids, index));
            let rows = offsets(values, d, block);
            let z = block_dots(values, d, &rows, w).map(|dot| dot + bias);
            let alpha = live_slopes(block, &z, slopes);
            for column in 0..d {
                let products: [f32; BLOCK] =
                    std::array::from_fn(|k| alpha[k] * values[rows[k] + column]);
                g[column] += tree(products);
            }
        }
    }

    #[inline(always)]
    pub fn block_dots(values: &[f32], d: usize, rows: &[usize; BLOCK], w: &[f32]) -> [f32; BLOCK] {
        let mut acc = [[0.0f32; LANES]; BLOCK];
        for start in (0..d).step_by(LANES) {
            let width = LANES.min(d - start);
            for (a, &row) in acc.iter_mut().zip(rows) {
                let x = &values[row + start..][..width];
                for lane in 0..LANES {
                    a[lane] += if lane < width {
                        x[lane] * w[start + lane]
                    } else {
                        0.0
                    };
                }
            }
        }
        acc.map(tree)
    }
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use super::{BLOCK, LANES, Slopes, block_ahead, live_slopes, offsets, prefetch};
    use std::arch::x86_64::*;

    /// # Safety
    /// AVX2 present; `w.len() >= d` and `g.len() >= d`.
    #[inline]
    #[target_feature(enable = "avx2")]
    pub unsafe fn gradient_pass(
        values: &[f32],
        d: usize,
        ids: &[u32],
        (w, bias): (&[f32], f32),
        g: &mut [f32],
        slopes: &mut impl Slopes,
    ) {
        let full = d / LANES * LANES;
        let tail = (full < d).then_some(mask(d - full));
        let (x, g) = (values.as_ptr(), g.as_mut_ptr());
        for (index, block) in ids.chunks(BLOCK).enumerate() {
            prefetch(values, d, block_ahead(ids, index));
            let rows = offsets(values, d, block);
            let mut z = [0.0f32; BLOCK];
            // SAFETY: `offsets` bounds the rows, the caller `w`; `z` holds eight floats.
            unsafe {
                let dots = block_dots(values, d, &rows, w);
                _mm256_storeu_ps(z.as_mut_ptr(), _mm256_add_ps(dots, _mm256_set1_ps(bias)));
            }
            let alpha = live_slopes(block, &z, slopes);
            // SAFETY: chunks below `full` lie inside each row and `g`; the partial one is
            // masked on loads and written lane by lane.
            unsafe {
                for start in (0..full).step_by(LANES) {
                    let sum = weighted_sum(&alpha, x, &rows, start, None);
                    _mm256_storeu_ps(g.add(start), _mm256_add_ps(load(g.add(start), None), sum));
                }
                if let Some(tail) = tail {
                    let sum = weighted_sum(&alpha, x, &rows, full, Some(tail));
                    add_partial(g.add(full), sum, d - full);
                }
            }
        }
    }

    /// [`block_dots`] as an array.
    ///
    /// # Safety
    /// As for [`block_dots`].
    #[inline]
    #[target_feature(enable = "avx2")]
    pub unsafe fn block_dots_array(
        values: &[f32],
        d: usize,
        rows: &[usize; BLOCK],
        w: &[f32],
    ) -> [f32; BLOCK] {
        let mut z = [0.0f32; BLOCK];
        // SAFETY: the caller's bounds; `z` holds eight floats.
        unsafe { _mm256_storeu_ps(z.as_mut_ptr(), block_dots(values, d, rows, w)) };
        z
    }

    /// The eight rows' dot products with `w`, in the order of the portable form.
    ///
    /// # Safety
    /// AVX2 present; every row offset + `d` inside `values`; `w.len() >= d`.
    #[inline]
    #[target_feature(enable = "avx2")]
    pub unsafe fn block_dots(values: &[f32], d: usize, rows: &[usize; BLOCK], w: &[f32]) -> __m256 {
        let full = d / LANES * LANES;
        let (x, w) = (values.as_ptr(), w.as_ptr());
        let mut acc = [_mm256_setzero_ps(); BLOCK];
        // SAFETY: chunks below `full` lie inside each row and `w`; the partial one is masked.
        unsafe {
            for start in (0..full).step_by(LANES) {
                add_products(&mut acc, x, rows, w, start, None);
            }
            if full < d {
                add_products(&mut acc, x, rows, w, full, Some(mask(d - full)));
            }
        }
        let low = _mm256_hadd_ps(
            _mm256_hadd_ps(acc[0], acc[1]),
            _mm256_hadd_ps(acc[2], acc[3]),
        );
        let high = _mm256_hadd_ps(
            _mm256_hadd_ps(acc[4], acc[5]),
            _mm256_hadd_ps(acc[6], acc[7]),
        );
        _mm256_add_ps(
            _mm256_permute2f128_ps::<0x20>(low, high),
            _mm256_permute2f128_ps::<0x31>(low, high),
        )
    }

    /// Lanes below `width` enabled.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn mask(width: usize) -> __m256i {
        let lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
        _mm256_cmpgt_epi32(_mm256_set1_epi32(width as i32), lanes)
    }

    /// The chunk of eight floats at `p` in one unsplit load, or its first lanes under `tail`.
    ///
    /// # Safety
    /// The lanes loaded lie inside one allocation.
    #[inline]
    #[target_feature(enable = "avx2")]
    unsafe fn load(p: *const f32, tail: Option<__m256i>) -> __m256 {
        // SAFETY: the caller's bounds.
        unsafe {
            match tail {
                Some(tail) => _mm256_maskload_ps(p, tail),
                None => {
                    let chunk: __m256;
                    std::arch::asm!(
                        "vmovups {chunk}, ymmword ptr [{p}]",
                        chunk = out(ymm_reg) chunk,
                        p = in(reg) p,
                        options(pure, readonly, nostack, preserves_flags),
                    );
                    chunk
                }
            }
        }
    }

    /// acc[k] += x_k[start..start + 8] · w[start..start + 8], lane by lane.
    ///
    /// # Safety
    /// The chunk at `start` lies inside every row and `w`, or `tail` masks the lanes past them.
    #[inline]
    #[target_feature(enable = "avx2")]
    unsafe fn add_products(
        acc: &mut [__m256; BLOCK],
        x: *const f32,
        rows: &[usize; BLOCK],
        w: *const f32,
        start: usize,
        tail: Option<__m256i>,
    ) {
        // SAFETY: the caller's bounds.
        unsafe {
            let wc = load(w.add(start), tail);
            for (a, &row) in acc.iter_mut().zip(rows) {
                *a = _mm256_add_ps(*a, _mm256_mul_ps(load(x.add(row + start), tail), wc));
            }
        }
    }

    /// ((p0 + p1) + (p2 + p3)) + ((p4 + p5) + (p6 + p7)) with p_k = α_k·x_k[start..start + 8].
    ///
    /// # Safety
    /// The chunk at `start` lies inside every row, or `tail` masks the lanes past it.
    #[inline]
    #[target_feature(enable = "avx2")]
    unsafe fn weighted_sum(
        alpha: &[f32; BLOCK],
        x: *const f32,
        rows: &[usize; BLOCK],
        start: usize,
        tail: Option<__m256i>,
    ) -> __m256 {
        let mut p = [_mm256_setzero_ps(); BLOCK];
        for k in 0..BLOCK {
            // SAFETY: the caller's bounds.
            let xk = unsafe { load(x.add(rows[k] + start), tail) };
            p[k] = _mm256_mul_ps(_mm256_set1_ps(alpha[k]), xk);
        }
        add(
            add(add(p[0], p[1]), add(p[2], p[3])),
            add(add(p[4], p[5]), add(p[6], p[7])),
        )
    }

    #[inline]
    #[target_feature(enable = "avx2")]
    fn add(a: __m256, b: __m256) -> __m256 {
        _mm256_add_ps(a, b)
    }

    /// g[..width] += sum[..width] for width < 8, with plain 16- and 4-byte accesses (a masked
    /// store would stall the next block's load of the same floats).
    ///
    /// # Safety
    /// `g..g + width` is writable.
    #[inline]
    #[target_feature(enable = "avx2")]
    unsafe fn add_partial(g: *mut f32, sum: __m256, width: usize) {
        let (mut g, mut width) = (g, width);
        let mut part = _mm256_castps256_ps128(sum);
        // SAFETY: every access is below `width` floats past the caller's `g`.
        unsafe {
            if width >= 4 {
                _mm_storeu_ps(g, _mm_add_ps(_mm_loadu_ps(g), part));
                part = _mm256_extractf128_ps::<1>(sum);
                (g, width) = (g.add(4), width - 4);
            }
            for _ in 0..width {
                _mm_store_ss(g, _mm_add_ss(_mm_load_ss(g), part));
                part = _mm_permute_ps::<0b00_11_10_01>(part);
                g = g.add(1);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ramp(n: usize, scale: f32) -> Vec<f32> {
        (0..n).map(|i| (i as f32 * scale).sin()).collect()
    }

    fn plain_dot(values: &[f32], d: usize, i: u32, w: &[f32]) -> f32 {
        let row = &values[i as usize * d..][..d];
        row.iter().zip(w).map(|(x, w)| x * w).sum()
    }

    #[test]
    fn dots_match_a_plain_loop_for_every_width_and_block_size() {
        for d in 1..40 {
            let values = ramp(11 * d, 0.37);
            let w = ramp(d, 0.91);
            for n in 0..=2 * BLOCK + 1 {
                let ids: Vec<u32> = (0..n as u32).map(|k| (3 * k) % 11).collect();
                let mut z = vec![0.0; n];
                dots(&values, d, &ids, &w, &mut z);
                for (k, &i) in ids.iter().enumerate() {
                    let plain = plain_dot(&values, d, i, &w);
                    assert!((z[k] - plain).abs() < 1e-4, "d {d} row {k}");
                }
            }
        }
    }

    /// Slope 0.5·z − row index; remembers the margins it saw.
    #[derive(Default)]
    struct Probe {
        seen: Vec<f32>,
    }

    impl Slopes for Probe {
        fn slopes(&mut self, block: &[u32], z: &[f32; BLOCK]) -> [f32; BLOCK] {
            self.seen.extend_from_slice(&z[..block.len()]);
            std::array::from_fn(|k| 0.5 * z[k] - block.get(k).copied().unwrap_or(0) as f32)
        }
    }

    /// g after a pass with the [`Probe`] slopes, and the margins it saw.
    fn pass(d: usize, ids: &[u32], portable_form: bool) -> (Vec<f32>, Vec<f32>) {
        let values = ramp(9 * d, 0.173);
        let w = ramp(d, 1.3);
        let mut g = ramp(d, 0.5);
        let mut probe = Probe::default();
        if portable_form {
            portable::gradient_pass(&values, d, ids, (&w, 0.25), &mut g, &mut probe);
        } else {
            gradient_pass(&values, d, ids, (&w, 0.25), &mut g, &mut probe);
        }
        (g, probe.seen)
    }

    #[test]
    fn the_avx2_and_portable_forms_agree_bit_for_bit() {
        let ids: Vec<u32> = (0..150).map(|k| (k * 7) % 9).collect();
        for d in [1, 7, 8, 9, 28, 64, 100] {
            assert_eq!(pass(d, &ids, false), pass(d, &ids, true), "d {d}");
        }
    }

    #[test]
    fn a_pass_adds_each_row_weighted_by_its_slope() {
        let d = 13;
        let values = ramp(9 * d, 0.173);
        let w = ramp(d, 1.3);
        let ids = [2, 0, 5];
        let (g, seen) = pass(d, &ids, false);
        let mut expect = ramp(d, 0.5);
        for (k, &i) in ids.iter().enumerate() {
            let z = plain_dot(&values, d, i, &w) + 0.25;
            assert!((seen[k] - z).abs() < 1e-5);
            let alpha = 0.5 * seen[k] - i as f32;
            for (j, e) in expect.iter_mut().enumerate() {
                *e += alpha * values[i as usize * d + j];
            }
        }
        for (a, b) in g.iter().zip(&expect) {
            assert!((a - b).abs() < 1e-4, "{a} vs {b}");
        }
    }

    #[test]
    #[should_panic(expected = "row index out of range")]
    fn a_row_past_the_end_is_refused() {
        dots(&[1.0; 6], 3, &[2], &[1.0; 3], &mut [0.0]);
    }
}
