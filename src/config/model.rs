//! The configuration as admins write it (`config/xbrief.yaml`), deserialized with
//! serde-saphyr. Fields that need checks beyond their type keep their source location.

use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};
use serde_saphyr::Spanned;
use std::collections::BTreeMap;
use std::str::FromStr;

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct ConfigFile {
    /// IANA time zone of every job without its own.
    #[schemars(with = "String")]
    pub timezone: Spanned<String>,
    /// Language of the executive briefing.
    #[serde(default = "default_language")]
    #[schemars(with = "String")]
    pub language: Spanned<String>,
    /// Paper size of the briefings.
    #[serde(default)]
    pub page_size: PageSize,
    pub data: DataSection,
    #[serde(default)]
    pub paths: PathsSection,
    #[serde(default)]
    pub privacy: PrivacySection,
    #[serde(default)]
    pub compare: CompareSection,
    #[serde(default)]
    pub drivers: DriversSection,
    pub scorecard: ScorecardSection,
    pub delivery: DeliverySection,
    pub jobs: BTreeMap<String, JobSection>,
    /// `xbrief serve`'s HTTP listener and heartbeat (both off unless set).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serve: Option<ServeSection>,
    /// Where runs and the delivery ledger are kept: SQLite in `paths.state` unless set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<StateSection>,
}

