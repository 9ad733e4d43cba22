//! # Scenario values
//!
//! Turns loosely typed TOML values (a number or a list, "auto", `"1-5-22-100"`) into checked
//! Rust values, naming the key when they do not fit.

use super::error::{Checked, KeyProblem, Problem};

/// A list of choices, or "auto" (let the planner choose from a default grid).
#[derive(Debug, Clone, PartialEq)]
pub enum Choice<T> {
    Auto,
    List(Vec<T>),
}

/// Describes a TOML value's type for messages.
pub fn type_of(value: &toml::Value) -> String {
    match value {
        toml::Value::String(s) => format!("the string \"{s}\""),
        toml::Value::Integer(i) => format!("the integer {i}"),
        toml::Value::Float(x) => format!("the number {x}"),
        toml::Value::Boolean(b) => format!("{b}"),
        toml::Value::Datetime(d) => format!("the date {d}"),
        toml::Value::Array(_) => "a list".into(),
        toml::Value::Table(_) => "a table".into(),
    }
}

fn wrong(key: &str, expected: &'static str, value: &toml::Value) -> KeyProblem {
    KeyProblem::new(
        key,
        Problem::WrongType {
            expected,
            got: type_of(value),
        },
    )
}

/// One value or a list of them, each converted by `item`.
pub fn one_or_many<T>(
    key: &str,
    value: &toml::Value,
    item: impl Fn(&str, &toml::Value) -> Checked<T>,
) -> Checked<Vec<T>> {
    let list = match value {
        toml::Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| item(&format!("{key}[{i}]"), v))
            .collect::<Checked<Vec<T>>>()?,
        single => vec![item(key, single)?],
    };
    if list.is_empty() {
        return Err(KeyProblem::new(key, Problem::EmptyList));
    }
    Ok(list)
}

/// `"auto"`, one value, or a list.
pub fn choice<T>(
    key: &str,
    value: &toml::Value,
    item: impl Fn(&str, &toml::Value) -> Checked<T>,
) -> Checked<Choice<T>> {
    match value {
        toml::Value::String(s) if s == "auto" => Ok(Choice::Auto),
        other => one_or_many(key, other, item).map(Choice::List),
    }
}

/// A non-negative integer.
pub fn integer(key: &str, value: &toml::Value) -> Checked<u64> {
    /// Counts written as floats (`rows = 1e6`) up to here are exact.
    const EXACT_FLOAT_MAX: f64 = 9_007_199_254_740_992.0;
    match value {
        toml::Value::Integer(i) if *i >= 0 => Ok(*i as u64),
        toml::Value::Integer(_) => Err(wrong(key, "a non-negative integer", value)),
        toml::Value::Float(x) if x.fract() == 0.0 && (0.0..=EXACT_FLOAT_MAX).contains(x) => {
            Ok(*x as u64)
        }
        toml::Value::Float(_) => Err(wrong(key, "a whole, non-negative number", value)),
        _ => Err(wrong(key, "an integer", value)),
    }
}

/// The most workers a scenario may ask for: a thousand times AWS Lambda's default concurrency
/// quota (1,000), beyond any published serverless training run.
pub const MAX_WORKERS: u32 = 1_000_000;

/// A worker count: an integer from 1 to [`MAX_WORKERS`] (whole floats such as 1e4 accepted).
pub fn worker_count(key: &str, value: &toml::Value) -> Checked<u32> {
    let n = match value {
        toml::Value::Integer(i) if *i < 1 => {
            return Err(KeyProblem::new(key, Problem::ZeroWorkers(*i)));
        }
        toml::Value::Integer(i) => *i,
        toml::Value::Float(x) if x.fract() == 0.0 && *x >= 1.0 && *x <= 9.0e15 => *x as i64,
        _ => return Err(wrong(key, "an integer number of workers", value)),
    };
    match u32::try_from(n) {
        Ok(n) if n <= MAX_WORKERS => Ok(n),
        _ => Err(KeyProblem::new(
            key,
            Problem::Other(format!(
                "{n} workers is too many: Stratus plans at most {MAX_WORKERS}"
            )),
        )),
    }
}

