//! # Function observations
//!
//! Invocations of one function, whichever reader found them (REPORT lines, SeBS CSVs, Power
//! Tuning averages), folded as they stream past into per-memory-size summaries of constant size:
//! warm and cold duration histograms, peak memory use, and the start-up samples the cold-start
//! fit needs. The duration curve is fitted to warm invocations only (a cold one also runs the
//! handler's first-call work).

use std::collections::BTreeMap;

use super::curve::SizePoint;
use super::histogram::{LogHistogram, LogMoments};

/// One measured invocation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Invocation {
    pub memory_mb: u32,
    /// Time in the handler, as the provider measured it.
    pub duration_s: f64,
    pub cold: bool,
    /// The platform's INIT phase (REPORT's Init Duration), on cold starts.
    pub init_s: Option<f64>,
    pub max_memory_used_mb: Option<f64>,
    /// What the client waited beyond the handler's time (SeBS: client time − provider time).
    pub client_overhead_s: Option<f64>,
}

/// What was seen at one memory size.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SizeSummary {
    pub warm: LogHistogram,
    pub cold: LogHistogram,
    pub max_memory_used_mb: Option<f64>,
}

/// Everything measured about one function.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FunctionData {
    pub sizes: BTreeMap<u32, SizeSummary>,
    /// Average durations from tools that report no single invocations (Power Tuning).
    pub averages: BTreeMap<u32, f64>,
    /// Init Duration of cold starts.
    pub init: LogMoments,
    /// Client-observed start-up overhead of cold invocations.
    pub cold_overhead: LogMoments,
    /// Client-observed overhead of warm invocations.
    pub warm_overhead: LogHistogram,
}

impl FunctionData {
    /// Folds one invocation in.
    pub fn add(&mut self, inv: &Invocation) {
        let size = self.sizes.entry(inv.memory_mb).or_default();
        if inv.cold {
            size.cold.add(inv.duration_s);
        } else {
            size.warm.add(inv.duration_s);
        }
        if let Some(used) = inv.max_memory_used_mb {
            size.max_memory_used_mb = Some(size.max_memory_used_mb.map_or(used, |m| m.max(used)));
        }
        if let Some(init_s) = inv.init_s {
            self.init.add(init_s);
        }
        match (inv.client_overhead_s, inv.cold) {
            (Some(overhead_s), true) => self.cold_overhead.add(overhead_s),
            (Some(overhead_s), false) => self.warm_overhead.add(overhead_s.max(0.0)),
            (None, _) => {}
        }
    }

    /// Records an average duration reported for a memory size.
    pub fn add_average(&mut self, memory_mb: u32, duration_s: f64) {
        self.averages.insert(memory_mb, duration_s);
    }

    /// Invocations folded in.
    pub fn invocations(&self) -> u64 {
        self.sizes
            .values()
            .map(|s| s.warm.len() + s.cold.len())
            .sum()
    }

    /// Whether there is anything to fit a curve to.
    pub fn is_empty(&self) -> bool {
        self.sizes.is_empty() && self.averages.is_empty()
    }

    /// The points the duration curve is fitted to, by memory size: the median warm duration
    /// (all invocations where none was warm), or the reported average where there are no
    /// invocations.
    pub fn curve_points(&self) -> Vec<SizePoint> {
        let mut points: BTreeMap<u32, SizePoint> = self
            .averages
            .iter()
            .map(|(&memory_mb, &duration_s)| (memory_mb, SizePoint::average(memory_mb, duration_s)))
            .collect();
        for (&memory_mb, size) in &self.sizes {
            let histogram = if size.warm.is_empty() {
                size.cold.clone()
            } else {
                size.warm.clone()
            };
            points.insert(memory_mb, SizePoint::sampled(memory_mb, histogram));
        }
        points.into_values().collect()
    }

    /// The smallest memory known to hold the function: its peak use at the smallest size it
    /// was measured at (sizes below that were never tried).
    pub fn min_memory_mb(&self) -> Option<f64> {
        self.sizes.values().next()?.max_memory_used_mb
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    fn invocation(memory_mb: u32, duration_s: f64, cold: bool) -> Invocation {
        Invocation {
            memory_mb,
            duration_s,
            cold,
            init_s: cold.then_some(0.2),
            max_memory_used_mb: Some(f64::from(memory_mb) / 2.0),
            client_overhead_s: Some(if cold { 1.0 } else { 0.05 }),
        }
    }

    #[test]
    fn the_curve_uses_warm_medians_and_ignores_cold_durations() {
        let mut data = FunctionData::default();
        for d in [1.0, 1.1, 1.2] {
            data.add(&invocation(128, d, false));
        }
        data.add(&invocation(128, 9.0, true));
        let points = data.curve_points();
        assert_eq!(points.len(), 1);
        assert_relative_eq!(points[0].duration_s, 1.1, max_relative = 1e-3);
        assert_eq!(data.init.count, 1);
        assert_eq!(data.cold_overhead.count, 1);
        assert_eq!(data.warm_overhead.len(), 3);
    }

    #[test]
    fn invocations_take_precedence_over_averages_at_the_same_size() {
        let mut data = FunctionData::default();
        data.add_average(128, 5.0);
        data.add_average(256, 2.0);
        data.add(&invocation(128, 1.0, false));
        let points = data.curve_points();
        assert_eq!(points.len(), 2);
        assert_relative_eq!(points[0].duration_s, 1.0, max_relative = 1e-3);
        assert_relative_eq!(points[1].duration_s, 2.0);
    }

    #[test]
    fn the_memory_floor_is_the_peak_use_at_the_smallest_size() {
        let mut data = FunctionData::default();
        data.add(&invocation(512, 1.0, false));
        data.add(&invocation(256, 1.0, false));
        assert_eq!(data.min_memory_mb(), Some(128.0));
    }
}
