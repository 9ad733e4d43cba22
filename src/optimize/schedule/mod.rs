//! # Per-epoch function schedule under a budget (Siren, INFOCOM 2019)
//!
//! Siren changes the number n_t and memory m_t of functions every epoch; each epoch is a fresh
//! generation of functions (invoked, loading their partition, training one epoch). This module
//! chooses the schedule that reaches a target loss soonest with total cost within a budget, by
//! dynamic programming over discretised loss and remaining budget — the exact answer for the
//! model, where Siren trains a reinforcement-learning agent to approximate it. Schedules scale
//! down as Siren's do: an epoch never uses more functions (then more memory) than the one before,
//! so many functions make the early, steep progress and few finish cheaply. The programme keeps
//! the last epoch's size in its state, so it considers every such schedule.
//!
//! Progress comes from loss curves: each configuration's loss after every epoch (measured by the
//! simulator, where staleness makes more functions less effective per epoch, or one curve from
//! the scenario for all). An epoch on configuration c moves the loss from ℓ to L_c(L_c⁻¹(ℓ) + 1):
//! the next point of c's own curve from wherever it stands. Costs are rounded up to the budget
//! grid and losses to the loss grid, so a schedule found never exceeds the budget or overstates
//! its progress.

mod scenario;

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;

pub use scenario::{ScheduleError, SchedulePlan, plan_schedule};

/// One configuration a schedule may use for an epoch.
#[derive(Debug, Clone, PartialEq)]
pub struct EpochOption {
    pub workers: u32,
    pub memory_mb: u32,
    /// Time and cost of one epoch (invocation, loading and training).
    pub epoch_s: f64,
    pub epoch_usd: f64,
    /// Loss before the first epoch and after each epoch, non-increasing.
    pub curve: Vec<f64>,
}

impl EpochOption {
    /// The loss one more epoch on this configuration reaches from `loss`.
    pub fn step(&self, loss: f64) -> f64 {
        let position = inverse(&self.curve, loss);
        at(&self.curve, position + 1.0)
    }

    /// Epochs this configuration needs alone to reach `target` from the start, if it can.
    pub fn epochs_to(&self, target: f64) -> Option<usize> {
        self.curve.iter().position(|&l| l <= target)
    }
}

/// The fractional epoch at which a non-increasing curve reaches `loss` (linear interpolation;
/// clamped to the curve's ends).
fn inverse(curve: &[f64], loss: f64) -> f64 {
    if curve.is_empty() || loss >= curve[0] {
        return 0.0;
    }
    for e in 1..curve.len() {
        if curve[e] <= loss {
            let (hi, lo) = (curve[e - 1], curve[e]);
            let fraction = if hi > lo {
                (hi - loss) / (hi - lo)
            } else {
                1.0
            };
            return (e - 1) as f64 + fraction;
        }
    }
    (curve.len() - 1) as f64
}

/// The curve's loss at a fractional epoch (flat past its end).
fn at(curve: &[f64], position: f64) -> f64 {
    let last = curve.len().saturating_sub(1);
    if position >= last as f64 {
        return curve[last];
    }
    let e = position.floor() as usize;
    let fraction = position - e as f64;
    curve[e] + (curve[e + 1] - curve[e]) * fraction
}

/// A schedule: which option each epoch uses, and what it adds up to.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    /// Indices into the options, epoch by epoch.
    pub epochs: Vec<usize>,
    pub time_s: f64,
    pub cost_usd: f64,
    /// The loss the schedule reaches (by the progress model).
    pub final_loss: f64,
}

/// Grid sizes of the dynamic programme.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Resolution {
    pub loss_levels: usize,
    pub budget_steps: usize,
}

impl Default for Resolution {
    fn default() -> Self {
        Resolution {
            loss_levels: 200,
            budget_steps: 200,
        }
    }
}