/// A memory size in MB (range-checked against the platform elsewhere).
pub fn memory_mb(key: &str, value: &toml::Value) -> Checked<u32> {
    match value {
        toml::Value::Integer(i) if *i > 0 => u32::try_from(*i).map_err(|_| {
            KeyProblem::new(
                key,
                Problem::MemoryOutsideProfile(format!("{i} MB is too large")),
            )
        }),
        toml::Value::Integer(i) => Err(KeyProblem::new(
            key,
            Problem::MemoryOutsideProfile(format!("{i} MB is not a memory size")),
        )),
        _ => Err(wrong(key, "an integer number of MB", value)),
    }
}

/// A positive finite number (integers accepted).
pub fn positive(key: &str, value: &toml::Value) -> Checked<f64> {
    let x = match value {
        toml::Value::Integer(i) => *i as f64,
        toml::Value::Float(x) => *x,
        _ => return Err(wrong(key, "a number", value)),
    };
    if x > 0.0 && x.is_finite() {
        Ok(x)
    } else {
        Err(KeyProblem::new(key, Problem::NotPositive(x)))
    }
}

/// A string.
pub fn string(key: &str, value: &toml::Value) -> Checked<String> {
    value
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| wrong(key, "a string", value))
}

/// A string parsed by `FromStr`, whose error message explains the choices.
pub fn parsed<T: std::str::FromStr<Err = String>>(key: &str, value: &toml::Value) -> Checked<T> {
    let text = string(key, value)?;
    text.parse()
        .map_err(|message| KeyProblem::new(key, Problem::UnknownName(message)))
}

/// An aggregation structure: a list `[1, 5, 22, 100]` or a string `"1-5-22-100"`.
pub fn structure(key: &str, value: &toml::Value) -> Checked<Vec<u32>> {
    match value {
        toml::Value::Array(_) => one_or_many(key, value, worker_count),
        toml::Value::String(text) => text
            .split('-')
            .map(|part| {
                part.trim().parse::<u32>().map_err(|_| {
                    wrong(
                        key,
                        "layer sizes like [1, 5, 22, 100] or \"1-5-22-100\"",
                        value,
                    )
                })
            })
            .collect(),
        _ => Err(wrong(
            key,
            "layer sizes like [1, 5, 22, 100] or \"1-5-22-100\"",
            value,
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(text: &str) -> toml::Value {
        let table: toml::Table = format!("v = {text}").parse().unwrap();
        table["v"].clone()
    }

    #[test]
    fn counts_accept_whole_numbers_in_any_notation() {
        assert_eq!(integer("k", &value("1e6")).unwrap(), 1_000_000);
        assert_eq!(integer("k", &value("28")).unwrap(), 28);
        assert!(integer("k", &value("2.5")).is_err());
        assert!(integer("k", &value("-1e3")).is_err());
        assert!(integer("k", &value("1e300")).is_err());
    }

    #[test]
    fn reads_one_value_or_a_list() {
        assert_eq!(
            one_or_many("k", &value("3"), worker_count).unwrap(),
            vec![3]
        );
        assert_eq!(
            one_or_many("k", &value("[1, 2]"), worker_count).unwrap(),
            vec![1, 2]
        );
    }

    #[test]
    fn reads_auto() {
        assert_eq!(
            choice("k", &value("\"auto\""), worker_count).unwrap(),
            Choice::Auto
        );
    }

    #[test]
    fn rejects_zero_workers_naming_the_list_element() {
        let err = one_or_many("faas.workers", &value("[10, 0]"), worker_count).unwrap_err();
        assert_eq!(err.key, "faas.workers[1]");
        assert_eq!(err.problem, Problem::ZeroWorkers(0));
    }

    #[test]
    fn rejects_an_empty_list() {
        let err = one_or_many("k", &value("[]"), worker_count).unwrap_err();
        assert_eq!(err.problem, Problem::EmptyList);
    }

    #[test]
    fn reads_a_structure_written_with_dashes() {
        assert_eq!(
            structure("s", &value("\"1-5-22-100\"")).unwrap(),
            vec![1, 5, 22, 100]
        );
        assert!(structure("s", &value("\"1-x-100\"")).is_err());
    }

    #[test]
    fn names_the_type_it_got() {
        let err = worker_count("faas.workers", &value("\"ten\"")).unwrap_err();
        assert!(err.problem.to_string().contains("the string \"ten\""));
    }
}
