//! The compiled configuration: every value parsed and checked once, in the types the
//! stages use. Nothing outside `config/` sees the file's shape.

use super::model::{Audience, ComponentName, ExportPaths, PageSize, SmtpTls, Transport, WhenStale};
use super::recipients::AllowedDomains;
use crate::data::DataRoot;
use crate::data::bucket::BucketSettings;
use crate::period::{Period, PeriodKind};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use lettre::message::Mailbox;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

/// The validated configuration of a run.
#[derive(Debug, Clone)]
pub struct Config {
    pub path: PathBuf,
    pub timezone: Tz,
    /// The executive briefing's language: one of the catalogs in `reports/i18n/`.
    pub language: String,
    pub page_size: PageSize,
    pub data: DataSettings,
    pub paths: Paths,
    /// Smallest employee group whose figures are shown (metrics.md §2).
    pub min_group_size: u32,
    pub compare: Comparison,
    /// Fewest responses for a group's own key drivers (metrics.md §11).
    pub drivers_min_n: u32,
    pub scorecard: ScorecardPolicy,
    pub delivery: Delivery,
    pub jobs: BTreeMap<String, Job>,
    pub serve: ServeSettings,
    pub state: StateSettings,
    /// SHA-256 of the effective config (defaults filled in), for the audit trail.
    pub sha256: String,
    /// Sound values that are probably mistakes (a schedule firing every second): `validate`
    /// reports them, runs go on.
    pub warnings: Vec<super::ConfigError>,
}

impl Config {
    pub fn job(&self, name: &str) -> Option<&Job> {
        self.jobs.get(name)
    }
}

/// The state store: where (`None`: SQLite in the state folder) and how long a claim holds.
#[derive(Debug, Clone)]
pub struct StateSettings {
    pub url: Option<crate::deliver::StateUrl>,
    pub lease: Duration,
}

/// `serve`'s listener and heartbeat.
#[derive(Debug, Clone, Default)]
pub struct ServeSettings {
    pub listen: Option<std::net::SocketAddr>,
    /// Never logged: a heartbeat URL is often its own secret.
    pub heartbeat_url: Option<String>,
}

#[derive(Debug, Clone)]
pub struct DataSettings {
    /// The folder or bucket prefix the export paths are relative to.
    pub dir: DataRoot,
    /// How to reach a bucket (AWS's defaults unless `data.s3` says otherwise).
    pub s3: BucketSettings,
    /// The local copies of a bucket's objects; default `<output>/cache`.
    pub cache: Option<PathBuf>,
    pub demo_if_missing: bool,
    pub exports: ExportPaths,
    /// DuckDB's memory cap (`350MB`), as DuckDB reads it.
    pub memory_limit: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Paths {
    pub queries: PathBuf,
    pub reports: PathBuf,
    pub output: PathBuf,
    /// The state store's folder, when set; else `<output>/state`.
    pub state: Option<PathBuf>,
}

/// How sites are compared (metrics.md §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Comparison {
    /// Fewest complete responses for a site to be compared.
    pub min_n: u32,
    /// FunnelPlotR-style widening of the funnel limits.
    pub overdispersion: bool,
}

#[derive(Debug, Clone)]
pub struct Delivery {
    pub transport: Transport,
    /// The file transport's folder, relative to the output folder.
    pub outbox: PathBuf,
    pub from: Mailbox,
    pub reply_to: Option<Mailbox>,
    pub allowed_domains: AllowedDomains,
    pub admins: Vec<String>,
    pub smtp: Option<SmtpServer>,
    pub retry: RetryPolicy,
}

/// `delivery.smtp`: the server as configured (the XBRIEF_SMTP_* variables may override it
/// when a run resolves its transport).
#[derive(Debug, Clone)]
pub struct SmtpServer {
    pub host: String,
    pub port: Option<u16>,
    pub tls: SmtpTls,
    /// Names of the environment variables holding the credentials (never the values).
    pub username_env: Option<String>,
    pub password_env: Option<String>,
    pub ca_file: Option<PathBuf>,
    pub connections: u32,
    pub timeout: Duration,
}

/// Temporary failures are retried with exponential backoff (doubling from `initial`,
/// capped at `max`, with ±50 % jitter), `attempts` times in all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    pub attempts: u32,
    pub initial: Duration,
    pub max: Duration,
}

/// A cron schedule as written and as parsed.
#[derive(Debug, Clone)]
pub struct Schedule {
    pub text: String,
    pub cron: croner::Cron,
}

#[derive(Debug, Clone)]
pub struct Job {
    pub name: String,
    pub audience: Audience,
    pub period_kind: PeriodKind,
    pub schedule: Schedule,
    pub timezone: Tz,
    pub recipients: Vec<String>,
    pub hr_recipients: Vec<String>,
    pub scorecard_export: bool,
    pub eligible_sites_only: bool,
    pub catch_up_within: chrono::Duration,
    pub wait_for_data: Option<WaitForData>,
}

