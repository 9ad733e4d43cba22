//! Progress on stderr for long work (hidden when stderr is not a terminal).

use std::sync::Arc;
use std::sync::mpsc::{RecvTimeoutError, channel};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use crate::sim::Watch;

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

/// Runs `work` with a bar over the simulated rounds `watch` counts (position, rate and ETA),
/// redrawn every tenth of a second until the work returns (and not a moment longer).
pub fn while_simulating<T>(watch: &Watch, runs: u32, work: impl FnOnce() -> T) -> T {
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} {msg} {bar:30} {pos}/{len} rounds [{elapsed}, eta {eta}]",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_message(format!(
        "simulating {runs} run{}",
        if runs == 1 { "" } else { "s" }
    ));
    let (done, finished_work) = channel::<()>();
    let ticker = bar.clone();
    let result = std::thread::scope(|scope| {
        scope.spawn(move || {
            // Dropping `done` ends the wait at once.
            while let Err(RecvTimeoutError::Timeout) =
                finished_work.recv_timeout(Duration::from_millis(100))
            {
                let (finished, planned) = watch.progress();
                ticker.set_length(planned);
                ticker.set_position(finished);
            }
        });
        let result = work();
        drop(done);
        result
    });
    bar.finish_and_clear();
    result
}

/// Makes Ctrl-C ask `watch` to stop (the runs end after the round in flight and keep what
/// they did); a second Ctrl-C quits at once.
pub fn stop_on_ctrl_c(watch: &Arc<Watch>) {
    let watch = Arc::clone(watch);
    // Only one handler per process: a second call (tests in one process) keeps the first.
    let _ = ctrlc::set_handler(move || {
        if watch.stopping() {
            std::process::exit(130);
        }
        watch.request_stop();
    });
}
