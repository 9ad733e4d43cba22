//! # SeBS invocation CSVs
//!
//! The Serverless Benchmark Suite (Copik et al., Middleware 2021) records every invocation: its
//! memory size, whether it was cold, the provider's execution time and the client's round trip,
//! in microseconds. Both its `perf-cost/result.csv` (`memory, is_cold, provider_time,
//! client_time, mem_used`) and the fuller per-invocation export (`memory_mb, is_cold,
//! provider_exec_us, client_time_us, provider_init_us, mem_used_mb`) are read. Client time minus
//! provider time is the start-up overhead the client sees.

use std::io::BufRead;

use super::CalibrateError;
use super::observations::Invocation;
use super::report_log::LineCounts;

/// Column positions, by the names either SeBS export uses.
struct Columns {
    memory: usize,
    cold: usize,
    provider_us: usize,
    client_us: Option<usize>,
    init_us: Option<usize>,
    mem_used_mb: Option<usize>,
}

impl Columns {
    fn find(header: &csv::StringRecord, file: &str) -> Result<Self, CalibrateError> {
        let position = |names: &[&str]| header.iter().position(|h| names.contains(&h.trim()));
        let required = |names: &[&str], wanted: &'static str| {
            position(names).ok_or_else(|| CalibrateError::MissingColumn {
                file: file.to_string(),
                wanted,
            })
        };
        Ok(Columns {
            memory: required(&["memory_mb", "memory"], "memory_mb (or memory)")?,
            cold: required(&["is_cold"], "is_cold")?,
            provider_us: required(
                &["provider_exec_us", "provider_time"],
                "provider_exec_us (or provider_time)",
            )?,
            client_us: position(&["client_time_us", "client_time"]),
            init_us: position(&["provider_init_us"]),
            mem_used_mb: position(&["mem_used_mb", "mem_used"]),
        })
    }
}

/// Whether a CSV header is a SeBS export.
pub fn is_sebs_header(columns: &[&str]) -> bool {
    let has = |names: &[&str]| columns.iter().any(|c| names.contains(c));
    has(&["is_cold"]) && has(&["provider_exec_us", "provider_time"])
}

/// Reads every invocation of a SeBS CSV into `sink`.
pub fn read(
    reader: impl BufRead,
    file: &str,
    mut sink: impl FnMut(Invocation),
) -> Result<LineCounts, CalibrateError> {
    let mut csv = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .trim(csv::Trim::All)
        .from_reader(reader);
    let header = csv
        .headers()
        .map_err(|e| CalibrateError::from_csv(e, file))?
        .clone();
    let columns = Columns::find(&header, file)?;
    let mut counts = LineCounts::default();
    for record in csv.records() {
        let record = record.map_err(|e| CalibrateError::from_csv(e, file))?;
        let line = record.position().map_or(0, |p| p.line());
        sink(invocation(&record, &columns, &header, file, line)?);
        counts.used += 1;
    }
    if counts.used == 0 {
        return Err(CalibrateError::NothingUsable {
            file: file.to_string(),
            what: "SeBS invocations",
            skipped: 0,
        });
    }
    Ok(counts)
}

fn invocation(
    record: &csv::StringRecord,
    columns: &Columns,
    header: &csv::StringRecord,
    file: &str,
    line: u64,
) -> Result<Invocation, CalibrateError> {
    let text = |i: usize| record.get(i).unwrap_or("");
    let bad = |i: usize, expected| {
        CalibrateError::bad_value(file, line, header.get(i).unwrap_or("?"), text(i), expected)
    };
    let number = |i: usize| -> Result<f64, CalibrateError> {
        text(i)
            .parse::<f64>()
            .ok()
            .filter(|x| *x >= 0.0 && x.is_finite())
            .ok_or_else(|| bad(i, "a non-negative number"))
    };
    let memory = number(columns.memory)?;
    if memory < 1.0 || memory.fract() != 0.0 {
        return Err(bad(columns.memory, "a whole number of MB"));
    }
    let cold = cold_flag(text(columns.cold)).ok_or_else(|| bad(columns.cold, "True or False"))?;
    // Optional columns may be left empty where SeBS could not measure them.
    let optional = |column: Option<usize>| -> Result<Option<f64>, CalibrateError> {
        column
            .filter(|&i| !text(i).is_empty())
            .map(number)
            .transpose()
    };
    let provider_s = number(columns.provider_us)? / 1e6;
    let client_s = optional(columns.client_us)?.map(|us| us / 1e6);
    let init_s = optional(columns.init_us)?.map(|us| us / 1e6);
    Ok(Invocation {
        memory_mb: memory as u32,
        duration_s: provider_s,
        cold,
        init_s: init_s.filter(|s| cold && *s > 0.0),
        max_memory_used_mb: optional(columns.mem_used_mb)?,
        client_overhead_s: client_s.map(|c| c - provider_s),
    })
}

