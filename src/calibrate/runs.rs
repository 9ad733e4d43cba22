//! # Measured-runs CSV
//!
//! One row per measured training run: the configuration as dotted scenario keys (or the aliases
//! `structure`, `workers`, `memory_mb`, `iterations`, `epochs`, `channel`, `pattern`,
//! `instance`) and the observed wall time in `time_s` or `latency_s`; `#` lines are comments.
//! Each row becomes the `--set` overrides that turn the calibration's scenario into that run, so
//! `estimate` can predict it. A row with an `instance` (or any `iaas.` key) is an IaaS run.

use std::io::BufRead;

use super::CalibrateError;
use crate::model::Platform;

/// The columns that name the observed time.
const OBSERVED: [&str; 2] = ["time_s", "latency_s"];

/// One measured run.
#[derive(Debug, Clone, PartialEq)]
pub struct RunRow {
    /// Line in the file, for messages.
    pub line: u64,
    /// `KEY=VALUE` overrides that make the scenario this run.
    pub sets: Vec<String>,
    /// The row's configuration as written (`structure=1-5-100`).
    pub label: String,
    pub observed_s: f64,
    pub platform: Platform,
}

/// The runs of one file.
#[derive(Debug, Clone, PartialEq)]
pub struct RunsTable {
    pub file: String,
    /// Which column held the observation.
    pub observed_column: String,
    pub rows: Vec<RunRow>,
}

/// Whether a CSV header is a measured-runs table.
pub fn is_runs_header(columns: &[&str]) -> bool {
    columns.iter().any(|c| OBSERVED.contains(c))
}

/// The dotted scenario key a column sets, for a FaaS or an IaaS run.
fn scenario_key(column: &str, platform: Platform) -> Option<String> {
    let key = match (column, platform) {
        ("structure", _) => "faas.structure",
        ("workers", Platform::Faas) => "faas.workers",
        ("workers", Platform::Iaas) => "iaas.workers",
        ("memory_mb", _) => "faas.memory_mb",
        ("iterations", _) => "workload.iterations",
        ("epochs", _) => "workload.epochs",
        ("channel", _) => "faas.channel",
        ("pattern", _) => "faas.pattern",
        ("instance", _) => "iaas.instances",
        (dotted, _) if dotted.contains('.') => dotted,
        _ => return None,
    };
    Some(key.to_string())
}

/// Which column holds what, from the header.
struct Layout {
    header: Vec<String>,
    observed: usize,
    /// (column, scenario key) of every configuration column.
    keys: Vec<(usize, String)>,
    platform: Platform,
}

impl Layout {
    fn new(header: Vec<String>, file: &str) -> Result<Self, CalibrateError> {
        let observed = observed_column(&header, file)?;
        let iaas = header
            .iter()
            .any(|h| h == "instance" || h.starts_with("iaas."));
        let platform = if iaas { Platform::Iaas } else { Platform::Faas };
        let mut keys = Vec::new();
        for (i, column) in header.iter().enumerate().filter(|&(i, _)| i != observed) {
            let key =
                scenario_key(column, platform).ok_or_else(|| CalibrateError::UnknownColumn {
                    file: file.to_string(),
                    column: column.clone(),
                })?;
            keys.push((i, key));
        }
        Ok(Layout {
            header,
            observed,
            keys,
            platform,
        })
    }

    /// The configuration cells a row fills in, with their scenario keys and column names.
    fn filled<'r>(
        &'r self,
        record: &'r csv::StringRecord,
    ) -> impl Iterator<Item = (&'r str, &'r str, &'r str)> {
        self.keys.iter().filter_map(move |(i, key)| {
            let cell = record.get(*i).unwrap_or("");
            (!cell.is_empty()).then_some((key.as_str(), self.header[*i].as_str(), cell))
        })
    }
}

/// Reads a measured-runs CSV.
pub fn read(reader: impl BufRead, file: &str) -> Result<RunsTable, CalibrateError> {
    let mut csv = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .trim(csv::Trim::All)
        .from_reader(reader);
    let header = csv
        .headers()
        .map_err(|e| CalibrateError::from_csv(e, file))?
        .iter()
        .map(str::to_string)
        .collect();
    let layout = Layout::new(header, file)?;
    let mut rows = Vec::new();
    for record in csv.records() {
        let record = record.map_err(|e| CalibrateError::from_csv(e, file))?;
        rows.push(row(&record, &layout, file)?);
    }
    if rows.is_empty() {
        return Err(CalibrateError::NothingUsable {
            file: file.to_string(),
            what: "measured runs",
            skipped: 0,
        });
    }
    Ok(RunsTable {
        file: file.to_string(),
        observed_column: layout.header[layout.observed].clone(),
        rows,
    })
}

