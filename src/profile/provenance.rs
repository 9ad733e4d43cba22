//! # Provenance of the built-in profiles
//!
//! Every decisive number in `profiles/` carries a comment saying where it comes from: measured
//! (by a Stratus command or in a shared data set, and how), published (a price list, a
//! provider's documentation, a paper) or, where neither exists yet, an assumption. This module
//! reads the embedded files line by line and lists each number with its source, so `stratus
//! profiles --sources` shows what every answer rests on. A number without a comment of its own
//! takes the comment block above it in its table, or the file's header.

use serde::Serialize;

use super::sources;

/// What kind of source a value has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    /// Measured: by a Stratus command or in a shared data set.
    Measured,
    /// From a price list, a provider's documentation or a paper.
    Published,
    /// Neither yet: a defect to retire.
    Assumption,
}

/// One number of a profile file and where it comes from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Provenance {
    pub file: String,
    /// The dotted key, table first: `s3.latency_s`.
    pub key: String,
    pub value: String,
    pub kind: SourceKind,
    pub source: String,
}

/// Every number of every built-in profile file, with its source.
pub fn all() -> Vec<Provenance> {
    sources::texts()
        .into_iter()
        .flat_map(|(file, text)| of_file(&format!("profiles/{file}"), text))
        .collect()
}

/// The entry of `all` for a dotted profile key as `Profiles::scaled` names it
/// (`channels.s3.latency_s`, `faas.aws-lambda-x86.startup.cold_start_mean_s`).
pub fn find<'a>(all: &'a [Provenance], key: &str) -> Option<&'a Provenance> {
    let (section, rest) = key.split_once('.')?;
    let (file, key) = match section {
        "faas" => {
            let (name, rest) = rest.split_once('.')?;
            let source = sources::builtin().faas.remove(name)?;
            (source.file, rest)
        }
        "channels" => ("profiles/channels.toml".to_string(), rest),
        "ec2" => ("profiles/ec2.toml".to_string(), rest),
        "cache_nodes" => ("profiles/cache-nodes.toml".to_string(), rest),
        "workloads" => ("profiles/workloads.toml".to_string(), rest),
        "runtimes" => ("profiles/runtimes.toml".to_string(), rest),
        _ => return None,
    };
    all.iter().find(|p| p.file == file && p.key == key)
}

/// The numbers of one file's text.
pub fn of_file(file: &str, text: &str) -> Vec<Provenance> {
    let header = header_comment(text);
    let (mut table, mut block) = (String::new(), String::new());
    let mut out = Vec::new();
    for line in text.lines().map(str::trim) {
        if let Some(comment) = line.strip_prefix('#') {
            block.push_str(comment.trim());
            block.push(' ');
        } else if line.starts_with('[') {
            table = line.trim_matches(['[', ']']).replace('"', "");
            block.clear();
        } else if let Some((key, rest)) = line.split_once('=') {
            let (value, comment) = split_comment(rest);
            let source = [comment, block.trim(), header.as_str()]
                .into_iter()
                .find(|s| !s.is_empty())
                .unwrap_or_default()
                .to_string();
            for (key, value) in numbers_of(&dotted(&table, key.trim()), value) {
                out.push(Provenance {
                    file: file.to_string(),
                    key,
                    value,
                    kind: kind_of(&source),
                    source: source.clone(),
                });
            }
        } else if line.is_empty() {
            block.clear();
        }
    }
    out
}

fn header_comment(text: &str) -> String {
    text.lines()
        .take_while(|l| l.trim_start().starts_with('#'))
        .map(|l| l.trim_start_matches('#').trim())
        .collect::<Vec<_>>()
        .join(" ")
}

fn split_comment(rest: &str) -> (&str, &str) {
    match rest.split_once('#') {
        Some((value, comment)) if !value.contains('"') || value.matches('"').count() % 2 == 0 => {
            (value.trim(), comment.trim())
        }
        _ => (rest.trim(), ""),
    }
}

