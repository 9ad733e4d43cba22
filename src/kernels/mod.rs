//! # Kernels
