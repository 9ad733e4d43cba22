//! # The linear pass over dense rows
//!
//! The inner loop of a linear model on row-major dense rows ([`gradient_pass`]), reached
//! through [`LinearPass`] (sparse rows take its row-by-row defaults), done a group
//! of [`BLOCKS_PER_GROUP`] blocks of [`BLOCK`] rows at a time, in three phases: every block's
//! margins z_k = x_k·w + b, then the caller's loss turns each block's margins into per-row
//! weights α_k (its slope), then g ← g + Σ_k α_k·x_k over the group while its rows are still
//! in L1 cache. Each phase holds independent work for the blocks of the group, which the
//! processor overlaps; one block at a time left it waiting on each block's chain of dots,
//! loss and sums (8.2 ns a Higgs-like row then, 6.0 ns now, with the rows in L2 cache on
//! the host measured). Groups are kept small, so the prefetches below stay spread out: with
//! 1M rows from memory, two-block groups ran at 7.5–7.7 ns a row, four-block ones at 8.0–8.3.
//! [`dots`] gives the margins alone, for scoring.
//!
//! Rows are walked chunk by chunk (eight columns) with all eight rows of a block in flight;
//! a row's last partial chunk is loaded under a mask instead of a scalar tail; a short block
//! is padded with its first row (weight zero, margin dropped). The pass prefetches every
//! cache line as it reads each block: for rows stored one after another, `STREAM_AHEAD`
//! bytes past the block (the hardware prefetcher alone keeps too little in flight for this
//! pattern: 1M rows from memory ran at 12.0 ns a row without, 8.4 with, and prefetching
//! every other line was no better than none); for scattered rows (a shuffled shard),
//! `SCATTERED_AHEAD` blocks ahead, by id.
//!
//! Each loop is written twice with one arithmetic order, portable Rust over explicit lanes
//! and AVX2 intrinsics, and the two give bit-identical results. A row's lane l holds
//! Σ_c x[8c + l]·w[8c + l] (chunks in order) and its dot is ((a0 + a1) + (a2 + a3)) +
//! ((a4 + a5) + (a6 + a7)), the AVX2 horizontal-add tree; each chunk of g gains, block after
//! block, ((p0 + p1) + (p2 + p3)) + ((p4 + p5) + (p6 + p7)) with p_k = α_k·x_k. The AVX2
//! form loads a whole 32-byte chunk with one `vmovups` whose address is base + 4·index:
//! compiled for the generic x86-64 target, LLVM would split each unaligned load in two
//! halves, which costs a fifth of the kernel's time on the hosts measured.

use crate::data::vecops::LANES;
use crate::data::{CsrMatrix, DenseMatrix, Row, Rows};

/// Rows in flight together.
pub const BLOCK: usize = 8;

/// Blocks whose margins, slopes and gradient terms are computed phase by phase, so each
/// phase has independent work to overlap.
pub const BLOCKS_PER_GROUP: usize = 2;

/// Rows in a group.
pub const GROUP: usize = BLOCKS_PER_GROUP * BLOCK;

/// What a loss makes of a block's margins: the weight α_k of each row in the gradient.
pub trait Slopes {
    /// α for the block of rows `ids` with margins `z`, of which the first `live` are real
    /// rows and the rest repeat the first row as padding (their α is ignored).
    /// Implementations should be `#[inline(always)]`, so the loss is compiled into the
    /// vectorised loop that calls it.
    fn slopes(&mut self, ids: &[u32; BLOCK], live: usize, z: &[f32; BLOCK]) -> [f32; BLOCK];
}

/// A block of row ids (at most [`BLOCK`]) padded to [`BLOCK`] with its first.
#[inline(always)]
pub fn padded(block: &[u32]) -> [u32; BLOCK] {
    debug_assert!(block.len() <= BLOCK);
    let first = block.first().copied().unwrap_or(0);
    std::array::from_fn(|k| block.get(k).copied().unwrap_or(first))
}

