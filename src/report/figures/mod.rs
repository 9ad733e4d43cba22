//! # Figures of a report
//!
//! Each file turns one result into one [`Chart`](super::chart::Chart): the time–cost plane of
//! every candidate, the breakdown of the best plans, the memory curve, the aggregation trees,
//! the break-even map, the sensitivity tornado, the reproduction of the published corpus and
//! the simulated loss curves. Figures only draw; the numbers come from `optimize`, `sim` and
//! `reproduce`.

pub mod breakdown;
pub mod breakeven;
pub mod convergence;
pub mod memory;
pub mod pareto;
pub mod reproduction;
pub mod sensitivity;
pub mod trees;
