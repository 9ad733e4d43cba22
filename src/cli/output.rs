//! Output formats shared by every command: a human table, JSON, or CSV on stdout.

use clap::ValueEnum;

/// How a command prints its results on stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum Format {
    /// Human-readable text (the default).
    #[default]
    Table,
    /// Pretty-printed JSON with the SPEC's stable keys.
    Json,
    /// Comma-separated rows with a header line.
    Csv,
}

/// Prints a JSON value, pretty, with a final newline.
pub fn print_json(value: &serde_json::Value) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    Ok(())
}