/// The two passes a linear model makes over a matrix's rows: margins for scoring, and the
/// gradient's blocks. Sparse rows take the defaults, one row at a time; dense rows the blocked
/// passes of this module.
pub trait LinearPass: Rows {
    /// `out[k] = row(ids[k])·w` for every k.
    #[inline(always)]
    fn dots(&self, ids: &[u32], w: &[f32], out: &mut [f32]) {
        for (z, &i) in out.iter_mut().zip(ids) {
            *z = self.row(i as usize).dot(w);
        }
    }

    /// For each block of up to [`BLOCK`] rows of `ids`: z_k = x_k·w + bias, α = `slopes.slopes`
    /// of the block's [padded] ids and z, then g ← g + Σ_k α_k·x_k (entries of z and α past the
    /// block's rows are padding: ignored). The inner loop of a linear model's gradient.
    #[inline(always)]
    fn gradient_pass(
        &self,
        ids: &[u32],
        (w, bias): (&[f32], f32),
        g: &mut [f32],
        slopes: &mut impl Slopes,
    ) {
        for block in ids.chunks(BLOCK) {
            let mut z = [0.0f32; BLOCK];
            for (z, &i) in z.iter_mut().zip(block) {
                *z = self.row(i as usize).dot(w) + bias;
            }
            let alpha = slopes.slopes(&padded(block), block.len(), &z);
            for (&i, &a) in block.iter().zip(&alpha) {
                self.row(i as usize).add_scaled_to(a, g);
            }
        }
    }
}

impl LinearPass for CsrMatrix {}

impl LinearPass for DenseMatrix {
    #[inline(always)]
    fn dots(&self, ids: &[u32], w: &[f32], out: &mut [f32]) {
        dots(self.values(), self.cols(), ids, w, out);
    }

    #[inline(always)]
    fn gradient_pass(
        &self,
        ids: &[u32],
        weights: (&[f32], f32),
        g: &mut [f32],
        slopes: &mut impl Slopes,
    ) {
        gradient_pass(self.values(), self.cols(), ids, weights, g, slopes);
    }
}

/// For each block of the rows `ids` of `values` (`d` columns): z_k = x_k·w + bias, then
/// α = `slopes.slopes` of the block's [padded] ids and z (entries past the block's rows are
/// ignored), then g ← g + Σ_k α_k·x_k. Panics if a row is out of range or `w` or `g` is
/// shorter than a row.
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

