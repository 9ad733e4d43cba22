//! # Linear models: logistic regression and linear SVM
//!
//! Binary linear classifiers z = w·x + b with labels y ∈ {0, 1}: logistic loss
//! log(1 + e^z) − y·z (Bishop, *Pattern Recognition and Machine Learning*, §4.3.2) and hinge
//! loss max(0, 1 − s·z) with s = 2y − 1 (Cortes & Vapnik 1995; trained by SGD as in Pegasos,
//! Shalev-Shwartz et al. 2007). Both are sparse-aware: on CSR rows the gradient touches only
//! the non-zeros. Parameters are `[w_1 … w_d, b]`. L2 regularisation is applied by the update
//! rule ([`super::sgd`]) once per mini-batch, densely, O(d) per batch; local SGD on sparse
//! rows whose batches touch fewer values than that ([`Kernel::sgd_pass`]) keeps the weights
//! as s·v instead and pays O(non-zeros) per batch. Dense rows go through the fused blocks of
//! [`super::dense_pass`].

use std::marker::PhantomData;
use std::ops::Range;

use super::dense_pass::{self, BLOCK, LinearPass, Slopes};
use super::sgd::Sgd;
use super::{BatchCost, Kernel, Score, fastmath, plain_sgd_pass, wide};
use crate::data::{CsrMatrix, Features, Row, Rows, Shard};

/// A loss of the margin z for a binary label.
pub trait MarginLoss: Send + Sync + 'static {
    /// ℓ(z, y) and dℓ/dz for a label y of 0.0 or 1.0 (branch-free, so a block vectorises).
    fn loss_and_slope(z: f32, y: f32) -> (f32, f32);
    /// Floating-point operations of one `loss_and_slope` call (for cost accounting).
    const FLOPS: u64;
}

/// Logistic (cross-entropy) loss on the logit z.
#[derive(Debug, Clone, Copy, Default)]
pub struct Logistic;

impl MarginLoss for Logistic {
    #[inline]
    fn loss_and_slope(z: f32, y: f32) -> (f32, f32) {
        let e = fastmath::exp(-z.abs());
        let (ln_1p, inverse) = fastmath::ln_1p_and_reciprocal(e);
        let probability = if z >= 0.0 { inverse } else { e * inverse };
        (z.max(0.0) + ln_1p - y * z, probability - y)
    }
    const FLOPS: u64 = 30;
}

/// Hinge loss with labels mapped to ±1.
#[derive(Debug, Clone, Copy, Default)]
pub struct Hinge;

impl MarginLoss for Hinge {
    #[inline]
    fn loss_and_slope(z: f32, y: f32) -> (f32, f32) {
        let sign = 2.0 * y - 1.0;
        let slack = 1.0 - sign * z;
        (slack.max(0.0), if slack > 0.0 { -sign } else { 0.0 })
    }
    const FLOPS: u64 = 4;
}

/// A linear model over `features` inputs trained with loss `L`.
#[derive(Debug, Clone, Copy)]
pub struct Linear<L> {
    features: usize,
    loss: PhantomData<L>,
}

/// Logistic regression.
pub type LogisticRegression = Linear<Logistic>;
/// Linear support vector machine (hinge loss).
pub type LinearSvm = Linear<Hinge>;

impl<L: MarginLoss> Linear<L> {
    pub fn new(features: usize) -> Self {
        Linear {
            features,
            loss: PhantomData,
        }
    }
}

impl<L: MarginLoss> Kernel for Linear<L> {
    fn num_params(&self) -> usize {
        self.features + 1
    }

    /// Zeros: the losses are convex, so no symmetry needs breaking.
    fn init_params(&self, _seed: u64) -> Vec<f32> {
        vec![0.0; self.num_params()]
    }

    fn gradient(
        &self,
        params: &[f32],
        shard: &Shard,
        rows: Range<usize>,
        grad: &mut [f32],
        _scratch: &mut [f32],
    ) -> f64 {
        let ids = &shard.ids()[rows];
        let labels = shard.data().labels();
        crate::with_rows!(shard.data().matrix(), |m| if wide::avx2() {
            // SAFETY: the CPU supports AVX2, checked just above.
            unsafe { gradient_sum_avx2::<L, _>(m, ids, labels, params, grad) }
        } else {
            gradient_sum::<L, _>(m, ids, labels, params, grad)
        })
    }

    fn score(
        &self,
        params: &[f32],
        shard: &Shard,
        rows: Range<usize>,
        _scratch: &mut [f32],
    ) -> Score {
        let ids = &shard.ids()[rows];
        let labels = shard.data().labels();
        crate::with_rows!(shard.data().matrix(), |m| if wide::avx2() {
            // SAFETY: the CPU supports AVX2, checked just above.
            unsafe { score_sum_avx2::<L, _>(m, ids, labels, params) }
        } else {
            score_sum::<L, _>(m, ids, labels, params)
        })
    }

