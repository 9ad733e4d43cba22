//! # Stratus
//!
//! Plans, simulates and prices distributed SGD training on serverless functions (FaaS)
//! versus virtual machines (IaaS). The module list is the architecture:
//! `cli → {validate, reproduce} → {optimize, calibrate, report} → sim → model →
//! {scenario, profile, units}`, and `sim → kernels → data`: the simulator never imports the
//! planner.

pub mod blame;
pub mod calibrate;
pub mod cli;
pub mod data;
pub mod kernels;
pub mod model;
pub mod optimize;
pub mod profile;
pub mod report;
pub mod reproduce;
pub mod scenario;
pub mod sim;
pub mod suggest;
pub mod units;
pub mod validate;