/// The state store.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(default)]
#[schemars(deny_unknown_fields)]
pub struct StateSection {
    /// `sqlite:PATH` (the embedded store, one file) or `postgres://user@host:port/database`,
    /// shared by replicas of `serve` and shards of a run. No password here: it comes from
    /// `XBRIEF_STATE_URL` (which overrides this URL) or `PGPASSWORD`. TLS in libpq's words:
    /// `?sslmode=verify-full&sslrootcert=/etc/xbrief/db-ca.pem` (also `disable`, `prefer`,
    /// the default, `require` and `verify-ca`; else `PGSSLMODE`, `PGSSLROOTCERT`).
    #[schemars(with = "Option<String>")]
    pub url: Option<Spanned<String>>,
    /// How long a run or a claimed fire stays claimed without being renewed (its owner
    /// renews it every third of it): after a replica dies, another takes its work over once
    /// this has passed. Default `30s`.
    #[schemars(with = "Option<String>")]
    pub lease: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum PageSize {
    #[default]
    A4,
    Letter,
}

fn default_language() -> Spanned<String> {
    Spanned::new(
        "en".to_string(),
        serde_saphyr::Location::UNKNOWN,
        serde_saphyr::Location::UNKNOWN,
    )
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct DataSection {
    /// Folder, or `s3://bucket/prefix`, the export paths are relative to (`run --data`
    /// overrides it).
    #[schemars(with = "String")]
    pub dir: Spanned<String>,
    /// Generate the demo exports into `dir` when none of them exists.
    #[serde(default)]
    pub demo_if_missing: bool,
    #[serde(default)]
    pub exports: ExportPaths,
    /// Cap on DuckDB's memory (`350MB`, `2GB`); DuckDB's default is 80 % of the RAM.
    #[serde(default)]
    pub memory_limit: Option<String>,
    /// How to reach the bucket when `dir` is `s3://…`. The credentials are never here: they
    /// come from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3: Option<S3Section>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(default)]
#[schemars(deny_unknown_fields)]
pub struct S3Section {
    /// `host[:port]` of an S3-compatible store (MinIO, Ceph, R2, …); AWS when absent.
    pub endpoint: Option<String>,
    /// Region the requests are signed for; else AWS_REGION; else us-east-1.
    pub region: Option<String>,
    /// `vhost`: the bucket in the host name (AWS); `path`: in the path (most local stores).
    pub url_style: UrlStyleName,
    /// https (true) or plain http (false, for a store on a private network).
    pub use_ssl: bool,
    /// Folder of the local copies of the objects; default `<output>/cache`.
    pub cache: Option<String>,
}

impl Default for S3Section {
    /// AWS's: virtual-host style over TLS.
    fn default() -> Self {
        S3Section {
            endpoint: None,
            region: None,
            url_style: UrlStyleName::Vhost,
            use_ssl: true,
            cache: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum UrlStyleName {
    Path,
    Vhost,
}

/// A file or a glob per export, relative to `data.dir`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct ExportPaths {
    pub sites: String,
    pub teams: String,
    pub customer_responses: String,
    pub employee_responses: String,
    pub financials: String,
}

impl Default for ExportPaths {
    /// The names of the data contract, as `xbrief demo` writes them.
    fn default() -> Self {
        ExportPaths {
            sites: "sites.parquet".into(),
            teams: "teams.parquet".into(),
            customer_responses: "customer_responses/*.parquet".into(),
            employee_responses: "employee_responses/*.parquet".into(),
            financials: "financials.parquet".into(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(default)]
#[schemars(deny_unknown_fields)]
pub struct PathsSection {
    pub queries: String,
    pub reports: String,
    pub output: String,
    /// The state store (runs and the delivery ledger); default: `<output>/state`.
    pub state: Option<String>,
}

impl Default for PathsSection {
    fn default() -> Self {
        PathsSection {
            queries: "queries".into(),
            reports: "reports".into(),
            output: "out".into(),
            state: None,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(default)]
#[schemars(deny_unknown_fields)]
pub struct PrivacySection {
    pub min_group_size: u32,
}

impl Default for PrivacySection {
    fn default() -> Self {
        PrivacySection { min_group_size: 5 }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(default)]
#[schemars(deny_unknown_fields)]
pub struct CompareSection {
    pub min_n: u32,
    pub overdispersion: bool,
}

impl Default for CompareSection {
    fn default() -> Self {
        CompareSection {
            min_n: 30,
            overdispersion: false,
        }
    }
}

/// Operating `xbrief serve`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(default)]
#[schemars(deny_unknown_fields)]
pub struct ServeSection {
    /// Address and port of the HTTP listener (`/metrics`, `/healthz`, `/readyz` and the
    /// status page), e.g. `127.0.0.1:9184`; a port alone binds to loopback. Off when absent.
    #[schemars(with = "Option<String>")]
    pub listen: Option<Spanned<String>>,
    /// A dead-man's-switch URL (Healthchecks style): `<url>/start` when a run starts, `<url>`
    /// when it succeeds, `<url>/fail` when it fails.
    #[schemars(with = "Option<String>")]
    pub heartbeat_url: Option<Spanned<String>>,
}

/// What drives loyalty (metrics.md §11).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(default)]
#[schemars(deny_unknown_fields)]
pub struct DriversSection {
    /// Fewest complete responses (with all four dimensions answered) for a group's key
    /// drivers to be computed; smaller groups use their region's or the company's.
    pub min_n: u32,
}

impl Default for DriversSection {
    fn default() -> Self {
        DriversSection { min_n: 100 }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct ScorecardSection {
    #[schemars(with = "DecimalValue")]
    pub cap: Spanned<DecimalValue>,
    #[schemars(with = "PayoutPoints")]
    pub payout: Spanned<PayoutPoints>,
    #[schemars(with = "BTreeMap<ComponentName, ComponentSection>")]
    pub components: BTreeMap<ComponentName, Spanned<ComponentSection>>,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ComponentName {
    CeIndex,
    EeIndex,
    CeChange,
}

impl ComponentName {
    pub fn as_str(self) -> &'static str {
        match self {
            ComponentName::CeIndex => "ce_index",
            ComponentName::EeIndex => "ee_index",
            ComponentName::CeChange => "ce_change",
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct PayoutPoints {
    pub threshold: DecimalValue,
    pub target: DecimalValue,
    pub maximum: DecimalValue,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct ComponentSection {
    pub weight: DecimalValue,
    pub threshold: DecimalValue,
    pub target: DecimalValue,
    pub maximum: DecimalValue,
    /// Minimum sample: ce_n for ce_index and ce_change (both periods), ee_n for ee_index.
    pub min_n: u32,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct DeliverySection {
    #[serde(default)]
    pub transport: Transport,
    /// Outbox folder of the file transport, relative to the output folder.
    #[serde(default = "default_outbox")]
    pub outbox: String,
    #[schemars(with = "String")]
    pub from: Spanned<String>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub reply_to: Option<Spanned<String>>,
    #[schemars(with = "Vec<String>")]
    pub allowed_domains: Vec<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub admins: Vec<Spanned<String>>,
    /// The SMTP server, for `transport: smtp` (host, port and TLS also from XBRIEF_SMTP_*).
    #[serde(default)]
    pub smtp: Option<SmtpSection>,
    #[serde(default)]
    pub retry: RetrySection,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct SmtpSection {
    pub host: String,
    /// Default: 587 with STARTTLS, 465 with implicit TLS, 25 without TLS.
    #[serde(default)]
    pub port: Option<u16>,
    #[serde(default)]
    pub tls: SmtpTls,
    /// Names of the environment variables holding the credentials (never the values).
    #[serde(default)]
    pub username_env: Option<String>,
    #[serde(default)]
    pub password_env: Option<String>,
    /// A PEM certificate to trust besides the public roots (a company CA, a test server).
    #[serde(default)]
    pub ca_file: Option<String>,
    /// Connections kept open and used in parallel.
    #[serde(default = "default_connections")]
    pub connections: u32,
    #[serde(default = "default_timeout")]
    pub timeout_seconds: u64,
}

fn default_connections() -> u32 {
    8
}

fn default_timeout() -> u64 {
    30
}

/// Fresh means the newest customer response and the newest customer export file are both
/// younger than `max_age`; the runner polls until then or until `deadline` after the fire,
/// and then runs with a "data may be incomplete" banner or skips, per `then`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct WaitForDataSection {
    #[schemars(with = "String")]
    pub max_age: Spanned<String>,
    #[schemars(with = "String")]
    pub deadline: Spanned<String>,
    #[serde(default)]
    pub then: WhenStale,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WhenStale {
    /// Run anyway, with a banner saying the data may be incomplete.
    #[default]
    Run,
    Skip,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SmtpTls {
    #[default]
    Starttls,
    Tls,
    /// Plain SMTP: accepted for a server on this machine only.
    None,
}

/// Temporary failures are retried with exponential backoff (doubling from `initial_ms`,
/// capped at `max_ms`, with ±50 % jitter), `attempts` times in all.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(default)]
#[schemars(deny_unknown_fields)]
pub struct RetrySection {
    pub attempts: u32,
    pub initial_ms: u64,
    pub max_ms: u64,
}

impl Default for RetrySection {
    fn default() -> Self {
        RetrySection {
            attempts: 6,
            initial_ms: 500,
            max_ms: 30_000,
        }
    }
}

fn default_outbox() -> String {
    "outbox".into()
}

/// `delivery.transport`, and `--transport` on the command line.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema, clap::ValueEnum,
)]
#[serde(rename_all = "snake_case")]
pub enum Transport {
    #[default]
    File,
    Smtp,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct JobSection {
    pub audience: Audience,
    pub period: PeriodRule,
    /// Five-field cron expression, in the job's time zone.
    #[schemars(with = "String")]
    pub schedule: Spanned<String>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub timezone: Option<Spanned<String>>,
    /// Recipients of the executive briefing.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub recipients: Vec<Spanned<String>>,
    /// Recipients of `scorecard.csv` (HR); setting it includes the scorecard export.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub hr_recipients: Vec<Spanned<String>>,
    /// Write `scorecard.csv` even without HR recipients.
    #[serde(default)]
    pub scorecard_export: bool,
    /// Manager audience: only sites eligible for the scorecard (non-NULL bonus_target).
    #[serde(default)]
    pub eligible_sites_only: bool,
    /// Let the schedule fire more often than once a minute (tests, demos); `validate`
    /// reports such a schedule otherwise.
    #[serde(default)]
    pub allow_frequent: bool,
    /// `xbrief serve` runs a missed (job, period) on start when it is this recent: `24h`,
    /// `90m`, `2d` (default 24h).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub catch_up_within: Option<Spanned<String>>,
    /// `xbrief serve` waits for fresh data before running this job.
    #[serde(default)]
    pub wait_for_data: Option<WaitForDataSection>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    Executive,
    Manager,
    Frontline,
}

impl Audience {
    /// Every audience, in the order the docs list them; each has its template folder.
    pub const ALL: [Audience; 3] = [Audience::Executive, Audience::Manager, Audience::Frontline];

    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Executive => "executive",
            Audience::Manager => "manager",
            Audience::Frontline => "frontline",
        }
    }
}

// The variants are the words admins write (`previous_month`).
#[allow(clippy::enum_variant_names)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PeriodRule {
    PreviousWeek,
    PreviousMonth,
    PreviousQuarter,
}

/// A decimal written in YAML as a number or a string; a number is taken from its
/// shortest round-trip text, so `0.1` is exactly 0.1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct DecimalValue(pub Decimal);

impl<'de> Deserialize<'de> for DecimalValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Written {
            Integer(i64),
            Float(f64),
            Text(String),
        }
        let text = match Written::deserialize(deserializer)? {
            Written::Integer(value) => value.to_string(),
            Written::Float(value) => value.to_string(),
            Written::Text(value) => value,
        };
        Decimal::from_str(text.trim())
            .map(DecimalValue)
            .map_err(|_| {
                serde::de::Error::custom(format!("expected a decimal number, found `{text}`"))
            })
    }
}

impl JsonSchema for DecimalValue {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Decimal".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A decimal number, written as a number or a string (`0.5`, \"0.5\").",
            "type": ["number", "string"],
            "format": "decimal",
            "pattern": "^\\s*[-+]?[0-9]+(\\.[0-9]+)?\\s*$"
        })
    }
}
