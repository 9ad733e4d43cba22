//! # Feature storage: row-major dense and CSR sparse
//!
//! Dense rows are `f32` in row-major order (4 bytes per value). Sparse rows are compressed
//! sparse rows (CSR, Saad, *Iterative Methods for Sparse Linear Systems*, §3.4): `u32` column
//! indices and `f32` values per non-zero plus one `usize` offset per row, about 8 bytes per
//! non-zero. Kernels reach rows through the [`Rows`] and [`Row`] traits, so one generic
//! function serves both layouts and is monomorphised for each.

use super::vecops;

/// Read access to one feature row, the operations the kernels need.
pub trait Row: Copy {
    /// Σ x_i w_i. `w` must cover every feature of the matrix.
    fn dot(self, w: &[f32]) -> f32;
    /// g ← g + alpha·x. `g` must cover every feature of the matrix.
    fn add_scaled_to(self, alpha: f32, g: &mut [f32]);
    /// Calls `f(index, value)` for every non-zero, in increasing index order.
    fn for_each_nonzero(self, f: impl FnMut(usize, f32));
    /// ‖x − c‖², given ‖c‖² (used by sparse rows, which expand the square).
    fn squared_distance(self, c: &[f32], c_squared_norm: f32) -> f32;
    /// Stored values in this row (every value for a dense row).
    fn stored(self) -> usize;
}

/// A matrix whose rows can be visited by index.
pub trait Rows: Sync {
    type Row<'a>: Row
    where
        Self: 'a;
    fn row(&self, i: usize) -> Self::Row<'_>;
    fn rows(&self) -> usize;
    fn cols(&self) -> usize;
}

impl Row for &[f32] {
    #[inline(always)]
    fn dot(self, w: &[f32]) -> f32 {
        vecops::dot(self, &w[..self.len()])
    }
    #[inline(always)]
    fn add_scaled_to(self, alpha: f32, g: &mut [f32]) {
        vecops::axpy(alpha, self, &mut g[..self.len()]);
    }
    #[inline(always)]
    fn for_each_nonzero(self, mut f: impl FnMut(usize, f32)) {
        self.iter()
            .enumerate()
            .filter(|(_, v)| **v != 0.0)
            .for_each(|(i, v)| f(i, *v));
    }
    #[inline(always)]
    fn squared_distance(self, c: &[f32], _c_squared_norm: f32) -> f32 {
        vecops::squared_distance(self, &c[..self.len()])
    }
    fn stored(self) -> usize {
        self.len()
    }
}

/// Row-major dense `f32` features.
#[derive(Debug, Clone, PartialEq)]
pub struct DenseMatrix {
    cols: usize,
    values: Vec<f32>,
}

impl DenseMatrix {
    /// A matrix of `values.len() / cols` rows. Panics if `values` is not whole rows (a caller bug).
    pub fn new(cols: usize, values: Vec<f32>) -> Self {
        assert!(
            cols > 0 && values.len().is_multiple_of(cols),
            "dense values must be whole rows"
        );
        DenseMatrix { cols, values }
    }
    pub fn values(&self) -> &[f32] {
        &self.values
    }
    pub fn values_mut(&mut self) -> &mut [f32] {
        &mut self.values
    }
    pub fn bytes_in_memory(&self) -> usize {
        self.values.len() * size_of::<f32>()
    }
    /// The rows at `ids`, copied in that order.
    pub fn select(&self, ids: &[u32]) -> Self {
        let values = ids
            .iter()
            .flat_map(|&i| self.row(i as usize).iter().copied())
            .collect();
        DenseMatrix::new(self.cols, values)
    }
}

impl Rows for DenseMatrix {
    type Row<'a> = &'a [f32];
    #[inline]
    fn row(&self, i: usize) -> &[f32] {
        &self.values[i * self.cols..(i + 1) * self.cols]
    }
    fn rows(&self) -> usize {
        self.values.len() / self.cols
    }
    fn cols(&self) -> usize {
        self.cols
    }
}

