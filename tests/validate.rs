//! `xbrief validate` on a corpus of broken inputs (tests/corpus/): each case states the
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
    xbrief::validate::validate(config)
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

fn copy_tree(from: &Path, to: &Path) {
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
