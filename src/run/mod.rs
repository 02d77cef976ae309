//! One run of a job for one period: exports → figures → CSV exports and briefings →
//! manifest → outbox. Everything is rendered into a staging folder first; only a run that
//! produced all of its outputs is moved into place and sent.

use crate::config::{Config, Job, RecipientProblem};
use crate::data::{DataError, DataRoot, Exports};
use crate::deliver::{
    Attachment, Delivered, DeliveryError, Envelope, Identity, Ledger, LedgerError, OutgoingMessage,
    RunFailure, RunStart, Sender, SettingsError,
};
use crate::export::{self, Manifest, ManifestFile, ManifestInput, ManifestRecipient};
use crate::metrics::{self, MetricsError};
use crate::period::Period;
use crate::render::pdf::PageFrame;
use crate::render::{RenderError, Rendered, Renderer};
use crate::report::{self, CatalogError};
use chrono::Utc;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Instant;

mod context;
pub mod failure;
mod job;
mod notice;
mod preview;
mod render;
mod resend;
mod send_test;
pub mod shard;

pub use context::{JobRun, data_source, export_patterns, page, state_url};
pub use job::{check_recipients, recipients_with, run_job};
pub use notice::{NOTICE_TEMPLATE, notice_context};
pub use preview::{Pick, Preview, dry_run, preview};
pub use resend::resend;
pub use send_test::{TestSent, send_test};
pub use shard::{Shard, ShardRun};

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
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot read {} (run the job for this period first): {source}", path.display())]
    NotRunYet {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("no briefing for `{scope}` in job {job}: expected one of {known}, …")]
    Scope {
        job: String,
        scope: String,
        known: String,
    },
    #[error("{recipient} gets several briefings of job {job}: name one with --scope ({scopes})")]
    Scopes {
        job: String,
        recipient: String,
        scopes: String,
    },
}

#[derive(Debug, Clone)]
pub struct RunOptions {
    pub period: Option<Period>,
    /// `run --data`, over the config's `data.dir`.
    pub data_dir: Option<DataRoot>,
    pub out_dir: Option<PathBuf>,
    pub exports_only: bool,
    /// `run --transport`, over the config's `delivery.transport`.
    pub transport: Option<crate::config::Transport>,
    /// The data was not fresh by the deadline (`wait_for_data`): briefings say so.
    pub data_incomplete: bool,
    /// `resend --in-doubt`: the briefings in doubt go out again.
    pub resend_in_doubt: bool,
    /// `--shard I/N`: this run is one shard of a group.
    pub shard: Option<ShardRun>,
    /// The scheduled fire this run is (`serve`), RFC 3339 UTC.
    pub fire_at: Option<String>,
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
            resend_in_doubt: false,
            shard: None,
            fire_at: None,
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

/// What a run produced: each briefing's messages, the briefing count and the rendering
/// times.
struct Produced {
    messages: Vec<Envelope>,
    briefings: usize,
    render: Option<RenderStats>,
}

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

/// What a briefing's message carries: its PDF, and HR's `scorecard.csv`.
fn attachments(pdf: Option<&str>, scorecard_csv: bool) -> Vec<Attachment> {
    let mut attachments: Vec<Attachment> = pdf
        .map(|name| Attachment {
            file_name: name.to_string(),
            content_type: "application/pdf",
        })
        .into_iter()
        .collect();
    if scorecard_csv {
        attachments.push(Attachment {
            file_name: SCORECARD_CSV.into(),
            content_type: "text/csv",
        });
    }
    attachments
}

/// The payroll file's name, in the run's folder and as an attachment.
const SCORECARD_CSV: &str = "scorecard.csv";

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
    std::fs::write(path, bytes).map_err(|source| RunError::Write {
        path: path.to_path_buf(),
        source,
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
