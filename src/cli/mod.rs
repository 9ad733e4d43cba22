//! The command line: one file per command, each turning flags into library calls and results
//! into output. Nothing below this module prints to the terminal.

pub mod exit;
pub mod output;
pub mod train;

use clap::{Parser, Subcommand};

/// `stratus`: should this model train on serverless functions or on VMs, and how?
#[derive(Debug, Parser)]
#[command(name = "stratus", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// Every subcommand of `stratus`.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Train a model with the real kernels (no time model).
    Train(train::TrainArgs),
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Train(args) => train::run(args),
    }
}
