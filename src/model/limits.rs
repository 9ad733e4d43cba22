//! # Function duration limit (LambdaML §3.5)
//!
//! A function may run at most `max_duration_s` (900 s on Lambda). A longer job checkpoints its
//! model, invokes its successor and exits; the successor pays a cold start, re-reads its data
//! shard and the checkpoint, and continues. Work is split on round boundaries.

/// What one worker's run is split into.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Segments {
    /// Invocations per worker (1 when the run fits the limit).
    pub count: f64,
    /// Durations of the first, each middle, and the last invocation (the same when count = 1).
    pub first_s: f64,
    pub middle_s: f64,
    pub last_s: f64,
    /// Middle invocations (count − 2 when count ≥ 2).
    pub middles: f64,
}

/// The inputs of the split.
#[derive(Debug, Clone, Copy)]
pub struct Work {
    pub limit_s: f64,
    pub load_s: f64,
    pub round_s: f64,
    pub rounds: f64,
    /// Extra fixed time inside the run (per-epoch barriers), spread over the rounds.
    pub extra_s: f64,
    pub checkpoint_put_s: f64,
    pub checkpoint_get_s: f64,
}

/// Why a worker cannot make progress within the limit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TooLong {
    /// Time one invocation needs to load, checkpoint and run one round.
    pub needed_s: f64,
    pub limit_s: f64,
}

/// Splits one worker's work into invocations that each fit the limit.
pub fn split(work: &Work) -> Result<Segments, TooLong> {
    let round_s = work.round_s + work.extra_s / work.rounds.max(1.0);
    let whole_s = work.load_s + work.rounds * round_s;
    if whole_s <= work.limit_s {
        return Ok(Segments {
            count: 1.0,
            first_s: whole_s,
            middle_s: 0.0,
            last_s: whole_s,
            middles: 0.0,
        });
    }
    let fit = |overhead_s: f64| ((work.limit_s - overhead_s) / round_s).floor();
    let first = fit(work.load_s + work.checkpoint_put_s);
    let middle = fit(work.load_s + work.checkpoint_get_s + work.checkpoint_put_s);
    let last = fit(work.load_s + work.checkpoint_get_s);
    if first < 1.0 || middle < 1.0 {
        return Err(TooLong {
            needed_s: work.load_s + work.checkpoint_get_s + work.checkpoint_put_s + round_s,
            limit_s: work.limit_s,
        });
    }
    let remaining = work.rounds - first;
    let middles = ((remaining - last) / middle).ceil().max(0.0);
    let last_rounds = remaining - middles * middle;
    Ok(Segments {
        count: 2.0 + middles,
        first_s: work.load_s + first * round_s + work.checkpoint_put_s,
        middle_s: work.load_s + work.checkpoint_get_s + middle * round_s + work.checkpoint_put_s,
        last_s: work.load_s + work.checkpoint_get_s + last_rounds * round_s,
        middles,
    })
}

impl Segments {
    /// Total seconds the worker's invocations run, back to back.
    pub fn busy_s(&self) -> f64 {
        if self.count <= 1.0 {
            self.first_s
        } else {
            self.first_s + self.middles * self.middle_s + self.last_s
        }
    }

    /// Re-invocations beyond the first.
    pub fn restarts(&self) -> f64 {
        self.count - 1.0
    }

    /// Sums `f(duration)` over the invocations (for rounding each bill separately).
    pub fn sum_over(&self, f: impl Fn(f64) -> f64) -> f64 {
        if self.count <= 1.0 {
            f(self.first_s)
        } else {
            f(self.first_s) + self.middles * f(self.middle_s) + f(self.last_s)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    fn work(rounds: f64) -> Work {
        Work {
            limit_s: 900.0,
            load_s: 50.0,
            round_s: 10.0,
            rounds,
            extra_s: 0.0,
            checkpoint_put_s: 5.0,
            checkpoint_get_s: 5.0,
        }
    }

    #[test]
    fn a_run_within_the_limit_is_one_invocation() {
        let s = split(&work(80.0)).unwrap();
        assert_eq!(s.count, 1.0);
        assert_relative_eq!(s.busy_s(), 850.0);
    }

    #[test]
    fn a_long_run_is_split_on_round_boundaries() {
        // First holds floor((900−55)/10) = 84 rounds, a middle floor((900−60)/10) = 84.
        let s = split(&work(300.0)).unwrap();
        assert_eq!(s.count, 4.0);
        assert_relative_eq!(s.first_s, 50.0 + 840.0 + 5.0);
        assert_relative_eq!(s.middle_s, 50.0 + 5.0 + 840.0 + 5.0);
        // 300 − 84 − 2 × 84 = 48 rounds remain for the last.
        assert_relative_eq!(s.last_s, 50.0 + 5.0 + 480.0);
        for d in [s.first_s, s.middle_s, s.last_s] {
            assert!(d <= 900.0);
        }
    }

    #[test]
    fn a_round_that_cannot_fit_is_refused() {
        let mut w = work(10.0);
        w.round_s = 899.0;
        assert!(split(&w).is_err());
    }
}
