//! # Exporters
//!
//! One small trait renders a command's [`Output`] in one format (after hyperfine's
//! `Exporter`): the table in `text.rs`, JSON in `json.rs`, CSV in `csv_rows.rs`. A new format
//! is one new file implementing [`Exporter`] and one arm in [`exporter_for`].

use std::io::Write;

use super::csv_rows::CsvExporter;
use super::format::Format;
use super::json::JsonExporter;
use super::output::Output;
use super::text::TableExporter;

/// Renders every kind of command result in one format.
pub trait Exporter {
    /// Writes `output` to `out`.
    fn export(&self, output: &Output<'_>, out: &mut dyn Write) -> anyhow::Result<()>;
}

/// The exporter of `format`.
pub fn exporter_for(format: Format) -> &'static dyn Exporter {
    match format {
        Format::Table => &TableExporter,
        Format::Json => &JsonExporter,
        Format::Csv => &CsvExporter,
    }
}

/// Prints `output` on stdout in `format`: the one way a command prints its result.
pub fn print(format: Format, output: &Output<'_>) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    exporter_for(format).export(output, &mut out)?;
    out.flush()?;
    Ok(())
}