    /// `scaled_sgd_pass` on sparse rows whose batches touch fewer values than the model
    /// has weights (with 0 ≤ ηλ < 1, so the decay is in (0, 1]); otherwise the plain pass,
    /// faster there.
    fn sgd_pass(
        &self,
        params: &mut [f32],
        shard: &Shard,
        batch: usize,
        sgd: Sgd,
        buffers: (&mut [f32], &mut [f32]),
    ) -> f64 {
        match shard.data().matrix() {
            Features::Sparse(m)
                if (0.0..1.0).contains(&(sgd.lr * sgd.l2)) && batch_touches_less(m, batch) =>
            {
                scaled_sgd_pass::<L>(m, shard, batch, sgd, params)
            }
            _ => plain_sgd_pass(self, params, shard, batch, sgd, buffers),
        }
    }

    fn batch_cost(&self, shard: &Shard, rows: Range<usize>) -> BatchCost {
        let (count, stored) = (rows.len() as u64, shard.stored_in(rows) as u64);
        let bytes_per_value = if shard.data().is_sparse() { 8 } else { 4 };
        BatchCost {
            flops: 4 * stored + count * (L::FLOPS + 2),
            bytes: stored * bytes_per_value + 4 * count,
        }
    }
}

/// Whether a batch of `batch` rows holds fewer non-zeros, on average, than `m` has columns:
/// then a dense step per batch costs more than the batch's gradient.
fn batch_touches_less(m: &CsrMatrix, batch: usize) -> bool {
    let rows = m.rows().max(1);
    m.nnz().saturating_mul(batch) < m.cols().saturating_mul(rows)
}

/// Mini-batch SGD on CSR rows with the weights kept as w = s·v (the rescaling trick of
/// Shalev-Shwartz et al., "Pegasos", 2007, and Bottou 2010): a step's L2 decay multiplies the
/// scalar s, and its gradient part touches only the batch's non-zeros, so a step costs
/// O(non-zeros) instead of O(features). The updates are those of [`Sgd::step`] up to rounding:
/// w ← (1 − ηλ)·w − (η/b)·Σ ℓ'(z_k)·x_k, the bias likewise. s is folded back into v when it
/// gets small and at the end of the pass.
fn scaled_sgd_pass<L: MarginLoss>(
    m: &CsrMatrix,
    shard: &Shard,
    batch: usize,
    sgd: Sgd,
    params: &mut [f32],
) -> f64 {
    /// Below this scale v is rescaled, so neither v nor 1/s grows without bound.
    const SMALLEST_SCALE: f32 = 1e-6;
    let (v, bias) = params.split_at_mut(m.cols());
    let bias = &mut bias[0];
    let labels = shard.data().labels();
    let decay = 1.0 - sgd.lr * sgd.l2;
    let (mut scale, mut loss_sum) = (1.0f32, 0.0f64);
    let mut slopes = Vec::with_capacity(batch);
    for batch_ids in shard.ids().chunks(batch.max(1)) {
        slopes.clear();
        for &i in batch_ids {
            let z = scale * m.row(i as usize).dot(v) + *bias;
            let (loss, slope) = L::loss_and_slope(z, labels[i as usize] as f32);
            loss_sum += f64::from(loss);
            slopes.push(slope);
        }
        let step = sgd.lr / batch_ids.len() as f32;
        scale *= decay;
        for (&i, &slope) in batch_ids.iter().zip(&slopes) {
            m.row(i as usize).add_scaled_to(-step * slope / scale, v);
        }
        *bias = decay * *bias - step * slopes.iter().sum::<f32>();
        if scale < SMALLEST_SCALE {
            v.iter_mut().for_each(|x| *x *= scale);
            scale = 1.0;
        }
    }
    v.iter_mut().for_each(|x| *x *= scale);
    loss_sum
}

/// Rows whose margins are scored together (losses vectorised across them).
const GROUP: usize = 8 * BLOCK;

/// Σ over `ids` of the loss gradient, added into `grad`; returns the loss sum.
#[inline(always)]
fn gradient_sum<L: MarginLoss, M: LinearPass>(
    m: &M,
    ids: &[u32],
    labels: &[u32],
    params: &[f32],
    grad: &mut [f32],
) -> f64 {
    let d = m.cols();
    let (w, b) = (&params[..d], params[d]);
    let (grad_w, grad_b) = grad[..=d].split_at_mut(d);
    let mut sums = MarginSlopes::<L> {
        labels,
        losses: [0.0; BLOCK],
        slopes: [0.0; BLOCK],
        loss: PhantomData,
    };
    m.gradient_pass(ids, (w, b), grad_w, &mut sums);
    grad_b[0] += dense_pass::tree(sums.slopes);
    dense_pass::tree(sums.losses)
}

