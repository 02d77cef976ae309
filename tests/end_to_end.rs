//! The main job on demo data: demo exports → every job → CSVs, PDFs, manifest, outbox.

mod common;

use common::*;
use std::path::Path;

fn demo(out: &Path, seed: &str) {
    demo_exports(
        out,
        Demo {
            sites: 20,
            months: 9,
            per_month: "30-60",
            seed,
            until: "2026-10",
        },
    );
}

#[test]
fn demo_is_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    demo(&dir.path().join("a"), "7");
    demo(&dir.path().join("b"), "7");
    for file in [
        "sites.parquet",
        "teams.parquet",
        "financials.parquet",
        "customer_responses/responses.parquet",
        "employee_responses/responses.parquet",
    ] {
        let a = std::fs::read(dir.path().join("a").join(file)).unwrap();
        let b = std::fs::read(dir.path().join("b").join(file)).unwrap();
        assert!(
            a == b,
            "{file} differs between two runs with the same arguments"
        );
    }
}

#[test]
fn every_job_writes_exports_pdfs_and_emails() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    demo(&data, "42");
    let out = dir.path().join("out");
    let output = xbrief(&[
        "run",
        "--all",
        "--period",
        "2026-10",
        "--data",
        &data.to_string_lossy(),
        "--out",
        &out.to_string_lossy(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let month = out.join("site-scorecards/2026-10");
    let sites = std::fs::read_to_string(month.join("sites.csv")).unwrap();
    // 20 sites, the last one inactive: 19 rows and a header
    assert_eq!(sites.lines().count(), 20);
    let pdfs: Vec<_> = std::fs::read_dir(&month)
        .unwrap()
        .filter_map(|e| {
            let path = e.unwrap().path();
            (path.extension().is_some_and(|x| x == "pdf")).then_some(path)
        })
        .collect();
    assert_eq!(pdfs.len(), 19);
    for pdf in &pdfs {
        let bytes = std::fs::read(pdf).unwrap();
        assert!(bytes.starts_with(b"%PDF-"));
        let document = lopdf::Document::load_mem(&bytes).expect("a well-formed PDF");
        assert!(!document.get_pages().is_empty());
    }
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(month.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["recipients"].as_array().unwrap().len(), 19);
    assert!(out.join("comp-quarterly/2026-10").exists() || out.join("comp-quarterly").exists());
    let emails = std::fs::read_dir(out.join("outbox")).unwrap().count();
    assert!(emails >= 19 + 3, "{emails} emails");
}

#[test]
fn a_missing_column_fails_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    demo(&data, "1");
    parquet(
        &data.join("teams.parquet"),
        "SELECT 'T1' AS team_id, 'S001' AS site_id",
    );
    let out = dir.path().join("out");
    let output = xbrief(&[
        "run",
        "site-scorecards",
        "--period",
        "2026-10",
        "--data",
        &data.to_string_lossy(),
        "--out",
        &out.to_string_lossy(),
    ]);
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(
        message.contains("teams.parquet") && message.contains("`team_name` is missing"),
        "{message}"
    );
    assert!(
        !out.join("outbox").exists() && !out.join("site-scorecards").exists(),
        "nothing is written for a failed run (the state store records it)"
    );
}
