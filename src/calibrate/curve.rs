//! # Duration–memory curve t(z)
//!
//! t(z) = a + b / min(z, z_sat): a fixed part (waiting on storage, the runtime) plus compute that
//! speeds up with the CPU share, which grows in proportion to memory until z_sat (on AWS Lambda
//! one vCPU per 1,769 MB). It extends Feng et al.'s t(z) = a + b/z (IEEE CLOUD 2018), whose
//! performance-cost ratio peaks at z* = b/a, with the saturation point. The fit minimises the
//! squared log-ratio of fitted to measured duration at each memory size's median warm duration,
//! so every size counts the same and a few slow invocations move nothing. Intervals: a
//! bootstrap of the medians (each replicate draws every size's median from its sampling
//! distribution, Beta((n+1)/2, (n+1)/2) over the empirical quantiles) and the linearised
//! covariance of the log-ratios; the wider of the two is reported, so neither sampling noise nor
//! lack of fit is hidden.

use nalgebra::DVector;
use rand::SeedableRng;
use rand::distr::Distribution;
use rand::rngs::StdRng;
use serde::Serialize;
use statrs::distribution::Beta;

use super::CalibrateError;
use super::histogram::LogHistogram;
use super::stats::{FittedParam, jacobian, linearised_half_widths, minimise, percentile_interval};

/// The measured duration at one memory size.
#[derive(Debug, Clone, PartialEq)]
pub struct SizePoint {
    pub memory_mb: u32,
    /// The median of the invocations, or a reported average.
    pub duration_s: f64,
    /// Invocations behind it (0 for a reported average).
    pub count: u64,
    /// The invocations themselves, for the bootstrap.
    pub histogram: Option<LogHistogram>,
}

impl SizePoint {
    /// The median of measured invocations.
    pub fn sampled(memory_mb: u32, histogram: LogHistogram) -> Self {
        SizePoint {
            memory_mb,
            duration_s: histogram.median(),
            count: histogram.len(),
            histogram: Some(histogram),
        }
    }

    /// An average a tool reported, without its invocations.
    pub fn average(memory_mb: u32, duration_s: f64) -> Self {
        SizePoint {
            memory_mb,
            duration_s,
            count: 0,
            histogram: None,
        }
    }
}

/// t(z) = fixed_s + scalable_mb_s / min(z, saturation_mb).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DurationCurve {
    pub fixed_s: f64,
    pub scalable_mb_s: f64,
    pub saturation_mb: f64,
}

impl DurationCurve {
    /// The duration at `memory_mb`.
    pub fn time_s(&self, memory_mb: f64) -> f64 {
        self.fixed_s + self.scalable_mb_s / memory_mb.min(self.saturation_mb)
    }

    fn from_logs(x: &DVector<f64>, floor_mb: f64) -> Self {
        DurationCurve {
            fixed_s: x[0].exp(),
            scalable_mb_s: x[1].exp(),
            saturation_mb: x[2].exp().max(floor_mb),
        }
    }
}

/// How the curve is fitted.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CurveOptions {
    /// Where the platform stops adding CPU: the saturation when the data show none.
    pub ceiling_mb: f64,
    /// Bootstrap replicates (0: linearised intervals only).
    pub bootstrap: usize,
    pub seed: u64,
}

/// The fitted duration at one measured size.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SizeResidual {
    pub memory_mb: u32,
    pub observed_s: f64,
    pub predicted_s: f64,
    pub rel_err: f64,
    pub invocations: u64,
}

/// A fitted curve with its intervals and residuals.
#[derive(Debug, Clone, PartialEq)]
pub struct CurveFit {
    pub curve: DurationCurve,
    /// `fixed_s`, `scalable_mb_s`, `saturation_mb`, in that order.
    pub params: Vec<FittedParam>,
    pub residuals: Vec<SizeResidual>,
    /// Root mean square of the relative errors.
    pub rms_rel_err: f64,
}

/// What the number of sizes and the fit leave identifiable.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Found {
    curve: DurationCurve,
    /// Whether the measured sizes separate a fixed from a scalable part.
    fixed_identified: bool,
    /// Whether the durations stop falling inside the measured range.
    saturation_seen: bool,
}

