//! Points and lines on two numeric axes, each linear or logarithmic, with reference lines
//! (a budget, a deadline, y = x) and a legend.

use plotters::coord::Shift;
use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{FONT, padded_range, short_number};

/// One axis: what it measures (with its unit) and its scale.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Axis {
    pub label: String,
    pub log: bool,
}

impl Axis {
    pub fn linear(label: impl Into<String>) -> Self {
        Axis {
            label: label.into(),
            log: false,
        }
    }

    pub fn log(label: impl Into<String>) -> Self {
        Axis {
            label: label.into(),
            log: true,
        }
    }
}

/// How a series is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Small filled dots.
    Points,
    /// A polyline through the points in order.
    Line,
    /// A polyline with a dot at each point.
    LinePoints,
    /// A large ring at each point, labelled with the series name: a chosen plan.
    Marker,
}

/// A named set of points.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub color: RGBColor,
    pub style: Style,
    pub points: Vec<(f64, f64)>,
    /// A shaded band around the line: (lower, upper) at each point's x.
    pub band: Option<Vec<(f64, f64)>>,
}

impl Series {
    pub fn new(
        name: impl Into<String>,
        color: RGBColor,
        style: Style,
        points: Vec<(f64, f64)>,
    ) -> Self {
        Series {
            name: name.into(),
            color,
            style,
            points,
            band: None,
        }
    }

    pub fn points(name: impl Into<String>, color: RGBColor, points: Vec<(f64, f64)>) -> Self {
        Self::new(name, color, Style::Points, points)
    }
}

/// A reference line across the plot.
#[derive(Debug, Clone, PartialEq)]
pub enum Line {
    /// y = value, e.g. a budget.
    Horizontal { y: f64, label: String },
    /// x = value, e.g. a deadline.
    Vertical { x: f64, label: String },
    /// y = factor · x across the plot, e.g. y = x and the ×2 bands.
    Proportional { factor: f64, label: String },
}

/// Where the legend sits inside the plot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Corner {
    #[default]
    UpperLeft,
    UpperRight,
    LowerLeft,
    LowerRight,
}

/// A chart of points and lines.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct XyChart {
    pub x: Axis,
    pub y: Axis,
    pub series: Vec<Series>,
    pub lines: Vec<Line>,
    pub legend: Corner,
}

/// Draws `chart` into `area`.
pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &XyChart,
) -> Result<(), String> {
    let (xs, ys) = extents(chart);
    let (x0, x1) = padded_range(xs, chart.x.log);
    let (y0, y1) = with_legend_room(chart, area, padded_range(ys, chart.y.log));
    let (w, h) = area.dim_in_pixel();
    let (x_max, y_max) = (
        (w / 80).clamp(3, 12) as usize,
        (h / 45).clamp(3, 12) as usize,
    );
    let log =
        |lo: f64, hi: f64, max: usize| (lo..hi).log_scale().with_key_points(log_ticks(lo, hi, max));
    match (chart.x.log, chart.y.log) {
        (false, false) => draw_in(area, chart, x0..x1, y0..y1),
        (true, false) => draw_in(area, chart, log(x0, x1, x_max), y0..y1),
        (false, true) => draw_in(area, chart, x0..x1, log(y0, y1, y_max)),
        (true, true) => draw_in(area, chart, log(x0, x1, x_max), log(y0, y1, y_max)),
    }
}

/// The y range raised so a legend in an upper corner sits above the data.
fn with_legend_room<DB: DrawingBackend>(
    chart: &XyChart,
    area: &DrawingArea<DB, Shift>,
    (y0, y1): (f64, f64),
) -> (f64, f64) {
    if !matches!(chart.legend, Corner::UpperLeft | Corner::UpperRight) {
        return (y0, y1);
    }
    let rows = chart
        .series
        .iter()
        .filter(|s| s.style != Style::Marker)
        .count()
        + chart
            .lines
            .iter()
            .filter(|l| !line_label(l).is_empty())
            .count();
    let legend_px = 20.0 * rows as f64 + 16.0;
    let plot_px = (f64::from(area.dim_in_pixel().1) - 80.0).max(2.0 * legend_px);
    let share = legend_px / (plot_px - legend_px);
    if chart.y.log {
        (y0, y1 * (y1 / y0).powf(share))
    } else {
        (y0, y1 + share * (y1 - y0))
    }
}

fn line_label(line: &Line) -> &str {
    match line {
        Line::Horizontal { label, .. }
        | Line::Vertical { label, .. }
        | Line::Proportional { label, .. } => label,
    }
}

