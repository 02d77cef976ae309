//! Loading and validating `config/xbrief.yaml`. Validation collects every error, each
//! with file, line and column, instead of stopping at the first.

use super::compiled::{
    Comparison, ComponentPolicy, Config, DataSettings, Delivery, Job, Paths, PayoutPoints,
    RetryPolicy, Schedule, ScorecardPolicy, ServeSettings, SmtpServer, StateSettings, WaitForData,
};
use super::keys;
use super::model::{
    Audience, ConfigFile, DataSection, DecimalValue, JobSection, PeriodRule, S3Section,
    ServeSection, UrlStyleName,
};
use super::recipients::{AllowedDomains, RecipientProblem};
use super::schema::json_schema;
use crate::data::DataRoot;
use crate::data::bucket::{BucketSettings, UrlStyle};
use crate::deliver::StateUrl;
use crate::period::PeriodKind;
use chrono_tz::Tz;
use lettre::message::Mailbox;
use rust_decimal::Decimal;
use serde_saphyr::{Location, Spanned};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// One problem in a config file, where it is and what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub file: PathBuf,
    pub line: u64,
    pub column: u64,
    pub message: String,
    /// A hint: "did you mean …", or how to fix it.
    pub help: Option<String>,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file.display(),
            self.line,
            self.column,
            self.message
        )?;
        if let Some(help) = &self.help {
            write!(f, " ({help})")?;
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read config file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<ConfigError>),
}

/// The shortest gap in seconds between a dozen consecutive fires of a schedule, from a
/// fixed Monday (so `validate` says the same every day).
fn shortest_interval(cron: &croner::Cron) -> Option<i64> {
    let start = chrono::NaiveDate::from_ymd_opt(2026, 1, 5)?.and_hms_opt(0, 0, 0)?;
    let mut previous = cron.find_next_occurrence(&start, true).ok()?;
    let mut shortest = None;
    for _ in 0..12 {
        let Ok(next) = cron.find_next_occurrence(&previous, false) else {
            break;
        };
        let gap = (next - previous).num_seconds();
        shortest = Some(shortest.map_or(gap, |s: i64| s.min(gap)));
        previous = next;
    }
    shortest
}

/// SHA-256 of the config as read, defaults filled in: what the audit trail names.
/// `data.s3` as the bucket client takes it.
fn bucket_settings(section: Option<&S3Section>) -> BucketSettings {
    let section = section.cloned().unwrap_or_default();
    BucketSettings {
        endpoint: section.endpoint,
        region: section.region,
        url_style: match section.url_style {
            UrlStyleName::Path => UrlStyle::Path,
            UrlStyleName::Vhost => UrlStyle::Vhost,
        },
        use_ssl: section.use_ssl,
    }
}

fn effective_sha256(file: &ConfigFile) -> String {
    // plain data (strings, numbers, maps) always serializes
    let effective = serde_json::to_vec(file).unwrap_or_default();
    hex::encode(Sha256::digest(&effective))
}

/// The variable that says where the state store is, over `state.url`: it may carry the
/// password, which the file may not.
pub const STATE_URL_ENV: &str = "XBRIEF_STATE_URL";
/// How long a claim holds without renewal, unless `state.lease` says otherwise.
const DEFAULT_LEASE: std::time::Duration = std::time::Duration::from_secs(30);
/// Renewed every third of it: shorter than this is more renewing than working.
const MIN_LEASE: std::time::Duration = std::time::Duration::from_secs(3);

/// The longest a schedule's duration may be: the runner adds it to instants, and ten years
/// is past any sensible catch-up or wait.
const LONGEST_DURATION_DAYS: i64 = 3650;

/// Why a duration was refused.
enum DurationProblem {
    NotADuration,
    TooLong,
}

/// `90s`, `15m`, `24h`, `2d`, at most ten years.
fn duration(text: &str) -> Result<chrono::Duration, DurationProblem> {
    let text = text.trim();
    let unit = text.chars().last().ok_or(DurationProblem::NotADuration)?;
    let number: i64 = text[..text.len() - unit.len_utf8()]
        .trim()
        .parse()
        .map_err(|_| DurationProblem::NotADuration)?;
    let parsed = match unit {
        's' => chrono::Duration::try_seconds(number),
        'm' => chrono::Duration::try_minutes(number),
        'h' => chrono::Duration::try_hours(number),
        'd' => chrono::Duration::try_days(number),
        _ => return Err(DurationProblem::NotADuration),
    };
    match parsed {
        Some(d) if d <= chrono::Duration::zero() => Err(DurationProblem::NotADuration),
        Some(d) if d <= chrono::Duration::days(LONGEST_DURATION_DAYS) => Ok(d),
        _ => Err(DurationProblem::TooLong),
    }
}

