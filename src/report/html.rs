//! # The report page
//!
//! `index.html` of a report: one self-contained file — inline CSS and inline SVG, no script,
//! nothing fetched — with the verdict and its reason, the best plan of each side, every figure,
//! the sensitivity with the sources of the numbers that decide the answer, the reproduction
//! summary, the scenario as written and the profiles and calibration used.

use std::fmt::Write;

use crate::model::Platform;
use crate::optimize::sensitivity::Sensitivity;
use crate::profile::provenance;
use crate::reproduce::summarise;
use crate::units::{format_seconds, format_usd};

use super::bundle::{Report, ReportInput};

const STYLE: &str = "body{font-family:'DejaVu Sans',Helvetica,Arial,sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}\
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.25em;margin-top:2em;border-bottom:1px solid #ddd}\
.verdict{font-size:1.15em;background:#f3f7fb;border-left:4px solid #1f77b4;padding:.6em 1em}\
table{border-collapse:collapse;margin:.6em 0}td,th{border:1px solid #ddd;padding:.25em .6em;text-align:left;vertical-align:top}\
th{background:#f6f6f6}td.n{text-align:right;font-variant-numeric:tabular-nums}\
figure{margin:1.5em 0}figure svg{width:100%;height:auto;border:1px solid #eee}figcaption{color:#555;font-size:.9em}\
pre{background:#f8f8f8;padding:.8em;overflow-x:auto;font-size:.85em}.muted{color:#666}";

/// Escapes text for HTML.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The page of `report`; `svgs` are the figures' SVG documents, in the report's order.
pub fn page(input: &ReportInput<'_>, report: &Report, svgs: &[String]) -> String {
    let name = escape(&input.scenario.name);
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Stratus report: {name}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>Should {name} train on functions or on VMs?</h1>\n<p class=\"muted\">Stratus {} · minimising {}</p>\n",
        env!("CARGO_PKG_VERSION"),
        escape(&input.objective.goal.to_string()),
    );
    verdict(&mut out, input, report);
    figures(&mut out, report, svgs);
    if let Some(s) = &report.sensitivity {
        sensitivity(&mut out, s);
    }
    reproduction(&mut out, report);
    inputs(&mut out, input);
    out.push_str("</body>\n</html>\n");
    out
}

fn verdict(out: &mut String, input: &ReportInput<'_>, report: &Report) {
    let plan = &report.plan;
    let _ = writeln!(
        out,
        "<h2>Verdict</h2>\n<p class=\"verdict\"><strong>{}</strong>: {}</p>",
        plan.verdict.winner.label(),
        escape(&plan.verdict.reason)
    );
    let _ = writeln!(
        out,
        "<p>{}</p>",
        escape(&super::workload::line(input.scenario))
    );
    out.push_str("<table>\n<tr><th>side</th><th>best plan</th><th>time</th><th>cost</th></tr>\n");
    for platform in [Platform::Faas, Platform::Iaas] {
        let row = match plan.best(platform) {
            Some(c) => match c.feasible() {
                Some(o) => format!(
                    "<td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>",
                    escape(&c.config.describe()),
                    format_seconds(o.total_s()),
                    format_usd(o.total_usd())
                ),
                None => "<td colspan=\"3\">cannot run</td>".into(),
            },
            None => "<td colspan=\"3\">not planned (absent from the scenario, or nothing qualifies)</td>".into(),
        };
        let _ = writeln!(out, "<tr><td>{}</td>{row}</tr>", platform.label());
    }
    out.push_str("</table>\n");
}