/// One row of a [`CsrMatrix`]: strictly increasing indices below `cols`, and their values.
#[derive(Debug, Clone, Copy)]
pub struct SparseRow<'a> {
    cols: usize,
    indices: &'a [u32],
    values: &'a [f32],
}

impl<'a> SparseRow<'a> {
    pub fn indices(&self) -> &'a [u32] {
        self.indices
    }
    pub fn values(&self) -> &'a [f32] {
        self.values
    }
}

impl Row for SparseRow<'_> {
    #[inline]
    fn dot(self, w: &[f32]) -> f32 {
        assert!(
            w.len() >= self.cols,
            "weights shorter than the feature count"
        );
        let mut acc = [0.0f32; 4];
        let pairs = self
            .indices
            .chunks_exact(4)
            .zip(self.values.chunks_exact(4));
        for (idx, val) in pairs {
            for lane in 0..4 {
                // SAFETY: CsrMatrix::new checked every index < cols, and w.len() >= cols.
                acc[lane] += unsafe { w.get_unchecked(idx[lane] as usize) } * val[lane];
            }
        }
        let done = self.indices.len() / 4 * 4;
        let tail: f32 = self.indices[done..]
            .iter()
            .zip(&self.values[done..])
            // SAFETY: as above.
            .map(|(&i, v)| unsafe { w.get_unchecked(i as usize) } * v)
            .sum();
        (acc[0] + acc[2]) + (acc[1] + acc[3]) + tail
    }
    #[inline]
    fn add_scaled_to(self, alpha: f32, g: &mut [f32]) {
        assert!(
            g.len() >= self.cols,
            "gradient shorter than the feature count"
        );
        for (&i, v) in self.indices.iter().zip(self.values) {
            // SAFETY: CsrMatrix::new checked every index < cols, and g.len() >= cols.
            unsafe { *g.get_unchecked_mut(i as usize) += alpha * v };
        }
    }
    #[inline]
    fn for_each_nonzero(self, mut f: impl FnMut(usize, f32)) {
        self.indices
            .iter()
            .zip(self.values)
            .for_each(|(&i, &v)| f(i as usize, v));
    }
    #[inline]
    fn squared_distance(self, c: &[f32], c_squared_norm: f32) -> f32 {
        let x_squared: f32 = self.values.iter().map(|v| v * v).sum();
        (x_squared - 2.0 * self.dot(c) + c_squared_norm).max(0.0)
    }
    fn stored(self) -> usize {
        self.indices.len()
    }
}

/// Compressed sparse rows with `u32` column indices and `f32` values.
#[derive(Debug, Clone, PartialEq)]
pub struct CsrMatrix {
    cols: usize,
    offsets: Vec<usize>,
    indices: Vec<u32>,
    values: Vec<f32>,
}

impl CsrMatrix {
    /// A CSR matrix. Panics unless offsets start at 0, never decrease, end at the non-zero
    /// count, and each row's indices strictly increase below `cols` (parsers check input first).
    pub fn new(cols: usize, offsets: Vec<usize>, indices: Vec<u32>, values: Vec<f32>) -> Self {
        assert_eq!(offsets.first(), Some(&0), "CSR offsets start at 0");
        assert_eq!(
            offsets.last(),
            Some(&indices.len()),
            "CSR offsets end at nnz"
        );
        assert_eq!(indices.len(), values.len(), "one value per index");
        for pair in offsets.windows(2) {
            let row = &indices[pair[0]..pair[1]];
            assert!(
                row.windows(2).all(|w| w[0] < w[1]),
                "CSR indices strictly increase"
            );
            assert!(
                row.last().is_none_or(|&i| (i as usize) < cols),
                "CSR index below cols"
            );
        }
        CsrMatrix {
            cols,
            offsets,
            indices,
            values,
        }
    }
    pub fn nnz(&self) -> usize {
        self.indices.len()
    }
    /// Non-zeros with their column index, for per-column statistics.
    pub fn entries(&self) -> impl Iterator<Item = (usize, f32)> + '_ {
        self.indices
            .iter()
            .zip(&self.values)
            .map(|(&i, &v)| (i as usize, v))
    }
    /// Multiplies every value in column i by `scale[i]`; columns beyond `scale` stay as they are.
    pub fn scale_columns(&mut self, scale: &[f32]) {
        for (x, &i) in self.values.iter_mut().zip(&self.indices) {
            if let Some(s) = scale.get(i as usize) {
                *x *= s;
            }
        }
    }
    /// Widens the matrix to `cols` columns (no data moves); never narrows it.
    pub fn widen(&mut self, cols: usize) {
        self.cols = self.cols.max(cols);
    }
    pub fn bytes_in_memory(&self) -> usize {
        self.offsets.len() * size_of::<usize>()
            + self.indices.len() * (size_of::<u32>() + size_of::<f32>())
    }
    /// The rows at `ids`, copied in that order.
    pub fn select(&self, ids: &[u32]) -> Self {
        let mut offsets = Vec::with_capacity(ids.len() + 1);
        offsets.push(0);
        let (mut indices, mut values) = (Vec::new(), Vec::new());
        for &i in ids {
            let row = self.row(i as usize);
            indices.extend_from_slice(row.indices);
            values.extend_from_slice(row.values);
            offsets.push(indices.len());
        }
        CsrMatrix {
            cols: self.cols,
            offsets,
            indices,
            values,
        }
    }
}

