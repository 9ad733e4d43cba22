//! # Simulated time
//!
//! Virtual time in seconds since the start of a simulated run, with a total order (so it can key
//! the event queue) and no way to confuse it with wall-clock durations.

use std::cmp::Ordering;
use std::fmt;
use std::ops::{Add, Sub};

/// A point in virtual time, in seconds since the run began.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct SimTime(f64);

impl SimTime {
    /// The start of every run.
    pub const ZERO: SimTime = SimTime(0.0);

    /// `seconds` after the start; negative or non-finite values are clamped to the start.
    pub fn from_secs(seconds: f64) -> Self {
        if seconds.is_finite() && seconds > 0.0 {
            SimTime(seconds)
        } else {
            SimTime(0.0)
        }
    }

    /// Seconds since the start.
    pub fn secs(self) -> f64 {
        self.0
    }

    /// The later of two times.
    pub fn max(self, other: SimTime) -> SimTime {
        if other.0 > self.0 { other } else { self }
    }
}

impl Eq for SimTime {}

impl PartialOrd for SimTime {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for SimTime {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.total_cmp(&other.0)
    }
}

impl Add<f64> for SimTime {
    type Output = SimTime;
    /// Advances by a non-negative duration in seconds.
    fn add(self, seconds: f64) -> SimTime {
        SimTime(self.0 + seconds.max(0.0))
    }
}

impl Sub for SimTime {
    type Output = f64;
    /// Seconds between two times.
    fn sub(self, earlier: SimTime) -> f64 {
        self.0 - earlier.0
    }
}

impl fmt::Display for SimTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "t={:.6}s", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_only_moves_forward() {
        let t = SimTime::from_secs(2.0);
        assert_eq!((t + -1.0).secs(), 2.0);
        assert_eq!(SimTime::from_secs(-3.0), SimTime::ZERO);
        assert_eq!(SimTime::from_secs(f64::NAN), SimTime::ZERO);
    }

    #[test]
    fn times_are_totally_ordered() {
        let mut times = [
            SimTime::from_secs(3.0),
            SimTime::ZERO,
            SimTime::from_secs(1.5),
        ];
        times.sort();
        assert_eq!(times.map(SimTime::secs), [0.0, 1.5, 3.0]);
        assert_eq!(SimTime::from_secs(4.0) - SimTime::from_secs(1.0), 3.0);
    }
}
