//! Everything xbrief writes to stderr goes through `tracing`. Summaries (what a command or
//! `serve` did, in a sentence) are info events of the target `xbrief::summary`: on a
//! terminal they print as the bare sentence, in `--log-format json` as one JSON object per
//! line like every other event, and `-q` leaves them out.

use tracing_subscriber::filter::{EnvFilter, LevelFilter, filter_fn};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{Layer, Registry, fmt};

type Boxed = Box<dyn Layer<Registry> + Send + Sync>;

pub const SUMMARY: &str = "xbrief::summary";

/// Installs the subscriber: warnings by default; `-v`/`-q` or `XBRIEF_LOG` (a tracing
/// filter) say otherwise.
pub fn init(json: bool, quiet: bool, verbose: u8) {
    let level = match (quiet, verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        (false, 2) => "debug",
        _ => "trace",
    };
    let summaries = if quiet {
        LevelFilter::ERROR
    } else {
        LevelFilter::INFO
    };
    let filter = EnvFilter::try_from_env("XBRIEF_LOG").unwrap_or_else(|_| level.into());
    let (events, said): (Boxed, Boxed) = if json {
        (
            fmt::layer().json().with_writer(std::io::stderr).boxed(),
            fmt::layer().json().with_writer(std::io::stderr).boxed(),
        )
    } else {
        (
            fmt::layer().with_writer(std::io::stderr).boxed(),
            fmt::layer()
                .with_writer(std::io::stderr)
                .without_time()
                .with_level(false)
                .with_target(false)
                .with_ansi(false)
                .boxed(),
        )
    };
    let layers: Vec<Boxed> = vec![
        events
            .with_filter(filter_fn(|m| m.target() != SUMMARY))
            .with_filter(filter)
            .boxed(),
        said.with_filter(filter_fn(|m| m.target() == SUMMARY))
            .with_filter(summaries)
            .boxed(),
    ];
    tracing_subscriber::registry().with(layers).init();
}
