//! # Log-binned histogram
//!
//! Keeps a stream of positive durations in constant memory: bins of 0.1% relative width (HDR
//! histograms, Tene 2012, use the same idea), so a gigabyte of REPORT lines becomes a few
//! thousand counters per memory size and every quantile is exact to 0.05%. Bootstrap replicates
//! of the median draw from it (see `curve`).

use std::collections::BTreeMap;

/// Width of one bin in natural-log units: consecutive bins differ by 0.1%.
const BIN_LN: f64 = 1e-3;
/// The smallest value kept apart from zero (1 µs); smaller values share its bin.
const FLOOR: f64 = 1e-6;

/// Counts of positive values in log-spaced bins.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LogHistogram {
    counts: BTreeMap<i32, u64>,
    total: u64,
}

impl LogHistogram {
    /// Adds one value (values below 1 µs count as 1 µs).
    pub fn add(&mut self, value: f64) {
        let bin = (value.max(FLOOR).ln() / BIN_LN).floor() as i32;
        *self.counts.entry(bin).or_default() += 1;
        self.total += 1;
    }

    /// How many values were added.
    pub fn len(&self) -> u64 {
        self.total
    }

    /// Whether nothing was added.
    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// The `q` quantile (0 ≤ q ≤ 1), at the geometric centre of its bin; NaN when empty.
    pub fn quantile(&self, q: f64) -> f64 {
        if self.total == 0 {
            return f64::NAN;
        }
        // The rank of the quantile among 1..=total, as the nearest-rank method counts it.
        let rank = ((q.clamp(0.0, 1.0) * self.total as f64).ceil() as u64).max(1);
        let mut seen = 0;
        for (&bin, &count) in &self.counts {
            seen += count;
            if seen >= rank {
                return ((f64::from(bin) + 0.5) * BIN_LN).exp();
            }
        }
        f64::NAN
    }

    /// The median.
    pub fn median(&self) -> f64 {
        self.quantile(0.5)
    }

    /// A distribution-free 95% interval of the median: the order statistics at
    /// 0.5 ± 1.96 · 0.5 / √n (the normal approximation to the binomial count below the median).
    pub fn median_interval(&self) -> (f64, f64) {
        let half = 1.96 * 0.5 / (self.total as f64).sqrt();
        (self.quantile(0.5 - half), self.quantile(0.5 + half))
    }

    /// Adds every count of `other`.
    pub fn merge(&mut self, other: &LogHistogram) {
        for (&bin, &count) in &other.counts {
            *self.counts.entry(bin).or_default() += count;
        }
        self.total += other.total;
    }
}

/// Running sums of ln x for a log-normal fit, in constant memory.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct LogMoments {
    pub count: u64,
    sum_ln: f64,
    sum_ln_sq: f64,
}

impl LogMoments {
    /// Adds one positive value; others are ignored.
    pub fn add(&mut self, value: f64) {
        if value > 0.0 && value.is_finite() {
            let ln = value.ln();
            self.count += 1;
            self.sum_ln += ln;
            self.sum_ln_sq += ln * ln;
        }
    }

    /// Mean of ln x.
    pub fn mean_ln(&self) -> f64 {
        self.sum_ln / self.count as f64
    }

    /// Sample standard deviation of ln x (0 for fewer than two values).
    pub fn sd_ln(&self) -> f64 {
        if self.count < 2 {
            return 0.0;
        }
        let n = self.count as f64;
        ((self.sum_ln_sq - self.sum_ln * self.sum_ln / n) / (n - 1.0))
            .max(0.0)
            .sqrt()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn the_median_is_exact_to_a_twentieth_of_a_percent() {
        let mut h = LogHistogram::default();
        for ms in 1..=999 {
            h.add(f64::from(ms) / 1000.0);
        }
        assert_eq!(h.len(), 999);
        assert_relative_eq!(h.median(), 0.5, max_relative = 5e-4);
        assert_relative_eq!(h.quantile(0.9), 0.9, max_relative = 5e-4);
    }

    #[test]
    fn a_million_values_fit_in_a_few_thousand_bins() {
        let mut h = LogHistogram::default();
        for i in 0..1_000_000u32 {
            h.add(1.0 + f64::from(i % 1000) / 1000.0);
        }
        assert!(h.counts.len() < 1000);
    }

    #[test]
    fn the_median_interval_brackets_the_median_and_narrows_with_more_values() {
        let mut h = LogHistogram::default();
        for ms in 1..=99 {
            h.add(f64::from(ms) / 1000.0);
        }
        let (low, high) = h.median_interval();
        assert!(
            low < 0.05 && 0.05 < high && high - low < 0.025,
            "{low} {high}"
        );
    }

    #[test]
    fn merging_adds_counts() {
        let (mut a, mut b) = (LogHistogram::default(), LogHistogram::default());
        a.add(1.0);
        b.add(3.0);
        b.add(3.0);
        a.merge(&b);
        assert_eq!(a.len(), 3);
        assert_relative_eq!(a.median(), 3.0, max_relative = 5e-4);
    }

    #[test]
    fn log_moments_recover_a_log_normal_by_hand() {
        let mut m = LogMoments::default();
        for x in [1.0_f64.exp(), 3.0_f64.exp()] {
            m.add(x);
        }
        m.add(-1.0);
        assert_eq!(m.count, 2);
        assert_relative_eq!(m.mean_ln(), 2.0, epsilon = 1e-12);
        assert_relative_eq!(m.sd_ln(), 2.0_f64.sqrt(), epsilon = 1e-12);
    }
}
