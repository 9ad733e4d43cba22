//! # A report
//!
//! Everything `stratus report` shows about one scenario, computed once: the plan, the
//! sensitivity, the break-even map, the memory curve, the trees, the simulated loss curves and
//! the published corpus reproduced; then drawn as figures. A figure whose question the scenario
//! cannot ask (no IaaS side to break even against, no data to simulate) is skipped with the
//! reason, which the page shows. Writing is in `report::site`.

use crate::model::{FaasModel, Pattern, Platform};
use crate::optimize::memory::{self, ScenarioMemory};
use crate::optimize::plan::{Plan, PlanError, plan};
use crate::optimize::sensitivity::{Sensitivity, sensitivity};
use crate::optimize::sweep::{BreakEven, breakeven, breakeven_sizes};
use crate::optimize::tree::{TreeGoal, optimize_tree};
use crate::profile::Profiles;
use crate::reproduce::{Corpus, RowResult};
use crate::scenario::{Algorithm, Objective, Scenario, Sync};

use super::chart::Chart;
use super::figures::convergence::Variant;
use super::figures::trees::TreePoint;
use super::figures::{self};

/// Epochs to converge across the break-even map.
pub const BREAKEVEN_EPOCHS: [f64; 6] = [1.0, 3.0, 10.0, 30.0, 100.0, 300.0];

/// What a report is made from.
#[derive(Debug, Clone)]
pub struct ReportInput<'a> {
    pub scenario: &'a Scenario,
    /// The scenario as written, shown on the page.
    pub scenario_text: String,
    /// The `--set` overrides applied to it.
    pub sets: Vec<String>,
    pub profiles: &'a Profiles,
    /// The calibration file (as named on the command line) and its table, if one was given.
    pub calibration: Option<(String, toml::Table)>,
    pub objective: Objective,
    /// Simulated runs per variant; 0 skips the simulator.
    pub runs: u32,
}

/// The break-even map: its model sizes (rows) and, per size and number of epochs, who wins.
pub type BreakEvenMap = (Vec<u64>, Vec<Vec<Option<BreakEven>>>);

/// One figure of the report, with the file stem it is written under.
#[derive(Debug, Clone)]
pub struct Figure {
    pub name: &'static str,
    pub chart: Chart,
}

/// Everything a report shows.
#[derive(Debug, Clone)]
pub struct Report {
    pub plan: Plan,
    pub sensitivity: Option<Sensitivity>,
    /// The break-even map's model sizes (rows) and cells.
    pub breakeven: Option<BreakEvenMap>,
    pub reproduction: Vec<RowResult>,
    /// The simulated variants: name and configuration.
    pub simulated: Vec<(String, String)>,
    pub figures: Vec<Figure>,
    /// Figures left out, and why.
    pub skipped: Vec<(&'static str, String)>,
}

/// Why a report cannot be made at all.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Plan(#[from] PlanError),
}

/// Computes and draws the report of `input`; `step` is called once per figure made.
pub fn build(input: &ReportInput<'_>, step: &dyn Fn(&str)) -> Result<Report, ReportError> {
    let scenario = input.scenario;
    let name = scenario.name.as_str();
    let plan = plan(scenario, input.profiles, &input.objective)?;
    let mut report = Report {
        plan,
        sensitivity: None,
        breakeven: None,
        reproduction: Vec::new(),
        simulated: Vec::new(),
        figures: Vec::new(),
        skipped: Vec::new(),
    };
    step("time and cost");
    report.add("1-time-cost", Ok(figures::pareto::chart(&report.plan)));
    report.add("2-breakdown", Ok(figures::breakdown::chart(&report.plan)));
    step("simulated loss");
    let variants = simulated(input);
    if let Ok(variants) = &variants {
        report.simulated = variants
            .iter()
            .map(|v| (v.name.clone(), v.config.clone()))
            .collect();
    }
    report.add(
        "3-convergence",
        variants.map(|v| figures::convergence::chart(name, &v)),
    );
    step("memory curve");
    let memory = memory_curve(input).map(|m| figures::memory::chart(name, &m));
    report.add("4-memory", memory);
    if let Some(chart) = measured_function(input) {
        report.add("4-function-memory", chart);
    }
    step("aggregation trees");
    let trees = tree_points(input).map(|t| figures::trees::chart(name, &t));
    report.add("5-trees", trees);
    step("break-even map");
    report.add_breakeven(input);
    step("sensitivity");
    report.add_sensitivity(input);
    step("published corpus");
    report.add_reproduction();
    Ok(report)
}

impl Report {
    fn add(&mut self, name: &'static str, chart: Result<Chart, String>) {
        match chart {
            Ok(chart) => self.figures.push(Figure { name, chart }),
            Err(why) => self.skipped.push((name, why)),
        }
    }

