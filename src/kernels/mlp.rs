//! # Multilayer perceptron
//!
//! A fully connected network with ReLU hidden layers and a softmax output trained on
//! cross-entropy by backpropagation (Rumelhart, Hinton & Williams 1986; He initialisation,
//! He et al. 2015). One row at a time, in caller-provided scratch. Each weight matrix is stored
//! input-major (`W[i][o]`), so a sparse or mostly-zero input (ReLU outputs, MNIST pixels) costs
//! one contiguous scaled addition per non-zero input, forward and backward.

use std::ops::Range;

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use rand_distr::StandardNormal;

use super::{BatchCost, Kernel, Score};
use crate::data::vecops::{axpy, dot};
use crate::data::{Row, Rows, Shard};

/// Layer widths from input to output, e.g. `[64, 64, 10]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Mlp {
    widths: Vec<usize>,
    /// Offset of each layer's weights in the parameter vector; its biases follow them.
    offsets: Vec<usize>,
}

/// The most parameters a network may have: 2²⁸ (1 GiB of fp32 weights, and as much again for
/// each gradient buffer), far above the models Stratus trains on a CPU.
pub const MAX_PARAMS: usize = 1 << 28;

impl Mlp {
    /// Checks a network's shape before it is built: every width positive and at most
    /// [`MAX_PARAMS`] parameters in all.
    pub fn check(inputs: usize, hidden: &[usize], classes: usize) -> Result<(), String> {
        let widths: Vec<usize> = std::iter::once(inputs)
            .chain(hidden.iter().copied())
            .chain([classes])
            .collect();
        if widths.contains(&0) {
            return Err("every layer width must be at least 1".into());
        }
        let params = widths.windows(2).try_fold(0usize, |sum, w| {
            w[0].checked_mul(w[1])?.checked_add(w[1])?.checked_add(sum)
        });
        match params {
            Some(p) if p <= MAX_PARAMS => Ok(()),
            _ => Err(format!(
                "a network of widths {widths:?} has more than {MAX_PARAMS} parameters"
            )),
        }
    }

    /// A network with `inputs` features, the given hidden widths and `classes` outputs.
    /// Panics if any width is zero (`Mlp::check` says so first).
    pub fn new(inputs: usize, hidden: &[usize], classes: usize) -> Self {
        let widths: Vec<usize> = std::iter::once(inputs)
            .chain(hidden.iter().copied())
            .chain([classes])
            .collect();
        assert!(
            widths.iter().all(|&w| w > 0),
            "layer widths must be positive"
        );
        let mut offsets = vec![0];
        for pair in widths.windows(2) {
            offsets.push(offsets.last().unwrap() + pair[0] * pair[1] + pair[1]);
        }
        Mlp { widths, offsets }
    }

    fn layers(&self) -> usize {
        self.widths.len() - 1
    }

    /// (weights, biases) of layer `l`.
    fn layer<'p>(&self, params: &'p [f32], l: usize) -> (&'p [f32], &'p [f32]) {
        let (start, weights) = (self.offsets[l], self.widths[l] * self.widths[l + 1]);
        params[start..self.offsets[l + 1]].split_at(weights)
    }

    fn layer_mut<'p>(&self, params: &'p mut [f32], l: usize) -> (&'p mut [f32], &'p mut [f32]) {
        let (start, weights) = (self.offsets[l], self.widths[l] * self.widths[l + 1]);
        params[start..self.offsets[l + 1]].split_at_mut(weights)
    }

    /// Splits scratch into per-layer activations (concatenated) and two delta buffers.
    fn split_scratch<'s>(
        &self,
        scratch: &'s mut [f32],
    ) -> (&'s mut [f32], &'s mut [f32], &'s mut [f32]) {
        let activations: usize = self.widths[1..].iter().sum();
        let widest = *self.widths[1..].iter().max().unwrap();
        let (acts, deltas) = scratch[..activations + 2 * widest].split_at_mut(activations);
        let (delta, previous) = deltas.split_at_mut(widest);
        (acts, delta, previous)
    }

    /// Fills `acts` with every layer's output (softmax probabilities last); returns −ln p_label.
    #[inline(always)]
    fn forward<R: Row>(&self, params: &[f32], x: R, label: usize, acts: &mut [f32]) -> f32 {
        let mut start = 0;
        for l in 0..self.layers() {
            let out = self.widths[l + 1];
            let (done, rest) = acts.split_at_mut(start);
            let z = &mut rest[..out];
            let (weights, biases) = self.layer(params, l);
            z.copy_from_slice(biases);
            let add = |i: usize, v: f32| axpy(v, &weights[i * out..(i + 1) * out], z);
            if l == 0 {
                x.for_each_nonzero(add)
            } else {
                input_nonzeros(&done[start - self.widths[l]..], add)
            }
            if l + 1 < self.layers() {
                z.iter_mut().for_each(|v| *v = v.max(0.0));
            }
            start += out;
        }
        softmax_loss(&mut acts[start - self.widths[self.layers()]..start], label)
    }

    /// Adds this row's gradient to `grad`, given `acts` from [`Mlp::forward`].
    #[inline(always)]
    fn backward<R: Row>(
        &self,
        params: &[f32],
        x: R,
        label: usize,
        scratch: &mut [f32],
        grad: &mut [f32],
    ) {
        let (acts, mut delta, mut previous) = self.split_scratch(scratch);
        let mut end: usize = self.widths[1..].iter().sum();
        let classes = self.widths[self.layers()];
        delta[..classes].copy_from_slice(&acts[end - classes..end]);
        delta[label] -= 1.0;
        for l in (0..self.layers()).rev() {
            let (inputs, out) = (self.widths[l], self.widths[l + 1]);
            let (grad_w, grad_b) = self.layer_mut(grad, l);
            let d = &delta[..out];
            axpy(1.0, d, grad_b);
            end -= out;
            if l == 0 {
                x.for_each_nonzero(|i, v| axpy(v, d, &mut grad_w[i * out..(i + 1) * out]));
                break;
            }
            let (weights, _) = self.layer(params, l);
            let input = &acts[end - inputs..end];
            for (i, (&a, back)) in input.iter().zip(previous[..inputs].iter_mut()).enumerate() {
                *back = 0.0;
                if a > 0.0 {
                    axpy(a, d, &mut grad_w[i * out..(i + 1) * out]);
                    *back = dot(&weights[i * out..(i + 1) * out], d);
                }
            }
            std::mem::swap(&mut delta, &mut previous);
        }
    }

    /// Multiply-adds of one forward pass over a row with `stored` input values.
    fn forward_macs(&self, stored: u64) -> u64 {
        let hidden: u64 = self.widths[1..]
            .windows(2)
            .map(|p| (p[0] * p[1]) as u64)
            .sum();
        stored * self.widths[1] as u64 + hidden
    }
}

