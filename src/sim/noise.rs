//! # Variance
//!
//! The random parts of a run, all from one seeded stream: straggler noise on compute times
//! (log-normal with mean 1 and a given coefficient of variation) and cold-start draws from the
//! profile's log-normal distribution. With a coefficient of variation of zero every draw is its
//! mean, so the run is exactly the analytic model's world.

use rand::SeedableRng;
use rand::rngs::StdRng;
use rand_distr::{Distribution, LogNormal};

/// Seeded draws of a run's variance.
#[derive(Debug)]
pub struct Noise {
    rng: StdRng,
    straggler: Option<LogNormal<f64>>,
    cold_start: Option<LogNormal<f64>>,
    cold_start_mean_s: f64,
}

/// A log-normal with the given mean and coefficient of variation.
fn log_normal(mean: f64, cv: f64) -> Option<LogNormal<f64>> {
    if !(mean > 0.0 && cv > 0.0) {
        return None;
    }
    let sigma2 = (1.0 + cv * cv).ln();
    LogNormal::new(mean.ln() - sigma2 / 2.0, sigma2.sqrt()).ok()
}

impl Noise {
    /// Variance of `straggler_cv` on compute (0 turns all variance off) and cold starts of the
    /// given mean and CV, drawn from `seed`.
    pub fn new(seed: u64, straggler_cv: f64, cold_start_mean_s: f64, cold_start_cv: f64) -> Self {
        let on = straggler_cv > 0.0;
        Noise {
            rng: StdRng::seed_from_u64(seed),
            straggler: if on {
                log_normal(1.0, straggler_cv)
            } else {
                None
            },
            cold_start: if on {
                log_normal(cold_start_mean_s, cold_start_cv)
            } else {
                None
            },
            cold_start_mean_s,
        }
    }

    /// A factor to multiply a compute time by (1 with no variance).
    pub fn straggler(&mut self) -> f64 {
        self.straggler.map_or(1.0, |d| d.sample(&mut self.rng))
    }

    /// One cold start, in seconds.
    pub fn cold_start_s(&mut self) -> f64 {
        self.cold_start
            .map_or(self.cold_start_mean_s, |d| d.sample(&mut self.rng))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_variance_gives_the_means() {
        let mut noise = Noise::new(1, 0.0, 0.8, 0.5);
        assert_eq!(noise.straggler(), 1.0);
        assert_eq!(noise.cold_start_s(), 0.8);
    }

    #[test]
    fn draws_have_the_requested_mean_and_spread() {
        let mut noise = Noise::new(7, 0.3, 1.0, 0.5);
        let draws: Vec<f64> = (0..20_000).map(|_| noise.straggler()).collect();
        let mean = draws.iter().sum::<f64>() / draws.len() as f64;
        let sd =
            (draws.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / draws.len() as f64).sqrt();
        assert!((mean - 1.0).abs() < 0.02, "{mean}");
        assert!((sd / mean - 0.3).abs() < 0.02, "{sd}");
    }

    #[test]
    fn the_same_seed_draws_the_same() {
        let (mut a, mut b) = (Noise::new(3, 0.2, 1.0, 0.4), Noise::new(3, 0.2, 1.0, 0.4));
        assert_eq!(a.cold_start_s(), b.cold_start_s());
        assert_eq!(a.straggler(), b.straggler());
    }
}
