//! `xbrief demo`: deterministic synthetic exports that look real. Rust draws the plan (sites,
//! teams, each site-month's size and latent engagement, the planted problems) from a seeded
//! generator; the SQL of `queries/demo_*.sql` expands it into responses with DuckDB.

mod catalog;

use crate::data::engine::{Engine, EngineError};
use crate::data::queries::QueryDir;
use crate::period::{Period, PeriodKind, add_months};
use chrono::{Datelike, NaiveDate};
use duckdb::params;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct DemoOptions {
    pub out: PathBuf,
    pub sites: usize,
    pub months: usize,
    /// Customer responses per site-month vary between these bounds.
    pub responses_min: usize,
    pub responses_max: usize,
    pub seed: u64,
    /// The last month of data.
    pub until: Period,
    /// No response on or after this day (today, when the last month is the current one).
    pub cutoff: NaiveDate,
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("demo output folder {0} must not contain quotes or control characters")]
    BadPath(PathBuf),
    #[error("cannot create {}: {source}", path.display())]
    Folder {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error("demo tables: {0}")]
    Table(#[from] duckdb::Error),
}

impl DemoOptions {
    /// The default demo: 60 sites, 24 months up to yesterday, 40–400 responses per
    /// site-month, seed 42 (what `xbrief demo` writes without options).
    pub fn standard(out: PathBuf, today: NaiveDate) -> DemoOptions {
        DemoOptions {
            out,
            sites: 60,
            months: 24,
            responses_min: 40,
            responses_max: 400,
            seed: 42,
            until: default_until(today),
            cutoff: today,
        }
    }
}

/// What the generated data plants, so briefings have something true to say.
pub const SUSTAINED_LOW_SITE: usize = 3;
pub const POLICY_SITE: usize = 7;
pub const STAFF_GAMING_SITE: usize = 11;
pub const TOP_BOX_SITE: usize = 15;

pub fn generate(options: &DemoOptions, queries: &QueryDir) -> Result<(), DemoError> {
    let out_text = options.out.to_string_lossy().to_string();
    if out_text
        .chars()
        .any(|c| c == '\'' || c == '"' || c.is_control())
    {
        return Err(DemoError::BadPath(options.out.clone()));
    }
    for folder in ["customer_responses", "employee_responses"] {
        let path = options.out.join(folder);
        std::fs::create_dir_all(&path).map_err(|source| DemoError::Folder { path, source })?;
    }
    let engine = Engine::open(queries.clone(), None)?;
    let connection = engine.connection();
    connection.execute("SET VARIABLE demo_seed = ?", params![options.seed as i64])?;
    build_plan(connection, options)?;
    engine.run("demo_macros")?;
    engine.run("demo_customer")?;
    engine.run("demo_employee")?;
    engine.run("demo_financials")?;
    let (path, sql) = queries.read("demo_write").map_err(EngineError::from)?;
    let sql = sql.replace(":out_dir", &out_text);
    connection
        .execute_batch(&sql)
        .map_err(|source| EngineError::Query { path, source })?;
    Ok(())
}

