//! # Label normalisation
//!
//! Collects labels as a file is read and normalises them once: binary problems end up in
//! {0, 1} (−1 maps to 0, so ±1 files and 0/1 files agree), multiclass problems keep their
//! class ids 0..k−1, and k is reported. The mapping depends on each value alone, so a test
//! file is normalised the same way as its training file.

use super::error::{DataError, DataErrorKind, Location};

/// Labels gathered while parsing, with where each coding first appeared.
#[derive(Debug, Default)]
pub struct LabelCollector {
    labels: Vec<u32>,
    first_minus_one: Option<Location>,
    first_zero: Option<Location>,
    max: u32,
}

/// The stored code of −1 until [`LabelCollector::finish`] maps it to 0.
const MINUS_ONE: u32 = u32::MAX;

impl LabelCollector {
    /// Parses and records one label token.
    pub fn push(&mut self, token: &str, location: Location) -> Result<(), DataError> {
        let value: f64 = token.parse().map_err(|_| {
            DataError::new(
                location,
                DataErrorKind::LabelNotNumeric {
                    token: token.to_string(),
                },
            )
        })?;
        let class = to_class(value).ok_or_else(|| {
            DataError::new(
                location,
                DataErrorKind::LabelNotClass {
                    token: token.to_string(),
                },
            )
        })?;
        match class {
            MINUS_ONE => self.first_minus_one = self.first_minus_one.or(Some(location)),
            0 => self.first_zero = self.first_zero.or(Some(location)),
            c => self.max = self.max.max(c),
        }
        self.labels.push(class);
        Ok(())
    }

    /// Labels pushed so far.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// The normalised labels and the class count k (at least 2).
    pub fn finish(mut self) -> Result<(Vec<u32>, usize), DataError> {
        if let (Some(minus), Some(zero)) = (self.first_minus_one, self.first_zero) {
            let later = if location_order(minus) > location_order(zero) {
                minus
            } else {
                zero
            };
            return Err(DataError::new(later, DataErrorKind::MixedLabelCodings));
        }
        if self.first_minus_one.is_some() {
            self.labels
                .iter_mut()
                .filter(|l| **l == MINUS_ONE)
                .for_each(|l| *l = 0);
        }
        let classes = (self.max as usize + 1).max(2);
        Ok((self.labels, classes))
    }
}

fn to_class(value: f64) -> Option<u32> {
    if value == -1.0 {
        Some(MINUS_ONE)
    } else if value >= 0.0 && value.fract() == 0.0 && value < f64::from(MINUS_ONE) {
        Some(value as u32)
    } else {
        None
    }
}

fn location_order(location: Location) -> u64 {
    match location {
        Location::Line(n) | Location::Record(n) => n,
        Location::Input | Location::Header => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(tokens: &[&str]) -> Result<(Vec<u32>, usize), DataError> {
        let mut labels = LabelCollector::default();
        for (i, token) in tokens.iter().enumerate() {
            labels.push(token, Location::Line(i as u64 + 1))?;
        }
        labels.finish()
    }

    #[test]
    fn plus_minus_one_labels_become_one_and_zero() {
        assert_eq!(collect(&["-1", "+1", "1.0"]).unwrap(), (vec![0, 1, 1], 2));
    }

    #[test]
    fn class_ids_are_kept_and_counted() {
        assert_eq!(collect(&["3", "0", "9"]).unwrap(), (vec![3, 0, 9], 10));
    }

    #[test]
    fn a_single_class_still_counts_as_binary() {
        assert_eq!(collect(&["1", "1"]).unwrap().1, 2);
    }

    #[test]
    fn rejects_a_label_that_is_not_a_number() {
        let err = collect(&["1", "yes"]).unwrap_err();
        assert!(matches!(err.kind, DataErrorKind::LabelNotNumeric { .. }));
        assert_eq!(err.location, Location::Line(2));
    }

    #[test]
    fn rejects_a_fractional_or_negative_label() {
        assert!(matches!(
            collect(&["0.5"]).unwrap_err().kind,
            DataErrorKind::LabelNotClass { .. }
        ));
        assert!(matches!(
            collect(&["-2"]).unwrap_err().kind,
            DataErrorKind::LabelNotClass { .. }
        ));
    }

    #[test]
    fn rejects_minus_one_mixed_with_zero_at_the_later_line() {
        let err = collect(&["0", "1", "-1"]).unwrap_err();
        assert!(matches!(err.kind, DataErrorKind::MixedLabelCodings));
        assert_eq!(err.location, Location::Line(3));
    }
}
