//! Figure 4: the memory curve of the scenario's FaaS plan — time t(z), cost C(z) and Feng's
//! performance-cost ratio R(z) against the memory z of each function, the chosen z marked.

use crate::optimize::memory::{MemoryChoice, MemoryPoint, ScenarioMemory};
use crate::report::chart::{Axis, Chart, FAAS, PALETTE, Panel, Series, Style, XyChart};

/// At most this many points of a curve are drawn (a profile may allow 10,000 sizes).
const MAX_POINTS: usize = 240;

fn thinned(curve: &[MemoryPoint]) -> Vec<&MemoryPoint> {
    let step = curve.len().div_ceil(MAX_POINTS).max(1);
    let mut out: Vec<&MemoryPoint> = curve.iter().step_by(step).collect();
    if let (Some(last), Some(kept)) = (curve.last(), out.last())
        && last.memory_mb != kept.memory_mb
    {
        out.push(last);
    }
    out
}

/// The three curves of `memory`, side by side.
pub fn chart(scenario: &str, memory: &ScenarioMemory) -> Chart {
    let choice = &memory.choice;
    let curve = thinned(&choice.curve);
    let panel = |name: &str, label: &str, log: bool, color, value: fn(&MemoryPoint) -> f64| {
        let line: Vec<(f64, f64)> = curve
            .iter()
            .map(|p| (f64::from(p.memory_mb), value(p)))
            .collect();
        let best = (f64::from(choice.best.memory_mb), value(&choice.best));
        Panel::Xy(XyChart {
            x: Axis::linear("memory per function (MB)"),
            y: if log {
                Axis::log(label)
            } else {
                Axis::linear(label)
            },
            series: vec![
                Series::new(name, color, Style::Line, line),
                Series::new(
                    format!("chosen {} MB", choice.best.memory_mb),
                    PALETTE[3],
                    Style::Marker,
                    vec![best],
                ),
            ],
            ..XyChart::default()
        })
    };
    Chart {
        title: format!("{scenario}: memory per function, {} objective", choice.goal),
        panels: vec![
            panel("t(z)", "time to train (s)", true, FAAS, |p| p.time_s),
            panel("C(z)", "cost (USD)", true, PALETTE[2], |p| p.cost_usd),
            panel(
                "R(z)",
                "FLOP per USD·s, f / (C·t)",
                true,
                PALETTE[4],
                |p| p.ratio,
            ),
        ],
    }
}

/// The memory curve of one measured function (a calibration's `[function]`): the fitted t(z)
/// with the measured sizes overlaid, and the cost of one invocation, the chosen z marked.
pub fn function_chart(file: &str, choice: &MemoryChoice, measured: &[(u32, f64)]) -> Chart {
    let curve = thinned(&choice.curve);
    let chosen = |value: f64| {
        Series::new(
            format!("chosen {} MB", choice.best.memory_mb),
            PALETTE[3],
            Style::Marker,
            vec![(f64::from(choice.best.memory_mb), value)],
        )
    };
    let line = |value: fn(&MemoryPoint) -> f64| {
        curve
            .iter()
            .map(|p| (f64::from(p.memory_mb), value(p)))
            .collect()
    };
    let measured_points = measured.iter().map(|&(mb, s)| (f64::from(mb), s)).collect();
    Chart {
        title: format!(
            "The function of {file}: memory per invocation, {} objective",
            choice.goal
        ),
        panels: vec![
            Panel::Xy(XyChart {
                x: Axis::linear("memory (MB)"),
                y: Axis::log("duration per invocation (s)"),
                series: vec![
                    Series::new("fitted t(z)", FAAS, Style::Line, line(|p| p.time_s)),
                    Series::points("measured", PALETTE[1], measured_points),
                    chosen(choice.best.time_s),
                ],
                ..XyChart::default()
            }),
            Panel::Xy(XyChart {
                x: Axis::linear("memory (MB)"),
                y: Axis::log("cost per invocation (USD)"),
                series: vec![
                    Series::new("C(z)", PALETTE[2], Style::Line, line(|p| p.cost_usd)),
                    chosen(choice.best.cost_usd),
                ],
                ..XyChart::default()
            }),
        ],
    }
}
