//! # Discrete-event simulator
//!
//! Simulates FaaS and IaaS training in virtual time while every worker really computes its
//! gradients with the SGD kernels on its shard of real data: time and money advance by the
//! platform, channel and pattern; convergence, staleness and stragglers come from the arithmetic.

pub mod engine;
pub mod shared_link;
pub mod time;
