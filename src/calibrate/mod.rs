//! # Calibration
//!
//! Fits Stratus's free parameters to measurements (issue 6). Readers recognise their input by
//! content and stream it — CloudWatch REPORT lines and Telemetry API records (`report_log`),
//! Lambda Power Tuning output (`power_tuning`), SeBS CSVs (`sebs`), measured-runs CSVs (`runs`);
//! fits turn them into a function's duration curve t(z) after Feng et al. (IEEE CLOUD 2018)
//! (`curve`), its cold starts (`cold_start`), and the analytic model's free parameters
//! (`runs_fit`), each value with a confidence interval and its residuals. The result is a
//! calibration file: an overlay patch that `--calibration` lays over the profiles, a `[fit]`
//! report and, for one function, a `[function]` table for `optimize memory`. `channel` measures
//! a real storage channel. Nothing here prints; long work reports through a `Progress` hook.

pub mod base64;
pub mod calibration;
pub mod channel;
pub mod cold_start;
pub mod curve;
pub mod error;
pub mod function;
pub mod histogram;
pub mod host;
pub mod input;
pub mod observations;
pub mod power_tuning;
pub mod report_log;
pub mod runs;
pub mod runs_fit;
pub mod runtime;
pub mod sebs;
pub mod stats;
pub mod toml_patch;

pub use calibration::{CalibrateOptions, Calibration, calibrate};
pub use error::CalibrateError;
pub use function::FunctionCurve;
pub use input::{InputKind, Inputs};

/// Where long-running work says what it is doing (the CLI prints it on stderr).
pub type Progress<'a> = &'a dyn Fn(&str);