/// The loss `L` over blocks of margins: slopes for the gradient, and running sums of losses
/// and slopes lane by lane (a row's lane is its place in its block).
struct MarginSlopes<'a, L> {
    labels: &'a [u32],
    losses: [f64; BLOCK],
    slopes: [f32; BLOCK],
    loss: PhantomData<L>,
}

impl<L: MarginLoss> Slopes for MarginSlopes<'_, L> {
    #[inline(always)]
    fn slopes(&mut self, ids: &[u32; BLOCK], live: usize, z: &[f32; BLOCK]) -> [f32; BLOCK] {
        // Labels are 0 or 1, so the signed conversion (one vector instruction) is exact.
        let y = label_block(self.labels, ids).map(|label| label as i32 as f32);
        let (mut loss, mut slope) = ([0.0f32; BLOCK], [0.0f32; BLOCK]);
        for k in 0..BLOCK {
            let (l, s) = L::loss_and_slope(z[k], y[k]);
            let live = (k as u32) < live as u32;
            (loss[k], slope[k]) = (if live { l } else { 0.0 }, if live { s } else { 0.0 });
        }
        // Separate loops, so the losses above stay eight lanes wide (not four, as f64 is).
        for (sum, &l) in self.losses.iter_mut().zip(&loss) {
            *sum += f64::from(l);
        }
        for (sum, &s) in self.slopes.iter_mut().zip(&slope) {
            *sum += s;
        }
        slope
    }
}

/// The labels of a block of rows: one load when the rows are stored one after another.
#[inline(always)]
fn label_block(labels: &[u32], ids: &[u32; BLOCK]) -> [u32; BLOCK] {
    let first = ids[0];
    let consecutive = (0..BLOCK).all(|k| ids[k] == first.wrapping_add(k as u32));
    match labels.get(first as usize..first as usize + BLOCK) {
        Some(run) if consecutive => std::array::from_fn(|k| run[k]),
        _ => ids.map(|i| labels[i as usize]),
    }
}

crate::avx2_twin!(
    /// [`gradient_sum`] compiled for AVX2.
    fn gradient_sum_avx2<L: MarginLoss, M: LinearPass>(m: &M, ids: &[u32], labels: &[u32], params: &[f32], grad: &mut [f32]) -> f64 = gradient_sum
);

crate::avx2_twin!(
    /// [`score_sum`] compiled for AVX2.
    fn score_sum_avx2<L: MarginLoss, M: LinearPass>(m: &M, ids: &[u32], labels: &[u32], params: &[f32]) -> Score = score_sum
);

