//! # Output formats
//!
//! The formats every command prints in, chosen with `--format table|json|csv`; each has one
//! exporter (see [`super::exporter`]).

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