/// `out[k] = row(ids[k])·w`. Panics if a row is out of range, or `w` or `out` is short.
#[inline(always)]
pub fn dots(values: &[f32], d: usize, ids: &[u32], w: &[f32], out: &mut [f32]) {
    assert!(
        w.len() >= d && out.len() >= ids.len(),
        "short weights or output"
    );
    let out = &mut out[..ids.len()];
    for (block, out) in ids.chunks(BLOCK).zip(out.chunks_mut(BLOCK)) {
        let rows = offsets(values, d, &padded(block));
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

/// The offsets of a block's rows `ids`; checks bounds.
#[inline(always)]
fn offsets(values: &[f32], d: usize, ids: &[u32; BLOCK]) -> [usize; BLOCK] {
    let last = ids.iter().copied().max().unwrap_or(0) as usize;
    assert!(last * d + d <= values.len(), "row index out of range");
    ids.map(|i| i as usize * d)
}

/// The slopes of a block of `live` rows, with the padding rows' weights set to zero.
#[inline(always)]
fn live_slopes(
    ids: &[u32; BLOCK],
    live: usize,
    z: &[f32; BLOCK],
    slopes: &mut impl Slopes,
) -> [f32; BLOCK] {
    let mut alpha = slopes.slopes(ids, live, z);
    if live < BLOCK {
        alpha[live..].fill(0.0);
    }
    alpha
}

/// Hints the CPU to fetch rows into cache ahead of use, as the rows `block` (`d` columns of
/// `values`) are read: rows stored one after another [`STREAM_AHEAD`] bytes past the
/// block's, scattered rows (a shuffled shard) by id, from `ahead`.
/// Addresses are only computed, never dereferenced, so no bounds apply.
#[inline(always)]
fn prefetch(values: &[f32], d: usize, block: &[u32], ahead: &[u32]) {
    // Rows whose first and last ids are as far apart as their count are taken to be stored
    // in order (a hint needs no proof).
    let consecutive = match (block.first(), block.last()) {
        (Some(&first), Some(&last)) => last.wrapping_sub(first) as usize == block.len() - 1,
        _ => return,
    };
    let bytes = d * size_of::<f32>();
    let start = |i: u32| values.as_ptr().wrapping_add(i as usize * d) as usize;
    if consecutive {
        let first = start(block[0]) + STREAM_AHEAD;
        prefetch_lines(first, first + block.len() * bytes);
    } else {
        for &i in ahead {
            prefetch_lines(start(i), start(i) + bytes);
        }
    }
}

/// How many blocks ahead scattered rows are prefetched (16 rows). On a shuffled 1M-row
/// Higgs-like shard, 2, 4 and 8 blocks ran alike within this host's noise; the nearest keeps
/// the fewest misses in flight.
const SCATTERED_AHEAD: usize = 2;

/// Block `b` of `ids` cut into blocks (empty past the end).
#[inline(always)]
fn nth_block(ids: &[u32], b: usize) -> &[u32] {
    let start = (b * BLOCK).min(ids.len());
    &ids[start..(start + BLOCK).min(ids.len())]
}

/// Bytes ahead of the rows being read that a stream of rows is prefetched. On 1M Higgs-like
/// rows, distances from 0.5 to 6 KB ran within 0.6 ns a row of one another; 8 KB was slower.
const STREAM_AHEAD: usize = 2048;

/// Prefetches every cache line that holds a byte of the address range `start..end` (and at
/// most one more).
#[inline(always)]
fn prefetch_lines(start: usize, end: usize) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        const LINE: usize = 64;
        let first = start / LINE * LINE;
        // Lines two at a time (halving the loop's own work); the second of the last pair may
        // lie past the range, which a hint can afford.
        let pairs = end.saturating_sub(first).div_ceil(2 * LINE);
        for line in (0..pairs).map(|k| first + 2 * k * LINE) {
            // SAFETY: SSE is part of x86_64, and a prefetch reads nothing architecturally.
            unsafe {
                _mm_prefetch::<_MM_HINT_T0>(line as *const i8);
                _mm_prefetch::<_MM_HINT_T0>((line + LINE) as *const i8);
            }
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (start, end);
}

/// ((v0 + v1) + (v2 + v3)) + ((v4 + v5) + (v6 + v7)).
#[inline(always)]
pub fn tree<T: Copy + std::ops::Add<Output = T>>(v: [T; 8]) -> T {
    ((v[0] + v[1]) + (v[2] + v[3])) + ((v[4] + v[5]) + (v[6] + v[7]))
}

mod portable {
    use super::{
        BLOCK, LANES, SCATTERED_AHEAD, Slopes, live_slopes, nth_block, offsets, padded, prefetch,
        tree,
    };

    #[inline(always)]
    pub fn gradient_pass(
        values: &[f32],
        d: usize,
        ids: &[u32],
        (w, bias): (&[f32], f32),
        g: &mut [f32],
        slopes: &mut impl Slopes,
    ) {
        // Block by block: the arithmetic of the AVX2 form's groups, in the same order.
        for (b, block) in ids.chunks(BLOCK).enumerate() {
            prefetch(values, d, block, nth_block(ids, b + SCATTERED_AHEAD));
            let ids = padded(block);
            let rows = offsets(values, d, &ids);
            let z = block_dots(values, d, &rows, w).map(|dot| dot + bias);
            let alpha = live_slopes(&ids, block.len(), &z, slopes);
            for (column, g) in g[..d].iter_mut().enumerate() {
                *g += tree(std::array::from_fn(|k| alpha[k] * values[rows[k] + column]));
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
    use super::{
        BLOCK, BLOCKS_PER_GROUP, GROUP, LANES, SCATTERED_AHEAD, Slopes, live_slopes, nth_block,
        offsets, padded, prefetch,
    };
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
        for (index, group) in ids.chunks(GROUP).enumerate() {
            let count = group.len().div_ceil(BLOCK);
            let mut rows = [[0usize; BLOCK]; BLOCKS_PER_GROUP];
            let mut alpha = [[0.0f32; BLOCK]; BLOCKS_PER_GROUP];
            let mut z = [[0.0f32; BLOCK]; BLOCKS_PER_GROUP];
            let mut padded_ids = [[0u32; BLOCK]; BLOCKS_PER_GROUP];
            for (b, block) in group.chunks(BLOCK).enumerate() {
                prefetch(
                    values,
                    d,
                    block,
                    nth_block(ids, index * BLOCKS_PER_GROUP + b + SCATTERED_AHEAD),
                );
                padded_ids[b] = padded(block);
                rows[b] = offsets(values, d, &padded_ids[b]);
                // SAFETY: `offsets` bounds the rows, the caller `w`; `z[b]` holds eight floats.
                unsafe {
                    let dots = block_dots(values, d, &rows[b], w);
                    _mm256_storeu_ps(z[b].as_mut_ptr(), _mm256_add_ps(dots, _mm256_set1_ps(bias)));
                }
            }
            for (b, block) in group.chunks(BLOCK).enumerate() {
                alpha[b] = live_slopes(&padded_ids[b], block.len(), &z[b], slopes);
            }
            // SAFETY: chunks below `full` lie inside each row and `g`; the partial one is
            // masked on loads and written lane by lane.
            for (alpha, rows) in alpha[..count].iter().zip(&rows[..count]) {
                let alpha = alpha.map(|a| _mm256_set1_ps(a));
                unsafe {
                    for start in (0..full / LANES).map(|c| c * LANES) {
                        let sum = weighted_sum(&alpha, x, rows, start, None);
                        let chunk = g.add(start);
                        _mm256_storeu_ps(chunk, _mm256_add_ps(load(g, start, None), sum));
                    }
                    if let Some(tail) = tail {
                        let sum = weighted_sum(&alpha, x, rows, full, Some(tail));
                        add_partial(g.add(full), sum, d - full);
                    }
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
            for start in (0..full / LANES).map(|c| c * LANES) {
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

    /// The chunk of eight floats at `base[index..]` in one unsplit load, or its first lanes
    /// under `tail`. The index goes into the instruction's address, so no register is spent
    /// on the sum.
    ///
    /// # Safety
    /// The lanes loaded lie inside one allocation.
    #[inline]
    #[target_feature(enable = "avx2")]
    unsafe fn load(base: *const f32, index: usize, tail: Option<__m256i>) -> __m256 {
        // SAFETY: the caller's bounds.
        unsafe {
            match tail {
                Some(tail) => _mm256_maskload_ps(base.add(index), tail),
                None => {
                    let chunk: __m256;
                    std::arch::asm!(
                        "vmovups {chunk}, ymmword ptr [{base} + {index} * 4]",
                        chunk = out(ymm_reg) chunk,
                        base = in(reg) base,
                        index = in(reg) index,
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
            let (wc, x) = (load(w, start, tail), x.add(start));
            for (a, &row) in acc.iter_mut().zip(rows) {
                *a = _mm256_add_ps(*a, _mm256_mul_ps(load(x, row, tail), wc));
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
        alpha: &[__m256; BLOCK],
        x: *const f32,
        rows: &[usize; BLOCK],
        start: usize,
        tail: Option<__m256i>,
    ) -> __m256 {
        let mut p = [_mm256_setzero_ps(); BLOCK];
        let x = x.wrapping_add(start);
        for k in 0..BLOCK {
            // SAFETY: the caller's bounds.
            let xk = unsafe { load(x, rows[k], tail) };
            p[k] = _mm256_mul_ps(alpha[k], xk);
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
        fn slopes(&mut self, ids: &[u32; BLOCK], live: usize, z: &[f32; BLOCK]) -> [f32; BLOCK] {
            self.seen.extend_from_slice(&z[..live]);
            std::array::from_fn(|k| 0.5 * z[k] - ids[k] as f32)
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
