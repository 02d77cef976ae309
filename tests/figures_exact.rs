//! Hand-computed figures on a tiny fixture, end to end through the real binary and DuckDB:
//! class boundaries, incomplete responses, time-zone bucketing at both month boundaries,
//! privacy suppression, percentile ties, data quality, and the scorecard CSV.

mod common;

use common::*;
use std::path::Path;

const TEST_CONFIG: &str = r#"
timezone: Europe/Paris
data: { dir: unused }
compare: { min_n: 2 }
scorecard:
  cap: 1.5
  payout: { threshold: 0.5, target: 1.0, maximum: 1.5 }
  components:
    ce_index:  { weight: 0.5, threshold: 60, target: 70, maximum: 80, min_n: 30 }
    ee_index:  { weight: 0.3, threshold: 55, target: 65, maximum: 75, min_n: 5 }
    ce_change: { weight: 0.2, threshold: 0, target: 3, maximum: 6, min_n: 30 }
delivery:
  from: "xbrief <briefings@example.com>"
  allowed_domains: [example.com, example.fr, example.gr]
jobs:
  site-scorecards: { audience: manager, period: previous_month, schedule: "0 6 3 * *" }
  comp-quarterly:
    audience: manager
    period: previous_quarter
    schedule: "0 6 5 1,4,7,10 *"
    eligible_sites_only: true
    hr_recipients: [hr@example.com]
"#;

/// `xbrief --config CONFIG run JOB --period PERIOD --data DATA --out OUT --exports-only`.
fn exports_only(
    config: &Path,
    job: &str,
    period: &str,
    data: &Path,
    out: &Path,
) -> std::process::Output {
    xbrief(&[
        "--config",
        &config.to_string_lossy(),
        "run",
        job,
        "--period",
        period,
        "--data",
        &data.to_string_lossy(),
        "--out",
        &out.to_string_lossy(),
        "--exports-only",
    ])
}

fn customers() -> String {
    let n = "NULL";
    [
        // fully engaged: all three loyalty items 5, attachment exactly 4.5
        customer_row(
            "c1",
            "S1",
            "2026-10-05 10:00:00",
            "system",
            ["5", "5", "5"],
            ["5", "5", "4", "4", "5", "5", "4", "4"],
            "10",
            n,
        ),
        // engaged: loyalty exactly 4.0, attachment exactly 3.5 (6 items answered)
        customer_row(
            "c2",
            "S1",
            "2026-10-06 10:00:00",
            "system",
            ["4", "4", "4"],
            ["4", "3", "4", "3", "4", "3", n, n],
            "8",
            "'people'",
        ),
        // actively disengaged by loyalty 7/3 ≤ 2.5; staff-invited
        customer_row(
            "c3",
            "S1",
            "2026-10-07 10:00:00",
            "staff",
            ["3", "2", "2"],
            ["3", "3", "3", "3", "3", "3", "3", "3"],
            "3",
            "'policy'",
        ),
        // actively disengaged by attachment exactly 2.0
        customer_row(
            "c4",
            "S1",
            "2026-10-08 10:00:00",
            "system",
            ["3", "3", "3"],
            ["2", "2", "2", "2", "2", "2", n, n],
            n,
            "'policy'",
        ),
        // incomplete: a loyalty item missing and only 5 attachment items
        customer_row(
            "c5",
            "S1",
            "2026-10-09 10:00:00",
            "system",
            ["5", n, "5"],
            ["5", "5", "5", "5", "5", n, n, n],
            "9",
            n,
        ),
        // 22:30 UTC on 30 September is 00:30 on 1 October in Paris: October
        customer_row(
            "c6",
            "S1",
            "2026-09-30 22:30:00",
            "system",
            ["4", "4", "5"],
            ["4", "4", "4", "4", "4", "4", "4", "4"],
            "7",
            n,
        ),
        // 23:30 UTC on 31 October is 00:30 on 1 November in Paris: November
        customer_row(
            "c7",
            "S1",
            "2026-10-31 23:30:00",
            "system",
            ["1", "1", "1"],
            ["1", "1", "1", "1", "1", "1", "1", "1"],
            "0",
            "'process'",
        ),
        customer_row(
            "c8",
            "S1",
            "2026-10-10 10:00:00",
            "system",
            ["6", "5", "5"],
            ["5", "5", "5", "5", "5", "5", "5", "5"],
            "10",
            n,
        ),
        // a later copy of c1
        customer_row(
            "c1",
            "S1",
            "2026-10-12 10:00:00",
            "system",
            ["1", "1", "1"],
            ["1", "1", "1", "1", "1", "1", "1", "1"],
            "0",
            n,
        ),
        customer_row(
            "c10",
            "S7",
            "2026-10-10 10:00:00",
            "system",
            ["5", "5", "5"],
            ["5", "5", "5", "5", "5", "5", "5", "5"],
            "10",
            n,
        ),
        // an inactive site: out of scope, not listed
        customer_row(
            "c11",
            "S9",
            "2026-10-10 10:00:00",
            "system",
            ["9", "5", "5"],
            ["5", "5", "5", "5", "5", "5", "5", "5"],
            "10",
            n,
        ),
        customer_row(
            "c20",
            "S2",
            "2026-10-10 10:00:00",
            "system",
            ["5", "5", "5"],
            ["5", "5", "5", "5", "5", "5", "5", "5"],
            "10",
            n,
        ),
        customer_row(
            "c21",
            "S2",
            "2026-10-11 10:00:00",
            "system",
            ["2", "2", "2"],
            ["1", "1", "1", "1", "1", "1", "1", "1"],
            "0",
            n,
        ),
    ]
    .join(" UNION ALL ")
}