/// Fits t(z) to measured sizes (sorted by memory).
pub fn fit(points: &[SizePoint], options: &CurveOptions) -> Result<CurveFit, CalibrateError> {
    let zs: Vec<f64> = points.iter().map(|p| f64::from(p.memory_mb)).collect();
    let ts: Vec<f64> = points.iter().map(|p| p.duration_s).collect();
    let ceiling_mb = options.ceiling_mb.max(zs.last().copied().unwrap_or(1.0));
    let found = best_curve(&zs, &ts, ceiling_mb, None)?;
    let linear = linearised(&zs, &ts, &found);
    let draws = bootstrap(points, ceiling_mb, &found, options)?;
    let residuals = residuals(points, &found.curve);
    let rms_rel_err =
        (residuals.iter().map(|r| r.rel_err.powi(2)).sum::<f64>() / residuals.len() as f64).sqrt();
    Ok(CurveFit {
        curve: found.curve,
        params: params(&found, &linear, draws, ceiling_mb),
        residuals,
        rms_rel_err,
    })
}

fn residuals(points: &[SizePoint], curve: &DurationCurve) -> Vec<SizeResidual> {
    points
        .iter()
        .map(|p| {
            let predicted_s = curve.time_s(f64::from(p.memory_mb));
            SizeResidual {
                memory_mb: p.memory_mb,
                observed_s: p.duration_s,
                predicted_s,
                rel_err: predicted_s / p.duration_s - 1.0,
                invocations: p.count,
            }
        })
        .collect()
}

/// Squared log-ratios of the curve `x` (log-parameters) to the durations.
fn log_ratios(x: &DVector<f64>, zs: &[f64], ts: &[f64], floor_mb: f64) -> DVector<f64> {
    let curve = DurationCurve::from_logs(x, floor_mb);
    DVector::from_iterator(
        zs.len(),
        zs.iter().zip(ts).map(|(&z, &t)| (curve.time_s(z) / t).ln()),
    )
}

/// The best curve for the sizes; `warm` starts the search there (bootstrap replicates).
fn best_curve(
    zs: &[f64],
    ts: &[f64],
    ceiling_mb: f64,
    warm: Option<&Found>,
) -> Result<Found, CalibrateError> {
    if zs.len() == 1 {
        let curve = DurationCurve {
            fixed_s: 0.0,
            scalable_mb_s: ts[0] * zs[0],
            saturation_mb: ceiling_mb,
        };
        return Ok(Found {
            curve,
            fixed_identified: false,
            saturation_seen: false,
        });
    }
    let start = warm.map_or_else(|| linear_start(zs, ts, ceiling_mb), |found| found.curve);
    // Two sizes pin a and b only: the saturation stays at the ceiling.
    let fixed_saturation_mb = (zs.len() < 3).then_some(ceiling_mb);
    let mut curve = refine(zs, ts, &start, fixed_saturation_mb)?;
    let saturation_seen = fixed_saturation_mb.is_none() && curve.saturation_mb < zs[zs.len() - 1];
    if !saturation_seen {
        curve.saturation_mb = ceiling_mb;
    }
    Ok(Found {
        curve,
        fixed_identified: true,
        saturation_seen,
    })
}

/// Nelder–Mead on the log-parameters from `start`, the saturation held where it is fixed.
fn refine(
    zs: &[f64],
    ts: &[f64],
    start: &DurationCurve,
    fixed_saturation_mb: Option<f64>,
) -> Result<DurationCurve, CalibrateError> {
    let floor_mb = zs[0];
    let full = |x: &DVector<f64>| match fixed_saturation_mb {
        Some(mb) => DVector::from_vec(vec![x[0], x[1], mb.ln()]),
        None => x.clone_owned(),
    };
    let free = if fixed_saturation_mb.is_some() { 2 } else { 3 };
    let x0 = logs(start).rows(0, free).into_owned();
    let cost = |x: &DVector<f64>| log_ratios(&full(x), zs, ts, floor_mb).norm_squared();
    let x = minimise(cost, &x0, 0.5)?;
    Ok(DurationCurve::from_logs(&full(&x), floor_mb))
}

fn logs(curve: &DurationCurve) -> DVector<f64> {
    DVector::from_vec(vec![
        curve.fixed_s.max(1e-9).ln(),
        curve.scalable_mb_s.max(1e-9).ln(),
        curve.saturation_mb.ln(),
    ])
}

/// A starting curve: for each candidate saturation (a measured size, or the ceiling), the
/// a and b that minimise the squared relative error (a linear least-squares problem), keeping
/// the candidate that fits best.
fn linear_start(zs: &[f64], ts: &[f64], ceiling_mb: f64) -> DurationCurve {
    let candidates = zs.iter().skip(1).copied().chain([ceiling_mb]);
    candidates
        .map(|saturation_mb| {
            let (fixed_s, scalable_mb_s) = relative_least_squares(zs, ts, saturation_mb);
            DurationCurve {
                fixed_s,
                scalable_mb_s,
                saturation_mb,
            }
        })
        .min_by(|a, b| relative_sse(a, zs, ts).total_cmp(&relative_sse(b, zs, ts)))
        .expect("at least the ceiling is a candidate")
}

