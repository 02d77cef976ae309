//! Hostile data, as a property: random strings (control characters, markup markers, braces,
//! bidi marks, 100 KB runs) in every text field of the exports never break a run, never
//! forge a block, and show in the PDFs as text. Each string starts with a marker of its
//! field (`Qz3q`), so it can be found where the same field shows with harmless text.

mod common;

use common::*;
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The text fields, each with the statement that writes a value (`?`) into the rows of the
/// first site (S001), its first team or their responses. Ids change in every export at once.
const FIELDS: &[(&str, &[&str])] = &[
    (
        "site_name",
        &["UPDATE sites SET site_name = ? WHERE site_id = 'S001'"],
    ),
    (
        "region",
        &["UPDATE sites SET region = ? WHERE site_id = 'S001'"],
    ),
    (
        "manager_name",
        &["UPDATE sites SET manager_name = ? WHERE site_id = 'S001'"],
    ),
    (
        "manager_id",
        &["UPDATE sites SET manager_id = ? WHERE site_id = 'S001'"],
    ),
    (
        "team_name",
        &["UPDATE teams SET team_name = ? WHERE team_id = 'S001-T1'"],
    ),
    (
        "lead_name",
        &["UPDATE teams SET lead_name = ? WHERE team_id = 'S001-T1'"],
    ),
    (
        "touchpoint",
        &[
            "UPDATE customers SET touchpoint = ? WHERE site_id = 'S001' AND right(response_id, 1) IN ('0', '2', '4', '6', '8')",
        ],
    ),
    (
        "comment",
        &["UPDATE customers SET comment = ? WHERE site_id = 'S001' AND comment IS NOT NULL"],
    ),
    (
        "employee_praised",
        &[
            "UPDATE customers SET employee_praised = ? WHERE site_id = 'S001' AND employee_praised IS NOT NULL",
        ],
    ),
    (
        "team_id",
        &[
            "UPDATE teams SET team_id = ? WHERE team_id = 'S001-T1'",
            "UPDATE customers SET team_id = ? WHERE team_id = 'S001-T1'",
            "UPDATE employees SET team_id = ? WHERE team_id = 'S001-T1'",
        ],
    ),
    (
        "site_id",
        &[
            "UPDATE sites SET site_id = ? WHERE site_id = 'S001'",
            "UPDATE teams SET site_id = ? WHERE site_id = 'S001'",
            "UPDATE customers SET site_id = ? WHERE site_id = 'S001'",
            "UPDATE employees SET site_id = ? WHERE site_id = 'S001'",
            "UPDATE financials SET site_id = ? WHERE site_id = 'S001'",
        ],
    ),
];

/// Where each table of the demo lives.
const TABLES: &[(&str, &str)] = &[
    ("sites", "sites.parquet"),
    ("teams", "teams.parquet"),
    ("financials", "financials.parquet"),
    ("customers", "customer_responses/responses.parquet"),
    ("employees", "employee_responses/responses.parquet"),
];

const RUNS: &[(&str, &str)] = &[
    ("site-scorecards", "2026-10"),
    ("frontline-weekly", "2026-W43"),
    ("executive-monthly", "2026-10"),
];

fn marker(field: usize) -> String {
    format!("Qz{field}q")
}

/// The demo's exports with `values[i]` written into field i, under `dir`.
fn exports_with(demo: &Path, dir: &Path, values: &[String]) -> PathBuf {
    let data = dir.join("data");
    let connection = duckdb::Connection::open_in_memory().unwrap();
    for (table, file) in TABLES {
        let path = demo.join(file).to_string_lossy().replace('\'', "''");
        connection
            .execute_batch(&format!("CREATE TABLE {table} AS FROM '{path}'"))
            .unwrap();
    }
    for ((_, statements), value) in FIELDS.iter().zip(values) {
        for statement in *statements {
            connection.execute(statement, [value]).unwrap();
        }
    }
    for (table, file) in TABLES {
        let path = data.join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let path = path.to_string_lossy().replace('\'', "''");
        connection
            .execute_batch(&format!("COPY {table} TO '{path}' (FORMAT parquet)"))
            .unwrap();
    }
    data
}

