//! # Wider vectors where the CPU has them
//!
//! Runs a hot loop compiled for AVX2 when the CPU reports it at run time, and for the baseline
//! target otherwise. The loops inlined into it keep their explicit per-lane accumulators and
//! never fuse multiply-adds, so both versions compute bit-identical results; only the register
//! width changes.

/// Calls `f` from a function compiled with AVX2 enabled when this CPU supports it.
#[inline(always)]
pub fn run<T>(f: impl FnOnce() -> T) -> T {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2, checked just above.
        return unsafe { run_avx2(f) };
    }
    f()
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn run_avx2<T>(f: impl FnOnce() -> T) -> T {
    f()
}
