//! Progress bars for the stages of a run (querying, rendering, sending), shown only when a
//! person watches: `run` turns them on when stderr is a terminal and logs are plain text.
//! Elsewhere (serve, pipes, JSON logs, `-q`) every bar is hidden and costs nothing.

use indicatif::{ProgressBar, ProgressStyle};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

static SHOWN: AtomicBool = AtomicBool::new(false);

pub fn show(on: bool) {
    SHOWN.store(on, Ordering::Relaxed);
}

/// A bar for `total` steps of the stage `what`.
pub fn bar(what: &'static str, total: usize) -> ProgressBar {
    if !SHOWN.load(Ordering::Relaxed) {
        return ProgressBar::hidden();
    }
    let style =
        ProgressStyle::with_template("{msg:>10} [{bar:30}] {pos}/{len} {per_sec} eta {eta}")
            .expect("a valid template")
            .progress_chars("=> ");
    ProgressBar::new(total as u64)
        .with_style(style)
        .with_message(what)
}

/// A spinner for a stage whose length is unknown.
pub fn spinner(what: &'static str) -> ProgressBar {
    if !SHOWN.load(Ordering::Relaxed) {
        return ProgressBar::hidden();
    }
    let spinner = ProgressBar::new_spinner().with_message(what);
    spinner.enable_steady_tick(Duration::from_millis(120));
    spinner
}