/// The fastest schedule that never scales up, reaching `target` from the options' common
/// starting loss with total cost at most `budget_usd` within `max_epochs`; `None` when none
/// can. The programme runs epoch by epoch over states (loss bucket, budget bucket, size of the
/// last epoch); each state keeps its fastest path with that path's exact loss and cost, so the
/// budget and the target are checked exactly and only the choice between paths that share a
/// bucket is approximate: each state keeps two paths, the fastest and the one furthest along,
/// so neither speed nor progress is traded away.
pub fn best_schedule(
    options: &[EpochOption],
    start: f64,
    target: f64,
    budget_usd: f64,
    max_epochs: usize,
    resolution: Resolution,
) -> Option<Schedule> {
    let grid = Grid::new(start, target, budget_usd, resolution);
    let sizes = Sizes::of(options);
    let first = Label {
        time_s: 0.0,
        cost_usd: 0.0,
        loss: start,
        option: usize::MAX,
        from: 0,
    };
    let mut layers = vec![Layer::from([(
        sizes.start_slot(grid.index(start, 0.0)),
        first,
    )])];
    let mut finish: Option<(usize, usize, f64)> = None;
    for epoch in 0..max_epochs {
        let next = next_epoch(&layers[epoch], options, &sizes, &grid, budget_usd);
        let done = next.iter().filter(|(_, l)| l.loss <= target + 1e-12);
        for (&i, l) in done {
            if finish.is_none_or(|(_, _, t)| l.time_s < t) {
                finish = Some((epoch + 1, i, l.time_s));
            }
        }
        layers.push(next);
    }
    let (epochs, index, _) = finish?;
    Some(unwind(&layers, epochs, index))
}

/// The occupied states after one more epoch, by slot (most slots of the grid stay empty;
/// ordered, so ties resolve the same way every run).
type Layer = BTreeMap<usize, Label>;

/// Every path of `layer` extended by one epoch on each option it may use next: one no larger
/// than its last, within the budget.
fn next_epoch(
    layer: &Layer,
    options: &[EpochOption],
    sizes: &Sizes,
    grid: &Grid,
    budget_usd: f64,
) -> Layer {
    let mut next = Layer::new();
    for (&from, label) in layer {
        for (c, option) in options.iter().enumerate() {
            let cost_usd = label.cost_usd + option.epoch_usd;
            if !sizes.may_follow(c, from) || cost_usd > budget_usd * (1.0 + 1e-9) {
                continue;
            }
            let loss = option.step(label.loss);
            let candidate = Label {
                time_s: label.time_s + option.epoch_s,
                cost_usd,
                loss,
                option: c,
                from,
            };
            let state = sizes.slot(grid.index(loss, cost_usd), c);
            keep(&mut next, state, candidate, Label::faster_than);
            keep(&mut next, state + 1, candidate, Label::further_than);
        }
    }
    next
}

/// Puts `candidate` in `slot` unless the path there is at least as good by `better`.
fn keep(layer: &mut Layer, slot: usize, candidate: Label, better: fn(&Label, &Label) -> bool) {
    match layer.entry(slot) {
        Entry::Occupied(mut held) => {
            if better(&candidate, held.get()) {
                held.insert(candidate);
            }
        }
        Entry::Vacant(free) => {
            free.insert(candidate);
        }
    }
}

/// The options' sizes (workers, then memory) ranked smallest first, and the state slots they
/// give: per bucket, two paths (fastest, furthest) for each size of last epoch, and two for
/// the start, which any size may follow.
struct Sizes {
    ranks: Vec<usize>,
    count: usize,
}

impl Sizes {
    fn of(options: &[EpochOption]) -> Sizes {
        let size = |o: &EpochOption| (o.workers, o.memory_mb);
        let mut sizes: Vec<(u32, u32)> = options.iter().map(size).collect();
        sizes.sort_unstable();
        sizes.dedup();
        let ranks = options
            .iter()
            .map(|o| sizes.binary_search(&size(o)).expect("every size is listed"))
            .collect();
        Sizes {
            ranks,
            count: sizes.len(),
        }
    }

    fn slots(&self) -> usize {
        2 * (self.count + 1)
    }

    /// The fastest-path slot of `bucket` after an epoch on option `c`.
    fn slot(&self, bucket: usize, c: usize) -> usize {
        bucket * self.slots() + 2 * self.ranks[c]
    }

    fn start_slot(&self, bucket: usize) -> usize {
        bucket * self.slots() + 2 * self.count
    }

    /// Whether option `c` may follow the path in slot `from` (never a larger size).
    fn may_follow(&self, c: usize, from: usize) -> bool {
        self.ranks[c] <= (from % self.slots()) / 2
    }
}

/// A path to a state: its time, exact cost and loss, its last option and the state before.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Label {
    time_s: f64,
    cost_usd: f64,
    loss: f64,
    option: usize,
    from: usize,
}

impl Label {
    fn faster_than(&self, other: &Label) -> bool {
        (self.time_s, self.loss, self.cost_usd) < (other.time_s, other.loss, other.cost_usd)
    }

