//! # Refining the grid's best
//!
//! A scenario lists a few values of each choice and `plan` predicts their grid. It then refines
//! the best plan of each platform — under the objective that of each channel (or instance
//! type) first, so a coarse grid does not settle the channel, then the best of all; and the
//! cheapest and the fastest, which the verdict names — with the optimisers' own sweeps through
//! it: every worker count (`workers::sweep`) and, for functions, every memory size at the sweep
//! step (`memory::sweep_sizes`). The best of everything seen is swept through again until a sweep
//! adds nothing, so the best plan is also the best of each sweep through it: `optimize
//! workers` and `optimize memory`, which sweep through the plan's best and judge their points
//! against its score, name the same plan. A choice the scenario pins to one value stays as
//! it is; with `epochs = "auto"` the grid is kept (each worker count would need its own
//! measured epochs).

use rayon::prelude::*;

use super::memory::sweep_sizes;
use super::plan::PlanError;
use super::search::{faas_candidate, listed_span};
use super::select::best_where;
use super::workers::{Budget, Evaluator, scenario_range, sweep_within};
use crate::model::{Candidate, Config, FaasConfig, FaasModel, IaasModel, Pattern, Platform};
use crate::profile::{ChannelKind, Profiles};
use crate::scenario::{Goal, Objective, Recipe, Scenario};

/// Sweeps through successive best plans of one platform and goal, at most: each moves the best
/// to a point its sweep found, and the best settles after two or three.
const MAX_PASSES: usize = 6;

/// The refinement's work at most, in worker-evaluations: every shipped scenario's takes under
/// 80,000 of them; a scenario of a million workers would otherwise spend minutes sweeping
/// memory one prediction at a time (`plan` then says the refinement was cut short).
pub const REFINE_BUDGET: u64 = 20_000_000;

/// A dimension swept.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Dimension {
    Workers,
    Memory,
}

/// The sweeps done so far and the models they used, per recipe.
struct Refinery<'a> {
    scenario: &'a Scenario,
    profiles: &'a Profiles,
    faas: Vec<(Recipe, FaasModel)>,
    iaas: Vec<(Recipe, IaasModel)>,
    /// Each sweep done: the recipe, the configuration with the swept choice blanked, and it.
    swept: Vec<(Recipe, Config, Dimension)>,
    budget: Budget,
}

/// Adds to `candidates` the sweeps through the best plans of each platform (see the module
/// documentation), and returns what is left of the budget (and whether it ran out).
pub fn refine(
    scenario: &Scenario,
    profiles: &Profiles,
    objective: &Objective,
    candidates: &mut Vec<Candidate>,
) -> Result<Budget, PlanError> {
    let mut refinery = Refinery {
        scenario,
        profiles,
        faas: Vec::new(),
        iaas: Vec::new(),
        swept: Vec::new(),
        budget: Budget::new(REFINE_BUDGET),
    };
    let objective_goal = objective.goal;
    for platform in [Platform::Faas, Platform::Iaas] {
        for goal in goals(objective.goal) {
            let objective = Objective {
                goal,
                ..objective.clone()
            };
            // Under the objective, each channel's (or instance type's) best is refined first,
            // so a coarse grid does not settle the channel; then the best of all.
            let mut families: Vec<Option<Family>> = Vec::new();
            if goal == objective_goal {
                for c in candidates.iter().filter(|c| c.platform() == platform) {
                    let f = Some(Family::of(&c.config));
                    if !families.contains(&f) {
                        families.push(f);
                    }
                }
            }
            families.push(None);
            for f in &families {
                settle(&mut refinery, candidates, platform, &objective, f.as_ref())?;
            }
        }
    }
    Ok(refinery.budget)
}

/// Sweeps through the best plan of `platform` (of one family, if named) until a sweep adds
/// nothing new.
fn settle(
    refinery: &mut Refinery,
    candidates: &mut Vec<Candidate>,
    platform: Platform,
    objective: &Objective,
    only: Option<&Family>,
) -> Result<(), PlanError> {
    for _ in 0..MAX_PASSES {
        let in_family = |c: &Candidate| only.is_none_or(|f| f.holds(&c.config));
        let Some(chosen) = best_where(candidates, platform, objective, in_family) else {
            return Ok(());
        };
        let (recipe, config) = (chosen.recipe, chosen.config.clone());
        let found = refinery.sweep_through(recipe, &config)?;
        let before = candidates.len();
        for point in found {
            let seen = candidates
                .iter()
                .any(|c| c.recipe == point.recipe && c.config == point.config);
            if !seen {
                candidates.push(point);
            }
        }
        if candidates.len() == before {
            break;
        }
    }
    Ok(())
}

/// The configurations whose best is refined on its own first: those of one channel, or of one
/// instance type.
#[derive(Debug, Clone, PartialEq)]
enum Family {
    Channel(ChannelKind),
    Instance(String),
}

impl Family {
    fn of(config: &Config) -> Family {
        match config {
            Config::Faas(cfg) => Family::Channel(cfg.channel),
            Config::Iaas(cfg) => Family::Instance(cfg.instance.clone()),
        }
    }

    fn holds(&self, config: &Config) -> bool {
        match (self, config) {
            (Family::Channel(kind), Config::Faas(cfg)) => cfg.channel == *kind,
            (Family::Instance(name), Config::Iaas(cfg)) => cfg.instance == *name,
            _ => false,
        }
    }
}

/// The objective's goal, then cost and time.
fn goals(first: Goal) -> Vec<Goal> {
    let mut goals = vec![first];
    for goal in [Goal::Cost, Goal::Time] {
        if !goals.contains(&goal) {
            goals.push(goal);
        }
    }
    goals
}