impl Rows for CsrMatrix {
    type Row<'a> = SparseRow<'a>;
    #[inline]
    fn row(&self, i: usize) -> SparseRow<'_> {
        let (start, end) = (self.offsets[i], self.offsets[i + 1]);
        SparseRow {
            cols: self.cols,
            indices: &self.indices[start..end],
            values: &self.values[start..end],
        }
    }
    fn rows(&self) -> usize {
        self.offsets.len() - 1
    }
    fn cols(&self) -> usize {
        self.cols
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    fn small_csr() -> CsrMatrix {
        CsrMatrix::new(
            5,
            vec![0, 2, 2, 5],
            vec![0, 3, 1, 2, 4],
            vec![1.0, 2.0, 3.0, 4.0, 5.0],
        )
    }

    #[test]
    fn sparse_row_dot_touches_only_its_nonzeros() {
        let w = [1.0, 10.0, 100.0, 1000.0, 10000.0];
        assert_relative_eq!(small_csr().row(0).dot(&w), 2001.0);
        assert_relative_eq!(small_csr().row(1).dot(&w), 0.0);
        assert_relative_eq!(small_csr().row(2).dot(&w), 50430.0);
    }

    #[test]
    fn sparse_and_dense_rows_agree_on_distance_and_scaled_addition() {
        let csr = small_csr();
        let dense = [0.0, 3.0, 4.0, 0.0, 5.0];
        let c = [1.0, -1.0, 0.5, 2.0, 0.0];
        let norm: f32 = c.iter().map(|v| v * v).sum();
        assert_relative_eq!(
            csr.row(2).squared_distance(&c, norm),
            dense.as_slice().squared_distance(&c, norm),
            epsilon = 1e-5
        );
        let (mut g_sparse, mut g_dense) = (vec![0.0; 5], vec![0.0; 5]);
        csr.row(2).add_scaled_to(2.0, &mut g_sparse);
        dense.as_slice().add_scaled_to(2.0, &mut g_dense);
        assert_eq!(g_sparse, g_dense);
    }

    #[test]
    fn select_copies_rows_in_the_given_order() {
        let picked = small_csr().select(&[2, 0]);
        assert_eq!(picked.row(0).indices(), &[1, 2, 4]);
        assert_eq!(picked.row(1).values(), &[1.0, 2.0]);
        let dense = DenseMatrix::new(2, vec![1.0, 2.0, 3.0, 4.0]).select(&[1]);
        assert_eq!(dense.values(), &[3.0, 4.0]);
    }

    #[test]
    #[should_panic(expected = "strictly increase")]
    fn csr_rejects_unsorted_indices() {
        CsrMatrix::new(5, vec![0, 2], vec![3, 1], vec![1.0, 1.0]);
    }
}
