//! The admin's loop: `validate`, `schema`, `run --dry-run` and the log formats.
//!
//! `xbrief validate` runs on a corpus of broken inputs (tests/corpus/): each case states the
//! exact problems it must report, one `line:column: message` per line, in an `.expect`
//! file (paths relative to the case's own folder or file).
//!
//! - config/<case>.yaml: a config file;
//! - reports/<case>/: files laid over a copy of reports/ (and `remove`: files to delete);
//! - queries/<case>/: the same over queries/;
//! - exports/<case>.sql: DuckDB SQL that breaks a copy of small demo exports (`$DATA`).

mod common;

use common::*;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn corpus() -> PathBuf {
    repo().join("tests/corpus")
}

/// The problems `validate` reports for `config`, as `validate --format short` prints them,
/// with `strip` removed from the paths.
fn problems(config: &Path, strip: &Path) -> Vec<String> {
    let strip = format!("{}/", strip.display());
    xbrief::validate::validate(config, xbrief::validate::Depth::Everything)
        .problems
        .iter()
        .map(|p| p.short().replace(&strip, ""))
        .collect()
}

fn expected(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .map(str::to_string)
        .collect()
}

/// Small demo exports, made once for every case of this file.
fn demo_data() -> &'static Path {
    static DATA: OnceLock<tempfile::TempDir> = OnceLock::new();
    DATA.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        small_demo(
            dir.path(),
            4,
            "5",
            "{ attempts: 1, initial_ms: 10, max_ms: 10 }",
        );
        dir
    })
    .path()
}

/// A working folder with the default config over copies of the demo data, reports/ and
/// queries/; returns (folder, config path).
fn workspace() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    copy_tree(&demo_data().join("data"), &root.join("data"));
    copy_tree(&repo().join("reports"), &root.join("reports"));
    copy_tree(&repo().join("queries"), &root.join("queries"));
    let config = std::fs::read_to_string(repo().join("config/xbrief.yaml"))
        .unwrap()
        .replace(
            "  dir: demo-data",
            &format!("  dir: {}", root.join("data").display()),
        )
        .replace(
            "  queries: queries",
            &format!("  queries: {}", root.join("queries").display()),
        )
        .replace(
            "  reports: reports",
            &format!("  reports: {}", root.join("reports").display()),
        )
        .replace(
            "  output: out",
            &format!("  output: {}", root.join("out").display()),
        );
    let path = root.join("xbrief.yaml");
    std::fs::write(&path, config).unwrap();
    (dir, path)
}

/// Lays a case folder over `target` (files replace, `remove` lists files to delete).
fn overlay(case: &Path, target: &Path) {
    for entry in std::fs::read_dir(case).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if name == "expect" {
            continue;
        }
        if name == "remove" {
            for file in std::fs::read_to_string(entry.path()).unwrap().lines() {
                std::fs::remove_file(target.join(file)).unwrap();
            }
        } else if entry.file_type().unwrap().is_dir() {
            overlay(&entry.path(), &target.join(&name));
        } else {
            std::fs::copy(entry.path(), target.join(&name)).unwrap();
        }
    }
}

fn cases(kind: &str) -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(corpus().join(kind))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_none_or(|x| x == "yaml" || x == "sql"))
        .collect();
    cases.sort();
    cases
}

