//! Figure 1: time against cost of every candidate searched, FaaS and IaaS apart, the Pareto
//! front, the chosen plans, and the budget and deadline where given.

use crate::model::{Candidate, Platform};
use crate::optimize::pareto::frontier;
use crate::optimize::plan::Plan;
use crate::report::chart::{Axis, Chart, FAAS, IAAS, Line, Panel, Series, Style, XyChart};

fn point(c: &Candidate) -> Option<(f64, f64)> {
    c.feasible().map(|o| (o.total_s(), o.total_usd()))
}

/// The time–cost plane of `plan`.
pub fn chart(plan: &Plan) -> Chart {
    let of = |platform: Platform| -> Vec<(f64, f64)> {
        plan.candidates
            .iter()
            .filter(|c| c.config.platform() == platform)
            .filter_map(point)
            .collect()
    };
    let mut series = vec![
        Series::points("FaaS candidates", FAAS, of(Platform::Faas)),
        Series::points("IaaS candidates", IAAS, of(Platform::Iaas)),
        Series::new(
            "Pareto front",
            crate::report::chart::PALETTE[7],
            Style::Line,
            frontier(&plan.candidates)
                .into_iter()
                .filter_map(point)
                .collect(),
        ),
    ];
    for (platform, color) in [(Platform::Faas, FAAS), (Platform::Iaas, IAAS)] {
        if let Some(p) = plan.best(platform).and_then(point) {
            series.push(Series::new(
                format!("best {}", platform.label()),
                color,
                Style::Marker,
                vec![p],
            ));
        }
    }
    let mut lines = Vec::new();
    if let Some(b) = plan.objective.budget_usd {
        lines.push(Line::Horizontal {
            y: b,
            label: format!("budget ${b}"),
        });
    }
    if let Some(d) = plan.objective.deadline_s {
        lines.push(Line::Vertical {
            x: d,
            label: format!("deadline {d} s"),
        });
    }
    Chart::single(
        format!("{}: time and cost of every plan searched", plan.scenario),
        Panel::Xy(XyChart {
            x: Axis::log("time to train (s)"),
            y: Axis::log("cost (USD)"),
            series,
            lines,
            ..XyChart::default()
        }),
    )
}
