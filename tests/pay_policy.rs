//! The pay document never contradicts the pay: with payout points and a cap other than the
//! defaults, the manager's curves, the rules in words and the payout printed in each PDF all
//! come from the policy `scorecard.csv` was computed with.

mod common;

use common::*;
use std::path::Path;

/// The shipped config with payout points 0.25 / 1.0 / 2.0 and a cap of 2.0.
fn policy_config(dir: &Path) -> std::path::PathBuf {
    let text = std::fs::read_to_string(repo().join("config/xbrief.yaml"))
        .unwrap()
        .replace("  cap: 1.5\n", "  cap: 2.0\n")
        .replace(
            "payout: { threshold: 0.5, target: 1.0, maximum: 1.5 }",
            "payout: { threshold: 0.25, target: 1.0, maximum: 2.0 }",
        );
    assert!(text.contains("cap: 2.0") && text.contains("threshold: 0.25, target: 1.0"));
    let path = dir.join("xbrief.yaml");
    std::fs::write(&path, text).unwrap();
    path
}

fn demo(data: &Path) {
    demo_exports(
        data,
        Demo {
            sites: 12,
            months: 7,
            per_month: "40-90",
            seed: "11",
            until: "2026-10",
        },
    );
}

/// The PDF's text with every run of white space as one space (paragraphs wrap).
fn pdf_words(path: &Path) -> String {
    let text = pdf_text(path);
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The payout sentence of each language, up to the payout.
fn payout_prefix(locale: &str) -> &'static str {
    match locale {
        "fr" => "prime ",
        "el" => "μπόνους ",
        _ => "bonus ",
    }
}

#[test]
fn curves_rules_and_payouts_in_the_pdf_follow_the_configured_policy() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let out = dir.path().join("out");
    demo(&data);
    let config = policy_config(dir.path());
    let output = xbrief(&[
        "--config",
        &config.to_string_lossy(),
        "run",
        "comp-quarterly",
        "--period",
        "2026-Q3",
        "--data",
        &data.to_string_lossy(),
        "--out",
        &out.to_string_lossy(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let folder = out.join("comp-quarterly/2026-Q3");

    // the locale of each site, from the export itself
    let connection = duckdb::Connection::open_in_memory().unwrap();
    let sites = data.join("sites.parquet");
    let mut statement = connection
        .prepare(&format!(
            "SELECT site_id, locale FROM '{}'",
            sites.to_string_lossy()
        ))
        .unwrap();
    let locales: std::collections::HashMap<String, String> = statement
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();

    let mut reader = csv::Reader::from_path(folder.join("scorecard.csv")).unwrap();
    let header = reader.headers().unwrap().clone();
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let mut paid = 0;
    let mut on_the_slope = 0;
    for row in reader.records() {
        let row = row.unwrap();
        let site = &row[column("site_id")];
        let language = locales[site].split(['-', '_']).next().unwrap().to_string();
        let decimal = if language == "en" { "." } else { "," };
        let text = pdf_words(&folder.join(format!("site-{site}.pdf")));
        if row[column("status")] != *"ok" {
            continue;
        }
        // the payout printed is the payroll's, to the cent
        let payout = row[column("payout_amount")].replace('.', decimal);
        let printed = format!("{}{payout}", payout_prefix(&language));
        assert!(text.contains(&printed), "{site}: `{printed}` not in {text}");
        paid += 1;
        // payroll's attainment is the configured curve's: ce_index threshold 60 earns 0.25,
        // target 70 earns 1.0 (the default curve would give 0.5 and 1.0)
        let value: f64 = row[column("ce_index")].parse().unwrap();
        let attainment: f64 = row[column("attainment_ce_index")].parse().unwrap();
        let expected = match value {
            v if v < 60.0 => 0.0,
            v if v < 70.0 => 0.25 + 0.75 * (v - 60.0) / 10.0,
            v if v < 80.0 => 1.0 + (v - 70.0) / 10.0,
            _ => 2.0,
        };
        assert!(
            (attainment - expected).abs() < 1e-5,
            "{site}: ce_index {value} earns {attainment}, the policy says {expected}"
        );
        if (60.0..70.0).contains(&value) {
            on_the_slope += 1;
        }
        // the rules name the policy's numbers
        let rule = match language.as_str() {
            "fr" => "au seuil elle vaut 0,25, à la cible 1,0 et au maximum 2,0",
            "el" => "στο κατώφλι αποδίδει 0,25, στον στόχο 1,0 και στο μέγιστο 2,0",
            _ => "at the threshold it earns 0.25, at the target 1.0 and at the maximum 2.0",
        };
        assert!(text.contains(rule), "{site}: `{rule}` not in {text}");
        let cap = match language.as_str() {
            "fr" => "plafonnée à 2,0 avant",
            "el" => "ανώτατο όριο 2,0 πριν",
            _ => "capped at 2.0 before",
        };
        assert!(text.contains(cap), "{site}: `{cap}` not in {text}");
    }
    assert!(paid >= 5, "only {paid} managers paid: the test says little");
    // where the two curves differ, between threshold and target
    assert!(
        on_the_slope >= 1,
        "no ce_index between threshold and target: the test says little"
    );

    // the curves drawn are the policy's corners: (T, 0), (T, 0.25), (G, 1.0), (M, 2.0)
    let first_paid = csv::Reader::from_path(folder.join("scorecard.csv"))
        .unwrap()
        .records()
        .map(Result::unwrap)
        .find(|r| r[column("status")] == *"ok")
        .unwrap();
    let model = dir.path().join("model.json");
    let output = xbrief(&[
        "--config",
        &config.to_string_lossy(),
        "preview",
        "comp-quarterly",
        "--site",
        &first_paid[column("site_id")],
        "--period",
        "2026-Q3",
        "--data",
        &data.to_string_lossy(),
        "--out",
        &dir.path().join("preview.pdf").to_string_lossy(),
        "--model",
        &model.to_string_lossy(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let blocks: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&model).unwrap()).unwrap();
    let panels = blocks
        .as_array()
        .unwrap()
        .iter()
        .find_map(|b| {
            let chart = b.get("chart")?;
            (chart["kind"] == "attainment").then(|| chart["panels"].clone())
        })
        .expect("an attainment chart");
    let expected = [
        // component: threshold, target, maximum of the shipped config
        ("ce_index", 60.0, 70.0, 80.0),
        ("ee_index", 55.0, 65.0, 75.0),
        ("ce_change", 0.0, 3.0, 6.0),
    ];
    let panels = panels.as_array().unwrap();
    assert_eq!(panels.len(), 3);
    for (panel, (name, t, g, m)) in panels.iter().zip(expected) {
        let curve: Vec<[f64; 2]> = serde_json::from_value(panel["curve"].clone()).unwrap();
        assert_eq!(
            curve,
            vec![[t, 0.0], [t, 0.25], [g, 1.0], [m, 2.0]],
            "{name}"
        );
        let markers: Vec<(String, f64)> = panel["markers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                (
                    m["label"].as_str().unwrap().to_string(),
                    m["value"].as_f64().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            markers,
            vec![
                ("T".to_string(), t),
                ("G".to_string(), g),
                ("M".to_string(), m)
            ],
            "{name}"
        );
    }
}