impl Refinery<'_> {
    /// The points of every sweep through `config` not done before.
    fn sweep_through(
        &mut self,
        recipe: Recipe,
        config: &Config,
    ) -> Result<Vec<Candidate>, PlanError> {
        let mut points = Vec::new();
        let open = self.open(config);
        for dimension in [Dimension::Workers, Dimension::Memory] {
            if !open.contains(&dimension) {
                continue;
            }
            let key = (recipe, blank(config, dimension), dimension);
            if self.swept.contains(&key) {
                continue;
            }
            self.swept.push(key);
            points.extend(self.sweep(recipe, config, dimension)?);
        }
        Ok(points)
    }

    /// The dimensions of `config`'s platform that the scenario lists several values of.
    fn open(&self, config: &Config) -> Vec<Dimension> {
        let several = |values: &[u32]| listed_span(values).is_some();
        let (workers, memory): (&[u32], &[u32]) = match config {
            Config::Faas(_) => match self.scenario.faas.as_ref() {
                Some(s) => (&s.workers, &s.memory_mb),
                None => (&[], &[]),
            },
            Config::Iaas(_) => match self.scenario.iaas.as_ref() {
                Some(s) => (&s.workers, &[]),
                None => (&[], &[]),
            },
        };
        [(Dimension::Workers, workers), (Dimension::Memory, memory)]
            .into_iter()
            .filter(|(_, values)| several(values))
            .map(|(dimension, _)| dimension)
            .collect()
    }

    fn sweep(
        &mut self,
        recipe: Recipe,
        config: &Config,
        dimension: Dimension,
    ) -> Result<Vec<Candidate>, PlanError> {
        let mut budget = self.budget;
        let points = match (config, dimension) {
            (Config::Faas(cfg), Dimension::Memory) => {
                let scenario = self.scenario;
                let space = scenario.faas.as_ref().expect("a FaaS plan has a space");
                let model = self.faas_model(recipe)?;
                memory_sweep(
                    model,
                    cfg,
                    &sweep_sizes(model.profile(), space),
                    &mut budget,
                )
            }
            (Config::Faas(_), Dimension::Workers) => {
                let range = scenario_range(self.scenario, Platform::Faas);
                let model = self.faas_model(recipe)?;
                workers_sweep(config, &Evaluator::Faas(model), range, &mut budget)
            }
            (Config::Iaas(_), _) => {
                let profiles = self.profiles;
                let range = scenario_range(self.scenario, Platform::Iaas);
                let model = self.iaas_model(recipe)?;
                workers_sweep(
                    config,
                    &Evaluator::Iaas(model, profiles),
                    range,
                    &mut budget,
                )
            }
        };
        self.budget = budget;
        Ok(points)
    }

    fn faas_model(&mut self, recipe: Recipe) -> Result<&FaasModel, PlanError> {
        if let Some(i) = self.faas.iter().position(|(r, _)| *r == recipe) {
            return Ok(&self.faas[i].1);
        }
        let model = FaasModel::new(&self.scenario.with_recipe(recipe), self.profiles)?;
        self.faas.push((recipe, model));
        Ok(&self.faas.last().expect("just pushed").1)
    }

    fn iaas_model(&mut self, recipe: Recipe) -> Result<&IaasModel, PlanError> {
        if let Some(i) = self.iaas.iter().position(|(r, _)| *r == recipe) {
            return Ok(&self.iaas[i].1);
        }
        let model = IaasModel::new(&self.scenario.with_recipe(recipe), self.profiles)?;
        self.iaas.push((recipe, model));
        Ok(&self.iaas.last().expect("just pushed").1)
    }
}

fn workers_sweep(
    config: &Config,
    model: &Evaluator,
    range: (u32, u32),
    budget: &mut Budget,
) -> Vec<Candidate> {
    sweep_within(config, model, range, budget)
        .into_iter()
        .map(|point| point.candidate)
        .collect()
}

/// `template` at each of `sizes`, or nothing where their workers add up to more than
/// `budget` has left.
fn memory_sweep(
    model: &FaasModel,
    template: &FaasConfig,
    sizes: &[u32],
    budget: &mut Budget,
) -> Vec<Candidate> {
    if !budget.spend(sizes.len() as u64 * u64::from(template.workers)) {
        return Vec::new();
    }
    sizes
        .par_iter()
        .map(|&memory_mb| {
            let cfg = FaasConfig {
                memory_mb,
                ..template.clone()
            };
            faas_candidate(model, cfg)
        })
        .collect()
}

/// `config` with the choice a sweep varies blanked (a tree's structure goes with its workers).
fn blank(config: &Config, dimension: Dimension) -> Config {
    let mut config = config.clone();
    match (&mut config, dimension) {
        (Config::Faas(cfg), Dimension::Workers) => {
            cfg.workers = 0;
            if let Pattern::Tree(_) = cfg.pattern {
                cfg.pattern = Pattern::tree(Vec::new());
            }
        }
        (Config::Faas(cfg), Dimension::Memory) => cfg.memory_mb = 0,
        (Config::Iaas(cfg), _) => cfg.workers = 0,
    }
    config
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_goal_is_refined_once_the_objectives_first() {
        assert_eq!(goals(Goal::Time), vec![Goal::Time, Goal::Cost]);
        assert_eq!(goals(Goal::Cost), vec![Goal::Cost, Goal::Time]);
        assert_eq!(
            goals(Goal::Balanced),
            vec![Goal::Balanced, Goal::Cost, Goal::Time]
        );
    }
}
