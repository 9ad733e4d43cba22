//! # Sweeps
//!
//! "How does the answer change with …?": the plan of a scenario over every combination of a
//! few varied keys (`stratus sweep --vary workload.epochs=1,10,100`), and the break-even map —
//! the verdict over epochs to converge × model size, LambdaML's conclusion as a picture. Each
//! point is a full `plan`, so the sweep answers exactly what `plan` would at that setting.

use crate::model::Platform;
use crate::profile::Profiles;
use crate::scenario::{Objective, Scenario};

use super::plan::{Plan, plan};

/// One varied key and the values it takes.
#[derive(Debug, Clone, PartialEq)]
pub struct Vary {
    pub key: String,
    pub values: Vec<String>,
}

impl std::str::FromStr for Vary {
    type Err = String;

    /// Parses `KEY=V1,V2,...`.
    fn from_str(text: &str) -> Result<Self, String> {
        let (key, values) = text
            .split_once('=')
            .filter(|(k, v)| !k.trim().is_empty() && !v.trim().is_empty())
            .ok_or_else(|| {
                format!("`{text}`: expected KEY=V1,V2,... such as workload.epochs=1,10,100")
            })?;
        let values: Vec<String> = values.split(',').map(|v| v.trim().to_string()).collect();
        if values.iter().any(String::is_empty) {
            return Err(format!("`{text}`: an empty value in the list"));
        }
        Ok(Vary {
            key: key.trim().to_string(),
            values,
        })
    }
}

/// The most points one sweep plans: each is a full plan of a few milliseconds, so this is a
/// minute or so of planning at most.
pub const MAX_SWEEP_POINTS: usize = 10_000;

/// A sweep over more combinations than [`MAX_SWEEP_POINTS`].
#[derive(Debug, thiserror::Error)]
#[error(
    "--vary: {points} combinations ({counts}) are more than the {MAX_SWEEP_POINTS} one sweep plans: vary fewer values"
)]
pub struct TooManyPoints {
    pub points: usize,
    pub counts: String,
}

/// How many points `varies` makes, once checked against [`MAX_SWEEP_POINTS`].
pub fn point_count(varies: &[Vary]) -> Result<usize, TooManyPoints> {
    let points = varies
        .iter()
        .fold(1usize, |n, v| n.saturating_mul(v.values.len()));
    if points <= MAX_SWEEP_POINTS {
        return Ok(points);
    }
    let counts: Vec<String> = varies
        .iter()
        .map(|v| format!("{} values of {}", v.values.len(), v.key))
        .collect();
    Err(TooManyPoints {
        points,
        counts: counts.join(" × "),
    })
}

/// One combination of the varied keys and what planning gave there.
#[derive(Debug, Clone)]
pub struct SweepPoint {
    /// (key, value) of each varied key, in the order given.
    pub settings: Vec<(String, String)>,
    /// The plan, or why nothing could be planned (every candidate cannot run, say).
    pub plan: Result<Plan, String>,
}

/// Every combination of `varies`, the first key varying slowest.
pub fn combinations(varies: &[Vary]) -> Vec<Vec<(String, String)>> {
    let mut out: Vec<Vec<(String, String)>> = vec![Vec::new()];
    for vary in varies {
        out = out
            .into_iter()
            .flat_map(|prefix| {
                vary.values.iter().map(move |v| {
                    let mut next = prefix.clone();
                    next.push((vary.key.clone(), v.clone()));
                    next
                })
            })
            .collect();
    }
    out
}

/// Plans the scenario at every combination of `varies` (at most [`MAX_SWEEP_POINTS`]). `load`
/// reads the scenario with extra `KEY=VALUE` overrides (after the user's own); an error there (an unknown key, a bad value)
/// ends the sweep, since every later point would fail alike. `objective` overrides the
/// scenario's where given.
pub fn sweep<E: From<TooManyPoints>>(
    varies: &[Vary],
    load: impl Fn(&[String]) -> Result<Scenario, E>,
    profiles: &Profiles,
    objective: impl Fn(&Scenario) -> Objective,
    mut progress: impl FnMut(),
) -> Result<Vec<SweepPoint>, E> {
    point_count(varies)?;
    let mut points = Vec::new();
    for settings in combinations(varies) {
        let sets: Vec<String> = settings.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let scenario = load(&sets)?;
        let plan = plan(&scenario, profiles, &objective(&scenario)).map_err(|e| e.to_string());
        points.push(SweepPoint { settings, plan });
        progress();
    }
    Ok(points)
}

