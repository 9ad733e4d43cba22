//! Flags shared by the commands that read a scenario: the file (or the embedded default),
//! `--set` overrides and `--calibration`.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;

use super::exit::InputError;
use crate::profile::Profiles;
use crate::scenario::Scenario;

/// Where a command's scenario and profiles come from.
#[derive(Debug, Clone, Args)]
pub struct ScenarioInput {
    /// Override a scenario key, e.g. --set faas.workers=100 (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub sets: Vec<String>,
    /// Apply a calibration file written by `stratus calibrate` or `stratus profile`.
    #[arg(long, value_name = "FILE")]
    pub calibration: Option<PathBuf>,
}

impl ScenarioInput {
    /// The profiles, calibrated when a calibration file is given.
    pub fn profiles(&self) -> anyhow::Result<Profiles> {
        load_profiles(self.calibration.as_deref())
    }

    /// Reads the scenario at `path` — or, when no such file exists, the shipped scenario of
    /// that name (`stratus plan rcv1-lr` from anywhere) — or the embedded default when there is
    /// no path.
    pub fn scenario(
        &self,
        path: Option<&std::path::Path>,
        profiles: &Profiles,
    ) -> anyhow::Result<Scenario> {
        let scenario = match path {
            Some(path) if !path.exists() => {
                match Scenario::shipped(&path.to_string_lossy(), &self.sets, profiles) {
                    Some(scenario) => scenario?,
                    None => Scenario::from_path(path, &self.sets, profiles)?,
                }
            }
            Some(path) => Scenario::from_path(path, &self.sets, profiles)?,
            None => Scenario::default_scenario(&self.sets, profiles)?,
        };
        Ok(scenario)
    }
}

/// Built-in profiles, with a calibration file laid over them if one is given.
pub fn load_profiles(calibration: Option<&std::path::Path>) -> anyhow::Result<Profiles> {
    let Some(path) = calibration else {
        return Ok(Profiles::builtin()?);
    };
    let text = std::fs::read_to_string(path).map_err(|e| {
        InputError(format!(
            "{}: cannot read the calibration: {e}",
            path.display()
        ))
    })?;
    let patch: toml::Table = text
        .parse()
        .map_err(|e| InputError(format!("{}: not a calibration file: {e}", path.display())))?;
    Profiles::calibrated(&patch)
        .map_err(|e| InputError(format!("{}: {e}", path.display())))
        .context("applying the calibration")
}

/// Parses a limit such as `--budget-usd` or `--deadline-s`: a finite number above zero.
pub fn positive(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(x) if x.is_finite() && x > 0.0 => Ok(x),
        Ok(_) => Err(format!("{text} is not a positive, finite number")),
        Err(e) => Err(format!("{text}: {e}")),
    }
}

/// Parses a fraction strictly between 0 and 1, such as `--tol`.
pub fn fraction(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(x) if x > 0.0 && x < 1.0 => Ok(x),
        Ok(_) => Err(format!("{text} is not a fraction between 0 and 1")),
        Err(e) => Err(format!("{text}: {e}")),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn limits_are_positive_finite_numbers() {
        assert_eq!(super::positive("0.5"), Ok(0.5));
        for bad in ["0", "-1", "nan", "inf", "x"] {
            assert!(super::positive(bad).is_err(), "{bad}");
        }
    }
}