fn observed_column(header: &[String], file: &str) -> Result<usize, CalibrateError> {
    let found: Vec<usize> = (0..header.len())
        .filter(|&i| OBSERVED.contains(&header[i].as_str()))
        .collect();
    match found.as_slice() {
        [only] => Ok(*only),
        _ => Err(CalibrateError::ObservedColumn {
            file: file.to_string(),
            found: if found.is_empty() {
                "none".into()
            } else {
                found
                    .iter()
                    .map(|&i| header[i].as_str())
                    .collect::<Vec<_>>()
                    .join(" and ")
            },
        }),
    }
}

fn row(record: &csv::StringRecord, layout: &Layout, file: &str) -> Result<RunRow, CalibrateError> {
    let line = record.position().map_or(0, |p| p.line());
    let text = record.get(layout.observed).unwrap_or("");
    let observed_s = text
        .parse::<f64>()
        .ok()
        .filter(|t| *t > 0.0 && t.is_finite())
        .ok_or_else(|| {
            CalibrateError::bad_value(
                file,
                line,
                &layout.header[layout.observed],
                text,
                "a positive number of seconds",
            )
        })?;
    Ok(RunRow {
        line,
        sets: layout
            .filled(record)
            .map(|(key, _, cell)| format!("{key}={cell}"))
            .collect(),
        label: layout
            .filled(record)
            .map(|(_, column, cell)| format!("{column}={cell}"))
            .collect::<Vec<_>>()
            .join(" "),
        observed_s,
        platform: layout.platform,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const FENG_LIKE: &str = "# a comment\n# another\nstructure,workers,memory_mb,iterations,latency_s\n1-100,100,512,50,1216.97\n1-5-100,100,512,50,650.66\n";

    #[test]
    fn turns_each_row_into_scenario_overrides() {
        let table = read(FENG_LIKE.as_bytes(), "r.csv").unwrap();
        assert_eq!(table.observed_column, "latency_s");
        assert_eq!(table.rows.len(), 2);
        let first = &table.rows[0];
        assert_eq!(first.line, 4);
        assert_eq!(
            first.sets,
            [
                "faas.structure=1-100",
                "faas.workers=100",
                "faas.memory_mb=512",
                "workload.iterations=50"
            ]
        );
        assert_eq!(
            first.label,
            "structure=1-100 workers=100 memory_mb=512 iterations=50"
        );
        assert_eq!(first.platform, Platform::Faas);
    }

    #[test]
    fn an_instance_column_makes_iaas_runs() {
        let table = read(
            "instance,workers,time_s\nc5.large,4,100\n".as_bytes(),
            "r.csv",
        )
        .unwrap();
        assert_eq!(table.rows[0].platform, Platform::Iaas);
        assert_eq!(
            table.rows[0].sets,
            ["iaas.instances=c5.large", "iaas.workers=4"]
        );
    }

    #[test]
    fn empty_cells_keep_the_scenario_value() {
        let table = read("faas.workers,time_s\n,10\n".as_bytes(), "r.csv").unwrap();
        assert!(table.rows[0].sets.is_empty());
    }

    #[test]
    fn rejects_a_column_that_is_no_scenario_key() {
        let err = read("colour,time_s\nred,1\n".as_bytes(), "r.csv").unwrap_err();
        assert!(
            matches!(err, CalibrateError::UnknownColumn { ref column, .. } if column == "colour")
        );
    }

    #[test]
    fn rejects_two_observed_columns() {
        let err = read("time_s,latency_s\n1,2\n".as_bytes(), "r.csv").unwrap_err();
        assert_eq!(
            err.to_string(),
            "r.csv: needs exactly one observed column, time_s or latency_s (found time_s and latency_s)"
        );
    }

    #[test]
    fn rejects_a_non_positive_observation_with_its_line() {
        let err = read("workers,time_s\n10,0\n".as_bytes(), "r.csv").unwrap_err();
        assert_eq!(
            err.to_string(),
            "r.csv:2: time_s: `0` is not a positive number of seconds"
        );
    }

    #[test]
    fn rejects_a_ragged_row() {
        let err = read("workers,time_s\n10\n".as_bytes(), "r.csv").unwrap_err();
        assert!(
            matches!(err, CalibrateError::RaggedRow { line: 2, .. }),
            "{err}"
        );
    }

    #[test]
    fn rejects_a_table_without_rows() {
        let err = read("workers,time_s\n".as_bytes(), "r.csv").unwrap_err();
        assert!(matches!(err, CalibrateError::NothingUsable { .. }));
    }
}