/// Who wins at one cell of the break-even map, and by how much.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BreakEven {
    pub winner: Platform,
    /// The loser's objective score over the winner's (≥ 1).
    pub margin: f64,
}

/// The break-even map: the verdict for each number of epochs (`epochs`, columns) and each
/// model size (`params`, rows: the parameters every round moves, the work per sample
/// unchanged). `None` where a side has no plan.
pub fn breakeven(
    scenario: &Scenario,
    profiles: &Profiles,
    objective: &Objective,
    epochs: &[f64],
    params: &[u64],
) -> Vec<Vec<Option<BreakEven>>> {
    params
        .iter()
        .map(|&params| {
            epochs
                .iter()
                .map(|&r| {
                    let mut varied = super::convergence::with_epochs(scenario, r);
                    varied.workload.model.params = params.max(1);
                    cell(&varied, profiles, objective)
                })
                .collect()
        })
        .collect()
}

/// Model sizes for a break-even map: each power of ten from 10⁴ to 10⁸ parameters (linear
/// models to ResNet-50 and beyond) and the scenario's own, ascending.
pub fn breakeven_sizes(own: u64) -> Vec<u64> {
    let mut sizes: Vec<u64> = (4..=8).map(|e| 10u64.pow(e)).collect();
    sizes.push(own);
    sizes.sort_unstable();
    sizes.dedup();
    sizes
}

fn cell(scenario: &Scenario, profiles: &Profiles, objective: &Objective) -> Option<BreakEven> {
    let answer = super::sensitivity::answer(&plan(scenario, profiles, objective).ok()?)?;
    Some(BreakEven {
        winner: answer.winner,
        margin: answer.ratio.max(1.0 / answer.ratio),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_vary_flag() {
        let v: Vary = "workload.epochs=1, 10,100".parse().unwrap();
        assert_eq!(v.key, "workload.epochs");
        assert_eq!(v.values, ["1", "10", "100"]);
        for bad in ["", "=1", "k=", "k=1,,2", "k"] {
            assert!(bad.parse::<Vary>().is_err(), "{bad}");
        }
    }

    #[test]
    fn combinations_vary_the_first_key_slowest() {
        let varies = [
            Vary {
                key: "a".into(),
                values: vec!["1".into(), "2".into()],
            },
            Vary {
                key: "b".into(),
                values: vec!["x".into(), "y".into(), "z".into()],
            },
        ];
        let all = combinations(&varies);
        assert_eq!(all.len(), 6);
        assert_eq!(all[0], [("a".into(), "1".into()), ("b".into(), "x".into())]);
        assert_eq!(all[3], [("a".into(), "2".into()), ("b".into(), "x".into())]);
    }

    #[test]
    fn more_epochs_and_bigger_models_do_not_favour_faas() {
        let profiles = Profiles::builtin().unwrap();
        let scenario = Scenario::default_scenario(&[], &profiles).unwrap();
        let own = scenario.workload.model.params;
        let map = breakeven(
            &scenario,
            &profiles,
            &scenario.objective,
            &[1.0, 1000.0],
            &[own],
        );
        let margin = |c: &Option<BreakEven>| {
            let c = c.expect("both sides plan");
            if c.winner == Platform::Faas {
                c.margin
            } else {
                1.0 / c.margin
            }
        };
        // FaaS's advantage (its margin when it wins, the inverse when it loses) shrinks as R grows.
        assert!(margin(&map[0][1]) < margin(&map[0][0]), "{map:?}");
    }
}
