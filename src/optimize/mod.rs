//! # Optimisers
//!
//! Planning means choosing: the configuration search behind `plan`, selection under an
//! objective with budget and deadline, the time–cost Pareto front, the verdict, and the
//! layered-tree DP and the memory size (Feng et al.). All of them sit on the analytic model.

pub mod choose;
pub mod convergence;
pub mod estimate;
pub mod memory;
pub mod pareto;
pub mod plan;
pub mod refine;
pub mod schedule;
pub mod search;
pub mod select;
pub mod sensitivity;
pub mod sweep;
pub mod tree;
pub mod tuning;
pub mod verdict;
pub mod workers;