/// What the readers of S001 and its team see: for each recipient of each job, the markers
/// found in their PDFs.
fn markers_seen(data: &Path, out: &Path) -> BTreeMap<String, BTreeSet<usize>> {
    let mut seen = BTreeMap::new();
    for (job, period) in RUNS {
        let output = run_job(data, out, job, period, &[]);
        assert!(output.status.success(), "{job}: {}", stderr(&output));
        let folder = out.join(job).join(period);
        let manifest: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(folder.join("manifest.json")).unwrap())
                .unwrap();
        for recipient in manifest["recipients"].as_array().unwrap() {
            let address = recipient["address"].as_str().unwrap();
            let mut found = BTreeSet::new();
            for artifact in recipient["artifacts"].as_array().unwrap() {
                let name = artifact.as_str().unwrap();
                if name.ends_with(".pdf") {
                    let text = pdf_text(&folder.join(name));
                    found.extend((0..FIELDS.len()).filter(|&f| text.contains(&marker(f))));
                }
            }
            seen.insert(format!("{job} {address}"), found);
        }
    }
    seen
}

/// One briefing's blocks as (kind, rows, tiles), and every text in it.
fn model(
    data: &Path,
    dir: &Path,
    job: &str,
    period: &str,
    pick: [&str; 2],
) -> (Vec<String>, String) {
    let model = dir.join(format!("{job}.json"));
    let output = xbrief(&[
        "preview",
        job,
        pick[0],
        pick[1],
        "--period",
        period,
        "--data",
        &data.to_string_lossy(),
        "--out",
        &dir.join(format!("{job}.pdf")).to_string_lossy(),
        "--model",
        &model.to_string_lossy(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let blocks: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&model).unwrap()).unwrap();
    let shape = blocks
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            let count = |key: &str| b[key].as_array().map_or(0, Vec::len);
            format!("{} {} {}", b["block"], count("rows"), count("tiles"))
        })
        .collect();
    (shape, blocks.to_string())
}

/// The models of S001's manager briefing and its first team's frontline briefing.
fn models(data: &Path, dir: &Path, site: &str, team: &str) -> Vec<(Vec<String>, String)> {
    vec![
        model(data, dir, "site-scorecards", "2026-10", ["--site", site]),
        model(data, dir, "frontline-weekly", "2026-W43", ["--team", team]),
    ]
}

/// How a value reads once shown: control characters and line separators are spaces.
fn shown(value: &str) -> String {
    value
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') {
                ' '
            } else {
                c
            }
        })
        .collect()
}

struct Baseline {
    _dir: tempfile::TempDir,
    demo: PathBuf,
    seen: BTreeMap<String, BTreeSet<usize>>,
    shapes: Vec<Vec<String>>,
}

/// The demo with a harmless marked text in every field: what each reader sees of which field.
fn baseline() -> &'static Baseline {
    static BASELINE: std::sync::OnceLock<Baseline> = std::sync::OnceLock::new();
    BASELINE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let demo = dir.path().join("demo");
        demo_exports(
            &demo,
            Demo {
                sites: 4,
                months: 2,
                per_month: "60-80",
                seed: "11",
                until: "2026-10",
            },
        );
        let values: Vec<String> = (0..FIELDS.len())
            .map(|f| format!("{} plain", marker(f)))
            .collect();
        let data = exports_with(&demo, &dir.path().join("plain"), &values);
        let seen = markers_seen(&data, &dir.path().join("plain/out"));
        // the manager's briefing shows every named field but the ids: the check has teeth
        assert_eq!(
            seen["site-scorecards manager.s001@example.fr"],
            BTreeSet::from([0, 1, 2, 4, 6, 7, 8]),
            "{seen:?}"
        );
        let (site, team) = (&values[10], &values[9]);
        let shapes = models(&data, dir.path(), site, team)
            .into_iter()
            .map(|(shape, _)| shape)
            .collect();
        Baseline {
            demo,
            seen,
            shapes,
            _dir: dir,
        }
    })
}