/// The numbers a `key = value` line holds: the value itself, or each number of an inline
/// table (`gpu = { tflops = 15.7, … }` gives `gpu.tflops`).
fn numbers_of(key: &str, value: &str) -> Vec<(String, String)> {
    if let Some(inner) = value.strip_prefix('{').and_then(|v| v.strip_suffix('}')) {
        return inner
            .split(',')
            .filter_map(|pair| pair.split_once('='))
            .map(|(k, v)| (format!("{key}.{}", k.trim()), v.trim().to_string()))
            .filter(|(_, v)| is_number(v))
            .collect();
    }
    if value.starts_with('[') {
        return array_numbers(key, value);
    }
    if is_number(value) {
        vec![(key.to_string(), value.to_string())]
    } else {
        Vec::new()
    }
}

/// Each number of an array, nested ones included: `sizes_mb[2]`, `read_slowdown[4][1]`.
fn array_numbers(key: &str, value: &str) -> Vec<(String, String)> {
    let Ok(parsed) = format!("x = {value}").parse::<toml::Table>() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    flatten(key, &parsed["x"], &mut out);
    out
}

fn flatten(key: &str, value: &toml::Value, out: &mut Vec<(String, String)>) {
    match value {
        toml::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                flatten(&format!("{key}[{i}]"), item, out);
            }
        }
        toml::Value::Integer(n) => out.push((key.to_string(), n.to_string())),
        toml::Value::Float(x) => out.push((key.to_string(), x.to_string())),
        _ => {}
    }
}

fn is_number(value: &str) -> bool {
    value.replace('_', "").parse::<f64>().is_ok()
}

fn dotted(table: &str, key: &str) -> String {
    if table.is_empty() {
        key.to_string()
    } else {
        format!("{table}.{key}")
    }
}

fn kind_of(source: &str) -> SourceKind {
    let lower = source.to_lowercase();
    if lower.starts_with("assumption") || lower.contains(": assumption") {
        SourceKind::Assumption
    } else if lower.starts_with("measured") || lower.contains("shared/data/profiles") {
        SourceKind::Measured
    } else {
        SourceKind::Published
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_inline_block_and_header_sources() {
        let text = "# Prices: the list.\n[a]\nx = 1.5   # measured: a probe\n# assumption: a guess\ny = 2\n\nz = 3\n";
        let rows = of_file("f.toml", text);
        assert_eq!(rows.len(), 3);
        assert_eq!(
            (rows[0].key.as_str(), rows[0].kind),
            ("a.x", SourceKind::Measured)
        );
        assert_eq!(rows[1].kind, SourceKind::Assumption);
        assert_eq!(rows[2].source, "Prices: the list.");
    }

    #[test]
    fn lists_the_numbers_of_an_inline_table_with_the_comment_above_it() {
        let text =
            "[i]\n# measured: a README\ngpu = { name = \"V\", tflops = 15.7, efficiency = 0.5 }\n";
        let rows = of_file("f.toml", text);
        let keys: Vec<&str> = rows.iter().map(|r| r.key.as_str()).collect();
        assert_eq!(keys, ["i.gpu.tflops", "i.gpu.efficiency"]);
        assert_eq!(rows[1].kind, SourceKind::Measured);
    }

    #[test]
    fn lists_each_number_of_an_array_with_its_index() {
        let text = "[n]\nq = [[0.0, 1.0], [1.0, 2.5]]   # measured: a test\ns = [\"a\"]\n";
        let rows = of_file("f.toml", text);
        let keys: Vec<&str> = rows.iter().map(|r| r.key.as_str()).collect();
        assert_eq!(keys, ["n.q[0][0]", "n.q[0][1]", "n.q[1][0]", "n.q[1][1]"]);
        assert_eq!(rows[3].value, "2.5");
        assert!(rows.iter().all(|r| r.kind == SourceKind::Measured));
    }

    #[test]
    fn every_builtin_number_has_a_source() {
        let rows = all();
        assert!(rows.len() > 100);
        for row in &rows {
            assert!(!row.source.is_empty(), "{} {}", row.file, row.key);
        }
        assert!(
            rows.iter()
                .any(|r| r.key == "pytorch.step_overhead_s" && r.kind == SourceKind::Measured)
        );
    }
}
