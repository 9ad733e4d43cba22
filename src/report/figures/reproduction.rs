//! Figure 8: the published corpus reproduced — each row's prediction against the published
//! figure on log–log axes, coloured by paper, with y = x and the ×1.5 and ×2 bands.

use crate::report::chart::{Axis, Chart, Corner, Line, PALETTE, Panel, Series, Style, XyChart};
use crate::reproduce::{RowResult, by_source};

/// Predicted against published, one colour per source.
pub fn chart(rows: &[RowResult]) -> Chart {
    let series = by_source(rows)
        .into_iter()
        .filter_map(|(source, rows)| {
            let points: Vec<(f64, f64)> = rows
                .iter()
                .filter_map(|r| Some((r.row.published, r.row.published * r.ratio()?)))
                .collect();
            let name = source.rsplit('/').next().unwrap_or(&source).to_string();
            (!points.is_empty()).then_some((name, points))
        })
        .enumerate()
        .map(|(i, (name, points))| {
            Series::new(name, PALETTE[i % PALETTE.len()], Style::Points, points)
        })
        .collect();
    let line = |factor: f64, label: &str| Line::Proportional {
        factor,
        label: label.into(),
    };
    Chart::single(
        "Published measurements against Stratus's predictions (default profiles)",
        Panel::Xy(XyChart {
            x: Axis::log("published (s or USD)"),
            y: Axis::log("predicted (same unit)"),
            series,
            lines: vec![
                line(1.0, "y = x"),
                line(1.5, "×1.5 and ×1/1.5"),
                line(1.0 / 1.5, ""),
                line(2.0, "×2 and ×1/2"),
                line(0.5, ""),
            ],
            legend: Corner::UpperLeft,
        }),
    )
}