impl Config {
    pub fn load(path: &Path) -> Result<Config, LoadError> {
        let text = std::fs::read_to_string(path).map_err(|source| LoadError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Config::from_yaml(path, &text)
    }

    pub fn from_yaml(path: &Path, text: &str) -> Result<Config, LoadError> {
        let found = keys::check(text, &json_schema());
        let as_config_error = |e: &keys::ShapeError| ConfigError {
            file: path.to_path_buf(),
            line: e.line,
            column: e.column,
            message: e.message.clone(),
            help: e.help.clone(),
        };
        let shape: Vec<ConfigError> = found.iter().map(as_config_error).collect();
        match serde_saphyr::from_str::<ConfigFile>(text) {
            Ok(file) => Validator {
                path,
                errors: shape,
                warnings: Vec::new(),
            }
            .validate(file),
            // The shape check reports every problem the deserializer stops at; the rest of
            // the file is still read, past them.
            Err(_) if !shape.is_empty() => {
                let mut errors = shape;
                errors.extend(past_the_shape(path, text, &found));
                errors.sort_by_key(|e| (e.line, e.column));
                Err(LoadError::Invalid(errors))
            }
            Err(error) => {
                let (line, column) = located(&error);
                Err(LoadError::Invalid(vec![ConfigError {
                    file: path.to_path_buf(),
                    line,
                    column,
                    message: format!(
                        "YAML syntax: {}",
                        yaml_message(&error.to_string(), line, column)
                    ),
                    help: Some(
                        "look here and just above for an unclosed quote, `[` or `{`, or a line indented differently from its neighbours".into(),
                    ),
                }]))
            }
        }
    }
}

/// Where serde-saphyr places an error (the top of the file when it does not say).
pub fn located(error: &serde_saphyr::Error) -> (u64, u64) {
    error
        .location()
        .map_or((1, 1), |at| (at.line(), at.column()))
}

/// The problems of a file that has problems of shape, past them: read again with a stand-in
/// for each wrong value and misspelt key, then checked like any config. What is said of a
/// stand-in is left out; what still stops the reading is reported, unless a problem of shape
/// without a stand-in (a missing key, a list for a value) already explains it.
fn past_the_shape(path: &Path, text: &str, found: &[keys::ShapeError]) -> Vec<ConfigError> {
    match serde_saphyr::from_str::<ConfigFile>(&keys::with_stand_ins(text, found)) {
        Ok(file) => match (Validator {
            path,
            errors: Vec::new(),
            warnings: Vec::new(),
        })
        .validate(file)
        {
            Err(LoadError::Invalid(errors)) => errors
                .into_iter()
                .filter_map(|e| {
                    let (line, column) = keys::as_written(found, e.line, e.column)?;
                    Some(ConfigError { line, column, ..e })
                })
                .collect(),
            _ => Vec::new(),
        },
        Err(error) => {
            let (line, column) = located(&error);
            let explained = found
                .iter()
                .any(|e| e.line == line || (e.stops_reading && e.stand_in.is_none()));
            if explained {
                return Vec::new();
            }
            vec![ConfigError {
                file: path.to_path_buf(),
                line,
                column,
                message: yaml_message(&error.to_string(), line, column),
                help: None,
            }]
        }
    }
}

/// serde-saphyr's message without the snippet it renders below it and without the
/// location it repeats in front (both are reported separately).
pub fn yaml_message(message: &str, line: u64, column: u64) -> String {
    let first = message.lines().next().unwrap_or(message).trim();
    let first = first.strip_prefix("error: ").unwrap_or(first);
    let first = first
        .strip_prefix(&format!("line {line} column {column}: "))
        .unwrap_or(first);
    first.to_string()
}

struct Validator<'a> {
    path: &'a Path,
    errors: Vec<ConfigError>,
    /// Sound values that are probably mistakes: `validate` reports them, runs go on.
    warnings: Vec<ConfigError>,
}

