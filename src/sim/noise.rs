//! # Variance
//!
//! The random parts of a run, all from the scenario's seed: straggler noise on compute times
//! (log-normal with mean 1 and a given coefficient of variation), cold-start draws from the
//! profile's log-normal distribution, each data shard's read time drawn from the platform's
//! measured spread of per-function reads, and each aggregator's warm invocation drawn from the
//! measured spread of warm invocations (streams of their own, so turning either on leaves the
//! other draws as they were). With a coefficient of variation of zero every draw is
//! its median, so the run is exactly the analytic model's world.

use rand::SeedableRng;
use rand::rngs::StdRng;
use rand_distr::{Distribution, LogNormal, StandardUniform};

use crate::profile::spread::Spread;

/// Seeded draws of a run's variance.
#[derive(Debug)]
pub struct Noise {
    rng: StdRng,
    straggler: Option<LogNormal<f64>>,
    cold_start: Option<LogNormal<f64>>,
    cold_start_mean_s: f64,
    /// Per-function read times over their median, and the stream drawing them.
    reads: Option<(Spread, StdRng)>,
    /// Warm invocations' overheads over their median, and the stream drawing them.
    invocations: Option<(Spread, StdRng)>,
}

/// Mixed into the seed of the read-time stream, so it differs from the compute stream.
const READ_STREAM: u64 = 0x5245_4144_5f53_4c4f;

/// Mixed into the seed of the warm-invocation stream, so it differs from the others.
const INVOKE_STREAM: u64 = 0x494e_564f_4b45_5f53;

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
            reads: None,
            invocations: None,
        }
    }

    /// Also draws each shard read's time from `spread` while variance is on.
    pub fn with_reads(mut self, seed: u64, spread: Option<&Spread>) -> Self {
        self.reads = self.stream(spread, seed ^ READ_STREAM);
        self
    }

    /// Also draws each warm invocation's overhead from `spread` while variance is on.
    pub fn with_invocations(mut self, seed: u64, spread: Option<&Spread>) -> Self {
        self.invocations = self.stream(spread, seed ^ INVOKE_STREAM);
        self
    }

    /// A stream of draws from `spread` seeded by `seed`, while variance is on.
    fn stream(&self, spread: Option<&Spread>, seed: u64) -> Option<(Spread, StdRng)> {
        self.straggler.is_some().then_some(())?;
        spread.map(|s| (s.clone(), StdRng::seed_from_u64(seed)))
    }

    /// A factor to multiply a shard read's time by (1 with no variance or no measured spread).
    pub fn read_slowdown(&mut self) -> f64 {
        draw(&mut self.reads)
    }

    /// One warm invocation's overhead, its median `median_s` (exactly that with no variance or
    /// no measured spread).
    pub fn warm_invoke_s(&mut self, median_s: f64) -> f64 {
        median_s * draw(&mut self.invocations)
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

/// A factor drawn from a measured spread's stream, 1 where there is none.
fn draw(stream: &mut Option<(Spread, StdRng)>) -> f64 {
    stream
        .as_mut()
        .map_or(1.0, |(spread, rng)| spread.at(StandardUniform.sample(rng)))
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
    fn read_times_follow_the_spread_only_while_variance_is_on() {
        let spread = Spread::new(&[[0.0, 1.0], [0.9, 1.0], [1.0, 3.0]]).unwrap();
        let mut off = Noise::new(5, 0.0, 1.0, 0.5).with_reads(5, Some(&spread));
        assert_eq!(off.read_slowdown(), 1.0);
        let mut on = Noise::new(5, 0.2, 1.0, 0.5).with_reads(5, Some(&spread));
        let draws: Vec<f64> = (0..20_000).map(|_| on.read_slowdown()).collect();
        let slow = draws.iter().filter(|&&f| f > 1.0).count() as f64 / draws.len() as f64;
        assert!((slow - 0.1).abs() < 0.01, "{slow}");
        assert!(draws.iter().all(|&f| (1.0..=3.0).contains(&f)));
    }

    #[test]
    fn warm_invocations_follow_their_spread_only_while_variance_is_on() {
        let spread = Spread::new(&[[0.0, 0.8], [0.5, 1.0], [1.0, 4.0]]).unwrap();
        let mut off = Noise::new(5, 0.0, 1.0, 0.5).with_invocations(5, Some(&spread));
        assert_eq!(off.warm_invoke_s(0.5), 0.5);
        let mut on = Noise::new(5, 0.2, 1.0, 0.5).with_invocations(5, Some(&spread));
        let draws: Vec<f64> = (0..20_000).map(|_| on.warm_invoke_s(0.5)).collect();
        let above = draws.iter().filter(|&&s| s > 0.5).count() as f64 / draws.len() as f64;
        assert!((above - 0.5).abs() < 0.02, "{above}");
        assert!(draws.iter().all(|&s| (0.4..=2.0).contains(&s)));
        let mut plain = Noise::new(5, 0.2, 1.0, 0.5);
        assert_eq!(plain.straggler(), on.straggler());
    }

    #[test]
    fn the_read_stream_leaves_the_other_draws_as_they_were() {
        let spread = Spread::new(&[[0.0, 1.0], [1.0, 3.0]]).unwrap();
        let mut plain = Noise::new(9, 0.3, 1.0, 0.4);
        let mut reading = Noise::new(9, 0.3, 1.0, 0.4).with_reads(9, Some(&spread));
        reading.read_slowdown();
        assert_eq!(plain.straggler(), reading.straggler());
        assert_eq!(plain.cold_start_s(), reading.cold_start_s());
    }

    #[test]
    fn the_same_seed_draws_the_same() {
        let (mut a, mut b) = (Noise::new(3, 0.2, 1.0, 0.4), Noise::new(3, 0.2, 1.0, 0.4));
        assert_eq!(a.cold_start_s(), b.cold_start_s());
        assert_eq!(a.straggler(), b.straggler());
    }
}
