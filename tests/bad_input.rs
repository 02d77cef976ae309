//! Bad input gets a clear error naming the file, column, key or config location, and
//! nothing is written or sent.

mod common;

use common::*;
use std::path::Path;

const CONFIG: &str = r#"timezone: Europe/Paris
data: { dir: unused }
scorecard:
  cap: 1.5
  payout: { threshold: 0.5, target: 1.0, maximum: 1.5 }
  components:
    ce_index: { weight: 1, threshold: 60, target: 70, maximum: 80, min_n: 30 }
delivery:
  from: "xbrief <briefings@example.com>"
  allowed_domains: [example.fr, example.gr]
jobs:
  site-scorecards: { audience: manager, period: previous_month, schedule: "0 6 3 * *" }
"#;

fn valid_fixture(dir: &Path) {
    let customer = customer_row(
        "c1",
        "S1",
        "2026-10-05 10:00:00",
        "system",
        ["5", "5", "5"],
        ["5"; 8],
        "10",
        "NULL",
    );
    let employee = employee_row(
        "e1",
        "S1",
        "T1",
        "2026-10-15 09:00:00",
        ["4"; 12],
        ["4", "4", "4"],
    );
    fixture(dir, &customer, &employee);
}

/// Runs site-scorecards on `data` with the test config; returns (success, stderr, out dir).
fn run(dir: &Path, config: &str) -> (bool, String, std::path::PathBuf) {
    let config_path = dir.join("xbrief.yaml");
    std::fs::write(&config_path, config).unwrap();
    let out = dir.join("out");
    let output = xbrief(&[
        "--config",
        &config_path.to_string_lossy(),
        "run",
        "site-scorecards",
        "--period",
        "2026-10",
        "--data",
        &dir.join("data").to_string_lossy(),
        "--out",
        &out.to_string_lossy(),
    ]);
    (output.status.success(), stderr(&output), out)
}

fn assert_fails(dir: &Path, expected: &[&str]) {
    let (ok, message, out) = run(dir, CONFIG);
    assert!(!ok, "the run should fail");
    for part in expected {
        assert!(message.contains(part), "expected `{part}` in: {message}");
    }
    // only the state store records the failed run
    let written: Vec<String> = match std::fs::read_dir(&out) {
        Ok(entries) => entries
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect(),
        Err(_) => Vec::new(),
    };
    assert!(
        written.iter().all(|name| name == "state"),
        "a failed run writes nothing: {written:?} {message}"
    );
}

#[test]
fn the_valid_fixture_runs() {
    let dir = tempfile::tempdir().unwrap();
    valid_fixture(&dir.path().join("data"));
    let (ok, message, out) = run(dir.path(), CONFIG);
    assert!(ok, "{message}");
    assert_eq!(std::fs::read_dir(out.join("outbox")).unwrap().count(), 2);
}

#[test]
fn a_missing_export_names_its_pattern() {
    let dir = tempfile::tempdir().unwrap();
    valid_fixture(&dir.path().join("data"));
    std::fs::remove_file(dir.path().join("data/financials.parquet")).unwrap();
    assert_fails(
        dir.path(),
        &["export financials: no file matches", "financials.parquet"],
    );
}

#[test]
fn an_uncastable_type_names_file_column_and_expectation() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    valid_fixture(&data);
    let mut row = customer_row(
        "c1",
        "S1",
        "2026-10-05 10:00:00",
        "system",
        ["5", "5", "5"],
        ["5"; 8],
        "10",
        "NULL",
    );
    row = row.replace("5::SMALLINT AS sat", "'five' AS sat");
    parquet(&data.join("customer_responses/part-1.parquet"), &row);
    assert_fails(
        dir.path(),
        &[
            "part-1.parquet",
            "column `sat` has type VARCHAR",
            "expected a number",
        ],
    );
}

#[test]
fn an_empty_export_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    valid_fixture(&data);
    let row = employee_row(
        "e1",
        "S1",
        "T1",
        "2026-10-15 09:00:00",
        ["4"; 12],
        ["4", "4", "4"],
    );
    parquet(
        &data.join("employee_responses/part-1.parquet"),
        &format!("{row} LIMIT 0"),
    );
    assert_fails(
        dir.path(),
        &["export employee_responses has no rows", "part-1.parquet"],
    );
}

#[test]
fn a_corrupt_parquet_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    valid_fixture(&data);
    std::fs::write(data.join("teams.parquet"), b"PAR1 this is not parquet").unwrap();
    assert_fails(dir.path(), &["export teams: cannot read", "teams.parquet"]);
}

#[test]
fn a_duplicate_site_id_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    valid_fixture(&data);
    parquet(
        &data.join("sites.parquet"),
        "SELECT * FROM (VALUES ('S1', 'A', 'R', 'FR', 'fr', 'M1', 'A', 'a@example.fr', 1.0, true),
                               ('S1', 'B', 'R', 'FR', 'fr', 'M2', 'B', 'b@example.fr', 1.0, true))
         t(site_id, site_name, region, country, locale, manager_id, manager_name, manager_email, bonus_target, active)",
    );
    assert_fails(dir.path(), &["export sites: duplicate site_id `S1`"]);
}

