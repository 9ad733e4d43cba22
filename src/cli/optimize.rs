//! `stratus optimize`: one optimiser alone. Each optimiser is a variant of `Optimize` with its
//! flags and output in a file of its own under `cli/optimize/`.

pub mod memory;

use clap::Subcommand;

/// The optimisers that run alone.
#[derive(Debug, Subcommand)]
pub enum Optimize {
    /// The memory size of a scenario's functions, or of one calibrated function (Feng et al.).
    Memory(memory::MemoryArgs),
}

/// Runs `stratus optimize`.
pub fn run(command: &Optimize) -> anyhow::Result<()> {
    match command {
        Optimize::Memory(args) => memory::run(args),
    }
}