fn employees() -> String {
    let four = ["4"; 12];
    let mut rows: Vec<String> = (1..=4)
        .map(|i| {
            employee_row(
                &format!("e{i}"),
                "S1",
                "T1",
                "2026-10-15 09:00:00",
                four,
                ["4", "4", "4"],
            )
        })
        .collect();
    // ee_mean 2 over 9 answered items; one ambassador item only (does not count)
    let two = [
        "2", "2", "2", "2", "2", "2", "2", "2", "2", "NULL", "NULL", "NULL",
    ];
    rows.push(employee_row(
        "e5",
        "S1",
        "T1",
        "2026-10-15 09:00:00",
        two,
        ["2", "NULL", "NULL"],
    ));
    // S2 has 4 respondents: below the privacy threshold
    for i in 6..=9 {
        rows.push(employee_row(
            &format!("e{i}"),
            "S2",
            "T2",
            "2026-10-16 09:00:00",
            four,
            ["5", "5", "5"],
        ));
    }
    rows.join(" UNION ALL ")
}

fn setup() -> (tempfile::TempDir, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    fixture(&data, &customers(), &employees());
    let config = dir.path().join("xbrief.yaml");
    std::fs::write(&config, TEST_CONFIG).unwrap();
    let data = data.to_string_lossy().to_string();
    let config = config.to_string_lossy().to_string();
    (dir, data, config)
}

