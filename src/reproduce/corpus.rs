//! # The published-measurements corpus
//!
//! A CSV of figures others measured, one a row: `id,source,scenario,set,platform,quantity,
//! published,quote,note` (`#` lines are comments). `scenario` is a shipped scenario's name or a
//! path relative to the corpus file, `set` the space-separated `KEY=VALUE` overrides that make it
//! the published setting, `quantity` what was measured (see `quantity`). A row with no scenario
//! is a measurement the model cannot express; it is listed, never dropped.

use std::io::Read;

use super::quantity::Quantity;
use crate::model::Platform;

/// The corpus shipped with Stratus.
pub const SHIPPED: &str = include_str!("../../reproduce/corpus.csv");
/// What the shipped corpus is called in messages.
pub const SHIPPED_NAME: &str = "reproduce/corpus.csv";

/// One published figure.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Line of the row in its file.
    pub line: u64,
    pub id: String,
    pub source: String,
    /// The scenario that expresses the setting; `None`: the model cannot express it.
    pub scenario: Option<String>,
    pub sets: Vec<String>,
    /// Overrides of a second run (optional `baseline_set` column): the figure is then the
    /// quantity of the row's run over the same quantity of this one (a speed-up, a cost ratio).
    pub baseline: Option<Vec<String>>,
    pub platform: Platform,
    pub quantity: Quantity,
    pub published: f64,
    pub quote: String,
    pub note: String,
}

/// A corpus row that breaks a rule.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{file}:{line}: {field}: {message}")]
pub struct CorpusError {
    pub file: String,
    pub line: u64,
    pub field: String,
    pub message: String,
}

const COLUMNS: [&str; 9] = [
    "id",
    "source",
    "scenario",
    "set",
    "platform",
    "quantity",
    "published",
    "quote",
    "note",
];

/// The optional column of a ratio row's second run.
const BASELINE_COLUMN: &str = "baseline_set";

/// Reads a corpus; `file` names it in errors.
pub fn read(reader: impl Read, file: &str) -> Result<Vec<Row>, CorpusError> {
    let error = |line: u64, field: &str, message: String| CorpusError {
        file: file.to_string(),
        line,
        field: field.to_string(),
        message,
    };
    let mut csv = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .trim(csv::Trim::All)
        .from_reader(reader);
    let header: Vec<String> = csv
        .headers()
        .map_err(|e| error(1, "header", e.to_string()))?
        .iter()
        .map(str::to_string)
        .collect();
    let index = columns(&header).map_err(|m| error(1, "header", m))?;
    let baseline_at = header.iter().position(|h| h == BASELINE_COLUMN);
    let mut rows = Vec::new();
    for record in csv.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            error(line, "row", e.to_string())
        })?;
        let line = record.position().map_or(0, |p| p.line());
        let cell = |name: &str| match name {
            BASELINE_COLUMN => baseline_at
                .and_then(|i| record.get(i))
                .unwrap_or("")
                .to_string(),
            _ => record.get(index[column(name)]).unwrap_or("").to_string(),
        };
        rows.push(row(line, &cell).map_err(|(field, m)| error(line, field, m))?);
    }
    check_unique_ids(&rows).map_err(|(line, m)| error(line, "id", m))?;
    Ok(rows)
}

fn column(name: &str) -> usize {
    COLUMNS.iter().position(|c| *c == name).unwrap_or(0)
}

/// Where each required column is in `header`.
fn columns(header: &[String]) -> Result<Vec<usize>, String> {
    COLUMNS
        .iter()
        .map(|name| {
            header
                .iter()
                .position(|h| h == name)
                .ok_or_else(|| format!("missing column `{name}` (need {})", COLUMNS.join(", ")))
        })
        .collect()
}

