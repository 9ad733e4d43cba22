//! `stratus optimize`: one optimiser alone. Each optimiser is a variant of `Optimize` with its
//! flags and output in a file of its own under `cli/optimize/`.

pub mod memory;
pub mod schedule;
pub mod tree;
pub mod tuning;
pub mod workers;

use clap::Subcommand;

/// The optimisers that run alone.
#[derive(Debug, Subcommand)]
pub enum Optimize {
    /// The memory size of a scenario's functions, or of one calibrated function (Feng et al.).
    Memory(memory::MemoryArgs),
    /// The worker count, and where communication stops the speed-up.
    Workers(workers::WorkersArgs),
    /// The layered aggregation tree, by dynamic programming (Feng et al.).
    Tree(tree::TreeArgs),
    /// Functions and memory per epoch under a budget (Siren).
    Schedule(schedule::ScheduleArgs),
    /// Functions per hyperparameter configuration of a search (Feng et al., Cirrus).
    Tuning(tuning::TuningArgs),
}

/// Runs `stratus optimize`.
pub fn run(command: &Optimize) -> anyhow::Result<()> {
    match command {
        Optimize::Memory(args) => memory::run(args),
        Optimize::Workers(args) => workers::run(args),
        Optimize::Tree(args) => tree::run(args),
        Optimize::Schedule(args) => schedule::run(args),
        Optimize::Tuning(args) => tuning::run(args),
    }
}