/// The rows a gradient call visits, and every row's label.
#[derive(Clone, Copy)]
struct RowsOf<'a> {
    ids: &'a [u32],
    labels: &'a [u32],
}

/// Forward and backward passes over `rows`, adding their gradient to `grad`; the loss sum.
#[inline(always)]
fn gradient_rows<M: Rows>(
    mlp: &Mlp,
    m: &M,
    rows: RowsOf,
    params: &[f32],
    grad: &mut [f32],
    scratch: &mut [f32],
) -> f64 {
    let mut loss_sum = 0.0f64;
    for &i in rows.ids {
        let (x, label) = (m.row(i as usize), rows.labels[i as usize] as usize);
        loss_sum += f64::from(mlp.forward(params, x, label, mlp.split_scratch(scratch).0));
        mlp.backward(params, x, label, scratch, grad);
    }
    loss_sum
}

crate::avx2_twin!(
    /// [`gradient_rows`] compiled for AVX2.
    fn gradient_rows_avx2<M: Rows>(mlp: &Mlp, m: &M, rows: RowsOf, params: &[f32], grad: &mut [f32], scratch: &mut [f32]) -> f64 = gradient_rows
);

/// Calls `f(i, a)` for every non-zero activation.
fn input_nonzeros(input: &[f32], mut f: impl FnMut(usize, f32)) {
    input
        .iter()
        .enumerate()
        .filter(|(_, a)| **a != 0.0)
        .for_each(|(i, &a)| f(i, a));
}

/// Turns logits into probabilities in place; returns −ln p_label.
fn softmax_loss(z: &mut [f32], label: usize) -> f32 {
    let max = z.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut total = 0.0;
    z.iter_mut().for_each(|v| {
        *v = (*v - max).exp();
        total += *v;
    });
    let loss = total.ln() - z[label].ln().max(-1e30);
    z.iter_mut().for_each(|v| *v /= total);
    loss.max(0.0)
}

impl Kernel for Mlp {
    fn num_params(&self) -> usize {
        *self.offsets.last().unwrap()
    }

    /// He-normal weights (variance 2 / fan-in), zero biases.
    fn init_params(&self, seed: u64) -> Vec<f32> {
        let mut rng = StdRng::seed_from_u64(seed);
        let mut params = vec![0.0; self.num_params()];
        for l in 0..self.layers() {
            let std = (2.0 / self.widths[l] as f32).sqrt();
            let (weights, _) = self.layer_mut(&mut params, l);
            weights
                .iter_mut()
                .for_each(|w| *w = std * rng.sample::<f32, _>(StandardNormal));
        }
        params
    }

    fn scratch_len(&self) -> usize {
        self.widths[1..].iter().sum::<usize>() + 2 * self.widths[1..].iter().max().unwrap()
    }

