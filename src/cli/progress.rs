//! Progress on stderr for long work (hidden when stderr is not a terminal).

use indicatif::{ProgressBar, ProgressStyle};

/// A spinner for `runs` simulated runs.
pub fn runs_bar(runs: u32) -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} [{elapsed}]")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.set_message(format!(
        "simulating {runs} run{}",
        if runs == 1 { "" } else { "s" }
    ));
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}
