//! A job's run resolved once: its period, its folders, its transport, the figures and the
//! briefings. `run`, `preview`, `resend`, `--dry-run` and `validate` all start here, so a
//! default period or a folder is worked out in one place.

use super::{RunError, RunOptions};
use crate::config::{Config, ExportPaths, Job, PageSize};
use crate::data::bucket::{self, Bucket, Credentials};
use crate::data::{DataRoot, DataSource, ExportName, Exports};
use crate::deliver::{self, Sender, StateUrl, TransportSettings};
use crate::metrics::employee::Privacy;
use crate::metrics::{self, Figures, MetricsRequest};
use crate::period::Period;
use crate::render::Page;
use crate::report::{self, Briefing, Catalogs};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub struct JobRun<'a> {
    pub config: &'a Config,
    pub job: &'a Job,
    pub options: &'a RunOptions,
    /// `--period`, else the job's last complete period at the instant the run starts.
    pub period: Period,
    pub data_dir: DataRoot,
    pub out_dir: PathBuf,
}

/// Each export's file or glob, relative to the data folder or bucket prefix.
pub fn export_patterns(exports: &ExportPaths) -> BTreeMap<ExportName, String> {
    ExportName::ALL
        .into_iter()
        .map(|export| {
            let pattern = match export {
                ExportName::Sites => &exports.sites,
                ExportName::Teams => &exports.teams,
                ExportName::CustomerResponses => &exports.customer_responses,
                ExportName::EmployeeResponses => &exports.employee_responses,
                ExportName::Financials => &exports.financials,
            };
            (export, pattern.clone())
        })
        .collect()
}

/// Where a run reads its exports: the folder, or the bucket with the config's settings,
/// the environment's credentials and the cache folder.
pub fn data_source(config: &Config, root: &DataRoot, out_dir: &Path) -> DataSource {
    let env = |name: &str| std::env::var(name).ok();
    match root {
        DataRoot::Dir(dir) => DataSource::Dir(dir.clone()),
        DataRoot::Bucket(path) => DataSource::Bucket(Bucket {
            path: path.clone(),
            settings: config.data.s3.clone(),
            region: bucket::settings::region(&config.data.s3, &env),
            credentials: Credentials::from_env(&env),
            cache: config
                .data
                .cache
                .clone()
                .unwrap_or_else(|| out_dir.join("cache"))
                .join(&path.bucket),
        }),
    }
}

impl<'a> JobRun<'a> {
    pub fn new(
        config: &'a Config,
        job: &'a Job,
        options: &'a RunOptions,
        now: DateTime<Utc>,
    ) -> JobRun<'a> {
        JobRun {
            config,
            job,
            options,
            period: options.period.unwrap_or_else(|| job.period_at(now)),
            data_dir: options
                .data_dir
                .clone()
                .unwrap_or_else(|| config.data.dir.clone()),
            out_dir: options
                .out_dir
                .clone()
                .unwrap_or_else(|| config.paths.output.clone()),
        }
    }

    pub fn state_url(&self) -> StateUrl {
        state_url(self.config, &self.out_dir)
    }

    pub fn data_source(&self) -> DataSource {
        data_source(self.config, &self.data_dir, &self.out_dir)
    }

    pub fn privacy(&self) -> Privacy {
        Privacy {
            min_group_size: self.config.min_group_size.into(),
        }
    }

    pub fn page(&self) -> Page {
        page(self.config)
    }

    /// The transport: the config's, `--transport`, then the XBRIEF_SMTP_* variables.
    pub fn transport(&self) -> Result<TransportSettings, RunError> {
        let outbox = self.out_dir.join(&self.config.delivery.outbox);
        Ok(deliver::resolve(
            &self.config.delivery,
            self.options.transport,
            outbox,
            &|name| std::env::var(name).ok(),
        )?)
    }

    /// The sender of this run's messages, their attachments read from `folder`.
    pub fn sender<'s>(
        &'s self,
        transport: &'s TransportSettings,
        folder: &'s Path,
        run_id: &'s str,
    ) -> Sender<'s> {
        let delivery = &self.config.delivery;
        Sender {
            transport,
            allowed: &delivery.allowed_domains,
            retry: &delivery.retry,
            from: &delivery.from,
            reply_to: delivery.reply_to.as_ref(),
            folder,
            run_id,
            resend_in_doubt: self.options.resend_in_doubt,
        }
    }

    /// Opens the exports and computes the period's figures (with the briefings' detail
    /// unless the run writes exports only).
    pub fn figures(&self) -> Result<(Exports, Figures), RunError> {
        let config = self.config;
        let queries = crate::data::queries::QueryDir::new(&config.paths.queries);
        let querying = crate::progress::spinner("querying the exports");
        let exports = Exports::open(
            &self.data_source(),
            &export_patterns(&config.data.exports),
            queries,
            config.data.memory_limit.as_deref(),
        )?;
        let figures = metrics::compute(
            &exports,
            &MetricsRequest {
                period: self.period,
                zone: self.job.timezone,
                min_group_size: config.min_group_size,
                compare: config.compare,
                scorecard: &config.scorecard,
                detailed: !self.options.exports_only,
                drivers_min_n: config.drivers_min_n,
            },
        )?;
        querying.finish_and_clear();
        Ok((exports, figures))
    }

    pub fn catalogs(&self) -> Result<Catalogs, RunError> {
        Ok(Catalogs::load(
            &self.config.paths.reports.join("i18n"),
            &self.config.language,
        )?)
    }

    /// The job's briefings for these figures: who gets what, in which language.
    pub fn briefings(&self, figures: &Figures, catalogs: &Catalogs) -> Vec<Briefing> {
        report::plan(self.job, figures, catalogs, &self.config.language)
    }
}

/// Where the state store is: `state.url` (or `XBRIEF_STATE_URL`), else SQLite's
/// `xbrief.sqlite` in `paths.state`, else in `<output>/state`.
pub fn state_url(config: &Config, out_dir: &Path) -> StateUrl {
    config.state.url.clone().unwrap_or_else(|| {
        let dir = config
            .paths
            .state
            .clone()
            .unwrap_or_else(|| out_dir.join("state"));
        StateUrl::Sqlite(dir.join("xbrief.sqlite"))
    })
}

/// The paper size of the briefings.
pub fn page(config: &Config) -> Page {
    match config.page_size {
        PageSize::A4 => Page::A4,
        PageSize::Letter => Page::LETTER,
    }
}
