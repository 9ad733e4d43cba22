//! # Fitting toolkit
//!
//! What every calibration fit shares: Nelder–Mead minimisation (Nelder & Mead, Computer Journal
//! 1965, through argmin) on log-parameters, a central-difference Jacobian, confidence intervals
//! from the linearised least-squares covariance s²(JᵀJ)⁻¹ with Student's t quantile (Bates &
//! Watts, *Nonlinear Regression Analysis*, 1988, §2.3), percentile intervals of bootstrap draws
//! (Efron & Tibshirani, *An Introduction to the Bootstrap*, 1993, §13), and the verdict on how
//! well the data pins each parameter down.

use argmin::core::{CostFunction, Executor};
use argmin::solver::neldermead::NelderMead;
use nalgebra::{DMatrix, DVector};
use serde::Serialize;
use statrs::distribution::{ContinuousCDF, StudentsT};

use super::CalibrateError;

/// Confidence level of every interval Stratus reports.
pub const CI_LEVEL: f64 = 0.95;
/// A parameter is pinned down when its interval's half-width is at most this share of its value.
pub const PINNED_HALF_WIDTH: f64 = 0.25;
/// Nelder–Mead iterations per start.
const MAX_ITERS: u64 = 4000;
/// Restarts from the best point found: a restart rebuilds a collapsed simplex.
const RESTARTS: usize = 3;

/// One fitted (or deliberately fixed) parameter, as the calibration reports it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FittedParam {
    /// The profile key it patches (`channels.s3.latency_s`), or its name in a curve.
    pub name: String,
    pub value: f64,
    /// The confidence interval at `CI_LEVEL` (infinite when the data cannot bound it).
    pub ci_low: f64,
    pub ci_high: f64,
    /// Whether the fit moved it; a fixed parameter keeps its profile value.
    pub fitted: bool,
    /// Whether the interval is narrow (half-width at most `PINNED_HALF_WIDTH` of the value).
    pub pinned_down: bool,
    /// Why it is fixed, or how its interval was found.
    pub note: String,
}

impl FittedParam {
    /// A fitted parameter with its interval; `pinned_down` follows from the interval.
    pub fn fitted(name: impl Into<String>, value: f64, ci: (f64, f64), note: &str) -> Self {
        FittedParam {
            name: name.into(),
            value,
            ci_low: ci.0,
            ci_high: ci.1,
            fitted: true,
            pinned_down: is_pinned(value, ci),
            note: note.to_string(),
        }
    }

    /// A parameter held at `value` because the data cannot identify it.
    pub fn fixed(name: impl Into<String>, value: f64, why: impl Into<String>) -> Self {
        FittedParam {
            name: name.into(),
            value,
            ci_low: f64::NAN,
            ci_high: f64::NAN,
            fitted: false,
            pinned_down: false,
            note: why.into(),
        }
    }
}

/// Whether an interval is narrow enough to call the value pinned down.
pub fn is_pinned(value: f64, (low, high): (f64, f64)) -> bool {
    low.is_finite() && high.is_finite() && (high - low) / 2.0 <= PINNED_HALF_WIDTH * value.abs()
}

struct Cost<F>(F);

impl<F: Fn(&DVector<f64>) -> f64> CostFunction for Cost<F> {
    type Param = DVector<f64>;
    type Output = f64;

    fn cost(&self, param: &DVector<f64>) -> Result<f64, argmin::core::Error> {
        let value = (self.0)(param);
        // Nelder–Mead orders vertices by cost: keep NaN and infinity out of the comparisons.
        Ok(if value.is_finite() { value } else { f64::MAX })
    }
}

/// Minimises `cost` by Nelder–Mead from `start`, the first simplex `step` wide along each axis,
/// restarted from its best point `RESTARTS` times.
pub fn minimise(
    cost: impl Fn(&DVector<f64>) -> f64,
    start: &DVector<f64>,
    step: f64,
) -> Result<DVector<f64>, CalibrateError> {
    minimise_restarted(cost, start, step, RESTARTS)
}

/// [`minimise`] restarted `restarts` times.
pub fn minimise_restarted(
    cost: impl Fn(&DVector<f64>) -> f64,
    start: &DVector<f64>,
    step: f64,
    restarts: usize,
) -> Result<DVector<f64>, CalibrateError> {
    let mut best = start.clone();
    for _ in 0..restarts {
        let solver = NelderMead::new(simplex(&best, step))
            .with_sd_tolerance(1e-13)
            .map_err(|e| CalibrateError::Solver(e.to_string()))?;
        let result = Executor::new(Cost(&cost), solver)
            .configure(|state| state.max_iters(MAX_ITERS))
            .run()
            .map_err(|e| CalibrateError::Solver(e.to_string()))?;
        if let Some(param) = result.state.best_param {
            best = param;
        }
    }
    Ok(best)
}

