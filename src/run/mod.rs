//! One run of a job for one period: exports → figures → CSV exports and briefings →
//! manifest → outbox. Everything is rendered into a staging folder first; only a run that
//! produced all of its outputs is moved into place and sent.

use crate::config::{Config, Job};
use crate::data::{DataError, ExportName, Exports};
use crate::deliver::{
    self, Attachment, Delivered, DeliveryError, Envelope, Identity, Ledger, LedgerError,
    OutgoingMessage, Retry, Sender, SettingsError, TransportSettings,
};
use crate::export::{self, Manifest, ManifestFile, ManifestInput, ManifestRecipient};
use crate::metrics::employee::Privacy;
use crate::metrics::period::Period;
use crate::metrics::{self, MetricsError, MetricsRequest};
use crate::render::pdf::PageFrame;
use crate::render::{RenderError, Rendered, Renderer};
use crate::report::{self, CatalogError, Catalogs};
use chrono::Utc;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Instant;

mod job;
mod notice;
mod preview;
mod render;
mod resend;

pub use job::{check_recipients, run_job};
pub use notice::notice_context;
pub use preview::{Pick, Preview, dry_run, preview};
pub use resend::resend;

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Data(#[from] DataError),
    #[error(transparent)]
    Metrics(#[from] MetricsError),
    #[error(transparent)]
    Render(#[from] RenderError),
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    #[error(transparent)]
    Delivery(#[from] DeliveryError),
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error(transparent)]
    Transport(#[from] SettingsError),
    #[error(
        "job {job}: recipients outside delivery.allowed_domains or not valid addresses, nothing was sent: {addresses}"
    )]
    Recipients { job: String, addresses: String },
    #[error("cannot write {path}: {detail}")]
    Write { path: PathBuf, detail: String },
    #[error("no briefing for `{scope}` in job {job}: expected one of {known}, …")]
    Scope {
        job: String,
        scope: String,
        known: String,
    },
    #[error("cannot generate the demo exports: {0}")]
    Demo(String),
}

#[derive(Debug, Clone)]
pub struct RunOptions {
    pub period: Option<Period>,
    pub data_dir: Option<PathBuf>,
    pub out_dir: Option<PathBuf>,
    pub exports_only: bool,
    /// `run --transport`, over the config's `delivery.transport`.
    pub transport: Option<crate::config::Transport>,
    /// The data was not fresh by the deadline (`wait_for_data`): briefings say so.
    pub data_incomplete: bool,
}

impl RunOptions {
    /// The config's own folders and transport, for one period (or the job's default).
    pub fn for_period(period: Option<Period>) -> RunOptions {
        RunOptions {
            period,
            data_dir: None,
            out_dir: None,
            exports_only: false,
            transport: None,
            data_incomplete: false,
        }
    }
}

#[derive(Debug, Clone)]
pub struct RunSummary {
    pub job: String,
    pub period: Period,
    pub folder: PathBuf,
    pub briefings: usize,
    pub messages: usize,
    pub delivered: Delivered,
    pub seconds: f64,
    /// Rendering wall time and the median and 99th percentile time per PDF, in seconds.
    pub render: Option<RenderStats>,
}

/// What a run produced: each message with the hash of its artifacts, the briefing count
/// and the rendering times.
type Produced = (Vec<(OutgoingMessage, String)>, usize, Option<RenderStats>);

#[derive(Debug, Clone, Copy)]
pub struct RenderStats {
    pub seconds: f64,
    pub p50: f64,
    pub p99: f64,
}

impl RenderStats {
    fn of(seconds: f64, mut each: Vec<f64>) -> Option<RenderStats> {
        if each.is_empty() {
            return None;
        }
        each.sort_by(f64::total_cmp);
        let at = |q: f64| each[((each.len() - 1) as f64 * q).round() as usize];
        Some(RenderStats {
            seconds,
            p50: at(0.5),
            p99: at(0.99),
        })
    }
}

pub fn data_dir(config: &Config, options: &RunOptions) -> PathBuf {
    options
        .data_dir
        .clone()
        .unwrap_or_else(|| PathBuf::from(&config.file.data.dir))
}

pub fn export_patterns(config: &Config, dir: &Path) -> BTreeMap<ExportName, PathBuf> {
    let paths = &config.file.data.exports;
    [
        (ExportName::Sites, &paths.sites),
        (ExportName::Teams, &paths.teams),
        (ExportName::CustomerResponses, &paths.customer_responses),
        (ExportName::EmployeeResponses, &paths.employee_responses),
        (ExportName::Financials, &paths.financials),
    ]
    .into_iter()
    .map(|(export, pattern)| (export, dir.join(pattern)))
    .collect()
}

pub fn page(config: &Config) -> crate::render::Page {
    match config.file.page_size {
        crate::config::PageSize::A4 => crate::render::Page::A4,
        crate::config::PageSize::Letter => crate::render::Page::LETTER,
    }
}

pub fn privacy(config: &Config) -> Privacy {
    Privacy {
        min_group_size: config.file.privacy.min_group_size.into(),
    }
}

/// Opens the exports and computes the period's figures (with the briefings' detail unless
/// the run writes exports only).
pub fn compute_figures(
    config: &Config,
    job: &Job,
    options: &RunOptions,
    period: Period,
) -> Result<(Exports, metrics::Figures), RunError> {
    let data_dir = data_dir(config, options);
    let patterns = export_patterns(config, &data_dir);
    let queries = crate::data::queries::QueryDir::new(Path::new(&config.file.paths.queries));
    let querying = crate::progress::spinner("querying the exports");
    let exports = Exports::open(&patterns, queries, config.file.data.memory_limit.as_deref())?;
    let figures = metrics::compute(
        &exports,
        &MetricsRequest {
            period,
            zone: job.timezone,
            min_group_size: config.file.privacy.min_group_size,
            compare_min_n: config.file.compare.min_n,
            overdispersion: config.file.compare.overdispersion,
            scorecard: &config.scorecard,
            detailed: !options.exports_only,
        },
    )?;
    querying.finish_and_clear();
    Ok((exports, figures))
}

/// Where the state store lives: `paths.state`, else `<output>/state`.
pub fn state_dir(config: &Config, out_dir: &Path) -> PathBuf {
    config
        .file
        .paths
        .state
        .as_ref()
        .map(PathBuf::from)
        .unwrap_or_else(|| out_dir.join("state"))
}

pub fn out_dir(config: &Config, options: &RunOptions) -> PathBuf {
    options
        .out_dir
        .clone()
        .unwrap_or_else(|| PathBuf::from(&config.file.paths.output))
}

/// The transport of a run: config, `--transport`, then the XBRIEF_SMTP_* variables.
pub fn transport(config: &Config, options: &RunOptions) -> Result<TransportSettings, RunError> {
    let outbox = out_dir(config, options).join(&config.file.delivery.outbox);
    Ok(deliver::resolve(
        config,
        options.transport,
        outbox,
        &|name| std::env::var(name).ok(),
    )?)
}

/// Peak resident set size of this process, in MiB.
pub fn peak_rss_mib() -> f64 {
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage only writes into the struct we own.
    let ok = unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } == 0;
    if ok {
        usage.ru_maxrss as f64 / 1024.0
    } else {
        0.0
    }
}

/// Writes an output file and returns its manifest entry (size and SHA-256).
fn write(path: &Path, bytes: &[u8]) -> Result<ManifestFile, RunError> {
    std::fs::write(path, bytes).map_err(|e| RunError::Write {
        path: path.to_path_buf(),
        detail: e.to_string(),
    })?;
    Ok(ManifestFile {
        path: path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default(),
        size: bytes.len() as u64,
        sha256: hex::encode(Sha256::digest(bytes)),
    })
}
