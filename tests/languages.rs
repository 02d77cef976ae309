//! A language is a catalog file: copying `reports/` into a project and adding
//! `i18n/de.yaml` makes `language: de` valid and the executive briefing German, with no
//! change to xbrief itself.

mod common;

use common::*;
use std::path::Path;

/// A project in `dir`: its own `reports/`, the shipped queries, and the default config in
/// `language: de` writing to `dir/out`.
fn project(dir: &Path) -> std::path::PathBuf {
    copy_tree(&repo().join("reports"), &dir.join("reports"));
    let text = std::fs::read_to_string(repo().join("config/xbrief.yaml"))
        .unwrap()
        .replace("language: en\n", "language: de\n")
        .replace(
            "  reports: reports\n",
            &format!("  reports: {}\n", dir.join("reports").display()),
        )
        .replace(
            "  output: out\n",
            &format!("  output: {}\n", dir.join("out").display()),
        );
    assert!(text.contains("language: de"));
    let config = dir.join("xbrief.yaml");
    std::fs::write(&config, text).unwrap();
    config
}

#[test]
fn adding_a_catalog_file_adds_a_language() {
    let dir = tempfile::tempdir().unwrap();
    let config = project(dir.path());
    let validate = |config: &Path| {
        xbrief(&[
            "--config",
            &config.to_string_lossy(),
            "validate",
            "--files-only",
            "--format",
            "short",
        ])
    };
    // without its catalog the language is unknown, and the catalogs found are named
    let refused = validate(&config);
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stdout).to_string() + &stderr(&refused);
    assert!(
        said.contains("unknown language `de`: expected one of el, en, fr"),
        "{said}"
    );

    let german = std::fs::read_to_string(dir.path().join("reports/i18n/en.yaml"))
        .unwrap()
        .replace(
            "    title: Experience briefing\n",
            "    title: Erlebnisbericht\n",
        );
    assert!(german.contains("Erlebnisbericht"));
    std::fs::write(dir.path().join("reports/i18n/de.yaml"), german).unwrap();
    let accepted = validate(&config);
    assert!(accepted.status.success(), "{}", stderr(&accepted));

    let data = dir.path().join("data");
    let demo = xbrief(&[
        "demo",
        "--out",
        &data.to_string_lossy(),
        "--sites",
        "4",
        "--months",
        "2",
        "--responses-per-site-month",
        "10-20",
        "--until",
        "2026-10",
    ]);
    assert!(demo.status.success(), "{}", stderr(&demo));
    let run = xbrief(&[
        "--config",
        &config.to_string_lossy(),
        "run",
        "executive-monthly",
        "--period",
        "2026-10",
        "--data",
        &data.to_string_lossy(),
    ]);
    assert!(run.status.success(), "{}", stderr(&run));
    let pdf = dir
        .path()
        .join("out/executive-monthly/2026-10/executive.pdf");
    let document = lopdf::Document::load(&pdf).unwrap();
    let text = document.extract_text(&[1]).unwrap();
    assert!(text.contains("Erlebnisbericht"), "{text}");
}