#[inline(always)]
fn score_sum<L: MarginLoss, M: LinearPass>(
    m: &M,
    ids: &[u32],
    labels: &[u32],
    params: &[f32],
) -> Score {
    let d = m.cols();
    let (w, b) = (&params[..d], params[d]);
    let mut score = Score {
        rows: ids.len(),
        ..Score::default()
    };
    for group in ids.chunks(GROUP) {
        let mut z = [0.0f32; GROUP];
        m.dots(group, w, &mut z[..group.len()]);
        let (mut y, mut loss) = ([0.0f32; GROUP], [0.0f32; GROUP]);
        for (k, &i) in group.iter().enumerate() {
            (z[k], y[k]) = (z[k] + b, labels[i as usize] as f32);
        }
        for k in 0..GROUP {
            loss[k] = L::loss_and_slope(z[k], y[k]).0;
        }
        for (k, &i) in group.iter().enumerate() {
            score.loss_sum += f64::from(loss[k]);
            score.correct += usize::from((z[k] > 0.0) == (labels[i as usize] == 1));
        }
    }
    score
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{CsrMatrix, Dataset, DenseMatrix, Features};
    use crate::kernels::testing::finite_difference_error;
    use approx::assert_relative_eq;
    use proptest::prelude::*;

    fn dense_set(values: Vec<f32>, labels: Vec<u32>) -> Dataset {
        let cols = values.len() / labels.len();
        Dataset::new(Features::Dense(DenseMatrix::new(cols, values)), labels, 2)
    }

    #[test]
    fn logistic_loss_at_zero_margin_is_ln_two_with_slope_minus_half() {
        let (loss, slope) = Logistic::loss_and_slope(0.0, 1.0);
        assert_relative_eq!(loss, std::f32::consts::LN_2);
        assert_relative_eq!(slope, -0.5);
    }

    #[test]
    fn logistic_loss_stays_finite_for_huge_margins() {
        let (loss, slope) = Logistic::loss_and_slope(-200.0, 1.0);
        assert_relative_eq!(loss, 200.0);
        assert_relative_eq!(slope, -1.0);
    }

    #[test]
    fn hinge_loss_is_zero_beyond_the_margin() {
        assert_eq!(Hinge::loss_and_slope(2.0, 1.0), (0.0, 0.0));
        assert_eq!(Hinge::loss_and_slope(0.5, 0.0), (1.5, 1.0));
    }

    #[test]
    fn sparse_and_dense_copies_of_a_set_give_the_same_gradient() {
        let dense = dense_set(vec![1.0, 0.0, 2.0, 0.0, 3.0, 0.0], vec![1, 0]);
        let csr = CsrMatrix::new(3, vec![0, 2, 3], vec![0, 2, 1], vec![1.0, 2.0, 3.0]);
        let sparse = Dataset::new(Features::Sparse(csr), vec![1, 0], 2);
        let model = LogisticRegression::new(3);
        let params = [0.1, -0.2, 0.3, 0.05];
        let grads: Vec<Vec<f32>> = [dense, sparse]
            .iter()
            .map(|set| {
                let ids = [0, 1];
                let mut grad = vec![0.0; 4];
                model.gradient(&params, &Shard::new(set, &ids), 0..2, &mut grad, &mut []);
                grad
            })
            .collect();
        assert_eq!(grads[0], grads[1]);
    }

    #[test]
    fn scores_count_correct_predictions() {
        let set = dense_set(vec![1.0, -1.0, 2.0], vec![1, 1, 0]);
        let eval = LinearSvm::new(1).evaluate(&[1.0, 0.0], &set);
        assert_relative_eq!(eval.accuracy, 1.0 / 3.0);
    }

    #[test]
    fn the_scaled_sparse_pass_makes_the_plain_passs_updates() {
        let data = crate::data::synthetic::rcv1_like(300, 9);
        let Features::Sparse(m) = data.matrix() else {
            panic!("rcv1-like rows are sparse")
        };
        assert!(
            batch_touches_less(m, 16),
            "the set must take the scaled path"
        );
        let ids: Vec<u32> = (0..data.rows() as u32).rev().collect();
        let shard = Shard::new(&data, &ids);
        let model = LogisticRegression::new(data.features());
        let sgd = Sgd { lr: 2.0, l2: 0.01 };
        let mut grad = vec![0.0; model.num_params()];
        let (mut plain, mut scaled) =
            (vec![0.0; model.num_params()], vec![0.0; model.num_params()]);
        let mut plain_loss = 0.0;
        let mut scaled_loss = 0.0;
        for _ in 0..5 {
            plain_loss = plain_sgd_pass(&model, &mut plain, &shard, 16, sgd, (&mut grad, &mut []));
            scaled_loss = model.sgd_pass(&mut scaled, &shard, 16, sgd, (&mut grad, &mut []));
        }
        assert_relative_eq!(plain_loss, scaled_loss, max_relative = 1e-4);
        let moved = plain.iter().filter(|w| w.abs() > 1e-3).count();
        assert!(moved > 100, "only {moved} weights moved");
        for (a, b) in plain.iter().zip(&scaled) {
            assert_relative_eq!(a, b, epsilon = 1e-5, max_relative = 1e-3);
        }
    }

    #[test]
    fn sets_whose_batches_cover_the_features_take_the_plain_pass() {
        let csr = CsrMatrix::new(3, vec![0, 2, 3], vec![0, 2, 1], vec![1.0, 2.0, 3.0]);
        assert!(!batch_touches_less(&csr, 4));
        assert!(batch_touches_less(&csr, 1));
    }

    fn small_problem() -> impl Strategy<Value = (Vec<f32>, Vec<u32>, Vec<f32>)> {
        (1usize..5, 1usize..6).prop_flat_map(|(d, n)| {
            (
                prop::collection::vec(-2.0f32..2.0, n * d),
                prop::collection::vec(0u32..2, n),
                prop::collection::vec(-1.0f32..1.0, d + 1),
            )
        })
    }

    proptest! {
        #[test]
        fn logistic_gradient_matches_central_finite_differences((x, y, params) in small_problem()) {
            let set = dense_set(x, y);
            let error = finite_difference_error(&LogisticRegression::new(set.features()), &params, &set, 1e-2);
            prop_assert!(error < 2e-2, "relative error {error}");
        }

        #[test]
        fn hinge_gradient_matches_central_finite_differences_away_from_the_kink((x, y, params) in small_problem()) {
            let set = dense_set(x, y);
            let model = LinearSvm::new(set.features());
            let near_kink = (0..set.rows()).any(|i| {
                let z = crate::data::vecops::dot(&params[..set.features()], match set.row(i) { crate::data::RowRef::Dense(r) => r, _ => unreachable!() }) + params[set.features()];
                (z.abs() - 1.0).abs() < 0.1
            });
            prop_assume!(!near_kink);
            prop_assert!(finite_difference_error(&model, &params, &set, 1e-2) < 2e-2);
        }
    }
}
