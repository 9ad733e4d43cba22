//! Progress on stderr for long work (hidden when stderr is not a terminal).

use indicatif::{ProgressBar, ProgressStyle};

/// A bar over `runs` simulated runs (a spinner while the first one runs).
pub fn runs_bar(runs: u32) -> ProgressBar {
    let bar = ProgressBar::new(u64::from(runs.max(1)));
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} {bar:30} {pos}/{len} [{elapsed}, eta {eta}]")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_message(format!(
        "simulating {runs} run{}",
        if runs == 1 { "" } else { "s" }
    ));
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

/// A bar over `steps` named steps of `what` (its message names the step running).
pub fn steps_bar(steps: u64, what: &str) -> ProgressBar {
    let bar = ProgressBar::new(steps);
    bar.set_style(
        ProgressStyle::with_template("{spinner} {prefix}: {msg} {bar:30} {pos}/{len} [{elapsed}]")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_prefix(what.to_string());
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}
