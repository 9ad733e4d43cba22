//! # Charts
//!
//! A figure as data — titles, axes with units, series, legends — rendered by plotters to SVG
//! (a string, for files and for inlining in HTML) or to PNG (a file). The figures of a report
//! are built as [`Chart`]s in `report::figures`; how each kind is drawn lives in one file here:
//! `xy` (points and lines on linear or log axes), `bars` (stacked or grouped, vertical or
//! horizontal) and `grid` (a coloured table of cells). Text uses the bundled DejaVu fonts, so
//! rendering needs no system fonts.

mod bars;
mod grid;
mod xy;

use std::path::Path;
use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::prelude::*;

pub use bars::{BarChart, BarLayout, Segment};
pub use grid::{Cell, GridChart};
pub use xy::{Axis, Corner, Line, Series, Style, XyChart};

/// Width and height of one figure, in pixels.
pub const SIZE: (u32, u32) = (960, 600);
/// The font family every chart text uses (registered from the bundled DejaVu Sans).
pub const FONT: &str = "sans-serif";

/// A figure: a title and one or more panels side by side.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub title: String,
    pub panels: Vec<Panel>,
}

/// One drawing inside a figure.
#[derive(Debug, Clone, PartialEq)]
pub enum Panel {
    Xy(XyChart),
    Bars(BarChart),
    Grid(GridChart),
}

/// A colour of the palette (Tableau 10: distinct in print and for most colour-blind readers).
pub const PALETTE: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];
/// FaaS's colour in every figure.
pub const FAAS: RGBColor = PALETTE[0];
/// IaaS's colour in every figure.
pub const IAAS: RGBColor = PALETTE[1];

impl Chart {
    /// A figure of one panel.
    pub fn single(title: impl Into<String>, panel: Panel) -> Self {
        Chart {
            title: title.into(),
            panels: vec![panel],
        }
    }

    /// The figure as an SVG document.
    pub fn to_svg(&self) -> Result<String, String> {
        register_fonts()?;
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
            self.draw(&root)?;
            root.present().map_err(|e| e.to_string())?;
        }
        Ok(svg)
    }

    /// The figure as a PNG file at `path`.
    pub fn write_png(&self, path: &Path) -> Result<(), String> {
        register_fonts()?;
        let root = BitMapBackend::new(path, SIZE).into_drawing_area();
        self.draw(&root)?;
        root.present()
            .map_err(|e| format!("{}: {e}", path.display()))
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let body = root
            .titled(&self.title, (FONT, 26).into_font().style(FontStyle::Bold))
            .map_err(|e| e.to_string())?;
        let areas = body.split_evenly((1, self.panels.len().max(1)));
        for (panel, area) in self.panels.iter().zip(&areas) {
            match panel {
                Panel::Xy(c) => xy::draw(area, c)?,
                Panel::Bars(c) => bars::draw(area, c)?,
                Panel::Grid(c) => grid::draw(area, c)?,
            }
        }
        Ok(())
    }
}

/// Registers the bundled fonts with plotters, once per process.
fn register_fonts() -> Result<(), String> {
    static DONE: OnceLock<Result<(), String>> = OnceLock::new();
    DONE.get_or_init(|| {
        let fonts = [
            (FontStyle::Normal, dejavu::sans::regular()),
            (FontStyle::Bold, dejavu::sans::bold()),
            (FontStyle::Italic, dejavu::sans::oblique()),
        ];
        for (style, bytes) in fonts {
            plotters::style::register_font(FONT, style, bytes)
                .map_err(|_| "the bundled DejaVu Sans font does not load".to_string())?;
        }
        Ok(())
    })
    .clone()
}

/// A number as a short axis label: three significant figures, SI-style for the very large and
/// very small.
pub fn short_number(v: f64) -> String {
    let a = v.abs();
    if a == 0.0 {
        "0".into()
    } else if !(1e-3..1e6).contains(&a) {
        format!("{v:.1e}").replace(".0e", "e")
    } else if a >= 100.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        trim(format!("{v:.1}"))
    } else if a >= 1.0 {
        trim(format!("{v:.2}"))
    } else {
        let digits = (-a.log10()).ceil() as usize + 2;
        trim(format!("{v:.digits$}"))
    }
}

fn trim(text: String) -> String {
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// The range a set of values spans, padded so no mark sits on the frame; on a log axis
/// (`log`) only positive values count and the padding is a factor.
pub fn padded_range(values: impl IntoIterator<Item = f64>, log: bool) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values {
        if v.is_finite() && (!log || v > 0.0) {
            lo = lo.min(v);
            hi = hi.max(v);
        }
    }
    if !lo.is_finite() {
        return if log { (1.0, 10.0) } else { (0.0, 1.0) };
    }
    if log {
        let (lo, hi) = if hi / lo < 1.5 {
            (lo / 1.5, hi * 1.5)
        } else {
            (lo, hi)
        };
        (lo / 1.25, hi * 1.25)
    } else {
        let span = if hi > lo { hi - lo } else { hi.abs().max(1.0) };
        (lo - 0.06 * span, hi + 0.06 * span)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_short() {
        assert_eq!(short_number(0.0), "0");
        assert_eq!(short_number(1234.0), "1234");
        assert_eq!(short_number(12.5), "12.5");
        assert_eq!(short_number(1.0), "1");
        assert_eq!(short_number(0.0123), "0.0123");
        assert_eq!(short_number(2.5e7), "2.5e7");
        assert_eq!(short_number(2e-4), "2e-4");
        assert_eq!(short_number(1.5e-4), "1.5e-4");
    }

    #[test]
    fn ranges_are_padded_and_log_ranges_positive() {
        let (lo, hi) = padded_range([1.0, 2.0], false);
        assert!(lo < 1.0 && hi > 2.0);
        let (lo, hi) = padded_range([-1.0, 0.0, 10.0, 100.0], true);
        assert!(lo > 0.0 && lo < 10.0 && hi > 100.0);
        assert_eq!(padded_range([], true), (1.0, 10.0));
    }

    #[test]
    fn a_chart_renders_to_valid_svg_with_its_text() {
        let chart = Chart::single(
            "Demo",
            Panel::Xy(XyChart {
                x: Axis::log("time (s)"),
                y: Axis::linear("cost ($)"),
                series: vec![Series::points("FaaS", FAAS, vec![(1.0, 2.0), (10.0, 3.0)])],
                ..XyChart::default()
            }),
        );
        let svg = chart.to_svg().unwrap();
        assert!(svg.starts_with("<svg"), "{}", &svg[..40]);
        assert!(svg.contains("Demo") && svg.contains("time (s)") && svg.contains("FaaS"));
        assert!(svg.trim_end().ends_with("</svg>"));
    }
}
