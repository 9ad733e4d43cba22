//! Maps errors to exit codes: 2 for bad input (the message names the file, line or key),
//! 1 for every other failure; and renders an error and its causes as one line of text.

use crate::model::faas::FaasModelError;
use crate::model::iaas::IaasModelError;
use crate::optimize::estimate::EstimateError;
use crate::optimize::plan::PlanError;

/// An error in what the user gave Stratus: a file, a flag or a value. Exits with code 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct InputError(pub String);

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

/// The exit code for an error: 2 when any cause in its chain is bad input, else 1.
pub fn exit_code(err: &anyhow::Error) -> i32 {
    if err.chain().any(is_input_error) {
        2
    } else {
        1
    }
}

fn is_input_error(cause: &(dyn std::error::Error + 'static)) -> bool {
    cause.is::<InputError>()
        || cause.is::<crate::data::DataError>()
        || cause.is::<crate::scenario::ScenarioError>()
        || cause.is::<crate::profile::ProfileError>()
        || cause.is::<crate::model::facts::FactsError>()
        || cause.is::<crate::reproduce::ReproduceError>()
        || cause.is::<crate::reproduce::CorpusError>()
        || matches!(
            cause.downcast_ref::<crate::calibrate::runtime::RuntimeProbeError>(),
            Some(crate::calibrate::runtime::RuntimeProbeError::NoPython { .. })
        )
        || cause
            .downcast_ref::<crate::calibrate::CalibrateError>()
            .is_some_and(crate::calibrate::CalibrateError::is_input)
        || cause
            .downcast_ref::<crate::calibrate::channel::ChannelError>()
            .is_some_and(crate::calibrate::channel::ChannelError::is_input)
        || cause
            .downcast_ref::<crate::optimize::memory::MemoryError>()
            .is_some_and(crate::optimize::memory::MemoryError::is_input)
        || cause
            .downcast_ref::<EstimateError>()
            .is_some_and(|e| match e {
                EstimateError::NotNarrowed(_) => true,
                EstimateError::Faas(e) => faas_model_input(e),
                EstimateError::Iaas(e) => iaas_model_input(e),
                EstimateError::Convergence(_) => false,
            })
        || cause.downcast_ref::<PlanError>().is_some_and(|e| match e {
            PlanError::Faas(e) => faas_model_input(e),
            PlanError::Iaas(e) => iaas_model_input(e),
            PlanError::NothingQualifies(_) | PlanError::Convergence(_) => false,
        })
        || cause
            .downcast_ref::<FaasModelError>()
            .is_some_and(faas_model_input)
        || cause
            .downcast_ref::<IaasModelError>()
            .is_some_and(iaas_model_input)
}

/// Every way the FaaS model cannot be built comes from the scenario or the profiles.
fn faas_model_input(_: &FaasModelError) -> bool {
    true
}

fn iaas_model_input(_: &IaasModelError) -> bool {
    true
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