fn figures(out: &mut String, report: &Report, svgs: &[String]) {
    out.push_str("<h2>Figures</h2>\n");
    for (figure, svg) in report.figures.iter().zip(svgs) {
        let _ = writeln!(
            out,
            "<figure id=\"{0}\">\n{1}\n<figcaption>{2} — <a href=\"{0}.svg\">SVG</a> · <a href=\"{0}.png\">PNG</a></figcaption>\n</figure>",
            figure.name,
            svg.trim(),
            escape(&figure.chart.title)
        );
    }
    if !report.simulated.is_empty() {
        out.push_str("<p>Simulated with the real kernels:</p>\n<ul>\n");
        for (name, config) in &report.simulated {
            let _ = writeln!(out, "<li>{}: {}</li>", escape(name), escape(config));
        }
        out.push_str("</ul>\n");
    }
    if !report.skipped.is_empty() {
        out.push_str("<p>Not drawn:</p>\n<ul>\n");
        for (name, why) in &report.skipped {
            let _ = writeln!(out, "<li>{name}: {}</li>", escape(why));
        }
        out.push_str("</ul>\n");
    }
}

fn sensitivity(out: &mut String, s: &Sensitivity) {
    out.push_str("<h2>What decides the answer</h2>\n<p>Each input moved by −50% and +50%; the change of FaaS's objective over IaaS's, largest first, and where each number comes from.</p>\n<table>\n<tr><th>input</th><th>value</th><th>×0.5</th><th>×1.5</th><th>source</th></tr>\n");
    let sources = provenance::all();
    for e in &s.effects {
        let change = |i: usize| {
            e.moved[i].map_or("no plan".into(), |a| {
                let flip = if a.winner == s.base.winner {
                    ""
                } else {
                    " (flips)"
                };
                format!("{:+.0}%{flip}", 100.0 * (a.ratio / s.base.ratio - 1.0))
            })
        };
        let source = provenance::find(&sources, &e.key).map_or_else(
            || "the scenario".to_string(),
            |p| format!("{} {} ({:?}): {}", p.file, p.key, p.kind, p.source),
        );
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
            escape(&e.name),
            super::chart::short_number(e.base_value),
            change(0),
            change(1),
            escape(&source)
        );
    }
    out.push_str("</table>\n");
}

fn reproduction(out: &mut String, report: &Report) {
    if report.reproduction.is_empty() {
        return;
    }
    let s = summarise(&report.reproduction);
    let _ = writeln!(
        out,
        "<h2>How far to trust it</h2>\n<p>Stratus's default profiles against {} published measurements (<code>stratus reproduce</code>): median error factor ×{:.2}, largest ×{:.2}, geometric-mean ratio {:.2}; {} rows the model cannot express.</p>",
        s.predicted, s.median_error_factor, s.max_error_factor, s.geomean_ratio, s.not_expressible
    );
}

fn inputs(out: &mut String, input: &ReportInput<'_>) {
    out.push_str("<h2>Inputs</h2>\n");
    let _ = writeln!(
        out,
        "<p>Scenario <code>{}</code>:</p>\n<pre>{}</pre>",
        escape(&input.scenario.file),
        escape(input.scenario_text.trim_end())
    );
    if !input.sets.is_empty() {
        let sets: Vec<String> = input
            .sets
            .iter()
            .map(|s| format!("<code>{}</code>", escape(s)))
            .collect();
        let _ = writeln!(out, "<p>Overrides: {}</p>", sets.join(" "));
    }
    let mut profiles = Vec::new();
    if let Some(space) = &input.scenario.faas {
        profiles.push(format!(
            "FaaS profile <code>{}</code>",
            escape(&space.profile)
        ));
    }
    profiles.push(format!(
        "runtime <code>{}</code>",
        escape(&input.scenario.workload.runtime)
    ));
    profiles.push("channels, instances and prices as built into this version (<code>stratus profiles --sources</code> lists every number with its source)".into());
    let _ = writeln!(out, "<p>Profiles: {}.</p>", profiles.join(", "));
    match &input.calibration {
        Some((path, _)) => {
            let _ = writeln!(
                out,
                "<p>Calibration: <code>{}</code> laid over the profiles.</p>",
                escape(path)
            );
        }
        None => out.push_str("<p>Calibration: none (the built-in profiles).</p>\n"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_markup() {
        assert_eq!(
            super::escape("a<b & \"c\">"),
            "a&lt;b &amp; &quot;c&quot;&gt;"
        );
    }
}