    fn add_breakeven(&mut self, input: &ReportInput<'_>) {
        if let Err(why) = both_sides(input.scenario) {
            return self.add("6-break-even", Err(why));
        }
        let own = input.scenario.workload.model.params;
        let sizes = breakeven_sizes(own);
        let cells = breakeven(
            input.scenario,
            input.profiles,
            &input.objective,
            &BREAKEVEN_EPOCHS,
            &sizes,
        );
        let chart = figures::breakeven::chart(
            &input.scenario.name,
            &input.objective.goal.to_string(),
            &BREAKEVEN_EPOCHS,
            &sizes,
            own,
            &cells,
        );
        self.breakeven = Some((sizes, cells));
        self.add("6-break-even", Ok(chart));
    }

    fn add_sensitivity(&mut self, input: &ReportInput<'_>) {
        if let Err(why) = both_sides(input.scenario) {
            return self.add("7-sensitivity", Err(why));
        }
        let calibration = input.calibration.as_ref().map(|(_, t)| t);
        match sensitivity(input.scenario, input.profiles, calibration, &self.plan) {
            Ok(s) => {
                let goal = self.plan.objective.goal.to_string();
                self.add(
                    "7-sensitivity",
                    Ok(figures::sensitivity::chart(&input.scenario.name, &goal, &s)),
                );
                self.sensitivity = Some(s);
            }
            Err(e) => self.add("7-sensitivity", Err(e.to_string())),
        }
    }

    fn add_reproduction(&mut self) {
        let rows = Corpus::shipped()
            .map_err(|e| e.to_string())
            .and_then(|corpus| {
                let profiles = Profiles::builtin().map_err(|e| e.to_string())?;
                corpus.predict(&profiles).map_err(|e| e.to_string())
            });
        match rows {
            Ok(rows) => {
                self.add("8-reproduction", Ok(figures::reproduction::chart(&rows)));
                self.reproduction = rows;
            }
            Err(why) => self.add("8-reproduction", Err(why)),
        }
    }
}

fn both_sides(scenario: &Scenario) -> Result<(), String> {
    match (&scenario.faas, &scenario.iaas) {
        (Some(_), Some(_)) => Ok(()),
        _ => Err("the scenario plans one side only; this figure compares FaaS with IaaS".into()),
    }
}

fn memory_curve(input: &ReportInput<'_>) -> Result<ScenarioMemory, String> {
    if input.scenario.faas.is_none() {
        return Err("the scenario has no FaaS side".into());
    }
    memory::for_scenario(input.scenario, input.profiles, &input.objective)
        .map_err(|e| e.to_string())
}

/// The memory curve of the function a calibration measured (its `[function]` table), if it
/// has one.
fn measured_function(input: &ReportInput<'_>) -> Option<Result<Chart, String>> {
    let (file, table) = input.calibration.as_ref()?;
    table.get("function")?;
    let chart = (|| {
        let curve = crate::calibrate::function::FunctionCurve::from_calibration(table, file)
            .map_err(|e| e.to_string())?;
        let name = curve
            .profile
            .clone()
            .unwrap_or_else(|| "aws-lambda-x86".into());
        let profile = input.profiles.faas(&name).map_err(|e| e.to_string())?;
        let choice = memory::for_function(
            |z| curve.curve.time_s(z),
            curve.min_memory_mb,
            profile,
            &input.objective,
        )
        .map_err(|e| e.to_string())?;
        Ok(figures::memory::function_chart(
            file,
            &choice,
            &curve.measured,
        ))
    })();
    Some(chart)
}

/// Structures worth comparing for the scenario's tree plan: the DP's, the flat one, two- and
/// three-layer trees of round fan-ins, and those measured in the calibration.
fn tree_points(input: &ReportInput<'_>) -> Result<Vec<TreePoint>, String> {
    if input.scenario.faas.is_none() {
        return Err("the scenario has no FaaS side".into());
    }
    let choice =
        optimize_tree(input.scenario, input.profiles, TreeGoal::Time).map_err(|e| e.to_string())?;
    let measured = measured_structures(input, choice.workers);
    let w = choice.workers;
    let mut structures = vec![choice.structure.clone(), vec![1, w]];
    for m in [2, 5, 10, 20, 25, 50] {
        if m < w {
            structures.push(vec![1, m, w]);
        }
    }
    for (a, b) in [(2, 10), (5, 25), (5, 50)] {
        if b < w {
            structures.push(vec![1, a, b, w]);
        }
    }
    structures.extend(measured.iter().map(|(s, _)| s.clone()));
    structures.sort_by_key(|s| (s.len(), s.clone()));
    structures.dedup();
    let model = FaasModel::new(input.scenario, input.profiles).map_err(|e| e.to_string())?;
    let cfg = |structure: Vec<u32>| crate::model::FaasConfig {
        workers: w,
        memory_mb: choice.memory_mb,
        channel: choice.channel,
        cache_node: None,
        pattern: Pattern::tree(structure),
        sync: Sync::Bsp,
    };
    Ok(structures
        .into_iter()
        .filter_map(|s| {
            let predicted_s = model.predict(&cfg(s.clone())).ok()?.time.total_s();
            Some(TreePoint {
                measured_s: measured.iter().find(|(m, _)| *m == s).map(|(_, t)| *t),
                chosen: s == choice.structure,
                structure: s,
                predicted_s,
            })
        })
        .collect())
}