#[test]
fn sites_csv_matches_hand_computed_figures() {
    let (dir, data, config) = setup();
    let out = dir.path().join("out");
    let output = exports_only(
        Path::new(&config),
        "site-scorecards",
        "2026-10",
        Path::new(&data),
        &out,
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let sites = std::fs::read_to_string(out.join("site-scorecards/2026-10/sites.csv")).unwrap();
    // S1: complete c1 (4.5), c2 (3.5), c3 (3.0), c4 (2.0), c6 (4.0): mean 3.4 → 60.
    // confidence (5, 3.5, 3, 2, 5, 4) / 6 = 3.75 → 68.75; integrity 21.5 / 6 → 64.5833;
    // passion (4, 3, 4) / 3 → 66.6667; nps (2 − 1) / 5 → 20. ee: (4·4 + 2) / 5 = 3.6 → 65;
    // ambassador from 4 respondents: hidden. S2: ee_n 4: hidden.
    let expected = "\
period_start,period_end,site_id,site_name,region,ce_n,ce_index,confidence_index,integrity_index,pride_index,passion_index,share_fully_engaged,share_engaged,share_not_engaged,share_actively_disengaged,nps,nps_n,ee_n,ee_index,ambassador_index,percentile_rank,funnel_flag,quadrant,sustained_low,ee_window_start,ee_window_end,ce_change,ce_change_flag,nps_change,nps_change_flag,share_fully_engaged_change,share_fully_engaged_change_flag
2026-10-01,2026-10-31,S1,Boutique Lyon,Sud,5,60.0000,68.7500,64.5833,68.7500,66.6667,0.200000,0.400000,0.000000,0.400000,20.0000,5,5,65.0000,,75.0000,in_control,both_high,false,2026-10-01,2026-10-31,,insufficient_sample,,insufficient_sample,,insufficient_sample
2026-10-01,2026-10-31,S2,Κατάστημα Αθήνα,Ελλάδα,2,50.0000,50.0000,50.0000,50.0000,50.0000,0.500000,0.000000,0.000000,0.500000,0.0000,2,4,,,25.0000,in_control,,false,2026-10-01,2026-10-31,,insufficient_sample,,insufficient_sample,,insufficient_sample
";
    assert_eq!(sites, expected);
    let quality =
        std::fs::read_to_string(out.join("site-scorecards/2026-10/data_quality.csv")).unwrap();
    assert_eq!(
        quality,
        "export,row_id,reason\ncustomer_responses,c1,duplicate_id\ncustomer_responses,c10,unknown_site\ncustomer_responses,c8,out_of_range\n"
    );
    // exports-only: no PDF and no outbox
    assert!(!out.join("site-scorecards/2026-10/site-S1.pdf").exists());
    assert!(!out.join("outbox").exists());
}

#[test]
fn scorecard_csv_gates_and_renormalises() {
    let (dir, data, config) = setup();
    let out = dir.path().join("out");
    let output = exports_only(
        Path::new(&config),
        "comp-quarterly",
        "2026-Q4",
        Path::new(&data),
        &out,
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let csv = std::fs::read_to_string(out.join("comp-quarterly/2026-Q4/scorecard.csv")).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "period_start,period_end,site_id,site_name,manager_id,manager_email,ce_index,ce_n,ee_index,ee_n,ce_change,attainment_ce_index,attainment_ee_index,attainment_ce_change,weighted_attainment,payout_amount,bonus_target,status,integrity_flags,excluded_staff_invites,config_sha256,data_sha256,ce_change_flag"
    );
    let row = lines.next().unwrap();
    // System-invited complete responses in Q4: c1 4.5, c2 3.5, c4 2.0, c6 4.0, c7 1.0 → 50.
    // ce gate (30) fails, no previous quarter; ee 65 = target → 1.0; W = 1.0 alone;
    // payout 1.0 × 2000.26. One staff-invited response (c3) excluded.
    assert!(
        row.starts_with("2026-10-01,2026-12-31,S1,Boutique Lyon,M1,lea@example.fr,50.0000,5,65.0000,5,,,1.000000,,1.000000,2000.26,2000.26,ok,,1,"),
        "{row}"
    );
    assert_eq!(lines.next(), None, "S2 has no bonus target: not eligible");
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("comp-quarterly/2026-Q4/manifest.json")).unwrap(),
    )
    .unwrap();
    let fields: Vec<&str> = row.split(',').collect();
    assert_eq!(fields[20], manifest["config_sha256"].as_str().unwrap());
    assert_eq!(fields[21], manifest["data_sha256"].as_str().unwrap());
    assert_eq!(fields[22], "insufficient_sample", "no responses in Q3");
    assert_eq!(manifest["inputs"].as_array().unwrap().len(), 5);
}

