//! # SGD update
//!
//! The mini-batch step w ← w − η·(g/b + λ·w) (Robbins & Monro 1951; L2 weight decay as in
//! Bottou, "Large-Scale Machine Learning with Stochastic Gradient Descent", 2010), with g the
//! summed gradient of b rows. One dense pass over the parameters.

/// Step size and L2 strength of an SGD update.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sgd {
    /// Learning rate η.
    pub lr: f32,
    /// L2 strength λ (on every parameter).
    pub l2: f32,
}

impl Sgd {
    /// Applies one step given the gradient summed over `rows` rows; no-op for zero rows.
    #[inline]
    pub fn step(&self, params: &mut [f32], grad_sum: &[f32], rows: usize) {
        if rows == 0 {
            return;
        }
        let scale = 1.0 / rows as f32;
        let decay = 1.0 - self.lr * self.l2;
        for (w, g) in params.iter_mut().zip(grad_sum) {
            *w = decay * *w - self.lr * scale * g;
        }
    }

    /// Floating-point operations of one step over `params` parameters.
    pub fn flops(params: usize) -> u64 {
        3 * params as u64
    }
}

/// Default learning rate of the linear models: 2 / mean‖x‖², half the 1/L step of the
/// logistic loss (L = ‖x‖²/4), so one default suits binary, TF-IDF and standardised features.
pub fn default_linear_lr(data: &crate::data::Dataset) -> f32 {
    (2.0 / data.mean_squared_norm().max(1e-6)) as f32
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn step_moves_against_the_mean_gradient_and_decays_weights() {
        let mut w = vec![1.0, -2.0];
        Sgd { lr: 0.5, l2: 0.1 }.step(&mut w, &[4.0, 0.0], 2);
        assert_relative_eq!(w[0], 0.95 - 1.0);
        assert_relative_eq!(w[1], -1.9);
    }

    #[test]
    fn step_over_no_rows_changes_nothing() {
        let mut w = vec![1.0];
        Sgd { lr: 0.5, l2: 0.1 }.step(&mut w, &[4.0], 0);
        assert_eq!(w, vec![1.0]);
    }
}
