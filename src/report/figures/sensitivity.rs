//! Figure 7: the sensitivity tornado — how far the FaaS/IaaS ratio of the objective moves when
//! each input is moved by −50% and +50%, largest first; inputs that flip the verdict are marked.

use crate::optimize::sensitivity::{FACTORS, Sensitivity};
use crate::report::chart::{BarChart, BarLayout, Chart, PALETTE, Panel, Segment};

/// At most this many inputs are drawn (the largest swings).
const MAX_BARS: usize = 12;

/// The tornado of `s`.
pub fn chart(scenario: &str, goal: &str, s: &Sensitivity) -> Chart {
    let shown: Vec<_> = s.effects.iter().take(MAX_BARS).collect();
    let categories = shown
        .iter()
        .map(|e| {
            if e.flips(&s.base) {
                format!("{} (flips verdict)", e.name)
            } else {
                e.name.clone()
            }
        })
        .collect();
    let segments = FACTORS
        .iter()
        .enumerate()
        .map(|(i, f)| Segment {
            name: format!("input ×{f}"),
            color: PALETTE[if i == 0 { 9 } else { 3 }],
            values: shown
                .iter()
                .map(|e| e.moved[i].map_or(f64::NAN, |a| 100.0 * (a.ratio / s.base.ratio - 1.0)))
                .collect(),
        })
        .collect();
    Chart::single(
        format!("{scenario}: what moves the answer (FaaS/IaaS {goal} ratio)"),
        Panel::Bars(BarChart {
            categories,
            value_label: format!("change of FaaS/IaaS {goal} ratio (%)"),
            segments,
            layout: BarLayout::Grouped,
            horizontal: true,
        }),
    )
}
