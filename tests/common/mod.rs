//! Helpers for end-to-end tests: run the real binary on fixture exports written with DuckDB.

#![allow(dead_code)]

pub mod certificate;
pub mod postgres;
pub mod runner;
pub mod s3;
pub mod smtp;

use std::path::{Path, PathBuf};
use std::process::Output;

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `xbrief` from the repository root (where config/, queries/ and reports/ live).
pub fn xbrief(args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_xbrief"))
        .args(args)
        .current_dir(repo())
        .output()
        .expect("xbrief runs")
}

/// `xbrief run JOB --period PERIOD` on `data`, writing to `out`, with `extra` arguments.
pub fn run_job(data: &Path, out: &Path, job: &str, period: &str, extra: &[&str]) -> Output {
    let (data, out) = (data.to_string_lossy(), out.to_string_lossy());
    let mut args = vec![
        "run", job, "--period", period, "--data", &data, "--out", &out,
    ];
    args.extend_from_slice(extra);
    xbrief(&args)
}

/// Copies a folder and everything in it.
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).to_string()
}

/// The text of every page of a PDF, as lopdf extracts it.
pub fn pdf_text(path: &Path) -> String {
    let document =
        lopdf::Document::load(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let pages: Vec<u32> = document.get_pages().keys().copied().collect();
    document.extract_text(&pages).unwrap()
}

/// Writes a Parquet file from a SQL query (fixture data is spelled out in the tests).
pub fn parquet(path: &Path, select: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let connection = duckdb::Connection::open_in_memory().unwrap();
    let target = path.to_string_lossy().replace('\'', "''");
    connection
        .execute_batch(&format!("COPY ({select}) TO '{target}' (FORMAT parquet)"))
        .unwrap();
}

/// A complete, minimal set of exports in `dir`: two active sites, one inactive, teams and
/// financials; `customer` and `employee` give the response rows as SELECT statements.
pub fn fixture(dir: &Path, customer: &str, employee: &str) {
    parquet(
        &dir.join("sites.parquet"),
        "SELECT * FROM (VALUES
            ('S1', 'Boutique Lyon', 'Sud', 'FR', 'fr', 'M1', 'Léa Martin', 'lea@example.fr', 2000.26, true),
            ('S2', 'Κατάστημα Αθήνα', 'Ελλάδα', 'GR', 'el', 'M2', 'Νίκος Παπαδόπουλος', 'nikos@example.gr', NULL, true),
            ('S9', 'Closed', 'Sud', 'FR', 'fr', 'M9', 'X', 'x@example.fr', 1000.0, false))
         t(site_id, site_name, region, country, locale, manager_id, manager_name, manager_email, bonus_target, active)",
    );
    parquet(
        &dir.join("teams.parquet"),
        "SELECT * FROM (VALUES ('T1', 'S1', 'Accueil', 'Camille', 'camille@example.fr', 6),
                               ('T2', 'S2', 'Ταμείο', 'Ελένη', 'eleni@example.gr', 5))
         t(team_id, site_id, team_name, lead_name, lead_email, headcount)",
    );
    parquet(
        &dir.join("financials.parquet"),
        "SELECT * FROM (VALUES ('S1', DATE '2026-10-01', 1100.0, 1000.0, 20::BIGINT, 300.0),
                               ('S2', DATE '2026-10-01', 900.0, 1000.0, 30::BIGINT, 250.0))
         t(site_id, month, revenue, budget, transactions, gross_margin)",
    );
    parquet(&dir.join("customer_responses/part-1.parquet"), customer);
    parquet(&dir.join("employee_responses/part-1.parquet"), employee);
}

/// One customer row as a SELECT, with every item given (NULL allowed).
#[allow(clippy::too_many_arguments)]
pub fn customer_row(
    id: &str,
    site: &str,
    at: &str,
    invited: &str,
    loyalty: [&str; 3],
    attachment: [&str; 8],
    ltr: &str,
    cause: &str,
) -> String {
    format!(
        "SELECT '{id}' AS response_id, '{site}' AS site_id, 'T1' AS team_id, TIMESTAMP '{at}' AS responded_at,
                'store' AS touchpoint, '{invited}' AS invited_by,
                {}::SMALLINT AS sat, {}::SMALLINT AS recommend, {}::SMALLINT AS repurchase,
                {}::SMALLINT AS conf1, {}::SMALLINT AS conf2, {}::SMALLINT AS integ1, {}::SMALLINT AS integ2,
                {}::SMALLINT AS pride1, {}::SMALLINT AS pride2, {}::SMALLINT AS pass1, {}::SMALLINT AS pass2,
                {ltr}::SMALLINT AS ltr, {cause}::VARCHAR AS root_cause, NULL::VARCHAR AS employee_praised,
                NULL::VARCHAR AS comment",
        loyalty[0], loyalty[1], loyalty[2], attachment[0], attachment[1], attachment[2], attachment[3],
        attachment[4], attachment[5], attachment[6], attachment[7]
    )
}

pub fn employee_row(
    id: &str,
    site: &str,
    team: &str,
    at: &str,
    items: [&str; 12],
    amb: [&str; 3],
) -> String {
    let e: Vec<String> = items
        .iter()
        .enumerate()
        .map(|(i, v)| format!("{v}::SMALLINT AS e{:02}", i + 1))
        .collect();
    format!(
        "SELECT '{id}' AS response_id, '{site}' AS site_id, '{team}' AS team_id, TIMESTAMP '{at}' AS responded_at, {},
                {}::SMALLINT AS amb1, {}::SMALLINT AS amb2, {}::SMALLINT AS amb3",
        e.join(", "), amb[0], amb[1], amb[2]
    )
}

/// What `xbrief demo` is asked to generate.
pub struct Demo<'a> {
    pub sites: usize,
    pub months: usize,
    /// Responses per site and month, `lo-hi`.
    pub per_month: &'a str,
    pub seed: &'a str,
    /// The last month, `YYYY-MM`.
    pub until: &'a str,
}

/// Generates demo exports into `out` with the real binary.
pub fn demo_exports(out: &Path, demo: Demo) {
    let (sites, months) = (demo.sites.to_string(), demo.months.to_string());
    let output = xbrief(&[
        "demo",
        "--out",
        &out.to_string_lossy(),
        "--sites",
        &sites,
        "--months",
        &months,
        "--responses-per-site-month",
        demo.per_month,
        "--seed",
        demo.seed,
        "--until",
        demo.until,
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
}

/// Small demo exports (two months up to 2026-10, 10–20 responses per site-month) written to
/// `dir/data`, and the default config's text with its delivery retries given by `retry`.
pub fn small_demo(dir: &Path, sites: usize, seed: &str, retry: &str) -> String {
    let data = dir.join("data");
    demo_exports(
        &data,
        Demo {
            sites,
            months: 2,
            per_month: "10-20",
            seed,
            until: "2026-10",
        },
    );
    std::fs::read_to_string(repo().join("config/xbrief.yaml"))
        .unwrap()
        .replace(
            "  admins: [xbrief-admin@example.com]",
            &format!("  admins: [xbrief-admin@example.com]\n  retry: {retry}"),
        )
}

/// Managers of the active sites in `dir/data`: the recipients of site-scorecards.
pub fn managers_in(dir: &Path) -> Vec<String> {
    let connection = duckdb::Connection::open_in_memory().unwrap();
    let path = dir.join("data/sites.parquet");
    let mut statement = connection
        .prepare(&format!(
            "SELECT manager_email FROM '{}' WHERE active ORDER BY 1",
            path.display()
        ))
        .unwrap();
    statement
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}
