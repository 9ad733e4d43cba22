//! Figure 2: where the time and the money of the best FaaS and the best IaaS plan go.

use crate::model::Platform;
use crate::optimize::plan::Plan;
use crate::report::chart::{BarChart, BarLayout, Chart, PALETTE, Panel, Segment};

/// Time (start-up, loading, compute, communication) and bill of the best plan of each side.
pub fn chart(plan: &Plan) -> Chart {
    let best: Vec<(String, &crate::model::Outcome)> = [Platform::Faas, Platform::Iaas]
        .into_iter()
        .filter_map(|p| {
            let c = plan.best(p)?;
            Some((format!("best {}", p.label()), c.feasible()?))
        })
        .collect();
    let categories: Vec<String> = best.iter().map(|(name, _)| name.clone()).collect();
    let time =
        |f: fn(&crate::model::TimeBreakdown) -> f64| best.iter().map(|(_, o)| f(&o.time)).collect();
    let time_segments = vec![
        Segment {
            name: "start-up".into(),
            color: PALETTE[7],
            values: time(|t| t.startup_s),
        },
        Segment {
            name: "loading".into(),
            color: PALETTE[2],
            values: time(|t| t.load_s),
        },
        Segment {
            name: "batching".into(),
            color: PALETTE[1],
            values: time(|t| t.batching_s),
        },
        Segment {
            name: "compute".into(),
            color: PALETTE[0],
            values: time(|t| t.compute_s),
        },
        Segment {
            name: "communication".into(),
            color: PALETTE[3],
            values: time(|t| t.comm_s),
        },
    ];
    // The bill's parts differ by side; each part is a segment, zero where a side has none.
    let mut names: Vec<&'static str> = Vec::new();
    for (_, o) in &best {
        for (name, _) in o.bill.parts() {
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    let bill_segments = names
        .iter()
        .enumerate()
        .map(|(i, name)| Segment {
            name: name.replace('_', " "),
            color: PALETTE[(i + 4) % PALETTE.len()],
            values: best
                .iter()
                .map(|(_, o)| {
                    o.bill
                        .parts()
                        .into_iter()
                        .find(|(n, _)| n == name)
                        .map_or(0.0, |p| p.1)
                })
                .collect(),
        })
        .filter(|s: &Segment| s.values.iter().any(|v| *v > 0.0))
        .collect();
    Chart {
        title: format!("{}: where the time and the money go", plan.scenario),
        panels: vec![
            Panel::Bars(BarChart {
                categories: categories.clone(),
                value_label: "time (s)".into(),
                segments: time_segments,
                layout: BarLayout::Stacked,
                horizontal: false,
            }),
            Panel::Bars(BarChart {
                categories,
                value_label: "cost (USD)".into(),
                segments: bill_segments,
                layout: BarLayout::Stacked,
                horizontal: false,
            }),
        ],
    }
}