/// Runs every case of a kind and reports all mismatches together.
fn check_all(kind: &str, run: impl Fn(&Path) -> (Vec<String>, Vec<String>)) -> usize {
    let mut mismatches = Vec::new();
    let all = cases(kind);
    for case in &all {
        let (found, expected) = run(case);
        if found != expected {
            mismatches.push(format!(
                "{}:\n  expected:\n    {}\n  found:\n    {}",
                case.display(),
                expected.join("\n    "),
                found.join("\n    ")
            ));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
    all.len()
}

#[test]
fn broken_configs_report_each_problem_where_it_is() {
    let count = check_all("config", |case| {
        let found = problems(case, case.parent().unwrap());
        let found = found
            .into_iter()
            .map(|line| {
                line.replacen(
                    &format!("{}:", case.file_name().unwrap().to_string_lossy()),
                    "",
                    1,
                )
            })
            .collect();
        (found, expected(&case.with_extension("expect")))
    });
    assert!(count >= 30, "{count} config cases");
}

#[test]
fn a_config_with_five_independent_errors_reports_all_five_at_once() {
    let case = corpus().join("config/five_independent_errors.yaml");
    let output = xbrief(&["--config", &case.to_string_lossy(), "validate"]);
    assert_eq!(output.status.code(), Some(1));
    let report = String::from_utf8_lossy(&output.stdout);
    assert_eq!(report.matches("  × ").count(), 5, "{report}");
    // each with its source line and a pointer under the spot
    assert!(
        report.contains("five_independent_errors.yaml:25:5]"),
        "{report}"
    );
    assert!(
        report.contains(" 25 │     eligble_sites_only: true"),
        "{report}"
    );
    assert!(
        report.contains("help: did you mean `eligible_sites_only`?"),
        "{report}"
    );
    assert!(
        stderr(&output).contains("error: 5 problem(s)"),
        "{}",
        stderr(&output)
    );
    assert!(
        !report.contains("panicked") && !report.contains("Error {"),
        "{report}"
    );
}

#[test]
fn broken_templates_and_catalogs_are_found_by_file_line_and_column() {
    check_all("reports", |case| {
        let (dir, config) = workspace();
        let reports = dir.path().join("reports");
        overlay(case, &reports);
        (problems(&config, &reports), expected(&case.join("expect")))
    });
}

#[test]
fn broken_queries_are_found_by_file_line_and_column() {
    check_all("queries", |case| {
        let (dir, config) = workspace();
        let queries = dir.path().join("queries");
        overlay(case, &queries);
        (problems(&config, &queries), expected(&case.join("expect")))
    });
}

#[test]
fn broken_exports_name_the_file_and_what_was_expected() {
    check_all("exports", |case| {
        let (dir, config) = workspace();
        let data = dir.path().join("data");
        let sql = std::fs::read_to_string(case)
            .unwrap()
            .replace("$DATA", &data.to_string_lossy());
        duckdb::Connection::open_in_memory()
            .unwrap()
            .execute_batch(&sql)
            .unwrap();
        (
            problems(&config, &data),
            expected(&case.with_extension("expect")),
        )
    });
}

#[test]
fn the_default_config_on_demo_data_is_clean() {
    let (_dir, config) = workspace();
    let found = problems(&config, Path::new("/"));
    assert!(found.is_empty(), "{found:#?}");
    let output = xbrief(&["--config", &config.to_string_lossy(), "validate"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output).contains(": no problems (4 job(s)"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_dry_run_lists_what_the_run_sends_and_writes_nothing() {
    let (dir, config) = workspace();
    let config = config.to_string_lossy().to_string();
    let period = ["--period", "2026-10"];
    let dry = xbrief(
        &[
            &[
                "--config",
                &config,
                "run",
                "site-scorecards",
                "executive-monthly",
                "--dry-run",
            ][..],
            &period,
        ]
        .concat(),
    );
    assert!(dry.status.success(), "{}", stderr(&dry));
    assert!(!dir.path().join("out").exists(), "a dry run writes nothing");
    let listed = String::from_utf8_lossy(&dry.stdout).to_string();
    let mut rows: Vec<&str> = listed.lines().skip(1).collect();
    rows.sort();
    assert!(
        rows.contains(&"executive-monthly\t2026-10\texecutive\tcompany\tceo@example.com\ten\tPDF"),
        "{listed}"
    );
    assert!(
        stderr(&dry).contains("dry run: 5 briefing(s), 7 message(s) in all"),
        "{}",
        stderr(&dry)
    );
    // the real run sends exactly those messages
    let real = xbrief(
        &[
            &[
                "--config",
                &config,
                "run",
                "site-scorecards",
                "executive-monthly",
            ][..],
            &period,
        ]
        .concat(),
    );
    assert!(real.status.success(), "{}", stderr(&real));
    let mut sent: Vec<String> = std::fs::read_dir(dir.path().join("out/outbox"))
        .unwrap()
        .map(|e| {
            let text = std::fs::read_to_string(e.unwrap().path()).unwrap();
            text.lines()
                .find_map(|l| l.strip_prefix("To: "))
                .unwrap()
                .to_string()
        })
        .collect();
    sent.sort();
    let mut listed_to: Vec<String> = rows
        .iter()
        .map(|r| r.split('\t').nth(4).unwrap().to_string())
        .collect();
    listed_to.sort();
    assert_eq!(sent, listed_to);
}

#[test]
fn the_committed_schema_is_what_xbrief_schema_prints() {
    let output = xbrief(&["schema"]);
    assert!(output.status.success());
    let committed = std::fs::read_to_string(repo().join("docs/xbrief.schema.json")).unwrap();
    assert_eq!(String::from_utf8_lossy(&output.stdout), committed);
    let schema: serde_json::Value = serde_json::from_str(&committed).unwrap();
    assert_eq!(
        schema["properties"]["jobs"]["additionalProperties"]["$ref"],
        "#/$defs/JobSection"
    );
}

#[test]
fn json_logs_keep_stderr_one_json_object_per_line() {
    let (dir, config) = workspace();
    let output = xbrief(&[
        "--config",
        &config.to_string_lossy(),
        "--log-format",
        "json",
        "-v",
        "run",
        "executive-monthly",
        "--period",
        "2026-10",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let events: Vec<serde_json::Value> = stderr(&output)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    assert!(
        events
            .iter()
            .any(|e| e["fields"]["message"] == "figures computed")
    );
    let summary = events
        .iter()
        .filter_map(|e| e["fields"]["message"].as_str())
        .find(|m| m.starts_with("executive-monthly 2026-10: 1 briefings, 3 messages"));
    assert!(summary.is_some(), "{events:#?}");
    // -q: nothing but errors
    let quiet = xbrief(&[
        "--config",
        &config.to_string_lossy(),
        "-q",
        "run",
        "executive-monthly",
        "--period",
        "2026-10",
    ]);
    assert!(quiet.status.success());
    assert_eq!(stderr(&quiet), "");
    assert!(
        dir.path()
            .join("out/executive-monthly/2026-10/executive.pdf")
            .exists()
    );
}

#[test]
fn files_only_checks_syntax_without_reading_the_data() {
    let (dir, config) = workspace();
    overlay(
        &corpus().join("queries/two_syntax_errors"),
        &dir.path().join("queries"),
    );
    // no data at all: a full check reports it, a files-only check does not look
    std::fs::remove_dir_all(dir.path().join("data")).unwrap();
    let found = xbrief::validate::validate(&config, xbrief::validate::Depth::FilesOnly);
    let queries = format!("{}/", dir.path().join("queries").display());
    let lines: Vec<String> = found
        .problems
        .iter()
        .map(|p| p.short().replace(&queries, ""))
        .collect();
    assert_eq!(
        lines,
        expected(&corpus().join("queries/two_syntax_errors/expect"))
    );
    let everything = xbrief::validate::validate(&config, xbrief::validate::Depth::Everything);
    assert!(
        everything
            .problems
            .iter()
            .any(|p| p.message.contains("no file matches")),
        "{:#?}",
        everything.problems
    );
}
