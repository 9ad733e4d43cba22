//! # Quantities of a prediction
//!
//! What a published figure measures, written as a dotted key of `estimate`'s JSON
//! (`time_s.total`, `cost_usd.functions`), several such keys of one object added up
//! (`time_s.compute+comm`, for figures that leave start-up and loading out), and optionally
//! per round or per epoch (`time_s.comm/rounds`, `time_s.compute+comm/epochs`).

use std::fmt;
use std::str::FromStr;

use crate::model::Outcome;

/// What a figure is divided by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Per {
    Run,
    Round,
    Epoch,
}

/// A quantity of a prediction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quantity {
    /// `time_s` or `cost_usd`.
    pub object: String,
    /// The keys of that object added up.
    pub parts: Vec<String>,
    pub per: Per,
}

const TIME_PARTS: [&str; 6] = ["total", "startup", "load", "batching", "compute", "comm"];

impl FromStr for Quantity {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let (sum, per) = match text.split_once('/') {
            None => (text, Per::Run),
            Some((sum, "rounds")) => (sum, Per::Round),
            Some((sum, "epochs")) => (sum, Per::Epoch),
            Some((_, other)) => {
                return Err(format!(
                    "`/{other}`: a quantity is divided by `rounds` or `epochs` only"
                ));
            }
        };
        let (object, parts) = sum.split_once('.').ok_or_else(|| {
            format!("`{text}`: expected OBJECT.KEY such as time_s.total or cost_usd.total")
        })?;
        if object != "time_s" && object != "cost_usd" {
            return Err(format!("`{object}`: the object is time_s or cost_usd"));
        }
        let parts: Vec<String> = parts.split('+').map(|p| p.trim().to_string()).collect();
        let unknown = parts.iter().find(|p| !TIME_PARTS.contains(&p.as_str()));
        if let (true, Some(bad)) = (object == "time_s", unknown) {
            return Err(format!(
                "`time_s.{bad}`: not a key of time_s (known: {})",
                TIME_PARTS.join(", ")
            ));
        }
        Ok(Quantity {
            object: object.to_string(),
            parts,
            per,
        })
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.object, self.parts.join("+"))?;
        match self.per {
            Per::Run => Ok(()),
            Per::Round => f.write_str("/rounds"),
            Per::Epoch => f.write_str("/epochs"),
        }
    }
}

impl Quantity {
    /// The quantity's value in `outcome`, a run of `rounds` rounds over `epochs` epochs; why
    /// not, when the bill has no such part.
    pub fn of(&self, outcome: &Outcome, rounds: f64, epochs: f64) -> Result<f64, String> {
        let mut sum = 0.0;
        for part in &self.parts {
            sum += self.part(outcome, part)?;
        }
        Ok(match self.per {
            Per::Run => sum,
            Per::Round => sum / rounds,
            Per::Epoch => sum / epochs,
        })
    }

    fn part(&self, outcome: &Outcome, part: &str) -> Result<f64, String> {
        let t = &outcome.time;
        if self.object == "time_s" {
            return Ok(match part {
                "startup" => t.startup_s,
                "load" => t.load_s,
                "batching" => t.batching_s,
                "compute" => t.compute_s,
                "comm" => t.comm_s,
                _ => t.total_s(),
            });
        }
        if part == "total" {
            return Ok(outcome.total_usd());
        }
        let parts = outcome.bill.parts();
        parts
            .iter()
            .find(|(name, _)| *name == part)
            .map(|(_, usd)| *usd)
            .ok_or_else(|| {
                let known: Vec<&str> = parts.iter().map(|(n, _)| *n).collect();
                format!(
                    "`cost_usd.{part}`: this bill's parts are total, {}",
                    known.join(", ")
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Bill, IaasCost, TimeBreakdown};

    fn outcome() -> Outcome {
        Outcome {
            time: TimeBreakdown {
                startup_s: 1.0,
                load_s: 2.0,
                batching_s: 0.0,
                compute_s: 3.0,
                comm_s: 4.0,
            },
            bill: Bill::Iaas(IaasCost {
                instances_usd: 0.5,
                storage_requests_usd: 0.25,
            }),
        }
    }

    #[test]
    fn adds_parts_and_divides_per_round_or_epoch() {
        let q: Quantity = "time_s.compute+comm/epochs".parse().unwrap();
        assert_eq!(q.of(&outcome(), 10.0, 2.0).unwrap(), 3.5);
        let q: Quantity = "time_s.total/rounds".parse().unwrap();
        assert_eq!(q.of(&outcome(), 10.0, 2.0).unwrap(), 1.0);
        let q: Quantity = "cost_usd.total".parse().unwrap();
        assert_eq!(q.of(&outcome(), 1.0, 1.0).unwrap(), 0.75);
        assert_eq!(q.to_string(), "cost_usd.total");
    }

    #[test]
    fn rejects_unknown_objects_keys_and_divisors() {
        for bad in ["time.total", "time_s.wall", "time_s.total/hours", "total"] {
            assert!(bad.parse::<Quantity>().is_err(), "{bad}");
        }
    }

    #[test]
    fn a_bill_part_the_platform_lacks_is_named() {
        let q: Quantity = "cost_usd.functions".parse().unwrap();
        let err = q.of(&outcome(), 1.0, 1.0).unwrap_err();
        assert!(err.contains("instances"), "{err}");
    }
}