impl Validator<'_> {
    fn error(&mut self, at: Location, message: String) {
        self.error_with_help(at, message, None);
    }

    fn error_with_help(&mut self, at: Location, message: String, help: Option<String>) {
        self.errors.push(ConfigError {
            file: self.path.to_path_buf(),
            line: at.line().max(1),
            column: at.column().max(1),
            message,
            help,
        });
    }

    /// `serve.listen` as an address (a port alone: loopback) and `serve.heartbeat_url`.
    fn serve(&mut self, section: Option<&ServeSection>) -> ServeSettings {
        let Some(section) = section else {
            return ServeSettings::default();
        };
        let listen = section.listen.as_ref().and_then(|text| {
            let value = text.value.trim();
            let parsed = value
                .parse::<std::net::SocketAddr>()
                .ok()
                .or_else(|| {
                    let port = value.parse::<u16>().ok()?;
                    Some(std::net::SocketAddr::from(([127, 0, 0, 1], port)))
                })
                .or_else(|| {
                    let port = value.strip_prefix("localhost:")?.parse::<u16>().ok()?;
                    Some(std::net::SocketAddr::from(([127, 0, 0, 1], port)))
                });
            if parsed.is_none() {
                self.error(
                    text.referenced,
                    format!(
                        "`serve.listen` must be an address and port such as 127.0.0.1:9184 (or a port alone, on loopback), found `{value}`"
                    ),
                );
            }
            parsed
        });
        let heartbeat_url = section.heartbeat_url.as_ref().and_then(|url| {
            let ok = url.value.starts_with("http://") || url.value.starts_with("https://");
            if !ok {
                // the URL is not repeated: it often carries its own token
                self.error(
                    url.referenced,
                    "`serve.heartbeat_url` must be an http:// or https:// URL".into(),
                );
            }
            ok.then(|| url.value.trim_end_matches('/').to_string())
        });
        ServeSettings {
            listen,
            heartbeat_url,
        }
    }

    /// `state.url` (or `XBRIEF_STATE_URL` over it) and `state.lease`.
    fn state(&mut self, file: &ConfigFile) -> StateSettings {
        let section = file.state.clone().unwrap_or_default();
        let from_file = section.url.as_ref().and_then(|url| {
            if file.paths.state.is_some() {
                self.error(
                    url.referenced,
                    "`state.url` and `paths.state` both say where the state store is: keep one"
                        .into(),
                );
            }
            StateUrl::from_file(url.value.trim())
                .map_err(|problem| self.error(url.referenced, format!("state.url: {problem}")))
                .ok()
        });
        let from_env = std::env::var(STATE_URL_ENV).ok().filter(|v| !v.is_empty());
        let url = match from_env {
            Some(text) => StateUrl::from_env(text.trim())
                .map_err(|problem| {
                    self.error(Location::UNKNOWN, format!("{STATE_URL_ENV}: {problem}"))
                })
                .ok(),
            None => from_file,
        };
        let lease = match &section.lease {
            None => DEFAULT_LEASE,
            Some(text) => match duration(&text.value).ok().and_then(|d| d.to_std().ok()) {
                Some(lease) if lease >= MIN_LEASE => lease,
                _ => {
                    self.error(
                        text.referenced,
                        format!(
                            "invalid state.lease `{}`: expected a duration of at least 3s, like 30s",
                            text.value
                        ),
                    );
                    DEFAULT_LEASE
                }
            },
        };
        StateSettings { url, lease }
    }

    /// `data.dir` as a folder or bucket, and the bucket settings that cannot work.
    fn data_root(&mut self, data: &DataSection) -> Option<DataRoot> {
        let root = match DataRoot::parse(&data.dir.value) {
            Ok(root) => root,
            Err(problem) => {
                self.error(data.dir.referenced, format!("data.dir {problem}"));
                return None;
            }
        };
        if let Some(problem) = bucket_settings(data.s3.as_ref()).problem() {
            self.error(data.dir.referenced, problem);
            return None;
        }
        Some(root)
    }

    fn timezone(&mut self, value: &Spanned<String>) -> Option<Tz> {
        match Tz::from_str(&value.value) {
            Ok(tz) => Some(tz),
            Err(_) => {
                self.error(
                    value.referenced,
                    format!(
                        "unknown time zone `{}`: expected an IANA name such as `Europe/Paris`",
                        value.value
                    ),
                );
                None
            }
        }
    }

    /// A duration such as `24h`; `None` (with the error recorded) when it is not one.
    fn duration(
        &mut self,
        text: &Spanned<String>,
        key: &str,
        job: &str,
    ) -> Option<chrono::Duration> {
        let expected = match duration(&text.value) {
            Ok(parsed) => return Some(parsed),
            Err(DurationProblem::NotADuration) => "a number with s, m, h or d, like 24h",
            Err(DurationProblem::TooLong) => "a duration of at most ten years (3650d)",
        };
        self.error(
            text.referenced,
            format!(
                "invalid {key} `{}` of job `{job}`: expected {expected}",
                text.value
            ),
        );
        None
    }

    /// The mailbox of an address; with `allowed`, it must also be in an allowed domain
    /// (an empty list allows any, as the config's own addresses are the admins' choice).
    fn address(
        &mut self,
        value: &Spanned<String>,
        allowed: Option<&AllowedDomains>,
        what: &str,
    ) -> Option<Mailbox> {
        // the config's own addresses need only parse when no domains are listed
        let checked = match allowed.filter(|a| !a.is_empty()) {
            Some(allowed) => allowed.check(&value.value),
            None => Mailbox::from_str(&value.value).map_err(|_| RecipientProblem::NotAnAddress),
        };
        match checked {
            Err(RecipientProblem::NotAnAddress) => {
                self.error(
                    value.referenced,
                    format!(
                        "invalid {what} `{}`: expected an email address such as `name@example.com`",
                        value.value
                    ),
                );
                None
            }
            Err(RecipientProblem::OutsideAllowedDomains) => {
                self.error(
                    value.referenced,
                    format!(
                        "{what} `{}` is outside delivery.allowed_domains ({})",
                        value.value,
                        allowed.map(ToString::to_string).unwrap_or_default()
                    ),
                );
                None
            }
            Ok(mailbox) => Some(mailbox),
        }
    }

    /// The language must have a catalog in `<reports>/i18n/`: adding a language is adding
    /// its file. A folder that cannot be read is reported where the catalogs are loaded.
    fn language(&mut self, value: &Spanned<String>, reports: &Path) {
        let Ok(entries) = std::fs::read_dir(reports.join("i18n")) else {
            return;
        };
        let mut languages: Vec<String> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
            .filter_map(|p| Some(p.file_stem()?.to_string_lossy().to_string()))
            .collect();
        languages.sort();
        if !languages.contains(&value.value) {
            self.error(
                value.referenced,
                format!(
                    "unknown language `{}`: expected one of {} (the catalogs in {})",
                    value.value,
                    languages.join(", "),
                    reports.join("i18n").display()
                ),
            );
        }
    }

    fn allowed_domains(&mut self, file: &ConfigFile) -> AllowedDomains {
        let written = &file.delivery.allowed_domains;
        for domain in written {
            if domain.value.trim().is_empty() || domain.value.contains('@') {
                self.error(
                    domain.referenced,
                    format!(
                        "invalid domain `{}`: expected a domain such as `example.com`",
                        domain.value
                    ),
                );
            }
        }
        AllowedDomains::new(written.iter().map(|d| d.value.as_str()))
    }

    fn delivery(&mut self, file: &ConfigFile, allowed: AllowedDomains) -> Option<Delivery> {
        let section = &file.delivery;
        let from = self.address(&section.from, None, "sender");
        let reply_to = section
            .reply_to
            .as_ref()
            .map(|r| self.address(r, None, "reply-to address"));
        let admins: Vec<Option<Mailbox>> = section
            .admins
            .iter()
            .map(|admin| self.address(admin, Some(&allowed), "admin address"))
            .collect();
        let retry = &section.retry;
        Some(Delivery {
            transport: section.transport,
            outbox: PathBuf::from(&section.outbox),
            from: from?,
            reply_to: match reply_to {
                None => None,
                Some(parsed) => Some(parsed?),
            },
            admins: admins
                .into_iter()
                .zip(&section.admins)
                .map(|(parsed, written)| parsed.map(|_| written.value.clone()))
                .collect::<Option<_>>()?,
            allowed_domains: allowed,
            smtp: section.smtp.as_ref().map(|smtp| SmtpServer {
                host: smtp.host.clone(),
                port: smtp.port,
                tls: smtp.tls,
                username_env: smtp.username_env.clone(),
                password_env: smtp.password_env.clone(),
                ca_file: smtp.ca_file.as_ref().map(PathBuf::from),
                connections: smtp.connections.max(1),
                timeout: std::time::Duration::from_secs(smtp.timeout_seconds.max(1)),
            }),
            retry: RetryPolicy {
                attempts: retry.attempts.max(1),
                initial: std::time::Duration::from_millis(retry.initial_ms),
                max: std::time::Duration::from_millis(retry.max_ms.max(retry.initial_ms)),
            },
        })
    }

    fn validate(mut self, file: ConfigFile) -> Result<Config, LoadError> {
        let timezone = self.timezone(&file.timezone);
        self.language(&file.language, Path::new(&file.paths.reports));
        let allowed = self.allowed_domains(&file);
        let mut jobs = BTreeMap::new();
        for (name, section) in &file.jobs {
            if let Some(job) = self.job(name, section, timezone, &allowed) {
                jobs.insert(name.clone(), job);
            }
        }
        let delivery = self.delivery(&file, allowed);
        let scorecard = self.scorecard(&file);
        let data_root = self.data_root(&file.data);
        let serve = self.serve(file.serve.as_ref());
        let state = self.state(&file);
        if file.jobs.is_empty() {
            self.error(
                Location::UNKNOWN,
                "no jobs: expected at least one entry under `jobs`".into(),
            );
        }
        let (Some(timezone), Some(delivery), Some(scorecard), Some(data_root), true) = (
            timezone,
            delivery,
            scorecard,
            data_root,
            self.errors.is_empty(),
        ) else {
            self.errors.sort_by_key(|e| (e.line, e.column));
            return Err(LoadError::Invalid(self.errors));
        };
        Ok(Config {
            warnings: self.warnings,
            path: self.path.to_path_buf(),
            timezone,
            language: file.language.value.clone(),
            page_size: file.page_size,
            data: DataSettings {
                dir: data_root,
                s3: bucket_settings(file.data.s3.as_ref()),
                cache: file
                    .data
                    .s3
                    .as_ref()
                    .and_then(|s3| s3.cache.as_ref())
                    .map(PathBuf::from),
                demo_if_missing: file.data.demo_if_missing,
                exports: file.data.exports.clone(),
                memory_limit: file.data.memory_limit.clone(),
            },
            paths: Paths {
                queries: PathBuf::from(&file.paths.queries),
                reports: PathBuf::from(&file.paths.reports),
                output: PathBuf::from(&file.paths.output),
                state: file.paths.state.as_ref().map(PathBuf::from),
            },
            min_group_size: file.privacy.min_group_size,
            compare: Comparison {
                min_n: file.compare.min_n,
                overdispersion: file.compare.overdispersion,
            },
            drivers_min_n: file.drivers.min_n,
            scorecard,
            delivery,
            jobs,
            serve,
            state,
            sha256: effective_sha256(&file),
        })
    }

    fn job(
        &mut self,
        name: &str,
        section: &JobSection,
        default_tz: Option<Tz>,
        allowed: &AllowedDomains,
    ) -> Option<Job> {
        let errors_before = self.errors.len();
        let timezone = match &section.timezone {
            Some(value) => self.timezone(value),
            None => default_tz,
        };
        let cron = croner::Cron::from_str(&section.schedule.value);
        if let (Ok(cron), false) = (&cron, section.allow_frequent)
            && let Some(seconds) = shortest_interval(cron).filter(|s| *s < 60)
        {
            self.warnings.push(ConfigError {
                file: self.path.to_path_buf(),
                line: section.schedule.referenced.line().max(1),
                column: section.schedule.referenced.column().max(1),
                message: format!(
                    "job `{name}` fires every {seconds} s: each fire renders and sends every briefing again"
                ),
                help: Some("set `allow_frequent: true` on the job if that is meant".into()),
            });
        }
        if let Err(error) = &cron {
            self.error(
                section.schedule.referenced,
                format!(
                    "invalid cron schedule `{}` of job `{name}`: {}; expected five fields (minute 0-59, hour 0-23, day of month 1-31, month 1-12, day of week 0-7) or six with seconds first",
                    section.schedule.value,
                    error.to_string().trim_start_matches("Component error: ").trim_end_matches('.').to_lowercase()
                ),
            );
        }
        for recipient in &section.recipients {
            self.address(recipient, Some(allowed), "recipient");
        }
        for recipient in &section.hr_recipients {
            self.address(recipient, Some(allowed), "HR recipient");
        }
        let catch_up_within = match &section.catch_up_within {
            None => Some(chrono::Duration::hours(24)),
            Some(text) => self.duration(text, "catch_up_within", name),
        };
        let mut wait_for_data = None;
        if let Some(wait) = &section.wait_for_data {
            let (max_age, deadline) = (
                self.duration(&wait.max_age, "wait_for_data.max_age", name),
                self.duration(&wait.deadline, "wait_for_data.deadline", name),
            );
            wait_for_data = max_age
                .zip(deadline)
                .map(|(max_age, deadline)| WaitForData {
                    max_age,
                    deadline,
                    then: wait.then,
                });
        }
        if section.audience == Audience::Executive && section.recipients.is_empty() {
            self.error(
                section.schedule.referenced,
                format!("job `{name}` has the executive audience but no `recipients`"),
            );
        }
        if self.errors.len() > errors_before {
            return None;
        }
        Some(Job {
            name: name.to_string(),
            audience: section.audience,
            period_kind: match section.period {
                PeriodRule::PreviousWeek => PeriodKind::Week,
                PeriodRule::PreviousMonth => PeriodKind::Month,
                PeriodRule::PreviousQuarter => PeriodKind::Quarter,
            },
            schedule: Schedule {
                text: section.schedule.value.clone(),
                cron: cron.ok()?,
            },
            timezone: timezone?,
            recipients: section.recipients.iter().map(|r| r.value.clone()).collect(),
            hr_recipients: section
                .hr_recipients
                .iter()
                .map(|r| r.value.clone())
                .collect(),
            scorecard_export: section.scorecard_export || !section.hr_recipients.is_empty(),
            eligible_sites_only: section.eligible_sites_only,
            catch_up_within: catch_up_within?,
            wait_for_data,
        })
    }

    fn scorecard(&mut self, file: &ConfigFile) -> Option<ScorecardPolicy> {
        let errors_before = self.errors.len();
        let section = &file.scorecard;
        let DecimalValue(cap) = section.cap.value;
        if cap <= Decimal::ZERO {
            self.error(
                section.cap.referenced,
                format!("scorecard.cap must be positive, found {cap}"),
            );
        }
        let payout = &section.payout.value;
        if !(payout.threshold.0 < payout.target.0 && payout.target.0 < payout.maximum.0) {
            self.error(
                section.payout.referenced,
                "scorecard.payout points must be ordered threshold < target < maximum".into(),
            );
        }
        let mut components = Vec::new();
        for (name, component) in &section.components {
            let at = component.referenced;
            let c = &component.value;
            if c.weight.0 <= Decimal::ZERO {
                self.error(
                    at,
                    format!(
                        "scorecard component `{}`: weight must be positive, found {}",
                        name.as_str(),
                        c.weight.0
                    ),
                );
            }
            if !(c.threshold.0 < c.target.0 && c.target.0 < c.maximum.0) {
                self.error(
                    at,
                    format!(
                        "scorecard component `{}`: expected threshold < target < maximum, found {} / {} / {}",
                        name.as_str(), c.threshold.0, c.target.0, c.maximum.0
                    ),
                );
            }
            components.push(ComponentPolicy {
                name: *name,
                weight: c.weight.0,
                threshold: c.threshold.0,
                target: c.target.0,
                maximum: c.maximum.0,
                min_n: c.min_n,
            });
        }
        if components.is_empty() {
            self.error(
                section.cap.referenced,
                "scorecard.components is empty: expected at least one component".into(),
            );
        }
        (self.errors.len() == errors_before).then_some(ScorecardPolicy {
            cap,
            payout: PayoutPoints {
                threshold: payout.threshold.0,
                target: payout.target.0,
                maximum: payout.maximum.0,
            },
            components,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped_with_schedule(schedule: &str, extra: &str) -> Config {
        let text = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("config/xbrief.yaml"),
        )
        .unwrap()
        .replace(
            "    schedule: \"0 6 3 * *\"\n",
            &format!("    schedule: \"{schedule}\"\n{extra}"),
        );
        Config::from_yaml(Path::new("xbrief.yaml"), &text).unwrap()
    }

    #[test]
    fn a_schedule_firing_more_than_once_a_minute_is_reported_where_it_is_unless_allowed() {
        let config = shipped_with_schedule("*/10 * * * * *", "");
        let warnings: Vec<String> = config.warnings.iter().map(|w| w.to_string()).collect();
        let line = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("config/xbrief.yaml"),
        )
        .unwrap()
        .lines()
        .position(|l| l == "    schedule: \"0 6 3 * *\"")
        .unwrap()
            + 1;
        assert_eq!(
            warnings,
            vec![format!(
                "xbrief.yaml:{line}:15: job `site-scorecards` fires every 10 s: each fire renders and sends every briefing again (set `allow_frequent: true` on the job if that is meant)"
            )]
        );
        let allowed = shipped_with_schedule("*/10 * * * * *", "    allow_frequent: true\n");
        assert!(allowed.warnings.is_empty());
        // once a minute is fine
        assert!(shipped_with_schedule("* * * * *", "").warnings.is_empty());
    }
}