/// Tick values of a log axis from `lo` to `hi`, at most `max` of them: 1-2-5 of each decade
/// (or finer, or coarser) as the room allows, or every n-th power of ten.
pub fn log_ticks(lo: f64, hi: f64, max: usize) -> Vec<f64> {
    let (first, last) = (lo.log10().floor() as i32, hi.log10().ceil() as i32);
    let ticks = |steps: &[f64], every: usize| -> Vec<f64> {
        (first..=last)
            .step_by(every)
            .flat_map(|e| steps.iter().map(move |m| m * 10f64.powi(e)))
            .filter(|v| (lo..=hi).contains(v))
            .collect()
    };
    let options: [&[f64]; 4] = [
        &[1.0, 1.5, 2.0, 3.0, 5.0, 7.0],
        &[1.0, 2.0, 5.0],
        &[1.0, 3.0],
        &[1.0],
    ];
    for steps in options {
        let t = ticks(steps, 1);
        if t.len() <= max && t.len() >= 2 {
            return t;
        }
    }
    (1..)
        .map(|every| ticks(&[1.0], every))
        .find(|t| t.len() <= max.max(2))
        .unwrap_or_default()
}

/// Every x and every y the chart must show.
fn extents(chart: &XyChart) -> (Vec<f64>, Vec<f64>) {
    let mut xs = Vec::new();
    let mut ys = Vec::new();
    for s in &chart.series {
        xs.extend(s.points.iter().map(|p| p.0));
        ys.extend(s.points.iter().map(|p| p.1));
        for (lo, hi) in s.band.iter().flatten() {
            ys.extend([*lo, *hi]);
        }
    }
    for line in &chart.lines {
        match line {
            Line::Horizontal { y, .. } => ys.push(*y),
            Line::Vertical { x, .. } => xs.push(*x),
            Line::Proportional { .. } => {}
        }
    }
    (xs, ys)
}

fn draw_in<DB, X, Y>(
    area: &DrawingArea<DB, Shift>,
    chart: &XyChart,
    x: X,
    y: Y,
) -> Result<(), String>
where
    DB: DrawingBackend,
    X: AsRangedCoord<Value = f64>,
    Y: AsRangedCoord<Value = f64>,
    X::CoordDescType: ValueFormatter<f64>,
    Y::CoordDescType: ValueFormatter<f64>,
{
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let labels = (area.dim_in_pixel().0 / 95).clamp(3, 12) as usize;
    let mut plot = ChartBuilder::on(area)
        .margin(14)
        .x_label_area_size(52)
        .y_label_area_size(78)
        .build_cartesian_2d(x, y)
        .map_err(err)?;
    plot.configure_mesh()
        .x_desc(chart.x.label.as_str())
        .y_desc(chart.y.label.as_str())
        .x_label_formatter(&|v| short_number(*v))
        .y_label_formatter(&|v| short_number(*v))
        .x_labels(labels)
        .label_style((FONT, 16))
        .axis_desc_style((FONT, 18))
        .light_line_style(WHITE)
        .bold_line_style(RGBColor(225, 225, 225))
        .draw()
        .map_err(err)?;
    let (xr, yr) = (plot.x_range(), plot.y_range());
    for line in &chart.lines {
        let grey = match line {
            Line::Proportional { factor, .. } if *factor == 1.0 => BLACK,
            _ => RGBColor(110, 110, 110),
        };
        let (points, label) = match line {
            Line::Horizontal { y, label } => (vec![(xr.start, *y), (xr.end, *y)], label),
            Line::Vertical { x, label } => (vec![(*x, yr.start), (*x, yr.end)], label),
            Line::Proportional { factor, label } => {
                (proportional(xr.clone(), yr.clone(), *factor), label)
            }
        };
        let drawn = plot
            .draw_series(DashedLineSeries::new(points, 6, 4, grey.stroke_width(1)))
            .map_err(err)?;
        if !label.is_empty() {
            drawn.label(label.as_str()).legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 18, y)], grey.stroke_width(1))
            });
        }
    }
    let right_half = {
        let (lo, hi, log) = (xr.start, xr.end, chart.x.log);
        move |x: f64| {
            if log {
                x * x > lo * hi
            } else {
                2.0 * x > lo + hi
            }
        }
    };
    for s in &chart.series {
        draw_series(&mut plot, &drawable(s, chart, &yr), &right_half).map_err(err)?;
    }
    plot.configure_series_labels()
        .position(match chart.legend {
            Corner::UpperLeft => SeriesLabelPosition::UpperLeft,
            Corner::UpperRight => SeriesLabelPosition::UpperRight,
            Corner::LowerLeft => SeriesLabelPosition::LowerLeft,
            Corner::LowerRight => SeriesLabelPosition::LowerRight,
        })
        .label_font((FONT, 15))
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(160, 160, 160))
        .draw()
        .map_err(err)?;
    Ok(())
}

/// The points of `s` a plot can place: finite, positive on a log axis, held inside the y range
/// (a value beyond it is drawn on the frame, not off the figure), and no point repeating the one
/// before it (a zero-length segment of a thick line renders wild in the bitmap backend).
fn drawable(s: &Series, chart: &XyChart, yr: &std::ops::Range<f64>) -> Series {
    let ok = |v: f64, log: bool| v.is_finite() && (!log || v > 0.0);
    let keep: Vec<bool> = s
        .points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            ok(p.0, chart.x.log) && ok(p.1, chart.y.log) && (i == 0 || s.points[i - 1] != *p)
        })
        .collect();
    let hold = |y: f64| y.clamp(yr.start, yr.end);
    Series {
        points: s
            .points
            .iter()
            .zip(&keep)
            .filter(|k| *k.1)
            .map(|(p, _)| (p.0, hold(p.1)))
            .collect(),
        band: s.band.as_ref().map(|b| {
            b.iter()
                .zip(&keep)
                .filter(|k| *k.1)
                .map(|(b, _)| (hold(b.0), hold(b.1)))
                .collect()
        }),
        ..s.clone()
    }
}

