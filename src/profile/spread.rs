//! # A measured spread
//!
//! An empirical distribution of a time over its median, written as quantiles `[p, factor]`
//! from p = 0 to p = 1 and read back by linear interpolation between them (inverse-transform
//! sampling, Devroye 1986 §II.2). The Lambda profiles' per-function S3 read times are one: most
//! reads run at the client's cap, a few percent take up to 2.4 times as long.
//!
//! The lookup, a line through measured points, also reads a runtime's network speed at an
//! arithmetic intensity (`piecewise_linear`).

/// Quantiles of a factor, p ascending from 0 to 1, factors not decreasing.
#[derive(Debug, Clone, PartialEq)]
pub struct Spread {
    points: Vec<[f64; 2]>,
}

impl Spread {
    /// The spread of `points` as written in a profile; the error says what is wrong.
    pub fn new(points: &[[f64; 2]]) -> Result<Spread, String> {
        let (Some(first), Some(last)) = (points.first(), points.last()) else {
            return Err("needs at least the quantiles 0 and 1".into());
        };
        if first[0] != 0.0 || last[0] != 1.0 {
            return Err(format!(
                "must run from quantile 0 to quantile 1 (got {} to {})",
                first[0], last[0]
            ));
        }
        if let Some([p, f]) = points.iter().find(|[_, f]| !(*f > 0.0 && f.is_finite())) {
            return Err(format!(
                "factors must be positive (got {f} at quantile {p})"
            ));
        }
        for pair in points.windows(2) {
            let ([p0, f0], [p1, f1]) = (pair[0], pair[1]);
            if p1.is_nan() || p1 <= p0 || f1 < f0 {
                return Err(format!(
                    "quantiles must rise and factors not fall ([{p0}, {f0}] then [{p1}, {f1}])"
                ));
            }
        }
        Ok(Spread {
            points: points.to_vec(),
        })
    }

    /// The factor at quantile `p` (0 to 1).
    pub fn at(&self, p: f64) -> f64 {
        piecewise_linear(&self.points, p)
    }
}

/// The value at `x` of the line through `points` (`[x, y]`, x rising, at least one point):
/// linear between two points, the nearest end's value beyond them.
pub fn piecewise_linear(points: &[[f64; 2]], x: f64) -> f64 {
    let i = points.partition_point(|[at, _]| *at < x);
    match (i.checked_sub(1).map(|j| points[j]), points.get(i).copied()) {
        (Some([x0, y0]), Some([x1, y1])) => y0 + (y1 - y0) * (x - x0) / (x1 - x0),
        (None, Some([_, y])) | (Some([_, y]), None) => y,
        (None, None) => f64::NAN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    fn spread() -> Spread {
        Spread::new(&[[0.0, 0.9], [0.5, 1.0], [0.99, 1.2], [1.0, 3.0]]).unwrap()
    }

    #[test]
    fn reads_the_quantiles_back_and_interpolates_between_them() {
        let s = spread();
        assert_relative_eq!(s.at(0.0), 0.9);
        assert_relative_eq!(s.at(0.5), 1.0);
        assert_relative_eq!(s.at(0.25), 0.95);
        assert_relative_eq!(s.at(0.995), 2.1);
        assert_relative_eq!(s.at(1.0), 3.0);
    }

    #[test]
    fn rejects_a_spread_that_does_not_cover_every_quantile() {
        assert!(Spread::new(&[[0.0, 1.0], [0.9, 1.2]]).is_err());
        assert!(Spread::new(&[]).is_err());
    }

    #[test]
    fn rejects_falling_factors_and_repeated_quantiles() {
        assert!(Spread::new(&[[0.0, 1.0], [0.5, 0.9], [1.0, 2.0]]).is_err());
        assert!(Spread::new(&[[0.0, 1.0], [0.0, 1.1], [1.0, 2.0]]).is_err());
        assert!(Spread::new(&[[0.0, 0.0], [1.0, 2.0]]).is_err());
    }
}
