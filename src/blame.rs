//! # Whose fault an error is
//!
//! Every error the library returns says, by its type and variant, whether the user's input
//! caused it — a file, a key, a value or a flag (the command exits 2) — or something else
//! did: a limit no plan meets, a failed probe, the system (exit 1). One trait, and every
//! error type's answer in this one file, so no error is classified by its text or by where it
//! happens to sit in a chain of causes. Errors that wrap others ask the wrapped one.

use crate::calibrate::CalibrateError;
use crate::calibrate::channel::ChannelError;
use crate::calibrate::runtime::RuntimeProbeError;
use crate::data::DataError;
use crate::model::faas::FaasModelError;
use crate::model::facts::FactsError;
use crate::model::iaas::IaasModelError;
use crate::optimize::choose::ChooseError;
use crate::optimize::estimate::EstimateError;
use crate::optimize::memory::MemoryError;
use crate::optimize::plan::PlanError;
use crate::optimize::schedule::ScheduleError;
use crate::optimize::sensitivity::SensitivityError;
use crate::optimize::sweep::TooManyPoints;
use crate::optimize::tuning::TuningError;
use crate::optimize::workers::WorkersError;
use crate::profile::ProfileError;
use crate::report::bundle::ReportError;
use crate::report::site::SiteError;
use crate::reproduce::{CorpusError, ReproduceError};
use crate::scenario::ScenarioError;
use crate::sim::SimError;
use crate::sim::data::SimDataError;
use crate::validate::ValidateError;

/// Whether an error is the user's input's fault.
pub trait Blame {
    fn is_input(&self) -> bool;
}

/// Errors that are always about the input: a file, a scenario key, a profile, a corpus row.
macro_rules! always_input {
    ($($t:ty),* $(,)?) => {
        $(impl Blame for $t {
            fn is_input(&self) -> bool {
                true
            }
        })*
    };
}

always_input!(
    DataError,
    ScenarioError,
    ProfileError,
    FactsError,
    CorpusError,
    ReproduceError,
    FaasModelError,
    IaasModelError,
    TooManyPoints,
);

impl Blame for SimDataError {
    /// A data file that does not read, or a workload the simulator cannot train as asked.
    fn is_input(&self) -> bool {
        true
    }
}

impl Blame for SimError {
    /// The scenario, its data or its configuration; `Unsupported` is a configuration the
    /// simulator does not run (a protocol for the algorithm, a size past its keys).
    fn is_input(&self) -> bool {
        match self {
            SimError::Data(e) => e.is_input(),
            SimError::Faas(_)
            | SimError::Iaas(_)
            | SimError::Profile(_)
            | SimError::Unsupported(_) => true,
        }
    }
}

impl Blame for PlanError {
    /// Nothing meeting the budget or deadline is a finding about the limits, not bad input.
    fn is_input(&self) -> bool {
        match self {
            PlanError::Faas(_) | PlanError::Iaas(_) => true,
            PlanError::Convergence(e) => e.is_input(),
            PlanError::NothingQualifies(_) => false,
        }
    }
}

impl Blame for EstimateError {
    fn is_input(&self) -> bool {
        match self {
            EstimateError::NotNarrowed(_) | EstimateError::Faas(_) | EstimateError::Iaas(_) => true,
            EstimateError::Convergence(e) => e.is_input(),
        }
    }
}

impl Blame for ChooseError {
    fn is_input(&self) -> bool {
        match self {
            ChooseError::Plan(e) => e.is_input(),
            ChooseError::NoneRuns { .. } => false,
        }
    }
}

impl Blame for WorkersError {
    fn is_input(&self) -> bool {
        match self {
            WorkersError::Plan(e) => e.is_input(),
            WorkersError::TooMany(_) => true,
            WorkersError::NoneQualifies(_) => false,
        }
    }
}

impl Blame for ScheduleError {
    fn is_input(&self) -> bool {
        match self {
            ScheduleError::Plan(e) => e.is_input(),
            ScheduleError::Sim(e) => e.is_input(),
            ScheduleError::ShortCurve | ScheduleError::Facts(_) => true,
            ScheduleError::Unreachable { .. } | ScheduleError::OverBudget { .. } => false,
        }
    }
}

impl Blame for TuningError {
    fn is_input(&self) -> bool {
        match self {
            TuningError::Plan(e) => e.is_input(),
            TuningError::Empty | TuningError::TooLarge { .. } | TuningError::Facts(_) => true,
            TuningError::Infeasible { .. } => false,
        }
    }
}

impl Blame for MemoryError {
    fn is_input(&self) -> bool {
        MemoryError::is_input(self)
    }
}

impl Blame for CalibrateError {
    fn is_input(&self) -> bool {
        CalibrateError::is_input(self)
    }
}

impl Blame for ChannelError {
    fn is_input(&self) -> bool {
        ChannelError::is_input(self)
    }
}

impl Blame for RuntimeProbeError {
    /// A Python that does not start is the `--python` flag's fault; a probe that fails is not.
    fn is_input(&self) -> bool {
        matches!(self, RuntimeProbeError::NoPython { .. })
    }
}

impl Blame for ValidateError {
    fn is_input(&self) -> bool {
        match self {
            ValidateError::Choose(e) => e.is_input(),
            ValidateError::Sim(e) => e.is_input(),
            ValidateError::Infeasible(_) => false,
        }
    }
}

impl Blame for SensitivityError {
    fn is_input(&self) -> bool {
        match self {
            SensitivityError::Profiles(_) => true,
            SensitivityError::NoBase(_) => false,
        }
    }
}

impl Blame for ReportError {
    fn is_input(&self) -> bool {
        match self {
            ReportError::Plan(e) => e.is_input(),
        }
    }
}

impl Blame for SiteError {
    /// A report directory that cannot be written is the `--out` path's fault.
    fn is_input(&self) -> bool {
        matches!(self, SiteError::Io { .. })
    }
}

/// The verdict of the first error in `cause` whose type is known here; `None` for others.
pub fn blame(cause: &(dyn std::error::Error + 'static)) -> Option<bool> {
    macro_rules! first_known {
        ($($t:ty),* $(,)?) => {
            $(if let Some(e) = cause.downcast_ref::<$t>() {
                return Some(e.is_input());
            })*
        };
    }
    first_known!(
        DataError,
        ScenarioError,
        ProfileError,
        FactsError,
        CorpusError,
        ReproduceError,
        FaasModelError,
        IaasModelError,
        SimDataError,
        SimError,
        PlanError,
        EstimateError,
        ChooseError,
        WorkersError,
        ScheduleError,
        TuningError,
        MemoryError,
        CalibrateError,
        ChannelError,
        RuntimeProbeError,
        ValidateError,
        SensitivityError,
        ReportError,
        SiteError,
        TooManyPoints,
    );
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrapped_error_is_judged_by_what_it_wraps() {
        let input = PlanError::Faas(FaasModelError::from(ProfileError::Overlay("x".into())));
        assert_eq!(blame(&WorkersError::Plan(input)), Some(true));
        let limits = PlanError::NothingQualifies("over budget".into());
        assert_eq!(blame(&TuningError::Plan(limits)), Some(false));
        assert_eq!(
            blame(&TuningError::TooLarge {
                configs: 1,
                functions: 1
            }),
            Some(true)
        );
        assert_eq!(blame(&std::io::Error::other("x")), None);
    }
}