/// The structures and measured seconds of a measured-runs calibration (`[[fit.runs.residuals]]`
/// rows whose run names a structure) for `workers` workers.
fn measured_structures(input: &ReportInput<'_>, workers: u32) -> Vec<(Vec<u32>, f64)> {
    let Some((_, table)) = &input.calibration else {
        return Vec::new();
    };
    let rows = table
        .get("fit")
        .and_then(|f| f.get("runs"))
        .and_then(|r| r.get("residuals"))
        .and_then(|r| r.as_array());
    rows.into_iter()
        .flatten()
        .filter_map(|row| {
            let run = row.get("run")?.as_str()?;
            let observed = row.get("observed_s")?.as_float()?;
            let text = run
                .split_whitespace()
                .find_map(|w| w.strip_prefix("structure="))?;
            let text = toml::Value::String(text.to_string());
            let structure = crate::scenario::parse_structure("structure", &text).ok()?;
            (structure.last() == Some(&workers)).then_some((structure, observed))
        })
        .collect()
}

/// The loss curves of the simulator: the best plan of each side, and the FaaS plan under the
/// other synchronisation and the other of GA-SGD and MA-SGD — those of them the simulator can
/// run (ADMM has no asynchronous form, say).
fn simulated(input: &ReportInput<'_>) -> Result<Vec<Variant>, String> {
    if input.runs == 0 {
        return Err("skipped (--no-sim)".into());
    }
    let scenario = input.scenario;
    let mut tries = Vec::new();
    if scenario.faas.is_some() {
        tries.push((scenario.clone(), Platform::Faas, "best FaaS".to_string()));
    }
    if scenario.iaas.is_some() {
        tries.push((scenario.clone(), Platform::Iaas, "best IaaS".to_string()));
    }
    for alt in [
        other_sync(scenario),
        other_algorithm(scenario, input.profiles),
    ]
    .into_iter()
    .flatten()
    {
        tries.push((alt.0, Platform::Faas, alt.1));
    }
    let mut variants = Vec::new();
    let mut first_error = None;
    for (s, platform, name) in tries {
        match variant(&s, input, platform, name) {
            Ok(v) => variants.push(v),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    match (variants.is_empty(), first_error) {
        (true, Some(e)) => Err(e),
        _ => Ok(variants),
    }
}

fn variant(
    scenario: &Scenario,
    input: &ReportInput<'_>,
    platform: Platform,
    name: String,
) -> Result<Variant, String> {
    let (scenario, config) =
        crate::optimize::choose::choose_config(scenario, input.profiles, platform)
            .map_err(|e| e.to_string())?;
    let runs = crate::sim::runs::simulate_runs(
        &scenario,
        input.profiles,
        &config,
        (scenario.seed, input.runs),
        &crate::sim::Watch::default(),
    )
    .map_err(|e| e.to_string())?;
    Ok(Variant {
        name,
        config: config.describe(),
        runs: runs.into_iter().map(|r| r.trace).collect(),
    })
}

/// The scenario's FaaS side under ASP if it synchronises by BSP, and under BSP otherwise.
fn other_sync(scenario: &Scenario) -> Option<(Scenario, String)> {
    let space = scenario.faas.as_ref()?;
    let now = *space.sync.first()?;
    let other = if now == Sync::Bsp {
        Sync::Asp
    } else {
        Sync::Bsp
    };
    let mut alt = scenario.clone();
    alt.iaas = None;
    alt.faas.as_mut()?.sync = vec![other];
    Some((alt, format!("FaaS, {}", other.to_string().to_uppercase())))
}

/// The scenario's FaaS side with MA-SGD if its best FaaS plan trains with GA-SGD, and with
/// GA-SGD otherwise, on the same mini-batch (where the scenario lists several recipes, the one
/// the best FaaS plan trains with).
fn other_algorithm(scenario: &Scenario, profiles: &Profiles) -> Option<(Scenario, String)> {
    scenario.faas.as_ref()?;
    let trained = crate::optimize::choose::choose_config(scenario, profiles, Platform::Faas)
        .map_or_else(|_| scenario.workload.recipe(), |(s, _)| s.workload.recipe());
    let other = match trained.algorithm {
        Algorithm::GaSgd => Algorithm::MaSgd,
        _ => Algorithm::GaSgd,
    };
    let mut alt = scenario.with_recipe(crate::scenario::Recipe {
        algorithm: other,
        batch_size: trained.batch_size,
    });
    alt.iaas = None;
    Some((alt, format!("FaaS, {}", other.name().to_uppercase())))
}
