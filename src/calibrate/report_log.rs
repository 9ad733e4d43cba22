//! # AWS Lambda REPORT lines
//!
//! Reads the line Lambda logs after every invocation — `REPORT RequestId: … Duration: 395.99 ms
//! Billed Duration: 400 ms Memory Size: 512 MB Max Memory Used: 301 MB Init Duration: 265.72 ms`
//! (Init Duration only on cold starts; tab- or space-separated; any prefix such as a timestamp)
//! — and the `platform.report` records of the Lambda Telemetry API / JSON log format
//! (`{"type":"platform.report","record":{"metrics":{"durationMs":…,"memorySizeMB":…}}}`).
//! Streams one line at a time through a reused buffer, so a gigabyte of logs takes constant
//! memory; lines that are not reports are skipped and counted; a malformed report is an error
//! naming the file, the line and the field.

use std::io::BufRead;

use super::CalibrateError;
use super::observations::Invocation;

/// How many lines a reader used and skipped.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LineCounts {
    pub used: u64,
    pub skipped: u64,
}

/// What is wrong with one report, before the file and line are attached.
#[derive(Debug, Clone, PartialEq)]
enum Fault {
    Missing(&'static str),
    Bad {
        field: String,
        text: String,
        expected: &'static str,
    },
    Json(String),
}

impl Fault {
    fn at(self, file: &str, line: u64) -> CalibrateError {
        match self {
            Fault::Missing(field) => CalibrateError::MissingField {
                file: file.to_string(),
                line,
                field,
            },
            Fault::Bad {
                field,
                text,
                expected,
            } => CalibrateError::bad_value(file, line, field, text, expected),
            Fault::Json(message) => CalibrateError::BadJson {
                file: file.to_string(),
                line,
                message,
            },
        }
    }
}

/// Reads every report of `reader` (named `file` in errors) into `sink`.
pub fn read(
    mut reader: impl BufRead,
    file: &str,
    mut sink: impl FnMut(Invocation),
) -> Result<LineCounts, CalibrateError> {
    let mut counts = LineCounts::default();
    let mut buf = Vec::with_capacity(512);
    let mut line = 0;
    loop {
        buf.clear();
        let read = reader
            .read_until(b'\n', &mut buf)
            .map_err(|e| CalibrateError::Unreadable {
                file: file.to_string(),
                message: e.to_string(),
            })?;
        if read == 0 {
            break;
        }
        line += 1;
        match std::str::from_utf8(&buf).ok().and_then(parse_line) {
            Some(Ok(invocation)) => {
                counts.used += 1;
                sink(invocation);
            }
            Some(Err(fault)) => return Err(fault.at(file, line)),
            None => counts.skipped += 1,
        }
    }
    if counts.used == 0 {
        return Err(CalibrateError::NothingUsable {
            file: file.to_string(),
            what: "REPORT lines or platform.report records",
            skipped: counts.skipped,
        });
    }
    Ok(counts)
}

/// The invocation a line reports, or `None` when the line is no report.
fn parse_line(text: &str) -> Option<Result<Invocation, Fault>> {
    if let Some(at) = text.find("REPORT RequestId:") {
        return Some(parse_report(&text[at..]));
    }
    if text.contains("\"platform.report\"") {
        return parse_json(text);
    }
    None
}

/// The longest duration a REPORT line can carry: Lambda's 15-minute limit, in ms.
const MAX_DURATION_MS: f64 = 900_000.0;

/// `ms` if Lambda could have measured it, else the field's fault.
fn within_limit(ms: Option<f64>, field: &str) -> Result<Option<f64>, Fault> {
    match ms {
        Some(x) if x > MAX_DURATION_MS => Err(Fault::Bad {
            field: field.to_string(),
            // 1e300 stays 1e300, not three hundred digits.
            text: if x >= 1e9 {
                format!("{x:e} ms")
            } else {
                format!("{x} ms")
            },
            expected: "a duration within Lambda's 15-minute limit (900000 ms)",
        }),
        other => Ok(other),
    }
}

fn parse_report(report: &str) -> Result<Invocation, Fault> {
    let duration_ms = quantity(report, "Duration:", "ms")?.ok_or(Fault::Missing("Duration"))?;
    let duration_ms = within_limit(Some(duration_ms), "Duration")?.unwrap_or_default();
    let memory_mb = quantity(report, "Memory Size:", "MB")?.ok_or(Fault::Missing("Memory Size"))?;
    let init_ms = within_limit(quantity(report, "Init Duration:", "ms")?, "Init Duration")?;
    let restore_ms = within_limit(
        quantity(report, "Restore Duration:", "ms")?,
        "Restore Duration",
    )?;
    Ok(Invocation {
        memory_mb: memory_size(memory_mb, "Memory Size")?,
        duration_s: duration_ms / 1e3,
        cold: init_ms.is_some() || restore_ms.is_some(),
        init_s: init_ms.or(restore_ms).map(|ms| ms / 1e3),
        max_memory_used_mb: quantity(report, "Max Memory Used:", "MB")?,
        client_overhead_s: None,
    })
}

fn memory_size(value: f64, field: &str) -> Result<u32, Fault> {
    if value >= 1.0 && value.fract() == 0.0 && value <= f64::from(u32::MAX) {
        Ok(value as u32)
    } else {
        Err(Fault::Bad {
            field: field.to_string(),
            text: value.to_string(),
            expected: "a whole number of MB",
        })
    }
}

/// The number after `label` (e.g. `Duration: 395.99 ms`), checked to carry `unit`.
fn quantity(report: &str, label: &'static str, unit: &str) -> Result<Option<f64>, Fault> {
    let Some(rest) = after_label(report, label) else {
        return Ok(None);
    };
    let mut tokens = rest.split_whitespace();
    let (number, found_unit) = (tokens.next().unwrap_or(""), tokens.next().unwrap_or(""));
    let bad = || Fault::Bad {
        field: label.trim_end_matches(':').to_string(),
        text: format!("{number} {found_unit}").trim().to_string(),
        expected: if unit == "ms" {
            "a duration in ms"
        } else {
            "a size in MB"
        },
    };
    let value: f64 = number.parse().map_err(|_| bad())?;
    if found_unit != unit || !(value >= 0.0 && value.is_finite()) {
        return Err(bad());
    }
    Ok(Some(value))
}

/// The text after `label` where it stands as a field of its own (`Duration:` is not the tail of
/// `Billed Duration:` or `Init Duration:`).
fn after_label<'a>(report: &'a str, label: &str) -> Option<&'a str> {
    const QUALIFIERS: [&str; 4] = ["Billed ", "Init ", "Restore ", "Max "];
    let mut from = 0;
    while let Some(found) = report[from..].find(label) {
        let at = from + found;
        let before = &report[..at];
        let standalone = before.is_empty() || before.ends_with(['\t', ' ']);
        if standalone && !QUALIFIERS.iter().any(|q| before.ends_with(q)) {
            return Some(&report[at + label.len()..]);
        }
        from = at + label.len();
    }
    None
}

