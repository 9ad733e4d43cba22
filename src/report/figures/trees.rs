//! Figure 5: the aggregation trees — predicted time of one iteration per structure, the
//! dynamic programme's choice marked, and the measured runs where the calibration came from them.

use crate::report::chart::{BarChart, BarLayout, Chart, FAAS, PALETTE, Panel, Segment};

/// One structure's prediction, and its measurement where one exists.
#[derive(Debug, Clone, PartialEq)]
pub struct TreePoint {
    /// Functions per layer, root first.
    pub structure: Vec<u32>,
    /// Predicted seconds of the whole run with this structure.
    pub predicted_s: f64,
    pub measured_s: Option<f64>,
    pub chosen: bool,
}

/// Written root first with dashes, as Feng et al. write structures.
pub fn structure_name(structure: &[u32]) -> String {
    structure
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join("-")
}

/// Bars of predicted (and measured) time per structure.
pub fn chart(scenario: &str, points: &[TreePoint]) -> Chart {
    let categories = points
        .iter()
        .map(|p| {
            let name = structure_name(&p.structure);
            if p.chosen {
                format!("{name} (DP)")
            } else {
                name
            }
        })
        .collect();
    let mut segments = vec![Segment {
        name: "predicted".into(),
        color: FAAS,
        values: points.iter().map(|p| p.predicted_s).collect(),
    }];
    if points.iter().any(|p| p.measured_s.is_some()) {
        segments.push(Segment {
            name: "measured".into(),
            color: PALETTE[1],
            values: points
                .iter()
                .map(|p| p.measured_s.unwrap_or(f64::NAN))
                .collect(),
        });
    }
    Chart::single(
        format!("{scenario}: aggregation trees (functions per layer, root first)"),
        Panel::Bars(BarChart {
            categories,
            value_label: "time to train (s)".into(),
            segments,
            layout: BarLayout::Grouped,
            horizontal: true,
        }),
    )
}
