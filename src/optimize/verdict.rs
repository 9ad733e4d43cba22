//! # Verdict
//!
//! FaaS or IaaS, and why in one line: by how much the winner is faster and cheaper, and which
//! term dominates the loser's time (LambdaML's explanation of every comparison it makes).

use crate::model::{Candidate, Outcome, Platform};
use crate::scenario::Goal;
use crate::units::{format_seconds, format_usd};

use super::select::score;

/// The comparison of the best FaaS and the best IaaS plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub winner: Platform,
    /// IaaS time over FaaS time.
    pub speedup: f64,
    /// FaaS cost over IaaS cost.
    pub cost_ratio: f64,
    pub reason: String,
}

/// Compares the best plan of each platform under `goal`.
pub fn compare(faas: &Outcome, iaas: &Outcome, goal: Goal) -> Verdict {
    let winner = if score(faas, goal) <= score(iaas, goal) {
        Platform::Faas
    } else {
        Platform::Iaas
    };
    let (win, lose) = match winner {
        Platform::Faas => (faas, iaas),
        Platform::Iaas => (iaas, faas),
    };
    let loser = if winner == Platform::Faas {
        Platform::Iaas
    } else {
        Platform::Faas
    };
    let (term, term_s) = lose.time.dominant();
    let reason = format!(
        "{} {} and {}; {} spends {:.0}% of its {} on {term}",
        winner.label(),
        time_clause(win.total_s(), lose.total_s()),
        cost_clause(win.total_usd(), lose.total_usd()),
        loser.label(),
        100.0 * term_s / lose.total_s(),
        format_seconds(lose.total_s()),
    );
    Verdict {
        winner,
        speedup: iaas.total_s() / faas.total_s(),
        cost_ratio: faas.total_usd() / iaas.total_usd(),
        reason,
    }
}

/// The cheapest plan of each side against each other, and the fastest of each: LambdaML's two
/// comparisons, so a verdict never rests on one pick alone. Each pair is (cheapest, fastest),
/// as `select::extremes` picks them (near ties going to the other metric).
pub fn extremes_clause(
    faas: (&Candidate, &Candidate),
    iaas: (&Candidate, &Candidate),
    with_recipe: bool,
) -> String {
    let pair = |f: &Candidate, i: &Candidate, what: &str| {
        let (Some(fo), Some(io)) = (f.feasible(), i.feasible()) else {
            return String::new();
        };
        format!(
            " {what}: FaaS {} in {} ({}) against IaaS {} in {} ({})",
            format_usd(fo.total_usd()),
            format_seconds(fo.total_s()),
            f.describe(with_recipe),
            format_usd(io.total_usd()),
            format_seconds(io.total_s()),
            i.describe(with_recipe),
        )
    };
    let cheapest = pair(faas.0, iaas.0, "Cheapest of each");
    let fastest = pair(faas.1, iaas.1, "fastest of each");
    let ratio = |f: &Candidate, i: &Candidate| -> f64 {
        match (f.feasible(), i.feasible()) {
            (Some(fo), Some(io)) => fo.total_usd() / io.total_usd(),
            _ => f64::NAN,
        }
    };
    format!(
        ".{cheapest} (FaaS {});{fastest} (FaaS {})",
        ratio_words(ratio(faas.0, iaas.0)),
        ratio_words(ratio(faas.1, iaas.1)),
    )
}

/// What the extremes were chosen within, when the objective bounds them: plans past the
/// scenario's budget or deadline are neither side's cheapest nor fastest.
pub fn limits_clause(objective: &crate::scenario::Objective) -> String {
    let mut limits = Vec::new();
    if let Some(usd) = objective.budget_usd {
        limits.push(format!("the {} budget", format_usd(usd)));
    }
    if let Some(s) = objective.deadline_s {
        limits.push(format!("the {} deadline", format_seconds(s)));
    }
    if limits.is_empty() {
        String::new()
    } else {
        format!("; each within {}", limits.join(" and "))
    }
}

fn ratio_words(faas_over_iaas: f64) -> String {
    if faas_over_iaas >= 1.0 {
        format!("{faas_over_iaas:.1}× dearer")
    } else {
        format!("{:.1}× cheaper", 1.0 / faas_over_iaas)
    }
}

fn time_clause(win_s: f64, lose_s: f64) -> String {
    let pair = format!("({} vs {})", format_seconds(win_s), format_seconds(lose_s));
    if win_s <= lose_s {
        format!("finishes {:.1}× sooner {pair}", lose_s / win_s)
    } else {
        format!("takes {:.1}× longer {pair}", win_s / lose_s)
    }
}

fn cost_clause(win_usd: f64, lose_usd: f64) -> String {
    let pair = format!("({} vs {})", format_usd(win_usd), format_usd(lose_usd));
    if win_usd <= lose_usd {
        format!("costs {:.1}× less {pair}", lose_usd / win_usd)
    } else {
        format!("costs {:.1}× more {pair}", win_usd / lose_usd)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Bill, IaasCost, TimeBreakdown};

    fn outcome(startup_s: f64, comm_s: f64, usd: f64) -> Outcome {
        Outcome {
            time: TimeBreakdown {
                startup_s,
                load_s: 0.0,
                batching_s: 0.0,
                compute_s: 1.0,
                comm_s,
            },
            bill: Bill::Iaas(IaasCost {
                instances_usd: usd,
                storage_requests_usd: 0.0,
            }),
        }
    }

    #[test]
    fn faster_platform_wins_on_time_and_the_reason_names_the_losers_dominant_term() {
        let v = compare(
            &outcome(1.0, 10.0, 0.5),
            &outcome(100.0, 1.0, 0.2),
            Goal::Time,
        );
        assert_eq!(v.winner, Platform::Faas);
        assert!(v.reason.contains("start-up"), "{}", v.reason);
        assert!(v.reason.contains("costs 2.5× more"), "{}", v.reason);
        assert!((v.speedup - 102.0 / 12.0).abs() < 1e-12);
    }

    #[test]
    fn cheaper_platform_wins_on_cost() {
        let v = compare(
            &outcome(1.0, 10.0, 0.5),
            &outcome(100.0, 1.0, 0.2),
            Goal::Cost,
        );
        assert_eq!(v.winner, Platform::Iaas);
        assert!(v.reason.starts_with("IaaS takes"), "{}", v.reason);
    }

    #[test]
    fn the_extremes_name_the_limits_they_were_chosen_within() {
        use crate::scenario::Objective;
        let open = Objective {
            goal: Goal::Cost,
            budget_usd: None,
            deadline_s: None,
        };
        assert_eq!(limits_clause(&open), "");
        let bounded = Objective {
            budget_usd: Some(0.02),
            deadline_s: Some(90.0),
            ..open
        };
        let clause = limits_clause(&bounded);
        assert!(clause.contains("$0.0200 budget"), "{clause}");
        assert!(clause.contains("deadline"), "{clause}");
    }
}