fn row(line: u64, cell: &dyn Fn(&str) -> String) -> Result<Row, (&'static str, String)> {
    let id = cell("id");
    if id.is_empty() {
        return Err(("id", "every row needs an id".into()));
    }
    let platform = match cell("platform").as_str() {
        "faas" => Platform::Faas,
        "iaas" => Platform::Iaas,
        other => return Err(("platform", format!("`{other}` is not faas or iaas"))),
    };
    let published_text = cell("published");
    let published: f64 = published_text
        .parse()
        .ok()
        .filter(|v: &f64| v.is_finite() && *v > 0.0)
        .ok_or((
            "published",
            format!("`{published_text}` is not a positive number"),
        ))?;
    let scenario = Some(cell("scenario")).filter(|s| !s.is_empty());
    let sets = overrides(&cell("set")).map_err(|m| ("set", m))?;
    let baseline_text = cell(BASELINE_COLUMN);
    let baseline = match baseline_text.is_empty() {
        true => None,
        false => Some(overrides(&baseline_text).map_err(|m| (BASELINE_COLUMN, m))?),
    };
    Ok(Row {
        line,
        id,
        source: cell("source"),
        scenario,
        sets,
        baseline,
        platform,
        quantity: cell("quantity").parse().map_err(|m| ("quantity", m))?,
        published,
        quote: cell("quote"),
        note: cell("note"),
    })
}

/// Space-separated `KEY=VALUE` overrides.
fn overrides(text: &str) -> Result<Vec<String>, String> {
    let sets: Vec<String> = text.split_whitespace().map(String::from).collect();
    match sets.iter().find(|s| !s.contains('=')) {
        Some(bad) => Err(format!("`{bad}` is not KEY=VALUE")),
        None => Ok(sets),
    }
}

fn check_unique_ids(rows: &[Row]) -> Result<(), (u64, String)> {
    let mut seen = std::collections::BTreeMap::new();
    for row in rows {
        if let Some(first) = seen.insert(row.id.as_str(), row.line) {
            return Err((
                row.line,
                format!("`{}` is used already on line {first}", row.id),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "id,source,scenario,set,platform,quantity,published,quote,note\n";

    #[test]
    fn the_shipped_corpus_reads_with_at_least_thirty_rows() {
        let rows = read(SHIPPED.as_bytes(), SHIPPED_NAME).unwrap();
        assert!(rows.len() >= 30, "{}", rows.len());
    }

    #[test]
    fn reads_a_row_with_overrides_and_one_without_a_scenario() {
        let text = format!(
            "# comment\n{HEADER}a,paper,higgs-lr,faas.workers=10 faas.channel=s3,faas,time_s.total,12.5,\"q\",n\nb,paper,,,faas,time_s.total,1,q,ratio\n"
        );
        let rows = read(text.as_bytes(), "c.csv").unwrap();
        assert_eq!(rows[0].sets, ["faas.workers=10", "faas.channel=s3"]);
        assert_eq!(rows[0].published, 12.5);
        assert_eq!(rows[1].scenario, None);
    }

    #[test]
    fn a_baseline_set_makes_a_ratio_row() {
        let text = "id,source,scenario,set,baseline_set,platform,quantity,published,quote,note\nr,p,siren-toy-lr,faas.workers=20,faas.workers=150,faas,time_s.total,4.5,q,n\n";
        let rows = read(text.as_bytes(), "c.csv").unwrap();
        assert_eq!(
            rows[0].baseline.as_deref(),
            Some(&["faas.workers=150".to_string()][..])
        );
        let bad = text.replace("faas.workers=150,faas", "nonsense,faas");
        assert_eq!(
            read(bad.as_bytes(), "c.csv").unwrap_err().field,
            "baseline_set"
        );
    }

    #[test]
    fn names_the_line_and_field_of_a_bad_number() {
        let text = format!("{HEADER}a,p,s,,faas,time_s.total,fast,q,n\n");
        let err = read(text.as_bytes(), "c.csv").unwrap_err();
        assert_eq!((err.line, err.field.as_str()), (2, "published"));
        assert!(err.to_string().starts_with("c.csv:2: published"), "{err}");
    }

    #[test]
    fn rejects_a_missing_column_a_bad_quantity_and_a_repeated_id() {
        let err = read("id,source\n".as_bytes(), "c.csv").unwrap_err();
        assert!(err.message.contains("scenario"), "{err}");
        let text = format!("{HEADER}a,p,s,,faas,time_s.wall,1,q,n\n");
        assert_eq!(
            read(text.as_bytes(), "c.csv").unwrap_err().field,
            "quantity"
        );
        let text =
            format!("{HEADER}a,p,s,,faas,time_s.total,1,q,n\na,p,s,,faas,time_s.total,1,q,n\n");
        let err = read(text.as_bytes(), "c.csv").unwrap_err();
        assert_eq!((err.line, err.field.as_str()), (3, "id"));
    }
}