fn simplex(centre: &DVector<f64>, step: f64) -> Vec<DVector<f64>> {
    let mut vertices = vec![centre.clone()];
    for axis in 0..centre.len() {
        let mut vertex = centre.clone();
        vertex[axis] += step;
        vertices.push(vertex);
    }
    vertices
}

/// The Jacobian of `residuals` at `x` by central differences of width `2 · step`.
pub fn jacobian(
    residuals: impl Fn(&DVector<f64>) -> DVector<f64>,
    x: &DVector<f64>,
    step: f64,
) -> DMatrix<f64> {
    let rows = residuals(x).len();
    let mut jac = DMatrix::zeros(rows, x.len());
    for k in 0..x.len() {
        let (mut up, mut down) = (x.clone(), x.clone());
        up[k] += step;
        down[k] -= step;
        let column = (residuals(&up) - residuals(&down)) / (2.0 * step);
        jac.set_column(k, &column);
    }
    jac
}

/// A Jacobian that sees through small steps in the model: for each parameter, the slope of the
/// least-squares line through `residuals` at `steps` points on each side of `x`, out to ± `span`
/// (the analytic model rounds a waiting worker's delay up to its polling interval, so a
/// derivative over a tiny step measures the rounding, not the trend).
pub fn secant_jacobian(
    residuals: impl Fn(&DVector<f64>) -> DVector<f64>,
    x: &DVector<f64>,
    span: f64,
    steps: usize,
) -> DMatrix<f64> {
    let rows = residuals(x).len();
    let offsets: Vec<f64> = (1..=steps)
        .flat_map(|k| {
            let d = span * k as f64 / steps as f64;
            [-d, d]
        })
        .collect();
    let norm: f64 = offsets.iter().map(|d| d * d).sum();
    let mut jac = DMatrix::zeros(rows, x.len());
    for k in 0..x.len() {
        let mut slope = DVector::zeros(rows);
        for &d in &offsets {
            let mut moved = x.clone();
            moved[k] += d;
            slope += residuals(&moved) * (d / norm);
        }
        jac.set_column(k, &slope);
    }
    jac
}

/// Levenberg–Marquardt (Marquardt, SIAM J. Appl. Math. 1963): minimises the squared norm of
/// `residuals` from `x0`, with `jac` giving the Jacobian, damping scaled by diag(JᵀJ).
pub fn levenberg_marquardt(
    residuals: impl Fn(&DVector<f64>) -> DVector<f64>,
    jac: impl Fn(&DVector<f64>) -> DMatrix<f64>,
    x0: &DVector<f64>,
) -> DVector<f64> {
    let mut x = x0.clone();
    let mut cost = residuals(&x).norm_squared();
    let mut lambda = 1e-2;
    for _ in 0..100 {
        let (j, r) = (jac(&x), residuals(&x));
        let a = j.transpose() * &j;
        let g = j.transpose() * r;
        let mut damped = a.clone();
        for k in 0..a.nrows() {
            damped[(k, k)] += lambda * (a[(k, k)] + 1e-12);
        }
        let Some(step) = damped.lu().solve(&(-g)) else {
            break;
        };
        let candidate = &x + step;
        let new_cost = residuals(&candidate).norm_squared();
        if new_cost < cost {
            let gain = (cost - new_cost) / cost.max(f64::MIN_POSITIVE);
            x = candidate;
            cost = new_cost;
            lambda = (lambda / 3.0).max(1e-9);
            if gain < 1e-9 {
                break;
            }
        } else {
            lambda *= 4.0;
            if lambda > 1e9 {
                break;
            }
        }
    }
    x
}

/// Half-widths of the `CI_LEVEL` intervals of each parameter from the linearised covariance
/// s²(JᵀJ)⁻¹, s² = RSS / (n − p). Infinite where the data leave a parameter unbounded: no
/// degrees of freedom left, or a Jacobian too close to singular.
pub fn linearised_half_widths(jac: &DMatrix<f64>, residuals: &DVector<f64>) -> Vec<f64> {
    let (n, p) = jac.shape();
    let unbounded = vec![f64::INFINITY; p];
    if n <= p {
        return unbounded;
    }
    let dof = (n - p) as f64;
    let s2 = residuals.norm_squared() / dof;
    let svd = jac.clone().svd(false, true);
    let largest = svd.singular_values.max();
    if largest <= 0.0 || svd.singular_values.min() < 1e-9 * largest {
        return unbounded;
    }
    let jtj = jac.transpose() * jac;
    let Some(inverse) = jtj.try_inverse() else {
        return unbounded;
    };
    let t = t_quantile(dof);
    (0..p)
        .map(|k| t * (s2 * inverse[(k, k)]).max(0.0).sqrt())
        .collect()
}

/// The two-sided `CI_LEVEL` quantile of Student's t with `dof` degrees of freedom.
pub fn t_quantile(dof: f64) -> f64 {
    StudentsT::new(0.0, 1.0, dof)
        .map(|t| t.inverse_cdf(0.5 + CI_LEVEL / 2.0))
        .unwrap_or(f64::INFINITY)
}