#[test]
fn changes_carry_their_flag_decided_on_the_exact_sums() {
    // compare.min_n is 2 in this config. S1, three complete responses a month:
    // September: attachment 3, 3, 3 (x = 504 each, V₀ = 0), ltr 10, 10, 0, not fully engaged;
    // October: attachment 5, 5, 5 (x = 840 each, V₁ = 0), ltr 10, 0, 0, all fully engaged.
    // ce: V = 0 and d = 336/168 × 25 = +50 → up. nps: Sep (1, 1, −1) mean 1/3, s² = 4/3;
    // Oct (1, −1, −1) mean −1/3, s² = 4/3: d² = 4/9 against z²·V = 3.84 × 8/9 → within
    // chance. Share fully engaged 0 → 1 with V = 0 → up.
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let rows: Vec<String> = [
        ("s1", "2026-09-10 10:00:00", "3", "10"),
        ("s2", "2026-09-11 10:00:00", "3", "10"),
        ("s3", "2026-09-12 10:00:00", "3", "0"),
        ("o1", "2026-10-10 10:00:00", "5", "10"),
        ("o2", "2026-10-11 10:00:00", "5", "0"),
        ("o3", "2026-10-12 10:00:00", "5", "0"),
    ]
    .iter()
    .map(|(id, at, a, ltr)| {
        customer_row(
            id,
            "S1",
            at,
            "system",
            ["5", "5", "5"],
            [*a; 8],
            ltr,
            "NULL",
        )
    })
    .collect();
    fixture(&data, &rows.join(" UNION ALL "), &employees());
    let config = dir.path().join("xbrief.yaml");
    std::fs::write(&config, TEST_CONFIG).unwrap();
    let out = dir.path().join("out");
    let output = exports_only(&config, "site-scorecards", "2026-10", &data, &out);
    assert!(output.status.success(), "{}", stderr(&output));
    let mut reader = csv::Reader::from_path(out.join("site-scorecards/2026-10/sites.csv")).unwrap();
    let header = reader.headers().unwrap().clone();
    let row = reader.records().next().unwrap().unwrap();
    let changes: Vec<&str> = header
        .iter()
        .position(|h| h == "ce_change")
        .map(|at| (at..at + 6).map(|i| &row[i]).collect())
        .unwrap();
    assert_eq!(
        changes,
        [
            "50.0000",
            "up",
            "-66.6667",
            "within_chance",
            "1.000000",
            "up"
        ]
    );
}

#[test]
fn identical_inputs_give_byte_identical_exports() {
    let (dir, data, config) = setup();
    let run = |name: &str| {
        let out = dir.path().join(name);
        let output = exports_only(
            Path::new(&config),
            "comp-quarterly",
            "2026-Q4",
            Path::new(&data),
            &out,
        );
        assert!(output.status.success(), "{}", stderr(&output));
        [
            "sites.csv",
            "scorecard.csv",
            "data_quality.csv",
            "drivers.csv",
        ]
        .map(|f| std::fs::read(out.join("comp-quarterly/2026-Q4").join(f)).unwrap())
    };
    assert_eq!(run("a"), run("b"));
}

