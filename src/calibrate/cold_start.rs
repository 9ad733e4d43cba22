//! # Cold-start distribution
//!
//! Cold starts are right-skewed and positive; a log-normal describes them well (Manner et al.,
//! "Cold Start Influencing Factors in Function as a Service", 2018, report long right tails).
//! The maximum-likelihood fit is μ, σ of ln x; the mean exp(μ + σ²/2), the coefficient of
//! variation √(exp σ² − 1) and the quantiles follow (statrs' `LogNormal`). The interval of the
//! mean comes from the t interval of μ with σ held.

use serde::Serialize;
use statrs::distribution::{ContinuousCDF, LogNormal};
use statrs::statistics::{Distribution, Median};

use super::histogram::LogMoments;
use super::stats::{FittedParam, t_quantile};

/// A fitted log-normal start-up time.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ColdStartFit {
    /// What was measured: `init_duration` or `client_overhead`.
    pub source: &'static str,
    pub samples: u64,
    pub mu: f64,
    pub sigma: f64,
    pub mean_s: f64,
    pub cv: f64,
    pub median_s: f64,
    pub p95_s: f64,
    pub mean_ci_low_s: f64,
    pub mean_ci_high_s: f64,
}

impl ColdStartFit {
    /// Fits the samples summed in `moments`; `None` with fewer than two.
    pub fn fit(source: &'static str, moments: &LogMoments) -> Option<Self> {
        if moments.count < 2 {
            return None;
        }
        let (mu, sigma) = (moments.mean_ln(), moments.sd_ln().max(1e-9));
        let dist = LogNormal::new(mu, sigma).ok()?;
        let mean_s = dist.mean()?;
        let half = t_quantile(moments.count as f64 - 1.0) * sigma / (moments.count as f64).sqrt();
        Some(ColdStartFit {
            source,
            samples: moments.count,
            mu,
            sigma,
            mean_s,
            cv: (sigma * sigma).exp_m1().sqrt(),
            median_s: dist.median(),
            p95_s: dist.inverse_cdf(0.95),
            mean_ci_low_s: mean_s * (-half).exp(),
            mean_ci_high_s: mean_s * half.exp(),
        })
    }

    /// The mean as a reported parameter under `name`.
    pub fn mean_param(&self, name: &str) -> FittedParam {
        FittedParam::fitted(
            name,
            self.mean_s,
            (self.mean_ci_low_s, self.mean_ci_high_s),
            &format!(
                "log-normal mean of {} {} samples",
                self.samples, self.source
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;
    use rand::SeedableRng;
    use rand::distr::Distribution as _;
    use rand::rngs::StdRng;

    #[test]
    fn recovers_a_seeded_log_normal_within_its_interval() {
        let truth = LogNormal::new(-1.0, 0.4).unwrap();
        let mut rng = StdRng::seed_from_u64(7);
        let mut moments = LogMoments::default();
        for _ in 0..2000 {
            moments.add(truth.sample(&mut rng));
        }
        let fit = ColdStartFit::fit("init_duration", &moments).unwrap();
        let true_mean = (-1.0_f64 + 0.08).exp();
        assert!(fit.mean_ci_low_s <= true_mean && true_mean <= fit.mean_ci_high_s);
        assert_relative_eq!(fit.sigma, 0.4, max_relative = 0.05);
        assert_relative_eq!(fit.cv, (0.16_f64.exp() - 1.0).sqrt(), max_relative = 0.1);
    }

    #[test]
    fn one_sample_is_not_a_distribution() {
        let mut moments = LogMoments::default();
        moments.add(1.0);
        assert!(ColdStartFit::fit("init_duration", &moments).is_none());
    }
}