    fn further_than(&self, other: &Label) -> bool {
        (self.loss, self.cost_usd, self.time_s) < (other.loss, other.cost_usd, other.time_s)
    }
}

/// The buckets of loss (from the start down to the target) and of money (up to the budget).
struct Grid {
    start: f64,
    loss_step: f64,
    usd_step: f64,
    resolution: Resolution,
}

impl Grid {
    fn new(start: f64, target: f64, budget_usd: f64, resolution: Resolution) -> Self {
        Grid {
            start,
            loss_step: (start - target).max(1e-12) / resolution.loss_levels as f64,
            usd_step: budget_usd.max(1e-12) / resolution.budget_steps as f64,
            resolution,
        }
    }

    fn index(&self, loss: f64, cost_usd: f64) -> usize {
        let k = (((self.start - loss) / self.loss_step).floor().max(0.0) as usize)
            .min(self.resolution.loss_levels);
        let b = ((cost_usd / self.usd_step).floor() as usize).min(self.resolution.budget_steps);
        k * (self.resolution.budget_steps + 1) + b
    }
}

fn unwind(layers: &[Layer], epochs: usize, mut index: usize) -> Schedule {
    let last = layers[epochs][&index];
    let mut chosen = Vec::with_capacity(epochs);
    for epoch in (1..=epochs).rev() {
        let label = layers[epoch][&index];
        chosen.push(label.option);
        index = label.from;
    }
    chosen.reverse();
    Schedule {
        epochs: chosen,
        time_s: last.time_s,
        cost_usd: last.cost_usd,
        final_loss: last.loss,
    }
}

/// The fastest fixed configuration within the budget, and the epochs it needs.
pub fn best_fixed(options: &[EpochOption], target: f64, budget_usd: f64) -> Option<(usize, usize)> {
    options
        .iter()
        .enumerate()
        .filter_map(|(c, o)| o.epochs_to(target).map(|e| (c, e)))
        .filter(|&(c, e)| options[c].epoch_usd * e as f64 <= budget_usd * (1.0 + 1e-9))
        .min_by(|&(a, ea), &(b, eb)| {
            (options[a].epoch_s * ea as f64).total_cmp(&(options[b].epoch_s * eb as f64))
        })
}

/// The cheapest fixed configuration that reaches `target`, and its cost.
pub fn cheapest_fixed(options: &[EpochOption], target: f64) -> Option<(usize, f64)> {
    cheapest_fixed_among(options, target, |_| true)
        .map(|(c, epochs)| (c, options[c].epoch_usd * epochs as f64))
}

