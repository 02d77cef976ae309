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

/// Every recipient must parse as an address in an allowed domain; otherwise nothing is sent.
fn check_recipients(
    job: &Job,
    config: &Config,
    briefings: &[report::Briefing],
) -> Result<(), RunError> {
    let allowed: Vec<String> = config
        .file
        .delivery
        .allowed_domains
        .iter()
        .map(|d| d.value.to_ascii_lowercase())
        .collect();
    let mut bad: Vec<String> = briefings
        .iter()
        .flat_map(|b| &b.recipients)
        .filter(|address| match address.parse::<lettre::Address>() {
            Ok(parsed) => !allowed.contains(&parsed.domain().to_ascii_lowercase()),
            Err(_) => true,
        })
        .map(|a| format!("`{a}`"))
        .collect();
    bad.sort();
    bad.dedup();
    if bad.is_empty() {
        Ok(())
    } else {
        Err(RunError::Recipients {
            job: job.name.clone(),
            addresses: bad.join(", "),
        })
    }
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

/// The briefings a run would produce, computed from the data; nothing is written or sent.
pub fn dry_run(
    config: &Config,
    job: &Job,
    options: &RunOptions,
) -> Result<(Period, Vec<report::Briefing>), RunError> {
    let today = Utc::now().with_timezone(&job.timezone).date_naive();
    let period = options
        .period
        .unwrap_or_else(|| Period::last_complete(job.period_kind, today));
    // the same figures as the run: the teams of the fan-out come with the detail
    let (_, figures) = compute_figures(config, job, options, period)?;
    let reports = Path::new(&config.file.paths.reports);
    let catalogs = Catalogs::load(&reports.join("i18n"), &config.file.language.value)?;
    Ok((
        period,
        report::plan(job, &figures, &catalogs, &config.file.language.value),
    ))
}

/// One briefing rendered without sending or writing anything else.
pub struct Preview {
    pub period: Period,
    /// HR's message carries the run's scorecard.csv instead of a PDF.
    pub attach_scorecard_csv: bool,
    pub file_stem: String,
    pub scope: String,
    pub locale: String,
    pub recipients: Vec<String>,
    pub document: Vec<crate::render::markup::Block>,
    pub rendered: Rendered,
}

/// Renders the briefing of `job` for `scope` (`site:<id>`, `team:<id>`; the job's first
/// briefing when `None`).
/// Which briefing of a job: by scope (`site:<id>`, `team:<id>`; the first when `None`) or
/// by one of its recipients.
#[derive(Debug, Clone, Copy)]
pub enum Pick<'a> {
    Scope(Option<&'a str>),
    Recipient(&'a str),
}

pub fn preview(
    config: &Config,
    job: &Job,
    options: &RunOptions,
    pick: Pick,
) -> Result<Preview, RunError> {
    let period = options.period.unwrap_or_else(|| {
        Period::last_complete(
            job.period_kind,
            Utc::now().with_timezone(&job.timezone).date_naive(),
        )
    });
    let (_, figures) = compute_figures(config, job, options, period)?;
    let reports = Path::new(&config.file.paths.reports);
    let catalogs = Catalogs::load(&reports.join("i18n"), &config.file.language.value)?;
    let briefings = report::plan(job, &figures, &catalogs, &config.file.language.value);
    let contexts = report::Contexts {
        figures: &figures,
        catalogs: &catalogs,
        privacy: privacy(config),
        data_incomplete: options.data_incomplete,
    };
    let known: Vec<&str> = briefings
        .iter()
        .filter(|b| b.with_pdf)
        .map(|b| b.scope.as_str())
        .collect();
    let briefing = briefings
        .iter()
        .filter(|b| b.with_pdf || matches!(pick, Pick::Recipient(_)))
        .find(|b| match pick {
            Pick::Scope(scope) => scope.is_none_or(|s| b.scope == s),
            Pick::Recipient(to) => b.recipients.iter().any(|r| r.eq_ignore_ascii_case(to)),
        })
        .ok_or_else(|| RunError::Scope {
            job: job.name.clone(),
            scope: match pick {
                Pick::Scope(scope) => scope.unwrap_or("any").to_string(),
                Pick::Recipient(to) => to.to_string(),
            },
            known: known.iter().take(8).copied().collect::<Vec<_>>().join(", "),
        })?;
    let renderer = Renderer::load(reports, &[briefing.template], page(config))?;
    let frame = PageFrame {
        title: job.name.clone(),
        period: period.to_string(),
        generated: Utc::now().format("%Y-%m-%d %H:%M UTC").to_string(),
        footer: format!("preview · config {}", &config.sha256[..12]),
    };
    let context = contexts.of(briefing);
    Ok(Preview {
        period,
        file_stem: briefing.file_stem.clone(),
        scope: briefing.scope.clone(),
        locale: briefing.locale.clone(),
        recipients: briefing.recipients.clone(),
        document: renderer.document(briefing.template, &context)?,
        rendered: renderer.render(briefing.template, &context, frame, briefing.with_pdf)?,
        attach_scorecard_csv: briefing.attach_scorecard_csv,
    })
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

/// Runs a job for its period: figures, exports, every briefing rendered, then the messages
/// sent through the ledger. The run and its outcome are recorded in the state store.
pub fn run_job(config: &Config, job: &Job, options: &RunOptions) -> Result<RunSummary, RunError> {
    let started = Instant::now();
    let started_at = Utc::now();
    let run_id = uuid::Uuid::new_v4().to_string();
    let today = started_at.with_timezone(&job.timezone).date_naive();
    let period = options
        .period
        .unwrap_or_else(|| Period::last_complete(job.period_kind, today));
    let transport = transport(config, options)?;
    let out_dir = out_dir(config, options);
    let ledger = Ledger::open(&state_dir(config, &out_dir))?;
    ledger.start_run(&run_id, &job.name, &period.to_string())?;
    let result = produce_and_send(
        config, job, options, &transport, ledger, &run_id, started_at, period, &out_dir,
    );
    let ledger = Ledger::open(&state_dir(config, &out_dir))?;
    match result {
        Ok((folder, briefings, render, messages, delivered)) => {
            let counts = [
                messages,
                delivered.sent,
                delivered.failed.len() + delivered.pending.len(),
                delivered.skipped,
            ];
            // a run stopped mid-send stays `running`: the next start resumes it
            if delivered.interrupted == 0 {
                ledger.finish_run(&run_id, counts, None)?;
            }
            Ok(RunSummary {
                job: job.name.clone(),
                period,
                folder,
                briefings,
                messages,
                delivered,
                seconds: started.elapsed().as_secs_f64(),
                render,
            })
        }
        Err(error) => {
            ledger.finish_run(&run_id, [0; 4], Some(&error.to_string()))?;
            Err(error)
        }
    }
}

#[allow(clippy::too_many_arguments, clippy::type_complexity)]
fn produce_and_send(
    config: &Config,
    job: &Job,
    options: &RunOptions,
    transport: &TransportSettings,
    ledger: Ledger,
    run_id: &str,
    started_at: chrono::DateTime<Utc>,
    period: Period,
    out_dir: &Path,
) -> Result<(PathBuf, usize, Option<RenderStats>, usize, Delivered), RunError> {
    let started = Instant::now();
    let (mut exports, figures) = compute_figures(config, job, options, period)?;
    let privacy = privacy(config);
    tracing::info!(
        seconds = started.elapsed().as_secs_f64(),
        peak_rss_mib = peak_rss_mib(),
        "figures computed"
    );
    let hashes = exports.file_hashes()?;
    let job_dir = out_dir.join(&job.name);
    let final_dir = job_dir.join(period.to_string());
    let staging = job_dir.join(format!(".{}.{}.partial", period, run_id));
    std::fs::create_dir_all(&staging).map_err(|e| RunError::Write {
        path: staging.clone(),
        detail: e.to_string(),
    })?;
    let result = produce(
        config, job, options, &figures, &hashes, privacy, &staging, run_id, started_at, period,
        &exports,
    );
    let (messages, briefings, render) = match result {
        Ok(ok) => ok,
        Err(error) => {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(error);
        }
    };
    if final_dir.exists() {
        std::fs::remove_dir_all(&final_dir).map_err(|e| RunError::Write {
            path: final_dir.clone(),
            detail: e.to_string(),
        })?;
    }
    std::fs::rename(&staging, &final_dir).map_err(|e| RunError::Write {
        path: final_dir.clone(),
        detail: e.to_string(),
    })?;
    let delivery = &config.file.delivery;
    let retry = Retry::from(&delivery.retry);
    let sender = Sender {
        transport,
        retry: &retry,
        from: &delivery.from.value,
        reply_to: delivery.reply_to.as_ref().map(|r| r.value.as_str()),
        folder: &final_dir,
        run_id,
    };
    let count = messages.len();
    let envelopes = messages
        .into_iter()
        .map(|(message, artifact_sha256)| Envelope {
            identity: Identity {
                job: job.name.clone(),
                period: period.to_string(),
                recipient: message.to.clone(),
                resend: 0,
            },
            message,
            artifact_sha256,
        })
        .collect();
    let (delivered, ledger) = sender.send(ledger, envelopes)?;
    if !(delivered.failed.is_empty() && delivered.pending.is_empty()) {
        notify_admins(config, job, period, run_id, &sender, ledger, &delivered);
    }
    Ok((final_dir, briefings, render, count, delivered))
}

/// The context of the admins' notice (`reports/notice/`).
pub fn notice_context(
    job: &str,
    period: Period,
    run_id: &str,
    delivered: &Delivered,
) -> serde_json::Value {
    let outcomes = |list: &[(String, String)]| -> Vec<serde_json::Value> {
        list.iter()
            .map(|(r, e)| serde_json::json!({"recipient": r, "error": e}))
            .collect()
    };
    serde_json::json!({
        "job": job, "period": period.to_string(), "run_id": run_id,
        "failed": outcomes(&delivered.failed),
        "pending": outcomes(&delivered.pending),
        "sent": delivered.sent,
    })
}

/// Tells `delivery.admins` which recipients did not get their briefing. Best effort: a
/// notice that cannot be sent is logged, and the run's own exit status already says it.
fn notify_admins(
    config: &Config,
    job: &Job,
    period: Period,
    run_id: &str,
    sender: &Sender,
    ledger: Ledger,
    delivered: &Delivered,
) {
    let admins: Vec<String> = config
        .file
        .delivery
        .admins
        .iter()
        .map(|a| a.value.clone())
        .collect();
    if admins.is_empty() {
        return;
    }
    let context = notice_context(&job.name, period, run_id, delivered);
    let rendered = Renderer::load(
        Path::new(&config.file.paths.reports),
        &["notice"],
        page(config),
    )
    .and_then(|r| {
        r.render(
            "notice",
            &context,
            PageFrame {
                title: String::new(),
                period: String::new(),
                generated: String::new(),
                footer: String::new(),
            },
            false,
        )
    });
    let rendered = match rendered {
        Ok(r) => r,
        Err(error) => {
            tracing::error!(%error, "cannot render the delivery notice");
            return;
        }
    };
    let envelopes = admins
        .into_iter()
        .map(|to| Envelope {
            identity: Identity {
                job: format!("{}#notice", job.name),
                period: format!("{period}#{run_id}"),
                recipient: to.clone(),
                resend: 0,
            },
            message: OutgoingMessage {
                to,
                subject: rendered.subject.clone(),
                text: rendered.text.clone(),
                html: rendered.html.clone(),
                attachments: Vec::new(),
            },
            artifact_sha256: String::new(),
        })
        .collect();
    if let Err(error) = sender.send(ledger, envelopes) {
        tracing::error!(%error, "cannot send the delivery notice");
    }
}

#[allow(clippy::too_many_arguments)]
fn produce(
    config: &Config,
    job: &Job,
    options: &RunOptions,
    figures: &metrics::Figures,
    hashes: &crate::data::FileHashes,
    privacy: Privacy,
    staging: &Path,
    run_id: &str,
    started_at: chrono::DateTime<Utc>,
    period: Period,
    exports: &Exports,
) -> Result<Produced, RunError> {
    let mut outputs = vec![
        write(
            &staging.join("sites.csv"),
            &export::sites_csv(figures, privacy),
        )?,
        write(
            &staging.join("data_quality.csv"),
            &export::data_quality_csv(figures),
        )?,
    ];
    let scorecard_csv = export::scorecard_csv(figures, &config.sha256, &hashes.data_sha256);
    if job.scorecard_export {
        outputs.push(write(&staging.join("scorecard.csv"), &scorecard_csv)?);
    }
    let mut messages = Vec::new();
    let mut recipients = Vec::new();
    let mut briefing_count = 0;
    let mut render_stats = None;
    if !options.exports_only {
        let reports = Path::new(&config.file.paths.reports);
        let catalogs = Catalogs::load(&reports.join("i18n"), &config.file.language.value)?;
        let briefings = report::plan(job, figures, &catalogs, &config.file.language.value);
        let contexts = report::Contexts {
            figures,
            catalogs: &catalogs,
            privacy,
            data_incomplete: options.data_incomplete,
        };
        check_recipients(job, config, &briefings)?;
        let mut audiences: Vec<&str> = briefings.iter().map(|b| b.template).collect();
        audiences.sort();
        audiences.dedup();
        let renderer = Renderer::load(reports, &audiences, page(config))?;
        let frame = |title: &str| PageFrame {
            title: title.to_string(),
            period: period.to_string(),
            generated: started_at.format("%Y-%m-%d %H:%M UTC").to_string(),
            footer: format!(
                "run {run_id} · config {} · data {}",
                &config.sha256[..12],
                &hashes.data_sha256[..12]
            ),
        };
        let render_started = Instant::now();
        let rendered = render_all(&renderer, &contexts, &briefings, &frame(&job.name), staging)?;
        render_stats = RenderStats::of(
            render_started.elapsed().as_secs_f64(),
            rendered
                .iter()
                .filter(|r| r.1.is_some())
                .map(|r| r.2)
                .collect(),
        );
        for (briefing, (rendered, pdf, _)) in briefings.iter().zip(rendered) {
            let mut attachments = Vec::new();
            let mut artifacts = Vec::new();
            let mut artifact_hashes = Vec::new();
            if let Some(pdf) = pdf {
                artifact_hashes.push(pdf.sha256.clone());
                artifacts.push(pdf.path.clone());
                attachments.push(Attachment {
                    file_name: pdf.path.clone(),
                    content_type: "application/pdf",
                });
                outputs.push(pdf);
            }
            if briefing.attach_scorecard_csv {
                artifact_hashes.push(hex::encode(Sha256::digest(&scorecard_csv)));
                artifacts.push("scorecard.csv".into());
                attachments.push(Attachment {
                    file_name: "scorecard.csv".into(),
                    content_type: "text/csv",
                });
            }
            for to in &briefing.recipients {
                recipients.push(ManifestRecipient {
                    address: to.clone(),
                    scope: briefing.scope.clone(),
                    artifacts: artifacts.clone(),
                });
                messages.push((
                    OutgoingMessage {
                        to: to.clone(),
                        subject: rendered.subject.clone(),
                        text: rendered.text.clone(),
                        html: rendered.html.clone(),
                        attachments: attachments.clone(),
                    },
                    artifact_hashes.join(","),
                ));
            }
            briefing_count += 1;
        }
    }
    let manifest = Manifest {
        job: job.name.clone(),
        period: period.to_string(),
        period_start: period.start.to_string(),
        period_end: period.last_day().to_string(),
        run_id: run_id.to_string(),
        started_at: started_at.to_rfc3339(),
        finished_at: Utc::now().to_rfc3339(),
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        config_path: config.path.display().to_string(),
        config_sha256: config.sha256.clone(),
        data_sha256: hashes.data_sha256.clone(),
        inputs: exports
            .files
            .iter()
            .map(|f| ManifestInput {
                export: f.export.as_str().to_string(),
                path: f.path.display().to_string(),
                size: f.size,
                rows: f.rows,
                sha256: hashes.per_file.get(&f.path).cloned().unwrap_or_default(),
            })
            .collect(),
        outputs,
        recipients,
    };
    write(&staging.join("manifest.json"), &manifest.to_json())?;
    Ok((messages, briefing_count, render_stats))
}

/// Renders every briefing on all cores, writing each PDF into `staging` as soon as it is
/// done; results come back in the briefings' order. The first error stops the others.
fn render_all(
    renderer: &Renderer,
    contexts: &report::Contexts,
    briefings: &[report::Briefing],
    frame: &PageFrame,
    staging: &Path,
) -> Result<Vec<(Rendered, Option<ManifestFile>, f64)>, RunError> {
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let progress = crate::progress::bar("rendering", briefings.len());
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(briefings.len().max(1));
    let render_one =
        |briefing: &report::Briefing| -> Result<(Rendered, Option<ManifestFile>, f64), RunError> {
            let started = Instant::now();
            let context = contexts.of(briefing);
            let mut rendered = renderer.render(
                briefing.template,
                &context,
                frame.clone(),
                briefing.with_pdf,
            )?;
            let file = match rendered.pdf.take() {
                Some(pdf) => Some(write(
                    &staging.join(format!("{}.pdf", briefing.file_stem)),
                    &pdf,
                )?),
                None => None,
            };
            let seconds = started.elapsed().as_secs_f64();
            progress.inc(1);
            tracing::debug!(scope = %briefing.scope, ms = seconds * 1e3, "rendered");
            Ok((rendered, file, seconds))
        };
    #[allow(clippy::type_complexity)]
    let mut results: Vec<(
        usize,
        Result<(Rendered, Option<ManifestFile>, f64), RunError>,
    )> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    while !failed.load(Ordering::Relaxed) {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        let Some(briefing) = briefings.get(index) else {
                            break;
                        };
                        let result = render_one(briefing);
                        failed.fetch_or(result.is_err(), Ordering::Relaxed);
                        done.push((index, result));
                    }
                    done
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a render worker does not panic"))
            .collect()
    });
    progress.finish_and_clear();
    results.sort_by_key(|(index, _)| *index);
    results.into_iter().map(|(_, result)| result).collect()
}

/// Sends one (job, period) briefing again to one of its recipients, recorded in the ledger
/// as a resend. The briefing is rendered afresh into `<out>/<job>/<period>/resend/`.
pub fn resend(
    config: &Config,
    job: &Job,
    options: &RunOptions,
    to: &str,
) -> Result<Delivered, RunError> {
    let transport = transport(config, options)?;
    let out_dir = out_dir(config, options);
    let ledger = Ledger::open(&state_dir(config, &out_dir))?;
    let preview = preview(config, job, options, Pick::Recipient(to))?;
    let identity = Identity {
        job: job.name.clone(),
        period: preview.period.to_string(),
        recipient: to.to_string(),
        resend: ledger.next_resend(&job.name, &preview.period.to_string(), to)?,
    };
    let folder = out_dir
        .join(&job.name)
        .join(preview.period.to_string())
        .join("resend");
    std::fs::create_dir_all(&folder).map_err(|e| RunError::Write {
        path: folder.clone(),
        detail: e.to_string(),
    })?;
    let mut attachments = Vec::new();
    let mut hashes = Vec::new();
    if let Some(pdf) = &preview.rendered.pdf {
        let name = format!("{}.pdf", preview.file_stem);
        hashes.push(write(&folder.join(&name), pdf)?.sha256);
        attachments.push(Attachment {
            file_name: name,
            content_type: "application/pdf",
        });
    }
    if preview.attach_scorecard_csv {
        // payroll gets the very file the run delivered
        let source = folder
            .parent()
            .expect("the run folder")
            .join("scorecard.csv");
        let bytes = std::fs::read(&source).map_err(|e| RunError::Write {
            path: source.clone(),
            detail: format!("{e} (run the job for this period first)"),
        })?;
        hashes.push(write(&folder.join("scorecard.csv"), &bytes)?.sha256);
        attachments.push(Attachment {
            file_name: "scorecard.csv".into(),
            content_type: "text/csv",
        });
    }
    let delivery = &config.file.delivery;
    let retry = Retry::from(&delivery.retry);
    let run_id = uuid::Uuid::new_v4().to_string();
    let sender = Sender {
        transport: &transport,
        retry: &retry,
        from: &delivery.from.value,
        reply_to: delivery.reply_to.as_ref().map(|r| r.value.as_str()),
        folder: &folder,
        run_id: &run_id,
    };
    let envelope = Envelope {
        identity,
        message: OutgoingMessage {
            to: to.to_string(),
            subject: preview.rendered.subject,
            text: preview.rendered.text,
            html: preview.rendered.html,
            attachments,
        },
        artifact_sha256: hashes.join(","),
    };
    Ok(sender.send(ledger, vec![envelope])?.0)
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
