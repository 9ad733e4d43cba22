//! # Rounds followed worker by worker
//!
//! Where workers wait for a result by polling, each finds it at its own poll: they wait from
//! different moments (a write or read limit admits them one slot apart), so a result landing
//! between their polls is found at once by some and a whole poll later by others, and the late
//! ones start the next round that much later. Patterns whose rounds have such a rhythm play the
//! run's first rounds (up to [`ROUNDS_FOLLOWED`]) from the workers' invocation, following each
//! worker, until the rounds repeat, and charge the average (the simulator's store polls each
//! worker the same way). A round hands the next its workers' lateness and when the service's
//! write limit is free again (`Carry`).

use crate::model::link::{Link, Op};

/// How far apart a limit admits the workers' requests: their PUTs of their own objects, and
/// their reads of the one result every worker fetches (its key's read limit).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Slots {
    pub put_s: f64,
    pub get_s: f64,
    /// The service's own read limit's slot (any key).
    pub table_get_s: f64,
}

impl Slots {
    /// The slots of `link` for objects of `bytes`.
    pub fn of(link: &Link, bytes: f64) -> Slots {
        Slots {
            put_s: link.stagger_s(Op::Put, 2.0, bytes),
            get_s: link.one_key(bytes).stagger_s(Op::Get, 2.0, bytes),
            table_get_s: link.stagger_s(Op::Get, 2.0, bytes),
        }
    }

    /// When the write limit, free at `free_s`, is free for the next round, which starts
    /// `compute_s` after this one ends at `end_s`: never busy where no limit spaces the writes.
    pub fn put_free_after(&self, free_s: f64, end_s: f64, compute_s: f64) -> f64 {
        if self.put_s > 0.0 {
            free_s - end_s - compute_s
        } else {
            f64::NEG_INFINITY
        }
    }

    /// Workers to follow among `workers`: all where a limit spreads them, else one standing
    /// for all (from a common start they stay in step).
    pub fn followed(&self, workers: usize) -> usize {
        if self.put_s > 0.0 || self.get_s > 0.0 {
            workers
        } else {
            workers.min(1)
        }
    }
}

/// When each of `tracked` followed workers is first ready: one invocation apart when each is
/// followed (functions are invoked one after another), together when one stands for all.
pub fn invoked(tracked: usize, workers: usize, invoke_interval_s: f64) -> Vec<f64> {
    match tracked == workers {
        true => (0..tracked).map(|j| j as f64 * invoke_interval_s).collect(),
        false => vec![0.0; tracked],
    }
}

/// The most rounds a pattern's rhythm follows: a run's first rounds, where it has more. Rounds
/// drift for tens of rounds before they repeat (RCV1's ScatterReduce over 64 workers on
/// DynamoDB: 4.0 s rounds until about the 20th, 4.3 s from the 26th, in the simulator and the
/// model alike), and following costs O(w²) a round.
pub const ROUNDS_FOLLOWED: u32 = 64;

/// Where a round leaves the next, all from the round's end: when each followed worker is
/// ready, when the service's write limit next admits a request (the last PUT of a round, a
/// result or a merged object, holds it for its units' time), and when the reads of a result
/// every worker fetches were asked for (each holds the read limit for its units' time; a
/// request of the next round asked after some of them waits for those, as in the simulator's
/// channel, which admits requests in the order they come).
#[derive(Debug, Clone, PartialEq)]
pub struct Carry {
    pub ready: Vec<f64>,
    /// `NEG_INFINITY` where the limit is free (or there is none).
    pub put_free_s: f64,
    /// Ascending; empty where nothing is carried.
    pub reads_s: Vec<f64>,
}

impl Carry {
    /// Workers ready at `ready` with the write limit free.
    pub fn ready(ready: Vec<f64>) -> Self {
        Carry {
            ready,
            put_free_s: f64::NEG_INFINITY,
            reads_s: Vec::new(),
        }
    }

    /// When a read asked at `at` is admitted by a read limit of one every `slot_s`, behind the
    /// carried reads asked before it.
    pub fn read_admitted(&self, at: f64, slot_s: f64) -> f64 {
        self.reads_s
            .iter()
            .take_while(|&&r| r < at)
            .fold(f64::NEG_INFINITY, |free, &r| free.max(r) + slot_s)
            .max(at)
    }

    /// Whether `other` is this state (to within rounding).
    fn same(&self, other: &Carry) -> bool {
        let close = |x: f64, y: f64| x == y || (x - y).abs() <= 1e-12;
        let all_close = |a: &[f64], b: &[f64]| a.iter().zip(b).all(|(&x, &y)| close(x, y));
        close(self.put_free_s, other.put_free_s)
            && self.reads_s.len() == other.reads_s.len()
            && all_close(&self.reads_s, &other.reads_s)
            && all_close(&self.ready, &other.ready)
    }
}

/// What one round did: its length, its polls, and where it leaves the next, from its end.
pub type Played = (f64, f64, Carry);