/// The cheapest fixed configuration among those `keep` accepts that reaches `target`, and the
/// epochs it needs.
pub fn cheapest_fixed_among(
    options: &[EpochOption],
    target: f64,
    keep: impl Fn(&EpochOption) -> bool,
) -> Option<(usize, usize)> {
    options
        .iter()
        .enumerate()
        .filter(|(_, o)| keep(o))
        .filter_map(|(c, o)| o.epochs_to(target).map(|e| (c, e)))
        .min_by(|&(a, ea), &(b, eb)| {
            (options[a].epoch_usd * ea as f64).total_cmp(&(options[b].epoch_usd * eb as f64))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    fn option(workers: u32, epoch_s: f64, epoch_usd: f64, curve: &[f64]) -> EpochOption {
        EpochOption {
            workers,
            memory_mb: 256,
            epoch_s,
            epoch_usd,
            curve: curve.to_vec(),
        }
    }

    #[test]
    fn a_schedule_never_scales_up_even_where_that_would_be_faster() {
        // One epoch on 10 then one on 40 would reach 0.2 in two epochs: 10's curve is steep
        // early, 40's late. A schedule that scales down must run 40 from the start: four epochs.
        let options = [
            option(10, 1.0, 1.0, &[1.0, 0.5, 0.45, 0.44, 0.43]),
            option(40, 1.0, 1.0, &[1.0, 0.95, 0.9, 0.5, 0.2, 0.1]),
        ];
        assert_relative_eq!(options[1].step(options[0].step(1.0)), 0.2);
        let found = best_schedule(&options, 1.0, 0.2, 10.0, 8, Resolution::default()).unwrap();
        let workers: Vec<u32> = found.epochs.iter().map(|&c| options[c].workers).collect();
        assert_eq!(workers, vec![40; 4]);
        let brute = brute_force(&options, 1.0, 0.2, 10.0, 8).unwrap();
        assert_relative_eq!(found.time_s, brute, epsilon = 1e-9);
    }

    #[test]
    fn a_step_follows_the_options_own_curve() {
        let o = option(1, 1.0, 1.0, &[1.0, 0.6, 0.4, 0.3]);
        assert_relative_eq!(o.step(1.0), 0.6);
        assert_relative_eq!(o.step(0.5), 0.35, epsilon = 1e-12);
        assert_relative_eq!(o.step(0.1), 0.3);
    }

    #[test]
    fn with_one_option_the_schedule_is_that_option_every_epoch() {
        let o = option(5, 2.0, 1.0, &[1.0, 0.8, 0.6, 0.4, 0.2]);
        let s = best_schedule(&[o], 1.0, 0.4, 10.0, 10, Resolution::default()).unwrap();
        assert_eq!(s.epochs, vec![0, 0, 0]);
        assert_relative_eq!(s.time_s, 6.0);
    }

    #[test]
    fn the_budget_is_never_exceeded() {
        let fast = option(150, 1.0, 3.0, &[1.0, 0.7, 0.5, 0.4, 0.35]);
        let slow = option(20, 3.0, 1.0, &[1.0, 0.6, 0.4, 0.3, 0.2]);
        for budget in [3.0, 4.0, 5.0, 8.0] {
            if let Some(s) = best_schedule(
                &[fast.clone(), slow.clone()],
                1.0,
                0.4,
                budget,
                10,
                Resolution::default(),
            ) {
                assert!(s.cost_usd <= budget + 1e-9, "{budget}: {s:?}");
            }
        }
    }

    /// Every schedule of up to `epochs` epochs over the options that never scales up, by brute
    /// force.
    fn brute_force(
        options: &[EpochOption],
        start: f64,
        target: f64,
        budget: f64,
        epochs: usize,
    ) -> Option<f64> {
        let mut best: Option<f64> = None;
        let mut stack = vec![(start, 0.0, 0.0, 0usize, (u32::MAX, u32::MAX))];
        while let Some((loss, time, cost, depth, last)) = stack.pop() {
            if loss <= target + 1e-12 {
                best = Some(best.map_or(time, |b: f64| b.min(time)));
                continue;
            }
            if depth == epochs {
                continue;
            }
            for o in options.iter().filter(|o| (o.workers, o.memory_mb) <= last) {
                if cost + o.epoch_usd <= budget + 1e-12 {
                    stack.push((
                        o.step(loss),
                        time + o.epoch_s,
                        cost + o.epoch_usd,
                        depth + 1,
                        (o.workers, o.memory_mb),
                    ));
                }
            }
        }
        best
    }

    #[test]
    fn matches_brute_force_when_the_grids_are_exact() {
        // Curves on a 0.1 grid and costs on the budget grid make the discretisation exact.
        let options = vec![
            option(150, 1.0, 3.0, &[1.0, 0.6, 0.5, 0.45, 0.4]),
            option(20, 2.0, 1.0, &[1.0, 0.8, 0.6, 0.5, 0.4, 0.3]),
            option(10, 3.0, 0.5, &[1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4]),
        ];
        let resolution = Resolution {
            loss_levels: 61,
            budget_steps: 40,
        };
        for budget in [2.0, 4.0, 5.0, 10.0, 20.0] {
            let dp = best_schedule(&options, 1.0, 0.4, budget, 8, resolution).map(|s| s.time_s);
            let brute = brute_force(&options, 1.0, 0.4, budget, 8);
            assert_eq!(dp.is_some(), brute.is_some(), "budget {budget}");
            if let (Some(d), Some(b)) = (dp, brute) {
                assert_relative_eq!(d, b, epsilon = 1e-9);
            }
        }
    }

    #[test]
    fn the_best_fixed_plan_is_the_fastest_that_fits_the_budget() {
        let fast = option(150, 1.0, 3.0, &[1.0, 0.7, 0.5, 0.4]);
        let slow = option(20, 3.0, 1.0, &[1.0, 0.6, 0.4]);
        assert_eq!(
            best_fixed(&[fast.clone(), slow.clone()], 0.4, 100.0),
            Some((0, 3))
        );
        assert_eq!(best_fixed(&[fast, slow], 0.4, 2.0), Some((1, 2)));
    }
}
