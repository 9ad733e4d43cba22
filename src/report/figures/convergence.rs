//! Figure 3: loss against time and against dollars from the simulator, one line per variant
//! (the best FaaS and IaaS plans, BSP against ASP, GA-SGD against MA-SGD), the median of the
//! seeded runs with their 5th–95th percentile band when there are several.

use crate::report::chart::{Axis, Chart, PALETTE, Panel, Series, Style, XyChart};
use crate::sim::outcome::TraceRow;

/// One simulated variant: its name and the trace of each seeded run.
#[derive(Debug, Clone)]
pub struct Variant {
    pub name: String,
    /// The configuration simulated, for the page.
    pub config: String,
    pub runs: Vec<Vec<TraceRow>>,
}

/// The `q`-quantile of `values` (sorted in place), by nearest rank.
fn quantile(values: &mut [f64], q: f64) -> f64 {
    values.sort_by(f64::total_cmp);
    let i = ((values.len() - 1) as f64 * q).round() as usize;
    values[i]
}

/// Points of a line, or (lower, upper) pairs of a band.
type Pairs = Vec<(f64, f64)>;

/// Median x and median, 5th and 95th percentile loss at each round every run reached.
fn summary(runs: &[Vec<TraceRow>], x: fn(&TraceRow) -> f64) -> (Pairs, Pairs) {
    let rounds = runs.iter().map(Vec::len).min().unwrap_or(0);
    let mut line = Vec::with_capacity(rounds);
    let mut band = Vec::with_capacity(rounds);
    for i in 0..rounds {
        let mut xs: Vec<f64> = runs.iter().map(|r| x(&r[i])).collect();
        let mut losses: Vec<f64> = runs.iter().map(|r| r[i].loss).collect();
        line.push((quantile(&mut xs, 0.5), quantile(&mut losses, 0.5)));
        band.push((quantile(&mut losses, 0.05), quantile(&mut losses, 0.95)));
    }
    (line, band)
}

/// The highest loss drawn: twice the highest first-round loss, so one diverging run (ASP can
/// reach 1e28) does not flatten every other curve.
fn loss_cap(variants: &[Variant]) -> f64 {
    let first = variants
        .iter()
        .flat_map(|v| v.runs.iter().filter_map(|r| r.first()))
        .map(|row| row.loss)
        .filter(|l| l.is_finite())
        .fold(0.0, f64::max);
    if first > 0.0 {
        2.0 * first
    } else {
        f64::INFINITY
    }
}

/// Whether a variant's median run ends above where it started.
fn diverges(v: &Variant) -> bool {
    v.runs.first().is_some_and(|r| match (r.first(), r.last()) {
        (Some(a), Some(b)) => b.loss.is_nan() || b.loss > a.loss,
        _ => false,
    })
}

/// Loss against time and against dollars for every variant.
pub fn chart(scenario: &str, variants: &[Variant]) -> Chart {
    let cap = loss_cap(variants);
    let clip = |points: Vec<(f64, f64)>| -> Vec<(f64, f64)> {
        points
            .into_iter()
            .map(|(x, y)| (x, if y.is_finite() { y.min(cap) } else { cap }))
            .collect()
    };
    let panel = |x_label: &str, x: fn(&TraceRow) -> f64| {
        let series = variants
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let (line, band) = summary(&v.runs, x);
                let name = if diverges(v) {
                    format!("{} (diverges)", v.name)
                } else {
                    v.name.clone()
                };
                let band: Vec<(f64, f64)> = band
                    .into_iter()
                    .map(|(lo, hi)| (lo.min(cap), hi.min(cap)))
                    .collect();
                let mut s = Series::new(name, PALETTE[i % PALETTE.len()], Style::Line, clip(line));
                if v.runs.len() > 1 {
                    s.band = Some(band);
                }
                s
            })
            .collect();
        Panel::Xy(XyChart {
            x: Axis::log(x_label),
            y: Axis::linear("training loss"),
            series,
            ..XyChart::default()
        })
    };
    let runs = variants.first().map_or(0, |v| v.runs.len());
    let bands = if runs > 1 {
        format!(", median and p5–p95 of {runs} runs")
    } else {
        String::new()
    };
    let over = variants
        .iter()
        .flat_map(|v| v.runs.iter().flatten())
        .any(|r| r.loss.is_nan() || r.loss > cap);
    let clipped = if over {
        ", losses above the axis clipped"
    } else {
        ""
    };
    Chart {
        title: format!("{scenario}: simulated training loss{bands}{clipped}"),
        panels: vec![
            panel("time (s)", |r| r.time_s),
            panel("cost so far (USD)", |r| r.usd),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_by_nearest_rank() {
        let mut v = vec![5.0, 1.0, 3.0, 2.0, 4.0];
        assert_eq!(quantile(&mut v, 0.5), 3.0);
        assert_eq!(quantile(&mut v, 0.0), 1.0);
        assert_eq!(quantile(&mut v, 1.0), 5.0);
    }
}
