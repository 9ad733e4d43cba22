//! # Validation: the analytic model against the simulator
//!
//! Runs the simulator with all variance off on the configurations the model recommends and
//! compares the simulated time with the prediction: where the two worlds are the same (no
//! stragglers, mean cold starts), they must agree; what differs is what the model assumes.

use crate::model::{Config, FaasModel, IaasModel, Platform};
use crate::optimize::choose::{ChooseError, choose_config};
use crate::profile::Profiles;
use crate::scenario::Scenario;
use crate::sim::{SimError, simulate_config};

/// One configuration, predicted and simulated.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidationRow {
    pub scenario: String,
    pub config: Config,
    /// The algorithm and mini-batch it trained with.
    pub recipe: crate::scenario::Recipe,
    pub analytic_s: f64,
    pub simulated_s: f64,
    pub analytic_usd: f64,
    pub simulated_usd: f64,
}

impl ValidationRow {
    /// |simulated − analytic| / analytic.
    pub fn rel_err(&self) -> f64 {
        (self.simulated_s - self.analytic_s).abs() / self.analytic_s
    }
}

/// Why a scenario cannot be validated.
#[derive(Debug, thiserror::Error)]
pub enum ValidateError {
    #[error(transparent)]
    Choose(#[from] ChooseError),
    #[error(transparent)]
    Sim(#[from] SimError),
    #[error("{0}")]
    Infeasible(String),
}

/// The analytic prediction of `config` (total seconds and dollars).
pub fn predict(
    scenario: &Scenario,
    profiles: &Profiles,
    config: &Config,
) -> Result<(f64, f64), ValidateError> {
    let outcome = match config {
        Config::Faas(cfg) => {
            let p = FaasModel::new(scenario, profiles)
                .map_err(SimError::from)?
                .predict(cfg);
            p.map(|p| (p.time.total_s(), p.cost.total_usd()))
        }
        Config::Iaas(cfg) => {
            let model = IaasModel::new(scenario, profiles).map_err(SimError::from)?;
            let instance = profiles.instance(&cfg.instance).map_err(SimError::from)?;
            model
                .predict(instance, cfg.workers, cfg.pattern)
                .map(|p| (p.time.total_s(), p.cost.total_usd()))
        }
    };
    outcome.map_err(|e| ValidateError::Infeasible(e.to_string()))
}

/// Validates one configuration with all variance off.
pub fn validate_config(
    scenario: &Scenario,
    profiles: &Profiles,
    config: &Config,
) -> Result<ValidationRow, ValidateError> {
    let mut quiet = scenario.clone();
    quiet.simulation.straggler_cv = 0.0;
    let (analytic_s, analytic_usd) = predict(&quiet, profiles, config)?;
    let simulated = simulate_config(&quiet, profiles, config, quiet.seed)?;
    Ok(ValidationRow {
        scenario: scenario.name.clone(),
        config: config.clone(),
        recipe: scenario.workload.recipe(),
        analytic_s,
        simulated_s: simulated.time.total_s(),
        analytic_usd,
        simulated_usd: simulated.bill.total_usd(),
    })
}

/// Validates the best plan of each platform the scenario has.
pub fn validate_scenario(
    scenario: &Scenario,
    profiles: &Profiles,
) -> Result<Vec<ValidationRow>, ValidateError> {
    let platforms = [
        (Platform::Faas, scenario.faas.is_some()),
        (Platform::Iaas, scenario.iaas.is_some()),
    ];
    platforms
        .into_iter()
        .filter(|(_, present)| *present)
        .map(|(platform, _)| {
            let (scenario, config) = choose_config(scenario, profiles, platform)?;
            validate_config(&scenario, profiles, &config)
        })
        .collect()
}
