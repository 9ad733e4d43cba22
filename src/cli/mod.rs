//! The command line: one file per command, each turning flags into library calls and results
//! into output. Nothing below this module prints to the terminal.

pub mod calibrate;
mod common;
pub mod cost;
pub mod estimate;
pub mod exit;
pub mod optimize;
pub mod plan;
pub mod profile_cmd;
mod profile_runtime;
pub mod profiles;
mod progress;
pub mod report;
pub mod reproduce;
pub mod simulate;
pub mod sweep;
pub mod train;
pub mod validate;

use clap::{Parser, Subcommand};

/// `stratus`: should this model train on serverless functions or on VMs, and how?
#[derive(Debug, Parser)]
#[command(
    name = "stratus",
    version,
    about = "Plan, simulate and price distributed SGD training on serverless functions (FaaS) versus VMs (IaaS).",
    after_help = "Start with `stratus plan` (LR on Higgs), then `stratus plan scenarios/<name>.toml`."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// Every subcommand of `stratus`.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Search FaaS and IaaS configurations and say which platform to use.
    Plan(plan::PlanArgs),
    /// Evaluate one fixed configuration with the analytic model.
    Estimate(estimate::EstimateArgs),
    /// Run one optimiser alone.
    #[command(subcommand)]
    Optimize(optimize::Optimize),
    /// Fit the model's free parameters to measurements and write a calibration file.
    Calibrate(calibrate::CalibrateArgs),
    /// Measure this host's channels and write a calibration file.
    #[command(subcommand)]
    Profile(profile_cmd::Profile),
    /// Price a run that happened.
    Cost(cost::CostArgs),
    /// List the known platforms, instance types, channels and cache nodes.
    Profiles(profiles::ProfilesArgs),
    /// Simulate one configuration in virtual time with the real SGD kernels.
    Simulate(simulate::SimulateArgs),
    /// Compare the analytic model with the simulator (all variance off).
    Validate(validate::ValidateArgs),
    /// Train a model with the real kernels (no time model).
    Train(train::TrainArgs),
    /// Compare the model with published measurements (the shipped corpus or a CSV).
    Reproduce(reproduce::ReproduceArgs),
    /// Write plots (SVG, PNG), a self-contained index.html and summaries into a directory.
    Report(report::ReportArgs),
    /// Plan a scenario over every combination of varied keys.
    Sweep(sweep::SweepArgs),
}

/// Parses the command line; every subcommand reads `-60` as a (wrongly negative) value that
/// its own check names, not as an unknown flag.
pub fn parse() -> Cli {
    use clap::{CommandFactory, FromArgMatches};
    fn allow_negatives(cmd: clap::Command) -> clap::Command {
        cmd.allow_negative_numbers(true)
            .mut_subcommands(allow_negatives)
    }
    let matches = allow_negatives(Cli::command()).get_matches();
    Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Plan(args) => plan::run(&args),
        Command::Estimate(args) => estimate::run(&args),
        Command::Optimize(command) => optimize::run(&command),
        Command::Calibrate(args) => calibrate::run(&args),
        Command::Profile(command) => profile_cmd::run(&command),
        Command::Cost(args) => cost::run(&args),
        Command::Profiles(args) => profiles::run(&args),
        Command::Simulate(args) => simulate::run(&args),
        Command::Validate(args) => validate::run(&args),
        Command::Train(args) => train::run(args),
        Command::Reproduce(args) => reproduce::run(&args),
        Command::Report(args) => report::run(&args),
        Command::Sweep(args) => sweep::run(&args),
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    /// Every argument of every subcommand, as "command path: argument", whose help is empty.
    fn without_help(cmd: &clap::Command, path: &str, into: &mut Vec<String>) {
        for arg in cmd.get_arguments() {
            let id = arg.get_id().as_str();
            if matches!(id, "help" | "version") {
                continue;
            }
            let help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
            if help.trim().is_empty() {
                into.push(format!("{path}: {id}"));
            }
        }
        for sub in cmd.get_subcommands() {
            without_help(sub, &format!("{path} {}", sub.get_name()), into);
        }
    }

    #[test]
    fn every_argument_has_help() {
        let mut blank = Vec::new();
        without_help(&super::Cli::command(), "stratus", &mut blank);
        assert!(blank.is_empty(), "arguments without help: {blank:#?}");
    }
}
