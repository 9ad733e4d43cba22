//! Figure 6: the break-even map — who wins, and by how much, over epochs to converge × model
//! size. LambdaML's conclusion as a picture: FaaS pays off for small R and little communication.

use plotters::style::RGBColor;

use crate::model::Platform;
use crate::optimize::sweep::BreakEven;
use crate::report::chart::{Cell, Chart, FAAS, GridChart, IAAS, Panel, short_number};

/// A colour between white and `full` by `strength` in [0, 1].
fn shade(full: RGBColor, strength: f64) -> RGBColor {
    let s = 0.25 + 0.6 * strength.clamp(0.0, 1.0);
    let mix = |c: u8| (255.0 - (255.0 - f64::from(c)) * s).round() as u8;
    RGBColor(mix(full.0), mix(full.1), mix(full.2))
}

/// A parameter count as people write it: 29, 47k, 3.2M, 1G.
fn params_name(n: u64) -> String {
    let n = n as f64;
    let (value, unit) = match n {
        _ if n >= 1e9 => (n / 1e9, "G"),
        _ if n >= 1e6 => (n / 1e6, "M"),
        _ if n >= 1e3 => (n / 1e3, "k"),
        _ => (n, ""),
    };
    format!("{}{unit}", short_number(value))
}

/// The map: `cells[row][column]` for `sizes[row]` parameters × `epochs[column]`; `goal` names
/// what the margin compares; `own` is the scenario's model size, marked.
pub fn chart(
    scenario: &str,
    goal: &str,
    epochs: &[f64],
    sizes: &[u64],
    own: u64,
    cells: &[Vec<Option<BreakEven>>],
) -> Chart {
    let cells = cells
        .iter()
        .map(|row| {
            row.iter()
                .map(|c| match c {
                    Some(c) => {
                        let (color, side) = match c.winner {
                            Platform::Faas => (FAAS, "FaaS"),
                            Platform::Iaas => (IAAS, "IaaS"),
                        };
                        Cell {
                            fill: shade(color, c.margin.log10() / 2.0),
                            text: format!("{side} ×{:.1}", c.margin),
                        }
                    }
                    None => Cell {
                        fill: RGBColor(230, 230, 230),
                        text: "no plan".into(),
                    },
                })
                .collect()
        })
        .collect();
    Chart::single(
        format!("{scenario}: who wins on {goal}, by how much"),
        Panel::Grid(GridChart {
            x_label: "epochs to converge, R".into(),
            columns: epochs.iter().map(|&r| short_number(r)).collect(),
            y_label: "model size (parameters)".into(),
            rows: sizes
                .iter()
                .map(|&n| {
                    if n == own {
                        format!("{} (this)", params_name(n))
                    } else {
                        params_name(n)
                    }
                })
                .collect(),
            cells,
            legend: vec![
                ("FaaS wins (darker: by more)".into(), FAAS),
                ("IaaS wins".into(), IAAS),
            ],
        }),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn parameter_counts_read_short() {
        assert_eq!(super::params_name(29), "29");
        assert_eq!(super::params_name(47_236), "47.2k");
        assert_eq!(super::params_name(3_200_000), "3.2M");
        assert_eq!(super::params_name(100_000_000), "100M");
    }
}