/// The average of a run's first `rounds` (at most [`ROUNDS_FOLLOWED`], at least one) played
/// from the followed workers' `first` ready times by `round`: its length (the last worker's
/// lateness after the last round spread over them all) and its polls.
pub fn averaged(rounds: f64, first: Vec<f64>, round: impl Fn(&Carry) -> Played) -> (f64, f64) {
    let rounds = rounds.ceil().clamp(1.0, f64::from(ROUNDS_FOLLOWED)) as u32;
    let (total_s, polls, late_s) = play(rounds, Carry::ready(first), round);
    let rounds = f64::from(rounds);
    ((total_s + late_s) / rounds, polls / rounds)
}

/// `rounds` rounds from the state `first`, each played by `round`: their summed length and
/// polls, and how long after the last round's end the latest worker is done. Once the rounds
/// cycle (every round alike, or two alternating), the rest repeat them.
pub fn play(rounds: u32, first: Carry, round: impl Fn(&Carry) -> Played) -> (f64, f64, f64) {
    let mut state = first;
    let (mut total_s, mut polls) = (0.0, 0.0);
    // The rounds played: the state each began from, how long it took, its polls.
    let mut played: Vec<(Carry, f64, f64)> = Vec::new();
    for done in 1..=rounds {
        let (end_s, round_polls, next) = round(&state);
        total_s += end_s;
        polls += round_polls;
        played.push((std::mem::replace(&mut state, next), end_s, round_polls));
        let Some(period) = cycle(&played, &state) else {
            continue;
        };
        let cycle = &played[played.len() - period..];
        let rest = (rounds - done) as usize;
        for (_, end_s, round_polls) in cycle.iter().cycle().take(rest) {
            total_s += end_s;
            polls += round_polls;
        }
        // Part way round the cycle, the state is the one that round began from.
        if !rest.is_multiple_of(period) {
            state = cycle[rest % period].0.clone();
        }
        break;
    }
    let late_s = state.ready.iter().copied().fold(0.0_f64, f64::max);
    (total_s, polls, late_s)
}

/// The period (1 or 2) with which the rounds `played` repeat, given the state `now` the last
/// left: `now` is the state a round of the last one or two began from.
fn cycle(played: &[(Carry, f64, f64)], now: &Carry) -> Option<usize> {
    (1..=2).find(|&period| played.len() >= period && played[played.len() - period].0.same(now))
}

/// When requests wanting to start at `wants` are admitted by a limit of one every `slot_s`
/// (first free at `free_s`), in the order they come (ties in worker order).
pub fn admitted(wants: &[f64], slot_s: f64, free_s: f64) -> Vec<f64> {
    if slot_s <= 0.0 {
        return wants.to_vec();
    }
    let mut order: Vec<usize> = (0..wants.len()).collect();
    // Usually they come in worker order already (the last round admitted them so).
    if !wants.is_sorted() {
        order.sort_by(|&a, &b| wants[a].total_cmp(&wants[b]).then(a.cmp(&b)));
    }
    let (mut out, mut free) = (vec![0.0; wants.len()], free_s);
    for i in order {
        out[i] = wants[i].max(free);
        free = out[i] + slot_s;
    }
    out
}

/// A moment in a round, ordered for a queue of what is due to act.
#[derive(Clone, Copy, PartialEq)]
pub struct Instant(pub f64);

impl Eq for Instant {}

impl PartialOrd for Instant {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Instant {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn a_limit_admits_requests_one_slot_apart_in_the_order_they_come() {
        let out = admitted(&[0.3, 0.0, 0.0], 0.1, 0.05);
        assert_relative_eq!(out[1], 0.05);
        assert_relative_eq!(out[2], 0.15);
        assert_relative_eq!(out[0], 0.3);
    }

    #[test]
    fn a_read_waits_behind_the_carried_reads_asked_before_it_only() {
        let carry = Carry {
            reads_s: vec![-0.05, 0.0, 0.3],
            ..Carry::ready(vec![0.0])
        };
        // Reads at −50 and 0 ms hold a 40 ms limit until 40 ms; the one at 300 ms comes later.
        assert_relative_eq!(carry.read_admitted(0.01, 0.04), 0.04, epsilon = 1e-12);
        let crowded = Carry {
            reads_s: vec![0.0, 0.0, 0.0],
            ..Carry::ready(vec![0.0])
        };
        assert_relative_eq!(crowded.read_admitted(0.01, 0.04), 0.12, epsilon = 1e-12);
        assert_relative_eq!(carry.read_admitted(0.2, 0.04), 0.2);
        assert_relative_eq!(Carry::ready(vec![0.0]).read_admitted(0.01, 0.04), 0.01);
    }

    #[test]
    fn alternating_rounds_are_repeated_as_a_pair() {
        // Rounds of 1 s and 3 s alternate: 16 rounds take 32 s whatever is played out.
        let (total_s, _, late_s) = play(16, Carry::ready(vec![0.0]), |state| {
            if state.ready[0] == 0.0 {
                (1.0, 0.0, Carry::ready(vec![0.5]))
            } else {
                (3.0, 0.0, Carry::ready(vec![0.0]))
            }
        });
        assert_relative_eq!(total_s + late_s, 32.0);
    }
}
