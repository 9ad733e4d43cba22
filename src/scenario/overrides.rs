//! # Command-line overrides
//!
//! `--set faas.workers=10000` replaces one dotted key of a scenario before it is checked. The
//! value is read as TOML (`10`, `[1, 2]`, `"s3"`, `true`); anything that is not TOML is taken as a
//! plain string, so `--set faas.structure=1-5-22-100` and `--set faas.channel=s3` both work, and
//! a bracketed list of such words is a list (`--set workload.algorithm=[ga-sgd,ma-sgd]`, which a
//! shell passes on without quoting).

use super::error::{KeyProblem, Problem};

/// One `KEY=VALUE` override.
#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    pub key: String,
    pub value: toml::Value,
}

impl Override {
    /// Parses `KEY=VALUE`.
    pub fn parse(text: &str) -> Result<Self, KeyProblem> {
        let (key, value) = text
            .split_once('=')
            .filter(|(k, _)| !k.trim().is_empty())
            .ok_or_else(|| KeyProblem::new("", Problem::MalformedSet(text.to_string())))?;
        Ok(Override {
            key: key.trim().to_string(),
            value: parse_value(value.trim()),
        })
    }

    /// Writes the value into `table` at the dotted key, creating tables on the way.
    pub fn apply(&self, table: &mut toml::Table) -> Result<(), KeyProblem> {
        let mut parts: Vec<&str> = self.key.split('.').collect();
        let last = parts.pop().unwrap_or_default();
        let mut current = table;
        for (depth, part) in parts.iter().enumerate() {
            let entry = current
                .entry(part.to_string())
                .or_insert_with(|| toml::Value::Table(toml::Table::new()));
            current = entry.as_table_mut().ok_or_else(|| {
                KeyProblem::new(
                    parts[..=depth].join("."),
                    Problem::Other("is not a table, so it has no keys to set".into()),
                )
            })?;
        }
        current.insert(last.to_string(), self.value.clone());
        Ok(())
    }
}

fn parse_value(text: &str) -> toml::Value {
    format!("v = {text}")
        .parse::<toml::Table>()
        .ok()
        .and_then(|mut t| t.remove("v"))
        .or_else(|| bare_list(text))
        .unwrap_or_else(|| toml::Value::String(text.to_string()))
}

/// `[a,b]` of bare words as a list, each item read as a value on its own.
fn bare_list(text: &str) -> Option<toml::Value> {
    let inner = text.strip_prefix('[')?.strip_suffix(']')?;
    if inner.contains(['[', ']', '"', '\'', '{']) {
        return None;
    }
    let items = inner.split(',').map(str::trim).filter(|s| !s.is_empty());
    Some(toml::Value::Array(items.map(parse_value).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_toml_values_and_falls_back_to_strings() {
        assert_eq!(
            Override::parse("a=10").unwrap().value,
            toml::Value::Integer(10)
        );
        assert_eq!(
            Override::parse("faas.structure=1-5-22-100").unwrap().value,
            toml::Value::String("1-5-22-100".into())
        );
        assert_eq!(
            Override::parse("c=s3").unwrap().value,
            toml::Value::String("s3".into())
        );
    }

    #[test]
    fn reads_a_bracketed_list_of_bare_words_as_a_list() {
        let value = Override::parse("workload.algorithm=[ga-sgd, ma-sgd]")
            .unwrap()
            .value;
        assert_eq!(
            value,
            toml::Value::Array(vec!["ga-sgd".into(), "ma-sgd".into()])
        );
        let mixed = Override::parse("x=[s3,10]").unwrap().value;
        assert_eq!(mixed, toml::Value::Array(vec!["s3".into(), 10.into()]));
        // Quoted or nested text that is not TOML stays a string, as before.
        assert!(Override::parse("x=[\"a]").unwrap().value.is_str());
    }

    #[test]
    fn sets_nested_keys_creating_tables() {
        let mut table = toml::Table::new();
        Override::parse("faas.workers=[1, 2]")
            .unwrap()
            .apply(&mut table)
            .unwrap();
        assert_eq!(table["faas"]["workers"].as_array().unwrap().len(), 2);
    }

    #[test]
    fn rejects_text_without_an_equals_sign() {
        assert!(Override::parse("faas.workers").is_err());
        assert!(Override::parse("=3").is_err());
    }

    #[test]
    fn refuses_to_set_a_key_below_a_value() {
        let mut table: toml::Table = "name = \"x\"".parse().unwrap();
        assert!(
            Override::parse("name.inner=1")
                .unwrap()
                .apply(&mut table)
                .is_err()
        );
    }
}
