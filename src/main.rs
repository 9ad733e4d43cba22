//! The `stratus` binary: parse flags, call the library, map errors to exit codes.

use clap::Parser;

fn main() {
    let cli = stratus::cli::Cli::parse();
    if let Err(err) = stratus::cli::run(cli) {
        eprintln!("error: {err:#}");
        std::process::exit(stratus::cli::exit::exit_code(&err));
    }
}