impl Job {
    /// The period a run of this job reports at `instant`: the last complete one in the
    /// job's zone.
    pub fn period_at(&self, instant: DateTime<Utc>) -> Period {
        let today = instant.with_timezone(&self.timezone).date_naive();
        Period::last_complete(self.period_kind, today)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct WaitForData {
    pub max_age: chrono::Duration,
    pub deadline: chrono::Duration,
    pub then: WhenStale,
}

/// The compensation policy of metrics.md §7, in decimals: the one source of the pay, the
/// payroll file and every number the briefings print about it.
#[derive(Debug, Clone, PartialEq)]
pub struct ScorecardPolicy {
    pub cap: Decimal,
    pub payout: PayoutPoints,
    pub components: Vec<ComponentPolicy>,
}

/// The attainment a component earns at its threshold, target and maximum.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PayoutPoints {
    pub threshold: Decimal,
    pub target: Decimal,
    pub maximum: Decimal,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ComponentPolicy {
    pub name: ComponentName,
    pub weight: Decimal,
    pub threshold: Decimal,
    pub target: Decimal,
    pub maximum: Decimal,
    pub min_n: u32,
}

impl ComponentPolicy {
    /// Attainment a(v) of metrics.md §7: nothing below the threshold, the payout points at
    /// threshold, target and maximum, straight lines between, flat above the maximum.
    pub fn attainment(&self, v: Decimal, payout: &PayoutPoints) -> Decimal {
        let (t, g, m) = (self.threshold, self.target, self.maximum);
        if v < t {
            Decimal::ZERO
        } else if v < g {
            payout.threshold + (payout.target - payout.threshold) * (v - t) / (g - t)
        } else if v < m {
            payout.target + (payout.maximum - payout.target) * (v - g) / (m - g)
        } else {
            payout.maximum
        }
    }

    /// The corners of the attainment curve as (value, attainment): the one shape the
    /// briefing draws, from the same points `attainment` computes with.
    pub fn curve(&self, payout: &PayoutPoints) -> [(Decimal, Decimal); 4] {
        [
            (self.threshold, Decimal::ZERO),
            (self.threshold, payout.threshold),
            (self.target, payout.target),
            (self.maximum, payout.maximum),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    #[test]
    fn the_curve_drawn_is_the_curve_paid() {
        let component = ComponentPolicy {
            name: ComponentName::CeIndex,
            weight: dec("0.5"),
            threshold: dec("60"),
            target: dec("70"),
            maximum: dec("80"),
            min_n: 30,
        };
        let payout = PayoutPoints {
            threshold: dec("0.25"),
            target: dec("1.0"),
            maximum: dec("2.0"),
        };
        let curve = component.curve(&payout);
        assert_eq!(
            curve,
            [
                (dec("60"), dec("0")),
                (dec("60"), dec("0.25")),
                (dec("70"), dec("1.0")),
                (dec("80"), dec("2.0")),
            ]
        );
        // every corner but the step's foot is where the pay is computed
        for (value, attainment) in &curve[1..] {
            assert_eq!(component.attainment(*value, &payout), *attainment);
        }
        assert_eq!(component.attainment(dec("59.99"), &payout), dec("0"));
        assert_eq!(component.attainment(dec("75"), &payout), dec("1.5"));
        assert_eq!(component.attainment(dec("95"), &payout), dec("2.0"));
    }

    #[test]
    fn a_job_reports_the_last_complete_period_in_its_own_zone() {
        let job = |zone: Tz, kind| Job {
            name: "j".into(),
            audience: Audience::Manager,
            period_kind: kind,
            schedule: Schedule {
                text: "0 7 2 * *".into(),
                cron: "0 7 2 * *".parse().unwrap(),
            },
            timezone: zone,
            recipients: Vec::new(),
            hr_recipients: Vec::new(),
            scorecard_export: false,
            eligible_sites_only: false,
            catch_up_within: chrono::Duration::hours(24),
            wait_for_data: None,
        };
        // 1 November 22:30 UTC is already 2 November in Athens (UTC+2), still 1 November
        // in Paris (UTC+1)
        let instant = "2026-11-01T22:30:00Z".parse().unwrap();
        let athens = job(chrono_tz::Europe::Athens, PeriodKind::Week);
        let paris = job(chrono_tz::Europe::Paris, PeriodKind::Week);
        assert_eq!(athens.period_at(instant).to_string(), "2026-W44");
        assert_eq!(paris.period_at(instant).to_string(), "2026-W43");
        let monthly = job(chrono_tz::Europe::Paris, PeriodKind::Month);
        assert_eq!(monthly.period_at(instant).to_string(), "2026-10");
    }
}