/// A polyline cut where it turns sharply (more than about 120° on the page), with points that
/// land on the pixel of the one before dropped: a thick line's mitred join at such a turn, or
/// at a zero-length step, juts far out in the bitmap backend.
fn unfolded(
    points: &[(f64, f64)],
    pixel: impl Fn(&(f64, f64)) -> (i32, i32),
) -> Vec<Vec<(f64, f64)>> {
    let mut kept: Vec<((f64, f64), (f64, f64))> = Vec::with_capacity(points.len());
    for p in points {
        let (x, y) = pixel(p);
        let px = (f64::from(x), f64::from(y));
        if kept.last().is_none_or(|(_, last)| *last != px) {
            kept.push((*p, px));
        }
    }
    let mut pieces = vec![Vec::new()];
    for i in 0..kept.len() {
        let sharp = i >= 2 && {
            let (a, b, c) = (kept[i - 2].1, kept[i - 1].1, kept[i].1);
            let (u, v) = ((b.0 - a.0, b.1 - a.1), (c.0 - b.0, c.1 - b.1));
            (u.0 * v.0 + u.1 * v.1) / (u.0.hypot(u.1) * v.0.hypot(v.1)) < -0.5
        };
        if sharp {
            pieces.push(vec![kept[i - 1].0]);
        }
        pieces
            .last_mut()
            .expect("one piece at least")
            .push(kept[i].0);
    }
    pieces.retain(|piece| piece.len() > 1);
    pieces
}

/// The ends of y = factor · x inside the plot's ranges.
fn proportional(
    xr: std::ops::Range<f64>,
    yr: std::ops::Range<f64>,
    factor: f64,
) -> Vec<(f64, f64)> {
    let lo = xr.start.max(yr.start / factor);
    let hi = xr.end.min(yr.end / factor);
    if lo >= hi {
        return Vec::new();
    }
    // Many points, so the line stays straight on any pair of scales.
    (0..=64)
        .map(|i| {
            let x = lo * (hi / lo).powf(f64::from(i) / 64.0);
            (x, factor * x)
        })
        .collect()
}

fn draw_series<DB, X, Y>(
    plot: &mut ChartContext<'_, DB, Cartesian2d<X, Y>>,
    s: &Series,
    right_half: &dyn Fn(f64) -> bool,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>>
where
    DB: DrawingBackend,
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    let color = s.color;
    if let Some(band) = &s.band {
        let mut outline: Vec<(f64, f64)> =
            s.points.iter().zip(band).map(|(p, b)| (p.0, b.1)).collect();
        outline.extend(s.points.iter().zip(band).rev().map(|(p, b)| (p.0, b.0)));
        plot.draw_series(std::iter::once(Polygon::new(
            outline,
            color.mix(0.18).filled(),
        )))?;
    }
    let legend_line = move |(x, y): (i32, i32)| {
        PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(3))
    };
    match s.style {
        Style::Points => {
            plot.draw_series(
                s.points
                    .iter()
                    .map(|&p| Circle::new(p, 3, color.mix(0.75).filled())),
            )?
            .label(s.name.as_str())
            .legend(move |(x, y)| Circle::new((x + 9, y), 4, color.filled()));
        }
        Style::Line => {
            let pieces = unfolded(&s.points, |p| plot.backend_coord(p));
            plot.draw_series(
                pieces
                    .into_iter()
                    .map(|piece| PathElement::new(piece, color.stroke_width(2))),
            )?
            .label(s.name.as_str())
            .legend(legend_line);
        }
        Style::LinePoints => {
            let pieces = unfolded(&s.points, |p| plot.backend_coord(p));
            plot.draw_series(
                pieces
                    .into_iter()
                    .map(|piece| PathElement::new(piece, color.stroke_width(2))),
            )?
            .label(s.name.as_str())
            .legend(legend_line);
            plot.draw_series(s.points.iter().map(|&p| Circle::new(p, 3, color.filled())))?;
        }
        Style::Marker => {
            let name = s.name.clone();
            plot.draw_series(s.points.iter().map(|&p| {
                let (anchor, dx) = if right_half(p.0) {
                    (HPos::Right, -12)
                } else {
                    (HPos::Left, 12)
                };
                let style =
                    TextStyle::from((FONT, 16).into_font()).pos(Pos::new(anchor, VPos::Bottom));
                EmptyElement::at(p)
                    + Circle::new((0, 0), 9, color.stroke_width(3))
                    + Text::new(name.clone(), (dx, -8), style)
            }))?;
        }
    }
    Ok(())
}
