//! # AWS Lambda Power Tuning
//!
//! Reads and writes the output of AWS Lambda Power Tuning (Casalboni,
//! github.com/alexcasalboni/aws-lambda-power-tuning): `{"results": {"power", "cost",
//! "duration", "stateMachine": {"visualization"}, "stats": [{"value", "averagePrice",
//! "averageDuration"}]}}`, durations in ms. `stats` appears only with `includeOutputResults`;
//! without it the same figures travel in the visualisation URL, whose hash holds three base64
//! typed arrays joined by `;` — memory sizes as little-endian Int16, durations (ms) and costs as
//! little-endian Float32, sorted by memory — and are read from there.

use std::io::BufRead;

use serde_json::{Value, json};

use super::CalibrateError;
use super::base64;
use super::observations::FunctionData;
use super::report_log::LineCounts;

/// Where Power Tuning's community visualisation lives.
pub const VISUALIZATION_BASE_URL: &str = "https://lambda-power-tuning.show/";

/// One tested (or predicted) memory size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TuningPoint {
    pub memory_mb: u32,
    pub duration_ms: f64,
    pub cost_usd: f64,
}

/// Whether a JSON document looks like Power Tuning output.
pub fn is_power_tuning(doc: &Value) -> bool {
    let results = doc.get("results").unwrap_or(doc);
    results.get("stats").is_some() || results.get("stateMachine").is_some()
}

/// Reads a Power Tuning output document's averages into `data`.
pub fn read(
    reader: impl BufRead,
    file: &str,
    data: &mut FunctionData,
) -> Result<LineCounts, CalibrateError> {
    let doc: Value = serde_json::from_reader(reader).map_err(|e| CalibrateError::BadJson {
        file: file.to_string(),
        line: e.line() as u64,
        message: e.to_string(),
    })?;
    let points = points(&doc, file)?;
    let mut counts = LineCounts::default();
    for point in points.into_iter().flatten() {
        data.add_average(point.memory_mb, point.duration_ms / 1e3);
        counts.used += 1;
    }
    if counts.used == 0 {
        return Err(CalibrateError::NothingUsable {
            file: file.to_string(),
            what: "Power Tuning stats",
            skipped: 0,
        });
    }
    Ok(counts)
}

/// The tested sizes of a document: `stats`, else the visualisation URL's. `None` entries are
/// the empty results Power Tuning itself skips.
fn points(doc: &Value, file: &str) -> Result<Vec<Option<TuningPoint>>, CalibrateError> {
    let results = doc.get("results").unwrap_or(doc);
    let entry = |path: String, problem: &str| CalibrateError::BadEntry {
        file: file.to_string(),
        path,
        problem: problem.to_string(),
    };
    if let Some(stats) = results.get("stats") {
        let stats = stats
            .as_array()
            .ok_or_else(|| entry("results.stats".into(), "must be an array"))?;
        return stats
            .iter()
            .enumerate()
            .map(|(i, stat)| {
                stat_point(stat).map_err(|(key, p)| entry(format!("results.stats[{i}].{key}"), p))
            })
            .collect();
    }
    let url = results
        .pointer("/stateMachine/visualization")
        .and_then(Value::as_str)
        .ok_or_else(|| {
            entry(
                "results".into(),
                "has neither stats nor stateMachine.visualization",
            )
        })?;
    decode_visualization(url)
        .map(|points| points.into_iter().map(Some).collect())
        .ok_or_else(|| {
            entry(
                "results.stateMachine.visualization".into(),
                "its #hash is not three base64 arrays of equal length",
            )
        })
}

fn stat_point(stat: &Value) -> Result<Option<TuningPoint>, (&'static str, &'static str)> {
    let duration_ms = match stat.get("averageDuration") {
        None | Some(Value::Null) => return Ok(None),
        Some(v) => v
            .as_f64()
            .ok_or(("averageDuration", "must be a number of ms"))?,
    };
    if duration_ms == 0.0 {
        return Ok(None);
    }
    if !(duration_ms > 0.0 && duration_ms.is_finite()) {
        return Err(("averageDuration", "must be a positive number of ms"));
    }
    let value = stat.get("value").ok_or(("value", "is missing"))?;
    let memory_mb = match value {
        Value::String(s) => s.trim().parse::<u32>().ok(),
        other => other.as_u64().and_then(|v| u32::try_from(v).ok()),
    }
    .filter(|&mb| mb > 0)
    .ok_or(("value", "must be a memory size in MB"))?;
    let cost_usd = stat
        .get("averagePrice")
        .and_then(Value::as_f64)
        .unwrap_or(f64::NAN);
    Ok(Some(TuningPoint {
        memory_mb,
        duration_ms,
        cost_usd,
    }))
}

/// The visualisation URL of `points` (sorted by memory), as Power Tuning builds it.
pub fn visualization_url(points: &[TuningPoint]) -> String {
    let mut sorted = points.to_vec();
    sorted.sort_by_key(|p| p.memory_mb);
    // Int16Array stores the low 16 bits of each size.
    let sizes: Vec<u8> = sorted
        .iter()
        .flat_map(|p| (p.memory_mb as u16).to_le_bytes())
        .collect();
    let floats = |f: fn(&TuningPoint) -> f64| -> Vec<u8> {
        sorted
            .iter()
            .flat_map(|p| (f(p) as f32).to_le_bytes())
            .collect()
    };
    format!(
        "{VISUALIZATION_BASE_URL}#{};{};{}",
        base64::encode(&sizes),
        base64::encode(&floats(|p| p.duration_ms)),
        base64::encode(&floats(|p| p.cost_usd))
    )
}

