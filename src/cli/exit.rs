//! Maps errors to exit codes: 2 for bad input (the message names the file, line or key),
//! 1 for every other failure; and renders an error and its causes as one line of text.

/// An error in what the user gave Stratus: a file, a flag or a value. Exits with code 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct InputError(pub String);

/// The user interrupted long work (Ctrl-C), which ended cleanly and kept what it had done.
/// Exits with code 130, as a shell reports a process ended by SIGINT.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Interrupted(pub String);

/// The error and its causes, outermost first, joined by ": ". A cause whose text the message
/// so far already holds is left out: many errors here print their cause themselves (a data
/// error names its file, line and the rule broken), and the chain would say it twice.
pub fn message(err: &anyhow::Error) -> String {
    let mut text = err.to_string();
    for cause in err.chain().skip(1) {
        let cause = cause.to_string();
        if !text.contains(&cause) {
            text = format!("{text}: {cause}");
        }
    }
    text
}

/// The exit code for an error: 130 for an interruption, 2 when the outermost error of a known
/// type says the user's input caused it (`blame::Blame`, decided by type and variant), else 1.
pub fn exit_code(err: &anyhow::Error) -> i32 {
    if err.is::<Interrupted>() {
        return 130;
    }
    let input = err.chain().find_map(|cause| {
        if cause.is::<InputError>() {
            Some(true)
        } else {
            crate::blame::blame(cause)
        }
    });
    if input == Some(true) { 2 } else { 1 }
}

/// Whether the error is stdout's reader having gone away.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        let io = cause.downcast_ref::<std::io::Error>().or_else(|| {
            match cause.downcast_ref::<csv::Error>()?.kind() {
                csv::ErrorKind::Io(e) => Some(e),
                _ => None,
            }
        });
        io.is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{DataError, DataErrorKind, Location};

    #[test]
    fn a_data_error_is_told_once() {
        let data = DataError::new(Location::Line(3), DataErrorKind::IndexZero { field: 2 })
            .in_file(std::path::Path::new("x.libsvm"), false);
        let text = message(&anyhow::Error::new(data));
        assert_eq!(text.matches("feature index 0").count(), 1, "{text}");
        assert!(text.starts_with("x.libsvm:3: token 2"), "{text}");
    }

    #[test]
    fn context_keeps_the_cause_it_does_not_repeat() {
        let err = anyhow::Error::new(InputError("bad value 7".into())).context("reading a.toml");
        assert_eq!(message(&err), "reading a.toml: bad value 7");
        assert_eq!(exit_code(&err), 2);
    }
}
