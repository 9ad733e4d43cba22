//! # Time–cost Pareto front
//!
//! The candidates no other candidate beats on both time and cost, fastest first: "the fastest
//! plan under $X" and "the cheapest plan within T" both lie on it.

use crate::model::Candidate;

/// The Pareto-optimal feasible candidates, ordered by time (and cost on ties).
pub fn frontier(candidates: &[Candidate]) -> Vec<&Candidate> {
    let mut feasible: Vec<&Candidate> = candidates
        .iter()
        .filter(|c| c.feasible().is_some())
        .collect();
    let key = |c: &&Candidate| {
        let o = c.feasible().expect("filtered to feasible");
        (o.total_s(), o.total_usd())
    };
    feasible.sort_by(|a, b| {
        let (ta, ca) = key(a);
        let (tb, cb) = key(b);
        ta.total_cmp(&tb).then(ca.total_cmp(&cb))
    });
    let mut front = Vec::new();
    let mut cheapest = f64::INFINITY;
    for candidate in feasible {
        let (_, cost) = key(&candidate);
        if cost < cheapest {
            cheapest = cost;
            front.push(candidate);
        }
    }
    front
}