/// The `CI_LEVEL` percentile interval of bootstrap draws (sorted in place).
pub fn percentile_interval(draws: &mut [f64]) -> (f64, f64) {
    if draws.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    draws.sort_by(f64::total_cmp);
    let tail = (1.0 - CI_LEVEL) / 2.0;
    (
        quantile_sorted(draws, tail),
        quantile_sorted(draws, 1.0 - tail),
    )
}

/// The `q` quantile of sorted values, interpolating linearly between order statistics.
pub fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    let position = q.clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let (low, high) = (position.floor() as usize, position.ceil() as usize);
    sorted[low] + (sorted[high] - sorted[low]) * (position - low as f64)
}

/// The median of `values` (reordered in place); NaN when empty.
pub fn median(values: &mut [f64]) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    values.sort_by(f64::total_cmp);
    quantile_sorted(values, 0.5)
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn nelder_mead_finds_the_minimum_of_a_bowl() {
        let best = minimise(
            |x| (x[0] - 3.0).powi(2) + 10.0 * (x[1] + 1.0).powi(2),
            &DVector::from_vec(vec![0.0, 0.0]),
            0.5,
        )
        .unwrap();
        assert_relative_eq!(best[0], 3.0, epsilon = 1e-5);
        assert_relative_eq!(best[1], -1.0, epsilon = 1e-5);
    }

    #[test]
    fn the_jacobian_of_a_linear_map_is_its_matrix() {
        let jac = jacobian(
            |x| DVector::from_vec(vec![2.0 * x[0] + x[1], -x[1]]),
            &DVector::from_vec(vec![1.0, 1.0]),
            1e-3,
        );
        assert_relative_eq!(jac[(0, 0)], 2.0, epsilon = 1e-9);
        assert_relative_eq!(jac[(0, 1)], 1.0, epsilon = 1e-9);
        assert_relative_eq!(jac[(1, 1)], -1.0, epsilon = 1e-9);
    }

    #[test]
    fn the_secant_jacobian_ignores_small_steps() {
        // f(x) = 2x rounded down to 0.01: its tiny-step derivative is 0 or huge, its trend 2.
        let f = |x: &DVector<f64>| DVector::from_vec(vec![(2.0 * x[0] * 100.0).floor() / 100.0]);
        let jac = secant_jacobian(f, &DVector::from_vec(vec![1.0]), 0.2, 8);
        assert_relative_eq!(jac[(0, 0)], 2.0, max_relative = 0.05);
    }

    #[test]
    fn levenberg_marquardt_fits_an_exponential() {
        let xs = [0.0, 1.0, 2.0, 3.0];
        let r = |p: &DVector<f64>| {
            DVector::from_iterator(
                4,
                xs.iter()
                    .map(|x| p[0] * (p[1] * x).exp() - 3.0 * (0.5 * x).exp()),
            )
        };
        let j = |p: &DVector<f64>| jacobian(r, p, 1e-6);
        let best = levenberg_marquardt(r, j, &DVector::from_vec(vec![1.0, 0.1]));
        assert_relative_eq!(best[0], 3.0, max_relative = 1e-5);
        assert_relative_eq!(best[1], 0.5, max_relative = 1e-5);
    }

    #[test]
    fn linearised_intervals_of_a_straight_line_match_the_textbook() {
        // y = x with residuals ±0.1 at x = 1..4: slope se = sqrt(s² / Σ(x − x̄)²).
        let jac = DMatrix::from_row_slice(4, 2, &[1.0, 1.0, 1.0, 2.0, 1.0, 3.0, 1.0, 4.0]);
        let residuals = DVector::from_vec(vec![0.1, -0.1, -0.1, 0.1]);
        let half = linearised_half_widths(&jac, &residuals);
        let s2 = 0.04 / 2.0;
        assert_relative_eq!(
            half[1],
            t_quantile(2.0) * (s2 / 5.0_f64).sqrt(),
            epsilon = 1e-9
        );
    }

    #[test]
    fn collinear_columns_leave_both_parameters_unbounded() {
        let jac = DMatrix::from_row_slice(3, 2, &[1.0, 2.0, 2.0, 4.0, 3.0, 6.0]);
        let half = linearised_half_widths(&jac, &DVector::from_vec(vec![0.1, 0.0, -0.1]));
        assert!(half.iter().all(|h| h.is_infinite()));
    }

    #[test]
    fn percentile_interval_covers_the_middle_95_percent() {
        let mut draws: Vec<f64> = (0..=1000).map(f64::from).collect();
        let (low, high) = percentile_interval(&mut draws);
        assert_relative_eq!(low, 25.0, epsilon = 1e-9);
        assert_relative_eq!(high, 975.0, epsilon = 1e-9);
    }

    #[test]
    fn narrow_intervals_pin_a_value_down() {
        assert!(is_pinned(1.0, (0.9, 1.1)));
        assert!(!is_pinned(1.0, (0.5, 1.6)));
        assert!(!is_pinned(1.0, (0.9, f64::INFINITY)));
    }
}
