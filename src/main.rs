//! The `stratus` binary: parse flags, call the library, map errors to exit codes.

fn main() {
    let cli = stratus::cli::parse();
    if let Err(err) = stratus::cli::run(cli) {
        if stratus::cli::exit::is_broken_pipe(&err) {
            // The reader went away (`stratus plan --format csv | head`): nothing left to say.
            return;
        }
        let message = stratus::suggest::hint(&stratus::cli::exit::message(&err));
        eprintln!("error: {}", stratus::units::printable(&message));
        std::process::exit(stratus::cli::exit::exit_code(&err));
    }
}