#[test]
fn a_recipient_outside_the_allowed_domains_refuses_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    valid_fixture(&data);
    parquet(
        &data.join("sites.parquet"),
        "SELECT * FROM (VALUES ('S1', 'A', 'R', 'FR', 'fr', 'M1', 'A', 'a@gmail.com', 1.0, true),
                               ('S2', 'B', 'R', 'GR', 'el', 'M2', 'B', 'b@example.gr', 1.0, true))
         t(site_id, site_name, region, country, locale, manager_id, manager_name, manager_email, bonus_target, active)",
    );
    let (ok, message, out) = run(dir.path(), CONFIG);
    assert!(!ok);
    assert!(
        message.contains("`a@gmail.com`") && message.contains("nothing was sent"),
        "{message}"
    );
    assert!(!out.join("outbox").exists(), "no message goes out");
    assert!(
        !out.join("site-scorecards/2026-10").exists(),
        "no outputs are presented as done"
    );
}

#[test]
fn config_errors_are_all_reported_with_their_location() {
    let dir = tempfile::tempdir().unwrap();
    valid_fixture(&dir.path().join("data"));
    let broken = CONFIG
        .replace("timezone: Europe/Paris", "timezone: Europe/Pariss")
        .replace("schedule: \"0 6 3 * *\"", "schedule: \"0 6 35 * *\"")
        .replace("threshold: 60, target: 70", "threshold: 75, target: 70")
        .replace(
            "from: \"xbrief <briefings@example.com>\"",
            "from: \"not an address\"",
        );
    let (ok, message, _) = run(dir.path(), &broken);
    assert!(!ok);
    let lines: Vec<&str> = message.lines().collect();
    assert_eq!(lines.len(), 4, "{message}");
    assert!(lines[0].ends_with("xbrief.yaml:1:11: unknown time zone `Europe/Pariss`: expected an IANA name such as `Europe/Paris`"), "{message}");
    assert!(lines[1].contains("xbrief.yaml:7:15: scorecard component `ce_index`: expected threshold < target < maximum, found 75 / 70 / 80"), "{message}");
    assert!(
        lines[2].contains("xbrief.yaml:9:9: invalid sender `not an address`"),
        "{message}"
    );
    assert!(
        lines[3].contains(
            "xbrief.yaml:12:75: invalid cron schedule `0 6 35 * *` of job `site-scorecards`"
        ),
        "{message}"
    );
}

#[test]
fn an_unknown_config_key_is_located() {
    let dir = tempfile::tempdir().unwrap();
    valid_fixture(&dir.path().join("data"));
    let (ok, message, _) = run(
        dir.path(),
        &CONFIG.replace("data: { dir: unused }", "data: { dir: unused, dirr: x }"),
    );
    assert!(!ok);
    assert!(
        message.contains("xbrief.yaml:2:") && message.contains("dirr"),
        "{message}"
    );
}

#[test]
fn items_stored_as_double_are_checked_for_scale_and_whole_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    valid_fixture(&data);
    let row = |id: &str, sat: &str| {
        customer_row(
            id,
            "S1",
            "2026-10-05 10:00:00",
            "system",
            ["5", "5", "5"],
            ["5"; 8],
            "10",
            "NULL",
        )
        .replace("5::SMALLINT AS sat", &format!("{sat}::DOUBLE AS sat"))
    };
    let rows = [
        row("ok", "4.0"),
        row("half", "2.5"),
        row("high", "5.5"),
        row("zero", "0.0"),
    ]
    .join(" UNION ALL ");
    parquet(&data.join("customer_responses/part-1.parquet"), &rows);
    let (ok, message, out) = run(dir.path(), CONFIG);
    assert!(ok, "{message}");
    let quality =
        std::fs::read_to_string(out.join("site-scorecards/2026-10/data_quality.csv")).unwrap();
    assert_eq!(
        quality,
        "export,row_id,reason\ncustomer_responses,half,invalid_value\ncustomer_responses,high,out_of_range\ncustomer_responses,zero,out_of_range\n"
    );
    let sites = std::fs::read_to_string(out.join("site-scorecards/2026-10/sites.csv")).unwrap();
    let s1: Vec<&str> = sites.lines().nth(1).unwrap().split(',').collect();
    assert_eq!(
        (s1[2], s1[5]),
        ("S1", "1"),
        "only the whole, in-scale response counts: {sites}"
    );
}

#[test]
fn a_duplicate_financial_month_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    valid_fixture(&data);
    parquet(
        &data.join("financials.parquet"),
        "SELECT * FROM (VALUES ('S1', DATE '2026-10-01', 1.0, 1.0, 1::BIGINT, 1.0),
                               ('S1', DATE '2026-10-01', 2.0, 2.0, 2::BIGINT, 2.0))
         t(site_id, month, revenue, budget, transactions, gross_margin)",
    );
    assert_fails(
        dir.path(),
        &["export financials: duplicate site_id|month `S1|2026-10-01`"],
    );
}