fn parse_json(text: &str) -> Option<Result<Invocation, Fault>> {
    let value: serde_json::Value = match serde_json::from_str(text.trim()) {
        Ok(value) => value,
        Err(e) => return Some(Err(Fault::Json(e.to_string()))),
    };
    if value.get("type").and_then(|t| t.as_str()) != Some("platform.report") {
        return None;
    }
    Some(json_report(&value["record"]["metrics"]))
}

fn json_report(metrics: &serde_json::Value) -> Result<Invocation, Fault> {
    let number = |key: &'static str| -> Result<Option<f64>, Fault> {
        match metrics.get(key) {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(v) => v
                .as_f64()
                .filter(|x| *x >= 0.0)
                .map(Some)
                .ok_or_else(|| Fault::Bad {
                    field: format!("record.metrics.{key}"),
                    text: v.to_string(),
                    expected: "a non-negative number",
                }),
        }
    };
    let duration_ms = number("durationMs")?.ok_or(Fault::Missing("record.metrics.durationMs"))?;
    let duration_ms =
        within_limit(Some(duration_ms), "record.metrics.durationMs")?.unwrap_or_default();
    let memory_mb = number("memorySizeMB")?.ok_or(Fault::Missing("record.metrics.memorySizeMB"))?;
    let init_ms = number("initDurationMs")?.or(number("restoreDurationMs")?);
    let init_ms = within_limit(init_ms, "record.metrics.initDurationMs")?;
    Ok(Invocation {
        memory_mb: memory_size(memory_mb, "record.metrics.memorySizeMB")?,
        duration_s: duration_ms / 1e3,
        cold: init_ms.is_some(),
        init_s: init_ms.map(|ms| ms / 1e3),
        max_memory_used_mb: number("maxMemoryUsedMB")?,
        client_overhead_s: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    fn read_all(text: &str) -> Result<(Vec<Invocation>, LineCounts), CalibrateError> {
        let mut seen = Vec::new();
        let counts = read(text.as_bytes(), "t.log", |i| seen.push(i))?;
        Ok((seen, counts))
    }

    const COLD: &str = "REPORT RequestId: 8f8\tDuration: 395.99 ms\tBilled Duration: 400 ms\tMemory Size: 512 MB\tMax Memory Used: 301 MB\tInit Duration: 265.72 ms\t\n";

    #[test]
    fn a_duration_past_lambdas_limit_is_an_error() {
        let line = "REPORT RequestId: 1\tDuration: 10.0 ms\tBilled Duration: 10 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\tInit Duration: 1e300 ms\t";
        assert!(matches!(parse_line(line), Some(Err(Fault::Bad { .. }))));
        let line = "REPORT RequestId: 1\tDuration: 900001 ms\tBilled Duration: 10 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\t";
        assert!(matches!(parse_line(line), Some(Err(Fault::Bad { .. }))));
    }

    #[test]
    fn reads_a_cold_report_with_every_field() {
        let (seen, counts) = read_all(COLD).unwrap();
        assert_eq!(
            counts,
            LineCounts {
                used: 1,
                skipped: 0
            }
        );
        let i = seen[0];
        assert_eq!(i.memory_mb, 512);
        assert_relative_eq!(i.duration_s, 0.39599);
        assert!(i.cold);
        assert_relative_eq!(i.init_s.unwrap(), 0.26572);
        assert_eq!(i.max_memory_used_mb, Some(301.0));
    }

    #[test]
    fn skips_and_counts_other_lines_and_accepts_a_timestamp_prefix() {
        let text = "START RequestId: 1 Version: $LATEST\nhello\n2020-11-10T23:10:33.123Z REPORT RequestId: 1 Duration: 3.43 ms Billed Duration: 4 ms Memory Size: 128 MB Max Memory Used: 70 MB\nEND RequestId: 1\n";
        let (seen, counts) = read_all(text).unwrap();
        assert_eq!(
            counts,
            LineCounts {
                used: 1,
                skipped: 3
            }
        );
        assert!(!seen[0].cold);
        assert_relative_eq!(seen[0].duration_s, 0.00343);
    }

    #[test]
    fn reads_a_telemetry_api_platform_report() {
        let text = r#"{"time":"2024-01-01T00:00:00Z","type":"platform.report","record":{"requestId":"x","metrics":{"durationMs":12.5,"billedDurationMs":13,"memorySizeMB":1024,"maxMemoryUsedMB":80,"initDurationMs":150.0}}}"#;
        let (seen, _) = read_all(text).unwrap();
        assert_eq!(seen[0].memory_mb, 1024);
        assert!(seen[0].cold);
        assert_relative_eq!(seen[0].duration_s, 0.0125);
    }

    #[test]
    fn other_telemetry_records_are_skipped() {
        let text =
            "{\"type\":\"platform.start\",\"record\":{\"note\":\"\\\"platform.report\\\"\"}}\n";
        assert!(matches!(
            read_all(text),
            Err(CalibrateError::NothingUsable { skipped: 1, .. })
        ));
    }

    #[test]
    fn rejects_a_duration_that_is_not_a_number_naming_line_and_field() {
        let text = format!("x\n{}", COLD.replace("395.99 ms", "3x5 ms"));
        let err = read_all(&text).unwrap_err();
        assert_eq!(
            err.to_string(),
            "t.log:2: Duration: `3x5 ms` is not a duration in ms"
        );
    }

    #[test]
    fn rejects_a_duration_in_the_wrong_unit() {
        let err = read_all(&COLD.replace("395.99 ms\tBilled", "395.99 s\tBilled")).unwrap_err();
        assert!(matches!(err, CalibrateError::BadValue { .. }), "{err}");
    }

    #[test]
    fn rejects_a_report_without_a_memory_size() {
        let err = read_all("REPORT RequestId: 1\tDuration: 3.0 ms\t\n").unwrap_err();
        assert_eq!(err.to_string(), "t.log:1: the report has no Memory Size");
    }

    #[test]
    fn rejects_a_fractional_memory_size() {
        let err = read_all(&COLD.replace("512 MB", "512.5 MB")).unwrap_err();
        assert!(err.to_string().contains("Memory Size"), "{err}");
    }

    #[test]
    fn rejects_a_broken_json_report_line() {
        let err = read_all("{\"type\":\"platform.report\",\n").unwrap_err();
        assert!(
            matches!(err, CalibrateError::BadJson { line: 1, .. }),
            "{err}"
        );
    }

    #[test]
    fn rejects_a_json_report_without_a_duration() {
        let text = r#"{"type":"platform.report","record":{"metrics":{"memorySizeMB":128}}}"#;
        let err = read_all(text).unwrap_err();
        assert!(
            err.to_string().contains("record.metrics.durationMs"),
            "{err}"
        );
    }

    #[test]
    fn a_log_without_reports_is_an_error() {
        assert!(matches!(
            read_all("just text\nmore text\n"),
            Err(CalibrateError::NothingUsable { skipped: 2, .. })
        ));
    }
}