/// The points a visualisation URL carries.
pub fn decode_visualization(url: &str) -> Option<Vec<TuningPoint>> {
    let (_, hash) = url.split_once('#')?;
    let parts: Vec<Vec<u8>> = hash.split(';').map(base64::decode).collect::<Option<_>>()?;
    let [sizes, times, costs] = parts.as_slice() else {
        return None;
    };
    let n = sizes.len() / 2;
    if sizes.len() % 2 != 0 || times.len() != 4 * n || costs.len() != 4 * n {
        return None;
    }
    let float = |bytes: &[u8], i: usize| {
        f64::from(f32::from_le_bytes(
            bytes[4 * i..4 * i + 4].try_into().expect("4 bytes"),
        ))
    };
    (0..n)
        .map(|i| {
            let memory_mb = u32::from(u16::from_le_bytes([sizes[2 * i], sizes[2 * i + 1]]));
            (memory_mb > 0).then(|| TuningPoint {
                memory_mb,
                duration_ms: float(times, i),
                cost_usd: float(costs, i),
            })
        })
        .collect()
}

/// Power Tuning's output document for `points`, recommending `best`. Nothing was invoked, so
/// the state machine's own costs are zero.
pub fn output(points: &[TuningPoint], best: &TuningPoint) -> Value {
    let stats: Vec<Value> = points
        .iter()
        .map(|p| json!({"value": p.memory_mb, "averagePrice": p.cost_usd, "averageDuration": p.duration_ms}))
        .collect();
    json!({
        "results": {
            "power": best.memory_mb,
            "cost": best.cost_usd,
            "duration": best.duration_ms,
            "stateMachine": {
                "executionCost": 0.0,
                "lambdaCost": 0.0,
                "visualization": visualization_url(points),
            },
            "stats": stats,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    fn point(memory_mb: u32, duration_ms: f64) -> TuningPoint {
        TuningPoint {
            memory_mb,
            duration_ms,
            cost_usd: 1e-6,
        }
    }

    #[test]
    fn encodes_sizes_as_power_tuning_does() {
        // The sizes half of a published visualisation URL for 128, 256, 512, 1024, 2048, 3008 MB.
        let points: Vec<TuningPoint> = [3008, 128, 256, 512, 1024, 2048]
            .into_iter()
            .map(|mb| point(mb, 1.0))
            .collect();
        let url = visualization_url(&points);
        assert!(
            url.starts_with("https://lambda-power-tuning.show/#gAAAAQACAAQACMAL;"),
            "{url}"
        );
        // 1.0f32 is 00 00 80 3F.
        assert!(url.contains(";AACAPwAAgD8AAIA/AACAPwAAgD8AAIA/;"), "{url}");
    }

    #[test]
    fn a_visualisation_url_decodes_to_its_points() {
        let points = vec![point(128, 2906.0), point(1024, 412.5)];
        let decoded = decode_visualization(&visualization_url(&points)).unwrap();
        assert_eq!(decoded.len(), 2);
        assert_eq!(decoded[1].memory_mb, 1024);
        assert_relative_eq!(decoded[1].duration_ms, 412.5);
    }

    #[test]
    fn output_round_trips_through_the_reader() {
        let points = vec![point(128, 2000.0), point(256, 1000.0)];
        let doc = output(&points, &points[1]);
        assert_eq!(doc["results"]["power"], 256);
        let mut data = FunctionData::default();
        let text = doc.to_string();
        read(text.as_bytes(), "p.json", &mut data).unwrap();
        assert_relative_eq!(data.averages[&128], 2.0);
    }

    #[test]
    fn reads_stats_with_string_values_and_skips_empty_results() {
        let text = r#"{"results":{"stats":[{"value":"128","averagePrice":1e-6,"averageDuration":300},{"value":"256","averageDuration":0}]}}"#;
        let mut data = FunctionData::default();
        let counts = read(text.as_bytes(), "p.json", &mut data).unwrap();
        assert_eq!(counts.used, 1);
        assert_relative_eq!(data.averages[&128], 0.3);
    }

    #[test]
    fn reads_the_visualisation_when_there_are_no_stats() {
        let url = visualization_url(&[point(512, 100.0), point(1024, 60.0)]);
        let text = json!({"results": {"power": "512", "stateMachine": {"visualization": url}}})
            .to_string();
        let mut data = FunctionData::default();
        read(text.as_bytes(), "p.json", &mut data).unwrap();
        assert_relative_eq!(data.averages[&1024], 0.06, max_relative = 1e-6);
    }

    #[test]
    fn rejects_a_stat_whose_value_is_not_a_memory_size() {
        let text = r#"{"results":{"stats":[{"value":"big","averageDuration":300}]}}"#;
        let err = read(text.as_bytes(), "p.json", &mut FunctionData::default()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "p.json: results.stats[0].value: must be a memory size in MB"
        );
    }

    #[test]
    fn rejects_a_negative_duration() {
        let text = r#"{"results":{"stats":[{"value":128,"averageDuration":-3}]}}"#;
        let err = read(text.as_bytes(), "p.json", &mut FunctionData::default()).unwrap_err();
        assert!(err.to_string().contains("averageDuration"), "{err}");
    }

    #[test]
    fn rejects_a_corrupt_visualisation_hash() {
        let text = r#"{"results":{"stateMachine":{"visualization":"https://x/#abc"}}}"#;
        let err = read(text.as_bytes(), "p.json", &mut FunctionData::default()).unwrap_err();
        assert!(matches!(err, CalibrateError::BadEntry { .. }), "{err}");
    }

    #[test]
    fn rejects_broken_json_with_its_line() {
        let err = read(
            "{\n\"results\": [".as_bytes(),
            "p.json",
            &mut FunctionData::default(),
        )
        .unwrap_err();
        assert!(
            matches!(err, CalibrateError::BadJson { line: 2, .. }),
            "{err}"
        );
    }
}