fn build_plan(connection: &duckdb::Connection, options: &DemoOptions) -> Result<(), DemoError> {
    connection.execute_batch(
        "CREATE TEMP TABLE demo_sites (site_id VARCHAR, site_name VARCHAR, region VARCHAR, country VARCHAR,
             locale VARCHAR, manager_id VARCHAR, manager_name VARCHAR, manager_email VARCHAR,
             bonus_target DOUBLE, active BOOLEAN);
         CREATE TEMP TABLE demo_teams (team_id VARCHAR, site_id VARCHAR, team_name VARCHAR, lead_name VARCHAR,
             lead_email VARCHAR, headcount INTEGER);
         CREATE TEMP TABLE demo_site_months (site_id VARCHAR, locale VARCHAR, month DATE, month_seconds BIGINT,
             responses INTEGER, latent DOUBLE, staff_share DOUBLE, policy_heavy BOOLEAN, top_box BOOLEAN,
             teams VARCHAR, n_teams INTEGER, budget DOUBLE);
         CREATE TEMP TABLE demo_team_waves (team_id VARCHAR, site_id VARCHAR, month DATE, headcount INTEGER,
             ee_latent DOUBLE);
         CREATE TEMP TABLE demo_phrases (locale VARCHAR, first_names VARCHAR, n_first_names INTEGER,
             praise VARCHAR, n_praise INTEGER, complaints VARCHAR, n_complaints INTEGER);",
    )?;
    let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
    // Site effects, normally distributed: the employee side, and the customer side's own.
    let ee_spread = Normal::new(0.0, 0.22).expect("valid normal");
    let own_spread = Normal::new(0.0, 0.1).expect("valid normal");
    let first_month = add_months(options.until.start, 1 - options.months as i32);
    let months: Vec<NaiveDate> = (0..options.months as i32)
        .map(|i| add_months(first_month, i))
        .collect();
    let mut sites = connection.appender("demo_sites")?;
    let mut teams = connection.appender("demo_teams")?;
    let mut site_months = connection.appender("demo_site_months")?;
    let mut waves = connection.appender("demo_team_waves")?;
    for index in 0..options.sites {
        let place = catalog::place(index);
        let site_id = format!(
            "S{:0width$}",
            index + 1,
            width = if options.sites > 999 { 4 } else { 3 }
        );
        let ee_effect: f64 = ee_spread.sample(&mut rng);
        let own_effect: f64 = own_spread.sample(&mut rng);
        let active = index + 1 != options.sites || options.sites < 10;
        let bonus = (index % 9 != 4).then(|| (rng.random_range(150_000..450_000) as f64) / 100.0);
        let manager = catalog::person(place.locale, index);
        sites.append_row(params![
            site_id,
            place.site_name,
            place.region,
            place.country,
            place.locale,
            format!("M{:05}", index + 1),
            manager,
            format!("manager.{}@{}", site_id.to_lowercase(), place.domain),
            bonus,
            active,
        ])?;
        let team_count = rng.random_range(3..=6usize);
        let mut team_ids = Vec::new();
        for t in 0..team_count {
            let team_id = format!("{site_id}-T{}", t + 1);
            // The first team of the first site is tiny: under the privacy threshold.
            let headcount: i32 = if index == 0 && t == 0 {
                4
            } else {
                rng.random_range(6..=16)
            };
            teams.append_row(params![
                team_id,
                site_id,
                catalog::team_name(place.locale, t),
                catalog::person(place.locale, index * 7 + t + 1),
                format!("lead.{}@{}", team_id.to_lowercase(), place.domain),
                headcount,
            ])?;
            for &month in &months {
                if (month.month() - 1) % 3 == 0 {
                    waves.append_row(params![
                        team_id,
                        site_id,
                        month.to_string(),
                        headcount,
                        3.55 + ee_effect
                    ])?;
                }
            }
            team_ids.push(team_id);
        }
        let size = rng.random_range(options.responses_min..=options.responses_max);
        let budget = 20_000.0 + size as f64 * 900.0;
        for (m, &month) in months.iter().enumerate() {
            let months_left = options.months - m;
            let mut latent = 3.62 + 0.6 * ee_effect + own_effect;
            if index == SUSTAINED_LOW_SITE && months_left <= 8 {
                latent -= 0.9;
            }
            let next = add_months(month, 1).min(options.cutoff.max(month));
            let seconds = (next - month).num_seconds();
            // A partial last month (up to the cutoff) gets its share of the responses.
            let share =
                (next - month).num_days() as f64 / (add_months(month, 1) - month).num_days() as f64;
            let wanted = (size as f64) * rng.random_range(0.8..1.2);
            let responses =
                (wanted.clamp(options.responses_min as f64, options.responses_max as f64) * share)
                    .round() as i32;
            site_months.append_row(params![
                site_id,
                place.locale,
                month.to_string(),
                seconds,
                responses,
                latent,
                if index == STAFF_GAMING_SITE {
                    0.4
                } else {
                    0.06
                },
                index == POLICY_SITE,
                index == TOP_BOX_SITE && months_left <= 5,
                team_ids.join("|"),
                team_ids.len() as i32,
                budget,
            ])?;
        }
    }
    drop((sites, teams, site_months, waves));
    let mut phrases = connection.appender("demo_phrases")?;
    for locale in ["en", "fr", "el"] {
        let (names, praise, complaints) = catalog::phrases(locale);
        phrases.append_row(params![
            locale,
            names.join("|"),
            names.len() as i32,
            praise.join("|"),
            praise.len() as i32,
            complaints.join("|"),
            complaints.len() as i32,
        ])?;
    }
    Ok(())
}

/// The default `--until`: the current month, with data up to yesterday, so that the last
/// complete week and month both have responses.
pub fn default_until(today: NaiveDate) -> Period {
    Period::containing(PeriodKind::Month, today)
}

/// Whether none of the demo export files exists in `dir`.
pub fn missing(dir: &Path) -> bool {
    !dir.join("sites.parquet").exists()
}

/// Whether `dir` holds nothing (or is not there): the only folder demo exports are
/// generated into, so they never mix with real ones.
pub fn is_empty_folder(dir: &Path) -> bool {
    std::fs::read_dir(dir).map_or(true, |mut entries| entries.next().is_none())
}