fn relative_sse(curve: &DurationCurve, zs: &[f64], ts: &[f64]) -> f64 {
    zs.iter()
        .zip(ts)
        .map(|(&z, &t)| (curve.time_s(z) / t - 1.0).powi(2))
        .sum()
}

/// a, b ≥ 0 minimising Σ ((a + b / min(z, z_sat)) / t − 1)².
fn relative_least_squares(zs: &[f64], ts: &[f64], saturation_mb: f64) -> (f64, f64) {
    let (mut suu, mut suv, mut svv, mut su, mut sv) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for (&z, &t) in zs.iter().zip(ts) {
        let (u, v) = (1.0 / t, 1.0 / (z.min(saturation_mb) * t));
        suu += u * u;
        suv += u * v;
        svv += v * v;
        su += u;
        sv += v;
    }
    let det = suu * svv - suv * suv;
    let tiny = ts.iter().copied().fold(f64::INFINITY, f64::min) * 1e-6;
    if det.abs() < f64::EPSILON * suu * svv {
        return (tiny, tiny * zs[0]);
    }
    let a = (su * svv - sv * suv) / det;
    let b = (sv * suu - su * suv) / det;
    (a.max(tiny), b.max(tiny * zs[0]))
}

/// Half-widths (log units) of the identified parameters from the linearised covariance.
fn linearised(zs: &[f64], ts: &[f64], found: &Found) -> Vec<f64> {
    let free = if found.saturation_seen { 3 } else { 2 };
    if !found.fixed_identified {
        return vec![f64::INFINITY; 3];
    }
    let full = logs(&found.curve);
    let x = full.rows(0, free).into_owned();
    let floor_mb = zs[0];
    let residual = |x: &DVector<f64>| {
        let mut all = full.clone();
        all.rows_mut(0, free).copy_from(x);
        log_ratios(&all, zs, ts, floor_mb)
    };
    let jac = jacobian(residual, &x, 1e-4);
    let mut half = linearised_half_widths(&jac, &residual(&x));
    half.resize(3, f64::INFINITY);
    half
}

/// Bootstrap replicates of the three parameters (empty without a size measured more than once).
fn bootstrap(
    points: &[SizePoint],
    ceiling_mb: f64,
    found: &Found,
    options: &CurveOptions,
) -> Result<Vec<[f64; 3]>, CalibrateError> {
    // Resampling a size measured once gives that one value back: it tells nothing of the spread.
    let resamplable = |p: &SizePoint| p.histogram.as_ref().is_some_and(|h| h.len() > 1);
    if options.bootstrap == 0 || !points.iter().any(resamplable) {
        return Ok(Vec::new());
    }
    let mut rng = StdRng::seed_from_u64(options.seed);
    let zs: Vec<f64> = points.iter().map(|p| f64::from(p.memory_mb)).collect();
    let mut draws = Vec::with_capacity(options.bootstrap);
    for _ in 0..options.bootstrap {
        let ts: Vec<f64> = points
            .iter()
            .map(|p| resampled_median(p, &mut rng))
            .collect();
        let replicate = best_curve(&zs, &ts, ceiling_mb, Some(found))?.curve;
        draws.push([
            replicate.fixed_s,
            replicate.scalable_mb_s,
            replicate.saturation_mb,
        ]);
    }
    Ok(draws)
}

/// The median of n invocations drawn again from a size's measured ones.
fn resampled_median(point: &SizePoint, rng: &mut StdRng) -> f64 {
    match &point.histogram {
        Some(histogram) if histogram.len() > 1 => {
            let shape = (histogram.len() as f64 + 1.0) / 2.0;
            let level = Beta::new(shape, shape).map_or(0.5, |beta| beta.sample(rng));
            histogram.quantile(level)
        }
        _ => point.duration_s,
    }
}

fn params(
    found: &Found,
    linear: &[f64],
    draws: Vec<[f64; 3]>,
    ceiling_mb: f64,
) -> Vec<FittedParam> {
    let c = &found.curve;
    let values = [c.fixed_s, c.scalable_mb_s, c.saturation_mb];
    let names = ["fixed_s", "scalable_mb_s", "saturation_mb"];
    (0..3)
        .map(|k| {
            if k == 0 && !found.fixed_identified {
                return FittedParam::fixed(names[k], 0.0, "one memory size cannot separate fixed from scalable time");
            }
            if k == 2 && !found.saturation_seen {
                return FittedParam::fixed(
                    names[k],
                    ceiling_mb,
                    "the durations keep falling up to the largest measured size: the platform's CPU ceiling",
                );
            }
            let mut column: Vec<f64> = draws.iter().map(|d| d[k]).collect();
            let ci = combined_interval(values[k], linear[k], &mut column);
            FittedParam::fitted(names[k], values[k], ci, interval_note(linear[k], column.len()))
        })
        .collect()
}

