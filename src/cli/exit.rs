//! Maps errors to exit codes: 2 for bad input (the message names the file, line or key),
//! 1 for every other failure.

/// An error in what the user gave Stratus: a file, a flag or a value. Exits with code 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct InputError(pub String);

/// The exit code for an error: 2 when any cause in its chain is bad input, else 1.
pub fn exit_code(err: &anyhow::Error) -> i32 {
    if err.chain().any(is_input_error) {
        2
    } else {
        1
    }
}

fn is_input_error(cause: &(dyn std::error::Error + 'static)) -> bool {
    cause.is::<InputError>() || cause.is::<crate::data::DataError>()
}
