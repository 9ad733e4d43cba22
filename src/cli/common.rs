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
        // `--set faas.workers 10` would otherwise read `10` as the scenario file.
        if let Some(bad) = self.sets.iter().find(|s| !s.contains('=')) {
            return Err(InputError(format!(
                "--set {bad}: expected KEY=VALUE, e.g. --set {bad}=10 (no spaces around =)"
            ))
            .into());
        }
        let scenario = match path {
            Some(path) if !path.exists() => {
                let name = path.to_string_lossy();
                match Scenario::shipped(&name, &self.sets, profiles) {
                    Some(scenario) => scenario?,
                    None => return Err(InputError(no_such_scenario(&name)).into()),
                }
            }
            Some(path) => Scenario::from_path(path, &self.sets, profiles)?,
            None => Scenario::default_scenario(&self.sets, profiles)?,
        };
        Ok(scenario)
    }
}

/// Why `name` is neither a file nor a shipped scenario, with the nearest shipped name.
fn no_such_scenario(name: &str) -> String {
    let shipped = crate::scenario::shipped::names();
    let near = crate::suggest::nearest(name.trim_end_matches(".toml"), shipped.iter().copied())
        .map(|n| format!("; did you mean `{n}`?"))
        .unwrap_or_default();
    format!(
        "{name}: no such file, nor a shipped scenario (shipped: {}){near}",
        shipped.join(", ")
    )
}

/// Flags that override the scenario's objective.
#[derive(Debug, Clone, Args)]
pub struct ObjectiveArgs {
    /// What to minimise (overrides the scenario's objective.minimize).
    #[arg(long, value_parser = parse_goal)]
    pub objective: Option<crate::scenario::Goal>,
    /// Only plans that cost at most this many dollars.
    #[arg(long, value_name = "USD", value_parser = positive)]
    pub budget_usd: Option<f64>,
    /// Only plans that finish within this many seconds.
    #[arg(long, value_name = "SECONDS", value_parser = positive)]
    pub deadline_s: Option<f64>,
}

fn parse_goal(text: &str) -> Result<crate::scenario::Goal, String> {
    text.parse()
}

impl ObjectiveArgs {
    /// The scenario's objective with these flags laid over it.
    pub fn apply(&self, scenario: &Scenario) -> crate::scenario::Objective {
        let mut objective = scenario.objective.clone();
        objective.goal = self.objective.unwrap_or(objective.goal);
        objective.budget_usd = self.budget_usd.or(objective.budget_usd);
        objective.deadline_s = self.deadline_s.or(objective.deadline_s);
        objective
    }
}

/// The calibration file's table, if one is given (after `profiles()` accepted it).
pub fn calibration_table(input: &ScenarioInput) -> anyhow::Result<Option<(String, toml::Table)>> {
    let Some(path) = &input.calibration else {
        return Ok(None);
    };
    let text = std::fs::read_to_string(path).map_err(|e| {
        InputError(format!(
            "{}: cannot read the calibration: {e}",
            path.display()
        ))
    })?;
    let table = text
        .parse()
        .map_err(|e| InputError(format!("{}: not a calibration file: {e}", path.display())))?;
    Ok(Some((path.display().to_string(), table)))
}

/// The text of the scenario a command reads: the file, the shipped scenario of that name, or
/// the embedded default.
pub fn scenario_text(path: Option<&std::path::Path>) -> String {
    match path {
        Some(p) if p.exists() => std::fs::read_to_string(p).unwrap_or_default(),
        Some(p) => crate::scenario::shipped::text_of(&p.to_string_lossy())
            .unwrap_or_default()
            .to_string(),
        None => crate::scenario::DEFAULT_SCENARIO.to_string(),
    }
}

/// Refuses an output path that names one of the inputs: writing it would destroy what was
/// read (`calibrate --from in.log -o in.log`). Paths are compared as the files they name.
pub fn refuse_overwriting(
    output: &std::path::Path,
    flag: &str,
    inputs: &[&std::path::Path],
) -> Result<(), InputError> {
    let same = |a: &std::path::Path, b: &std::path::Path| match (a.canonicalize(), b.canonicalize())
    {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    };
    match inputs.iter().find(|input| same(output, input)) {
        Some(input) => Err(InputError(format!(
            "{flag} {}: that is the input {}; choose another output file",
            output.display(),
            input.display()
        ))),
        None => Ok(()),
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
