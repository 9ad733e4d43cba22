//! A table of coloured cells over two categorical axes, each cell with a short text: the
//! break-even map (who wins at each number of epochs and model size).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::FONT;

/// One cell: its colour and what it says.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub fill: RGBColor,
    pub text: String,
}

/// A grid chart: `cells[row][column]`, rows bottom to top.
#[derive(Debug, Clone, PartialEq)]
pub struct GridChart {
    pub x_label: String,
    pub columns: Vec<String>,
    pub y_label: String,
    pub rows: Vec<String>,
    pub cells: Vec<Vec<Cell>>,
    /// What the colours mean.
    pub legend: Vec<(String, RGBColor)>,
}

/// Draws `chart` into `area`.
pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &GridChart,
) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let (nx, ny) = (
        chart.columns.len().max(1) as f64,
        chart.rows.len().max(1) as f64,
    );
    let (plot_area, legend_area) = area.split_vertically(area.dim_in_pixel().1 - 40);
    let mut plot = ChartBuilder::on(&plot_area)
        .margin(14)
        .x_label_area_size(56)
        .y_label_area_size(110)
        .build_cartesian_2d(0.0..nx, 0.0..ny)
        .map_err(err)?;
    plot.configure_mesh()
        .disable_mesh()
        .x_labels(0)
        .y_labels(0)
        .x_desc(chart.x_label.as_str())
        .y_desc(chart.y_label.as_str())
        .axis_desc_style((FONT, 18))
        .draw()
        .map_err(err)?;
    for (r, row) in chart.cells.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (x, y) = (c as f64, r as f64);
            plot.draw_series(std::iter::once(Rectangle::new(
                [(x + 0.02, y + 0.02), (x + 0.98, y + 0.98)],
                cell.fill.filled(),
            )))
            .map_err(err)?;
            let style =
                TextStyle::from((FONT, 15).into_font()).pos(Pos::new(HPos::Center, VPos::Center));
            plot.draw_series(std::iter::once(Text::new(
                cell.text.clone(),
                (x + 0.5, y + 0.5),
                style,
            )))
            .map_err(err)?;
        }
    }
    let base = plot_area.get_base_pixel();
    let label = |h: HPos, v: VPos| TextStyle::from((FONT, 16).into_font()).pos(Pos::new(h, v));
    for (c, name) in chart.columns.iter().enumerate() {
        let (x, y) = plot.backend_coord(&(c as f64 + 0.5, 0.0));
        plot_area
            .draw_text(
                name,
                &label(HPos::Center, VPos::Top),
                (x - base.0, y - base.1 + 8),
            )
            .map_err(err)?;
    }
    for (r, name) in chart.rows.iter().enumerate() {
        let (x, y) = plot.backend_coord(&(0.0, r as f64 + 0.5));
        plot_area
            .draw_text(
                name,
                &label(HPos::Right, VPos::Center),
                (x - base.0 - 8, y - base.1),
            )
            .map_err(err)?;
    }
    let mut x = 130;
    for (name, color) in &chart.legend {
        legend_area
            .draw(&Rectangle::new([(x, 10), (x + 18, 28)], color.filled()))
            .map_err(err)?;
        legend_area
            .draw_text(name, &label(HPos::Left, VPos::Center), (x + 26, 19))
            .map_err(err)?;
        x += 40 + 9 * name.chars().count() as i32;
    }
    Ok(())
}