#[test]
fn the_employee_window_is_the_latest_wave_cut_at_the_period_end() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // besides October's wave: one S1 response in July (the wave before) and one in
    // December, after November's end
    let mut employees = vec![employees()];
    for (id, at, answer) in [
        ("e-july", "2026-07-10 09:00:00", "1"),
        ("e-december", "2026-12-02 09:00:00", "1"),
    ] {
        employees.push(employee_row(id, "S1", "T1", at, [answer; 12], [answer; 3]));
    }
    fixture(&data, &customers(), &employees.join(" UNION ALL "));
    let config = dir.path().join("xbrief.yaml");
    std::fs::write(&config, TEST_CONFIG).unwrap();
    let columns = |period: &str| -> Vec<String> {
        let out = dir.path().join(format!("out-{period}"));
        let output = exports_only(&config, "site-scorecards", period, &data, &out);
        assert!(output.status.success(), "{}", stderr(&output));
        let mut reader =
            csv::Reader::from_path(out.join("site-scorecards").join(period).join("sites.csv"))
                .unwrap();
        let header = reader.headers().unwrap().clone();
        let row = reader.records().next().unwrap().unwrap();
        [
            "site_id",
            "ee_n",
            "ee_index",
            "ee_window_start",
            "ee_window_end",
        ]
        .iter()
        .map(|c| row[header.iter().position(|h| h == *c).unwrap()].to_string())
        .collect()
    };
    // November: October's wave up to November's end (not July's, not December's)
    assert_eq!(
        columns("2026-11"),
        ["S1", "5", "65.0000", "2026-10-01", "2026-11-30"]
    );
    // September: the third quarter's wave, one respondent at S1 (hidden)
    assert_eq!(
        columns("2026-09"),
        ["S1", "1", "", "2026-07-01", "2026-09-30"]
    );
}

#[test]
fn drivers_csv_reads_back_a_hand_made_decomposition() {
    // Eight responses at S1 in a 2×2×2 design: confidence c, integrity i and pride p at
    // ±1 (items 2 or 4), passion d = c·i·p, and loyalty × 3 = 9 + 2c + i + e with
    // e = i·p: the four dimensions are orthogonal and e is orthogonal to them, so
    // R²(confidence) = 4/6, R²(integrity) = 1/6, pride and passion explain nothing, and
    // each importance is its own R² (R² = 5/6, shares 4/5 and 1/5).
    let design = [
        (1, 1, 1),
        (1, 1, -1),
        (1, -1, 1),
        (1, -1, -1),
        (-1, 1, 1),
        (-1, 1, -1),
        (-1, -1, 1),
        (-1, -1, -1),
    ];
    let rows: Vec<String> = design
        .iter()
        .enumerate()
        .map(|(k, &(c, i, p)): (usize, &(i64, i64, i64))| {
            let d = c * i * p;
            let y = 9 + 2 * c + i + i * p;
            let loyalty = [(y + 2) / 3, (y + 1) / 3, y / 3].map(|v| v.to_string());
            let item = |v: i64| (3 + v).to_string();
            let att = [
                item(c),
                item(c),
                item(i),
                item(i),
                item(p),
                item(p),
                item(d),
                item(d),
            ];
            customer_row(
                &format!("d{k}"),
                "S1",
                "2026-10-05 10:00:00",
                "system",
                [&loyalty[0], &loyalty[1], &loyalty[2]],
                att.each_ref().map(String::as_str),
                "9",
                "NULL",
            )
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    fixture(&data, &rows.join(" UNION ALL "), &employees());
    let config = dir.path().join("xbrief.yaml");
    std::fs::write(&config, format!("{TEST_CONFIG}drivers: {{ min_n: 8 }}\n")).unwrap();
    let out = dir.path().join("out");
    let output = exports_only(&config, "site-scorecards", "2026-10", &data, &out);
    assert!(output.status.success(), "{}", stderr(&output));
    let drivers = std::fs::read_to_string(out.join("site-scorecards/2026-10/drivers.csv")).unwrap();
    let ok = "8,0.8333,0.6667,0.1667,0.0000,0.0000,0.8000,0.2000,0.0000,0.0000,ok";
    let none = "0,,,,,,,,,,insufficient_sample";
    assert_eq!(
        drivers,
        format!(
            "period_start,period_end,scope,scope_id,n,r2,importance_confidence,importance_integrity,importance_pride,importance_passion,share_confidence,share_integrity,share_pride,share_passion,status
2026-10-01,2026-10-31,company,,{ok}
2026-10-01,2026-10-31,region,Sud,{ok}
2026-10-01,2026-10-31,region,Ελλάδα,{none}
2026-10-01,2026-10-31,site,S1,{ok}
2026-10-01,2026-10-31,site,S2,{none}
"
        )
    );
}