fn cold_flag(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    const EXPORT: &str = "provider,benchmark,mode,memory_mb,request_id,is_cold,billed_time_ms,provider_exec_us,provider_init_us,benchmark_time_us,client_time_us,compute_time_us,download_size_B,download_time_us,upload_size_B,upload_time_us,mem_used_mb,container_id,begin_epoch_s
aws,311,cold,256,8f8,True,9300,9281080,10680,9280196,10067308,2939934.0,10063841,3458094.0,9324799,800744.0,96.0,5edf567f,1605054574.2
aws,311,warm,256,9f8,False,7700,7634000,0,7633000,8200000,1.0,1,1.0,1,1.0,97.0,5edf567f,1605054580.0
";

    fn read_all(text: &str) -> Result<Vec<Invocation>, CalibrateError> {
        let mut seen = Vec::new();
        read(text.as_bytes(), "s.csv", |i| seen.push(i))?;
        Ok(seen)
    }

    #[test]
    fn reads_the_per_invocation_export() {
        let seen = read_all(EXPORT).unwrap();
        assert_eq!(seen.len(), 2);
        assert!(seen[0].cold && !seen[1].cold);
        assert_relative_eq!(seen[0].duration_s, 9.28108);
        assert_relative_eq!(
            seen[0].client_overhead_s.unwrap(),
            10.067308 - 9.28108,
            epsilon = 1e-9
        );
        assert_relative_eq!(seen[0].init_s.unwrap(), 0.01068);
        assert_eq!(seen[1].init_s, None);
        assert_eq!(seen[1].max_memory_used_mb, Some(97.0));
    }

    #[test]
    fn reads_the_perf_cost_result_csv() {
        let text = "memory,type,is_cold,exec_time,connection_time,client_time,provider_time,mem_used\n512,warm,False,100,5,250000,200000,80\n";
        let seen = read_all(text).unwrap();
        assert_eq!(seen[0].memory_mb, 512);
        assert_relative_eq!(seen[0].duration_s, 0.2);
        assert_relative_eq!(seen[0].client_overhead_s.unwrap(), 0.05, epsilon = 1e-12);
    }

    #[test]
    fn empty_optional_cells_are_missing_measurements() {
        let seen = read_all(&EXPORT.replace(",97.0,", ",,")).unwrap();
        assert_eq!(seen[1].max_memory_used_mb, None);
    }

    #[test]
    fn rejects_a_cold_flag_that_is_neither_true_nor_false() {
        let err = read_all(&EXPORT.replace(",True,", ",maybe,")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "s.csv:2: is_cold: `maybe` is not True or False"
        );
    }

    #[test]
    fn rejects_a_negative_time() {
        let err = read_all(&EXPORT.replace(",7634000,", ",-5,")).unwrap_err();
        assert!(
            err.to_string().contains("s.csv:3: provider_exec_us"),
            "{err}"
        );
    }

    #[test]
    fn rejects_a_row_with_missing_fields() {
        let err = read_all(&format!("{EXPORT}aws,311\n")).unwrap_err();
        assert!(
            matches!(
                err,
                CalibrateError::RaggedRow {
                    line: 4,
                    got: 2,
                    ..
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn rejects_a_file_without_the_provider_time() {
        let err = read_all("memory_mb,is_cold\n128,True\n").unwrap_err();
        assert!(matches!(err, CalibrateError::MissingColumn { .. }), "{err}");
    }

    #[test]
    fn recognises_its_headers() {
        assert!(is_sebs_header(&["memory", "is_cold", "provider_time"]));
        assert!(!is_sebs_header(&["structure", "latency_s"]));
    }
}