/// Runs every job on the demo with `values` in the fields and checks what readers see.
fn check(values: &[String]) {
    let base = baseline();
    let dir = tempfile::tempdir().unwrap();
    let data = exports_with(&base.demo, dir.path(), values);
    let seen = markers_seen(&data, &dir.path().join("out"));
    assert_eq!(
        seen, base.seen,
        "every field shows where it showed as plain text"
    );
    let (site, team) = (&values[10], &values[9]);
    for (index, (shape, text)) in models(&data, dir.path(), site, team)
        .into_iter()
        .enumerate()
    {
        assert_eq!(shape, base.shapes[index], "no block is forged or lost");
        for (field, value) in values.iter().enumerate().take(9) {
            // the start of each shown value is in the document as text
            let start: String = shown(value).chars().take(40).collect();
            let start = serde_json::to_string(start.trim_end()).unwrap();
            let start = start.trim_matches('"');
            if base.seen.values().any(|s| s.contains(&field)) && text.contains(&marker(field)) {
                assert!(text.contains(start), "field {field}: {start}");
            }
        }
    }
}

/// Pieces that have broken something somewhere: markup markers, template syntax, controls,
/// bidi and zero-width marks, no-break spaces, other scripts.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "\n@evil ",
            "\n## ",
            "\n# ",
            "\n> ",
            "\n- ",
            "| ",
            "\\",
            "@kpi a | b | c | d",
            "@chart x",
            "\n@pagebreak\n",
            "{Nord}",
            "{{ x }}",
            "{% if %}",
            "}",
            "{",
            "'",
            "\"",
            "\u{202e}",
            "\u{200f}",
            "\u{2066}",
            "\u{061c}",
            "\u{200b}",
            "\u{feff}",
            "\u{a0}",
            "\u{202f}",
            "\u{2028}",
            "\r\n",
            "\t",
            "\u{0}",
            "\u{7}",
            "\u{85}",
            "Ελλάδα",
            "مرحبا",
            "😀",
            "e\u{301}",
            "../",
            "%2F",
            "=HYPERLINK(\"x\")",
        ])
        .prop_map(str::to_string),
        any::<char>().prop_map(|c| c.to_string()),
        "[a-z ]{1,12}",
    ]
}

/// A field's value: its marker, then pieces, sometimes a 100 KB run. Ids carry no NUL (a
/// command line cannot) and stay within 2 KB.
fn value(field: usize) -> impl Strategy<Value = String> {
    let is_id = FIELDS[field].0.ends_with("_id");
    (prop::collection::vec(piece(), 0..12), any::<u8>()).prop_map(move |(pieces, long)| {
        let mut value = marker(field) + &pieces.concat();
        if long < 24 {
            value.push_str(&"x".repeat(100_000));
        }
        if is_id {
            value = value.replace('\0', "").chars().take(400).collect();
        }
        value
    })
}

fn values() -> impl Strategy<Value = Vec<String>> {
    (0..FIELDS.len()).map(value).collect::<Vec<_>>()
}

#[test]
fn every_kind_of_hostile_piece_at_once() {
    let all = "\n@evil \n## \n> | \\{Nord}{{ x }}{% if %}\u{202e}\u{200f}\u{0}\u{7}\u{2028}\r\n\t";
    let values: Vec<String> = (0..FIELDS.len())
        .map(|f| {
            let long = if FIELDS[f].0.ends_with("_id") {
                String::new()
            } else {
                "y".repeat(100_000)
            };
            let value = format!("{}{all}{long}", marker(f));
            if FIELDS[f].0.ends_with("_id") {
                value.replace('\0', "")
            } else {
                value
            }
        })
        .collect();
    check(&values);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    #[test]
    fn random_strings_in_every_text_field_show_as_text(values in values()) {
        check(&values);
    }
}