fn interval_note(linear_half: f64, draws: usize) -> &'static str {
    match (linear_half.is_finite(), draws > 0) {
        (true, true) => "wider of bootstrap and linearised intervals",
        (false, true) => "bootstrap interval (too few sizes for a linearised one)",
        (true, false) => "linearised interval",
        (false, false) => "unbounded: too few sizes",
    }
}

/// The union of the linearised interval (half-width in log units) and the bootstrap one.
fn combined_interval(value: f64, linear_half: f64, draws: &mut [f64]) -> (f64, f64) {
    let (boot_low, boot_high) = percentile_interval(draws);
    let (lin_low, lin_high) = (value * (-linear_half).exp(), value * linear_half.exp());
    match (draws.is_empty(), linear_half.is_finite()) {
        (true, _) => (lin_low, lin_high),
        (false, false) => (boot_low.min(value), boot_high.max(value)),
        (false, true) => (boot_low.min(lin_low), boot_high.max(lin_high)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    fn curve() -> DurationCurve {
        DurationCurve {
            fixed_s: 0.2,
            scalable_mb_s: 300.0,
            saturation_mb: 1500.0,
        }
    }

    fn exact_points(sizes: &[u32]) -> Vec<SizePoint> {
        sizes
            .iter()
            .map(|&z| SizePoint::average(z, curve().time_s(f64::from(z))))
            .collect()
    }

    fn options() -> CurveOptions {
        CurveOptions {
            ceiling_mb: 10240.0,
            bootstrap: 0,
            seed: 1,
        }
    }

    #[test]
    fn recovers_an_exact_curve_with_its_saturation() {
        let fit = fit(
            &exact_points(&[128, 256, 512, 1024, 2048, 3008]),
            &options(),
        )
        .unwrap();
        assert_relative_eq!(fit.curve.fixed_s, 0.2, max_relative = 1e-3);
        assert_relative_eq!(fit.curve.scalable_mb_s, 300.0, max_relative = 1e-3);
        assert!(fit.rms_rel_err < 1e-4, "{}", fit.rms_rel_err);
        assert!(fit.curve.saturation_mb > 1024.0 && fit.curve.saturation_mb < 2048.0);
    }

    #[test]
    fn without_saturation_in_range_the_ceiling_stands_in() {
        let fit = fit(&exact_points(&[128, 256, 512, 1024]), &options()).unwrap();
        assert_relative_eq!(fit.curve.saturation_mb, 10240.0);
        assert!(!fit.params[2].fitted);
    }

    #[test]
    fn two_sizes_give_fixed_and_scalable_parts_exactly() {
        let fit = fit(&exact_points(&[256, 1024]), &options()).unwrap();
        assert_relative_eq!(fit.curve.fixed_s, 0.2, max_relative = 1e-4);
        assert_relative_eq!(fit.curve.scalable_mb_s, 300.0, max_relative = 1e-4);
    }

    #[test]
    fn one_size_is_all_scalable_time_and_says_so() {
        let fit = fit(&exact_points(&[512]), &options()).unwrap();
        assert!(!fit.params[0].fitted && !fit.params[2].fitted);
        assert_relative_eq!(fit.curve.time_s(512.0), curve().time_s(512.0));
    }

    #[test]
    fn relative_least_squares_solves_an_exact_line() {
        let zs = [128.0, 256.0, 512.0];
        let ts: Vec<f64> = zs.iter().map(|z| 0.5 + 100.0 / z).collect();
        let (a, b) = relative_least_squares(&zs, &ts, 1e9);
        assert_relative_eq!(a, 0.5, max_relative = 1e-9);
        assert_relative_eq!(b, 100.0, max_relative = 1e-9);
    }

    #[test]
    fn the_combined_interval_is_the_union() {
        // Bootstrap draws spread 0.5..1.5; the linearised half-width of 1.0 (log units) is wider.
        let mut draws: Vec<f64> = (0..=100).map(|i| 0.5 + f64::from(i) / 100.0).collect();
        let (low, high) = combined_interval(1.0, 1.0, &mut draws);
        assert_relative_eq!(low, (-1.0_f64).exp(), max_relative = 1e-12);
        assert_relative_eq!(high, 1.0_f64.exp(), max_relative = 1e-12);
        let (low, high) = combined_interval(1.0, 0.01, &mut draws);
        assert_relative_eq!(low, 0.525, max_relative = 1e-9);
        assert_relative_eq!(high, 1.475, max_relative = 1e-9);
    }
}