    fn gradient(
        &self,
        params: &[f32],
        shard: &Shard,
        rows: Range<usize>,
        grad: &mut [f32],
        scratch: &mut [f32],
    ) -> f64 {
        let ids = &shard.ids()[rows];
        let labels = shard.data().labels();
        let rows = RowsOf { ids, labels };
        crate::with_rows!(shard.data().matrix(), |m| if super::wide::avx2() {
            // SAFETY: the CPU supports AVX2, checked just above.
            unsafe { gradient_rows_avx2::<_>(self, m, rows, params, grad, scratch) }
        } else {
            gradient_rows(self, m, rows, params, grad, scratch)
        })
    }

    fn score(
        &self,
        params: &[f32],
        shard: &Shard,
        rows: Range<usize>,
        scratch: &mut [f32],
    ) -> Score {
        let ids = &shard.ids()[rows];
        let labels = shard.data().labels();
        let classes = self.widths[self.layers()];
        let mut score = Score {
            rows: ids.len(),
            ..Score::default()
        };
        crate::with_rows!(shard.data().matrix(), |m| for &i in ids {
            let label = labels[i as usize] as usize;
            let acts = self.split_scratch(scratch).0;
            score.loss_sum += f64::from(self.forward(params, m.row(i as usize), label, acts));
            let probs = &acts[acts.len() - classes..];
            let best = (0..classes)
                .max_by(|&a, &b| probs[a].total_cmp(&probs[b]).then(b.cmp(&a)))
                .unwrap();
            score.correct += usize::from(best == label);
        });
        score
    }

    fn batch_cost(&self, shard: &Shard, rows: Range<usize>) -> BatchCost {
        let (count, stored) = (rows.len() as u64, shard.stored_in(rows) as u64);
        let forward = self.forward_macs(stored) + count * self.forward_macs(0);
        let first = stored * self.widths[1] as u64;
        let bytes_per_value = if shard.data().is_sparse() { 8 } else { 4 };
        BatchCost {
            flops: 2 * (3 * forward - first),
            bytes: stored * bytes_per_value + 4 * count,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{Dataset, DenseMatrix, Features};
    use crate::kernels::testing::finite_difference_error;
    use approx::assert_relative_eq;
    use proptest::prelude::*;

    #[test]
    fn parameter_count_covers_weights_and_biases() {
        assert_eq!(
            Mlp::new(4, &[3, 2], 5).num_params(),
            4 * 3 + 3 + 3 * 2 + 2 + 2 * 5 + 5
        );
    }

    #[test]
    fn an_untrained_network_with_zero_weights_predicts_uniformly() {
        let model = Mlp::new(2, &[3], 4);
        let set = Dataset::new(
            Features::Dense(DenseMatrix::new(2, vec![1.0, 2.0])),
            vec![3],
            4,
        );
        let eval = model.evaluate(&vec![0.0; model.num_params()], &set);
        assert_relative_eq!(eval.loss, 4.0f64.ln(), epsilon = 1e-6);
    }

    #[test]
    fn he_initialisation_is_seeded() {
        let model = Mlp::new(5, &[4], 3);
        assert_eq!(model.init_params(1), model.init_params(1));
        assert_ne!(model.init_params(1), model.init_params(2));
    }

    proptest! {
        #[test]
        fn gradient_matches_central_finite_differences_away_from_relu_kinks(
            seed in 0u64..1000,
            x in prop::collection::vec(-1.0f32..1.0, 12),
            labels in prop::collection::vec(0u32..3, 3),
        ) {
            let model = Mlp::new(4, &[5, 3], 3);
            let params = model.init_params(seed);
            let set = Dataset::new(Features::Dense(DenseMatrix::new(4, x)), labels, 3);
            prop_assume!(no_hidden_unit_near_zero(&model, &params, &set, 0.01));
            prop_assert!(finite_difference_error(&model, &params, &set, 1e-3) < 2e-2);
        }
    }

    /// True when every hidden pre-activation is at least `margin` away from the ReLU kink
    /// (a finite difference straddling the kink would not match the gradient), computed naively.
    fn no_hidden_unit_near_zero(model: &Mlp, params: &[f32], set: &Dataset, margin: f32) -> bool {
        (0..set.rows()).all(|r| {
            let crate::data::RowRef::Dense(x) = set.row(r) else {
                unreachable!()
            };
            let mut input = x.to_vec();
            (0..model.layers() - 1).all(|l| {
                let (weights, biases) = model.layer(params, l);
                let out = biases.len();
                let z: Vec<f32> = (0..out)
                    .map(|o| {
                        biases[o]
                            + input
                                .iter()
                                .enumerate()
                                .map(|(i, a)| a * weights[i * out + o])
                                .sum::<f32>()
                    })
                    .collect();
                input = z.iter().map(|v| v.max(0.0)).collect();
                z.iter().all(|v| v.abs() > margin)
            })
        })
    }
}
