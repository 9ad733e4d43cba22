//! # Overlay patches
//!
//! Building the TOML patch that `Profiles::calibrated` lays over the profiles (see
//! `profile::overlay`): values set at key paths such as `faas."aws-lambda-x86".startup.init_s`.

/// Sets `value` at `path` in `table`, creating tables on the way (a non-table in the way is
/// replaced).
pub fn set(table: &mut toml::Table, path: &[String], value: toml::Value) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut current = table;
    for part in parents {
        let entry = current
            .entry(part.clone())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        if !entry.is_table() {
            *entry = toml::Value::Table(toml::Table::new());
        }
        current = entry.as_table_mut().expect("made a table above");
    }
    current.insert(last.clone(), value);
}

/// The dotted form of a path, quoting the parts that are not bare keys.
pub fn dotted(path: &[String]) -> String {
    path.iter()
        .map(|part| {
            if !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                part.clone()
            } else {
                format!("\"{part}\"")
            }
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// A path from its parts.
pub fn path(parts: &[&str]) -> Vec<String> {
    parts.iter().map(|p| p.to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_nested_keys_that_the_overlay_reads() {
        let mut patch = toml::Table::new();
        set(
            &mut patch,
            &path(&["faas", "aws-lambda-x86", "startup", "init_s"]),
            toml::Value::Float(0.2),
        );
        set(
            &mut patch,
            &path(&["faas", "aws-lambda-x86", "startup", "warm_invoke_s"]),
            toml::Value::Float(0.5),
        );
        let text = toml::to_string(&patch).unwrap();
        assert!(text.contains("[faas.aws-lambda-x86.startup]"), "{text}");
        let profiles = crate::profile::Profiles::calibrated(&patch).unwrap();
        approx::assert_relative_eq!(profiles.faas("aws-lambda-x86").unwrap().init_s, 0.2);
    }

    #[test]
    fn quotes_keys_that_are_not_bare() {
        assert_eq!(
            dotted(&path(&["faas", "aws-lambda-x86", "cpu"])),
            "faas.\"aws-lambda-x86\".cpu"
        );
    }
}
