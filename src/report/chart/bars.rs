//! Bars by category: stacked (a breakdown: start-up, loading, compute, communication) or
//! grouped side by side (signed changes, as a tornado chart), vertical or horizontal.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{FONT, padded_range, short_number};

/// How the segments of one category sit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BarLayout {
    /// On top of one another, from zero: parts of a whole.
    Stacked,
    /// Side by side: alternatives.
    Grouped,
}

/// One named part of every bar, with its value in each category.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    pub name: String,
    pub color: RGBColor,
    pub values: Vec<f64>,
}

/// A bar chart.
#[derive(Debug, Clone, PartialEq)]
pub struct BarChart {
    pub categories: Vec<String>,
    /// What the bars measure, with the unit.
    pub value_label: String,
    pub segments: Vec<Segment>,
    pub layout: BarLayout,
    /// Categories down the side, bars to the right (long category names read better).
    pub horizontal: bool,
}

/// One rectangle: category position from `c0` to `c1`, value from `v0` to `v1`.
struct Bar {
    c0: f64,
    c1: f64,
    v0: f64,
    v1: f64,
    segment: usize,
}

/// Every rectangle of the chart.
fn bars(chart: &BarChart) -> Vec<Bar> {
    let k = chart.segments.len().max(1) as f64;
    let mut out = Vec::new();
    for i in 0..chart.categories.len() {
        let mut base = 0.0;
        for (j, segment) in chart.segments.iter().enumerate() {
            let v = segment.values.get(i).copied().unwrap_or(0.0);
            if !v.is_finite() {
                continue;
            }
            let centre = i as f64;
            let bar = match chart.layout {
                BarLayout::Stacked => Bar {
                    c0: centre - 0.35,
                    c1: centre + 0.35,
                    v0: base,
                    v1: base + v,
                    segment: j,
                },
                BarLayout::Grouped => {
                    let width = 0.8 / k;
                    let c0 = centre - 0.4 + width * j as f64;
                    Bar {
                        c0,
                        c1: c0 + width * 0.92,
                        v0: 0.0,
                        v1: v,
                        segment: j,
                    }
                }
            };
            if chart.layout == BarLayout::Stacked {
                base += v;
            }
            out.push(bar);
        }
    }
    out
}

/// Draws `chart` into `area`.
pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &BarChart,
) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let rects = bars(chart);
    let (v0, v1) = padded_range(rects.iter().flat_map(|b| [b.v0, b.v1]).chain([0.0]), false);
    // Room for the legend: above the tallest bar, or above the first category when horizontal.
    // The legend is about 22 px a row plus its frame; the plot about the area less its axes.
    let legend_px = 22.0 * chart.segments.len() as f64 + 20.0;
    let plot_px = (f64::from(area.dim_in_pixel().1) - 90.0).max(2.0 * legend_px);
    let share = legend_px / (plot_px - legend_px);
    let n = chart.categories.len().max(1) as f64;
    let (v1, c0) = if chart.horizontal {
        (v1, -0.5 - share * n)
    } else {
        (v1 + share * (v1 - v0), -0.5)
    };
    let c1 = n - 0.5;
    let longest = chart
        .categories
        .iter()
        .map(|c| c.chars().count())
        .max()
        .unwrap_or(4) as u32;
    let mut builder = ChartBuilder::on(area);
    builder.margin(14);
    let mut plot = if chart.horizontal {
        builder
            .x_label_area_size(52)
            .y_label_area_size(24 + 9 * longest.min(30))
            .build_cartesian_2d(v0..v1, c1..c0)
            .map_err(err)?
    } else {
        builder
            .x_label_area_size(40)
            .y_label_area_size(78)
            .build_cartesian_2d(c0..c1, v0..v1)
            .map_err(err)?
    };
    let mut mesh = plot.configure_mesh();
    mesh.label_style((FONT, 16))
        .axis_desc_style((FONT, 18))
        .light_line_style(WHITE)
        .bold_line_style(RGBColor(225, 225, 225));
    if chart.horizontal {
        mesh.disable_y_mesh()
            .y_labels(0)
            .x_label_formatter(&|v| short_number(*v))
            .x_desc(chart.value_label.as_str());
    } else {
        mesh.disable_x_mesh()
            .x_labels(0)
            .y_label_formatter(&|v| short_number(*v))
            .y_desc(chart.value_label.as_str());
    }
    mesh.draw().map_err(err)?;

    let horizontal = chart.horizontal;
    let corners = |b: &Bar| {
        if horizontal {
            [(b.v0, b.c0), (b.v1, b.c1)]
        } else {
            [(b.c0, b.v0), (b.c1, b.v1)]
        }
    };
    for (j, segment) in chart.segments.iter().enumerate() {
        let color = segment.color;
        plot.draw_series(
            rects
                .iter()
                .filter(|b| b.segment == j)
                .map(|b| Rectangle::new(corners(b), color.filled())),
        )
        .map_err(err)?
        .label(segment.name.as_str())
        .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 14, y + 6)], color.filled()));
    }
    if horizontal {
        plot.draw_series(std::iter::once(PathElement::new(
            vec![(0.0, c0), (0.0, c1)],
            BLACK.stroke_width(1),
        )))
        .map_err(err)?;
    }
    plot.configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .label_font((FONT, 15))
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(160, 160, 160))
        .draw()
        .map_err(err)?;

    // Category names beside their bars, in the label area the mesh left empty.
    let base = area.get_base_pixel();
    for (i, name) in chart.categories.iter().enumerate() {
        let (pos, at) = if horizontal {
            let (x, y) = plot.backend_coord(&(v0, i as f64));
            (Pos::new(HPos::Right, VPos::Center), (x - 8, y))
        } else {
            let (x, y) = plot.backend_coord(&(i as f64, v0));
            (Pos::new(HPos::Center, VPos::Top), (x, y + 8))
        };
        let style = TextStyle::from((FONT, 16).into_font()).pos(pos);
        area.draw_text(name, &style, (at.0 - base.0, at.1 - base.1))
            .map_err(err)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stacked_segments_start_where_the_last_ended() {
        let chart = BarChart {
            categories: vec!["a".into(), "b".into()],
            value_label: "s".into(),
            segments: vec![
                Segment {
                    name: "x".into(),
                    color: BLACK,
                    values: vec![1.0, 2.0],
                },
                Segment {
                    name: "y".into(),
                    color: BLACK,
                    values: vec![3.0, 4.0],
                },
            ],
            layout: BarLayout::Stacked,
            horizontal: false,
        };
        let r = bars(&chart);
        assert_eq!(r.len(), 4);
        assert_eq!((r[1].v0, r[1].v1), (1.0, 4.0));
        assert_eq!((r[3].v0, r[3].v1), (2.0, 6.0));
    }
}
