//! # Wider vectors where the CPU has them
//!
//! A hot loop is written once, as an `#[inline(always)]` function, and `avx2_twin!` gives it a
//! twin compiled with AVX2 enabled; [`avx2`] says at run time (once, cached by the standard
//! library) whether the CPU may call it. The loops keep their explicit per-lane accumulators and
//! never fuse multiply-adds, so both versions compute bit-identical results; only the register
//! width changes. (Wrapping the loop in a closure is not enough: a closure too large to inline
//! is compiled on its own, for the baseline target.)

/// Whether this CPU runs AVX2 code.
#[inline(always)]
pub fn avx2() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx2")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// Declares `$twin`, `$body` compiled with AVX2 enabled (the baseline build elsewhere).
/// Call it only where [`avx2`] is true: `if wide::avx2() { unsafe { twin(..) } } else { body(..) }`.
#[macro_export]
macro_rules! avx2_twin {
    ($(#[$doc:meta])* fn $twin:ident<$($g:ident: $bound:path),*>($($arg:ident: $ty:ty),* $(,)?) -> $ret:ty = $body:ident) => {
        $(#[$doc])*
        #[cfg_attr(target_arch = "x86_64", target_feature(enable = "avx2"))]
        unsafe fn $twin<$($g: $bound),*>($($arg: $ty),*) -> $ret {
            $body::<$($g),*>($($arg),*)
        }
    };
}

#[cfg(test)]
mod tests {
    trait Scale {
        fn apply(v: f32) -> f32;
    }

    struct Double;

    impl Scale for Double {
        fn apply(v: f32) -> f32 {
            2.0 * v
        }
    }

    #[inline(always)]
    fn scaled_sum<S: Scale>(values: &[f32]) -> f64 {
        values.iter().map(|&v| f64::from(S::apply(v))).sum()
    }

    crate::avx2_twin!(fn scaled_sum_avx2<S: Scale>(values: &[f32]) -> f64 = scaled_sum);

    #[test]
    fn the_twin_computes_what_the_baseline_does() {
        let values: Vec<f32> = (0..1000).map(|i| i as f32 * 0.37).collect();
        let baseline = scaled_sum::<Double>(&values);
        if super::avx2() {
            // SAFETY: the CPU supports AVX2, checked just above.
            assert_eq!(unsafe { scaled_sum_avx2::<Double>(&values) }, baseline);
        }
    }
}
