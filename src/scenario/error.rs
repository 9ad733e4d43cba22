//! # Scenario errors
//!
//! One variant per rule a scenario can break. Every error carries the file (or `--set`) and
//! the dotted key, so a message reads `scenarios/x.toml: faas.workers: must be at least 1 (got 0)`.

use std::fmt;

/// What is wrong with one value of a scenario.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Problem {
    #[error("{0}")]
    Syntax(String),
    #[error("cannot read the file: {0}")]
    Unreadable(String),
    #[error("expected {expected} (got {got})")]
    WrongType { expected: &'static str, got: String },
    #[error("must be at least 1 (got {0})")]
    ZeroWorkers(i64),
    #[error("{0}")]
    MemoryOutsideProfile(String),
    #[error("must start at 1, the root (got {0:?})")]
    StructureNotRootedAtOne(Vec<u32>),
    #[error("must be strictly increasing from the root to the workers (got {0:?})")]
    StructureNotIncreasing(Vec<u32>),
    #[error("must end at the worker count {workers} (got {structure:?})")]
    StructureNotEndingAtWorkers { structure: Vec<u32>, workers: u32 },
    #[error("{0}")]
    UnknownName(String),
    #[error("must be a positive number (got {0})")]
    NotPositive(f64),
    #[error("must lie in (0, 1] (got {0})")]
    DensityOutOfRange(f64),
    #[error("may not be empty")]
    EmptyList,
    #[error("{0}")]
    Conflict(String),
    #[error("is required")]
    Missing,
    #[error("`{0}` is not a KEY=VALUE pair")]
    MalformedSet(String),
    #[error("{0}")]
    Other(String),
}

/// A scenario error: where, which key, and what is wrong.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub struct ScenarioError {
    /// The scenario file, or `--set` for an override on the command line.
    pub file: String,
    /// The dotted key at fault; empty when the problem is the whole file.
    pub key: String,
    pub problem: Problem,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.key.is_empty() {
            write!(f, "{}: {}", self.file, self.problem)
        } else {
            write!(f, "{}: {}: {}", self.file, self.key, self.problem)
        }
    }
}

/// A problem at a key, before the file name is known.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyProblem {
    pub key: String,
    pub problem: Problem,
}

impl KeyProblem {
    pub fn new(key: impl Into<String>, problem: Problem) -> Self {
        KeyProblem {
            key: key.into(),
            problem,
        }
    }

    /// Attaches the file name.
    pub fn in_file(self, file: &str) -> ScenarioError {
        ScenarioError {
            file: file.to_string(),
            key: self.key,
            problem: self.problem,
        }
    }
}

/// Result of checking one part of a scenario.
pub type Checked<T> = Result<T, KeyProblem>;
