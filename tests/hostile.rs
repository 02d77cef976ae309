//! Hostile data: comments and names written by customers and other systems never become
//! markup. Each case of the issue is a row of crafted exports; the run succeeds and the
//! text shows as text, in the document, the PDF and the email.

mod common;

use common::*;
use mailparse::MailHeaderMap;
use std::path::Path;

/// Ten responses at S1's team T1 in October 2026, the i-th with the i-th comment.
fn customers_saying(comments: &[&str]) -> String {
    comments
        .iter()
        .enumerate()
        .map(|(i, comment)| {
            format!(
                "SELECT 'C{i}' AS response_id, 'S1' AS site_id, 'T1' AS team_id,
                        TIMESTAMP '2026-10-10 10:00:00' + {i} * INTERVAL 1 HOUR AS responded_at,
                        'store' AS touchpoint, 'system' AS invited_by,
                        5::SMALLINT AS sat, 5::SMALLINT AS recommend, 5::SMALLINT AS repurchase,
                        5::SMALLINT AS conf1, 5::SMALLINT AS conf2, 5::SMALLINT AS integ1,
                        5::SMALLINT AS integ2, 5::SMALLINT AS pride1, 5::SMALLINT AS pride2,
                        5::SMALLINT AS pass1, 5::SMALLINT AS pass2, 10::SMALLINT AS ltr,
                        NULL::VARCHAR AS root_cause, NULL::VARCHAR AS employee_praised,
                        {}::VARCHAR AS comment",
                sql_text(comment)
            )
        })
        .collect::<Vec<_>>()
        .join(" UNION ALL ")
}

/// The fixture's exports (ten satisfied customers at S1, one employee at S2) with these
/// rows (SQL tuples) as the sites export.
fn exports_with_sites(data: &Path, sites: &str) {
    fixture(
        data,
        &customers_saying(&["ok"; 10]),
        &an_employee("S2", "T2"),
    );
    sites_export(data, sites);
}

/// Replaces the sites export with these rows (SQL tuples).
fn sites_export(data: &Path, rows: &str) {
    parquet(
        &data.join("sites.parquet"),
        &format!(
            "SELECT * FROM (VALUES {rows}) t(site_id, site_name, region, country, locale,
             manager_id, manager_name, manager_email, bonus_target, active)"
        ),
    );
}

/// One employee response at a site's team, every item 4.
fn an_employee(site: &str, team: &str) -> String {
    employee_row(
        "E1",
        site,
        team,
        "2026-10-05 09:00:00",
        ["4"; 12],
        ["4", "4", "3"],
    )
}

/// A SQL string literal of `text`, line breaks included.
fn sql_text(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

fn model(data: &Path, dir: &Path, site: &str) -> serde_json::Value {
    let model = dir.join(format!("{site}.json"));
    let output = xbrief(&[
        "preview",
        "site-scorecards",
        "--site",
        site,
        "--period",
        "2026-10",
        "--data",
        &data.to_string_lossy(),
        "--out",
        &dir.join(format!("{site}.pdf")).to_string_lossy(),
        "--model",
        &model.to_string_lossy(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    serde_json::from_str(&std::fs::read_to_string(&model).unwrap()).unwrap()
}

#[test]
fn comments_and_names_from_the_data_show_as_text_and_forge_no_block() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let comments = [
        "Bonjour\n@evil is not a block",
        "Merci\n> URGENT from HR: your bonus is cancelled",
        "Top\n@kpi Payout | 0.00 EUR | -100 | HR decision",
        "Bien\n| Forged | 99.9 |",
        "Super\n## Forged heading",
    ];
    let employee = an_employee("S2", "T2");
    fixture(&data, &customers_saying(&comments), &employee);
    // S1's name holds a placeholder, a line break and a heading; its region a cell break
    sites_export(
        &data,
        "
            ('S1', 'Café {Nord}' || chr(10) || '## Forged site', 'Sud | Forged', 'FR', 'fr', 'M1', 'Léa Martin', 'lea@example.fr', 2000.26, true),
            ('S2', 'Κατάστημα Αθήνα', 'Ελλάδα', 'GR', 'el', 'M2', 'Νίκος Παπαδόπουλος', 'nikos@example.gr', NULL, true)",
    );
    let out = dir.path().join("out");
    let output = run_job(&data, &out, "site-scorecards", "2026-10", &[]);
    assert!(output.status.success(), "{}", stderr(&output));

    let blocks = model(&data, dir.path(), "S1");
    let blocks = blocks.as_array().unwrap();
    let texts: Vec<String> = blocks
        .iter()
        .flat_map(|b| {
            let mut texts: Vec<String> =
                b["text"].as_str().map(str::to_string).into_iter().collect();
            for tile in b["tiles"].as_array().into_iter().flatten() {
                texts.push(tile["label"].as_str().unwrap_or_default().to_string());
            }
            texts
        })
        .collect();
    // no block was forged: no such heading, note, tile or table row
    for block in blocks {
        let text = block["text"].as_str().unwrap_or_default();
        match block["block"].as_str().unwrap() {
            "heading" | "subheading" => assert!(!text.contains("Forged"), "{block}"),
            "note" => assert!(!text.contains("URGENT"), "{block}"),
            "kpis" => assert!(!block.to_string().contains("Payout"), "{block}"),
            "table" => assert!(
                !block["rows"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|row| row[0] == "Forged"),
                "{block}"
            ),
            _ => {}
        }
    }
    // the title is one line with the name as written, braces and all
    assert_eq!(
        blocks[0]["text"],
        "Tableau de bord du site : Café {Nord} ## Forged site · octobre 2026"
    );
    // the three newest comments are there, as text, their line breaks as spaces
    for comment in &comments[2..] {
        let shown = format!("“{}”", comment.replace('\n', " "));
        assert!(
            texts.iter().any(|t| t.starts_with(&shown)),
            "`{shown}` in none of {texts:#?}"
        );
    }
    // the region keeps its pipe inside one cell of the figures table
    assert!(
        blocks.iter().any(|b| b["block"] == "table"
            && b["rows"]
                .as_array()
                .unwrap()
                .iter()
                .any(|row| row[0].as_str().unwrap_or_default().contains("Sud | Forged"))),
        "{blocks:#?}"
    );

    // the email's subject is one line too
    let outbox = out.join("outbox");
    let subjects: Vec<String> = std::fs::read_dir(&outbox)
        .unwrap()
        .map(|e| {
            let bytes = std::fs::read(e.unwrap().path()).unwrap();
            let mail = mailparse::parse_mail(&bytes).unwrap();
            mail.headers.get_first_value("Subject").unwrap_or_default()
        })
        .collect();
    assert!(
        subjects
            .iter()
            .any(|s| s == "Tableau de bord du site : Café {Nord} ## Forged site · octobre 2026"),
        "{subjects:?}"
    );
}

/// The text of every page of a PDF.
#[test]
fn a_response_naming_another_sites_team_speaks_for_its_own_site_only() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // ten customers of S1's team T1, and one at S2 whose row names T1
    let customer = format!(
        "{} UNION ALL SELECT * REPLACE ('A1' AS response_id, 'S2' AS site_id,
                                      'Efcharisto Athina' AS comment, 'Giorgos' AS employee_praised)
         FROM ({})",
        customers_saying(&["Merci Lyon"; 10]),
        customers_saying(&["x"])
    );
    let employee = an_employee("S2", "T2");
    fixture(&data, &customer, &employee);
    let out = dir.path().join("out");
    for (job, period) in [
        ("frontline-weekly", "2026-W41"),
        ("site-scorecards", "2026-10"),
    ] {
        let output = run_job(&data, &out, job, period, &[]);
        assert!(output.status.success(), "{}", stderr(&output));
    }
    let team = pdf_text(&out.join("frontline-weekly/2026-W41/team-T1.pdf"));
    assert!(team.contains("Merci Lyon"), "{team}");
    assert!(
        !team.contains("Efcharisto") && !team.contains("Giorgos"),
        "{team}"
    );
    // it is S2's customer: S2's manager reads it
    let site = pdf_text(&out.join("site-scorecards/2026-10/site-S2.pdf"));
    assert!(site.contains("Efcharisto Athina"), "{site}");
}

#[test]
fn names_that_look_like_formulas_reach_the_csv_files_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    exports_with_sites(
        &data,
        r#"
            ('S1', '=HYPERLINK("https://evil.example/x","Paris")', '+cmd|'' /C calc''!A0', 'FR', 'fr', '@SUM(1+1)', 'Léa Martin', 'lea@example.fr', 2000.26, true),
            ('S2', 'Κατάστημα Αθήνα', 'Ελλάδα', 'GR', 'el', 'M2', 'Νίκος', 'nikos@example.gr', NULL, true)"#,
    );
    let out = dir.path().join("out");
    let output = run_job(
        &data,
        &out,
        "comp-quarterly",
        "2026-Q4",
        &["--exports-only"],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let folder = out.join("comp-quarterly/2026-Q4");
    let mut sites = csv::Reader::from_path(folder.join("sites.csv")).unwrap();
    let row = sites.records().next().unwrap().unwrap();
    assert_eq!(&row[3], r#"'=HYPERLINK("https://evil.example/x","Paris")"#);
    assert_eq!(&row[4], "'+cmd|' /C calc'!A0");
    let mut scorecard = csv::Reader::from_path(folder.join("scorecard.csv")).unwrap();
    let row = scorecard.records().next().unwrap().unwrap();
    assert_eq!(&row[3], r#"'=HYPERLINK("https://evil.example/x","Paris")"#);
    assert_eq!(&row[4], "'@SUM(1+1)");
}

#[test]
fn a_remote_export_path_is_refused_before_the_engine_sees_it() {
    let dir = tempfile::tempdir().unwrap();
    let started = std::time::Instant::now();
    let output = xbrief(&[
        "run",
        "executive-monthly",
        "--period",
        "2026-10",
        "--data",
        "https://exports.example.com/prefix",
        "--out",
        &dir.path().join("out").to_string_lossy(),
    ]);
    assert!(!output.status.success());
    let said = stderr(&output);
    assert!(
        said.contains(
            "`https://exports.example.com/prefix` is a https:// location: expected a folder or s3://bucket/prefix"
        ),
        "{said}"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    assert!(!dir.path().join("out/executive-monthly/2026-10").exists());
}

#[test]
fn resend_meets_the_allowed_domains_as_a_run_does() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    exports_with_sites(
        &data,
        "
            ('S1', 'Boutique Lyon', 'Sud', 'FR', 'fr', 'M1', 'Léa Martin', 'boss@evil.example', 2000.26, true),
            ('S2', 'Κατάστημα Αθήνα', 'Ελλάδα', 'GR', 'el', 'M2', 'Νίκος', 'nikos@example.gr', NULL, true)",
    );
    let out = dir.path().join("out");
    let refused = run_job(&data, &out, "site-scorecards", "2026-10", &[]);
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("`boss@evil.example`"),
        "{}",
        stderr(&refused)
    );
    let resent = xbrief(&[
        "resend",
        "site-scorecards",
        "--to",
        "boss@evil.example",
        "--period",
        "2026-10",
        "--data",
        &data.to_string_lossy(),
        "--out",
        &out.to_string_lossy(),
    ]);
    assert!(!resent.status.success());
    assert!(
        stderr(&resent).contains("outside delivery.allowed_domains")
            && stderr(&resent).contains("`boss@evil.example`"),
        "{}",
        stderr(&resent)
    );
    let sent = std::fs::read_dir(out.join("outbox")).map_or(0, |d| d.count());
    assert_eq!(sent, 0, "nothing reached the outbox");
}

#[test]
fn a_team_hidden_as_the_second_part_in_its_managers_briefing_is_hidden_in_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // S1: T1 has 3 respondents (hidden), T2 has 6; the site's total would give T1 away
    // unless T2 is hidden too
    let employees: Vec<String> = (0..9)
        .map(|i| {
            let (team, item) = if i < 3 { ("T1", "2") } else { ("T2", "4") };
            employee_row(
                &format!("E{i}"),
                "S1",
                team,
                "2026-10-05 09:00:00",
                [item; 12],
                ["4", "4", "3"],
            )
        })
        .collect();
    fixture(
        &data,
        &customers_saying(&["ok"; 10]),
        &employees.join(" UNION ALL "),
    );
    parquet(
        &data.join("teams.parquet"),
        "SELECT * FROM (VALUES ('T1', 'S1', 'Accueil', 'Camille', 'camille@example.fr', 4),
                               ('T2', 'S1', 'Caisse', 'Hugo', 'hugo@example.fr', 7))
         t(team_id, site_id, team_name, lead_name, lead_email, headcount)",
    );
    let preview = |team: &str| -> String {
        let model = dir.path().join(format!("{team}.json"));
        let output = xbrief(&[
            "preview",
            "frontline-weekly",
            "--team",
            team,
            "--period",
            "2026-W41",
            "--data",
            &data.to_string_lossy(),
            "--out",
            &dir.path().join(format!("{team}.pdf")).to_string_lossy(),
            "--model",
            &model.to_string_lossy(),
        ]);
        assert!(output.status.success(), "{}", stderr(&output));
        std::fs::read_to_string(&model).unwrap()
    };
    let hidden = "L'engagement de l'équipe n'est pas affiché";
    for team in ["T1", "T2"] {
        let model = preview(team);
        assert!(model.contains(hidden), "{team}: {model}");
        assert!(
            !model.contains("L'indice d'engagement de votre équipe est"),
            "{team}"
        );
        // T2's own index (all items 4 of 5) appears nowhere
        assert!(!model.contains("75,0"), "{team}: {model}");
    }
}

#[test]
fn ids_with_slashes_and_dots_name_files_inside_the_run_folder() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let employee = an_employee("S1", "T1");
    fixture(&data, &customers_saying(&["ok"; 10]), &employee);
    parquet(
        &data.join("teams.parquet"),
        "SELECT * FROM (VALUES ('T1/../../../../outside', 'S1', 'Accueil', 'Camille', 'camille@example.fr', 6))
         t(team_id, site_id, team_name, lead_name, lead_email, headcount)",
    );
    let out = dir.path().join("run").join("out");
    let output = run_job(&data, &out, "frontline-weekly", "2026-W41", &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let folder = out.join("frontline-weekly/2026-W41");
    let pdf = folder.join("team-T1%2F%2E%2E%2F%2E%2E%2F%2E%2E%2F%2E%2E%2Foutside.pdf");
    assert!(
        pdf.is_file(),
        "{:?}",
        std::fs::read_dir(&folder).unwrap().collect::<Vec<_>>()
    );
    assert!(!dir.path().join("outside.pdf").exists());
    // the document names the team by its id as it is
    let manifest = std::fs::read_to_string(folder.join("manifest.json")).unwrap();
    assert!(
        manifest.contains("team:T1/../../../../outside"),
        "{manifest}"
    );
}

#[test]
fn demo_exports_are_generated_into_an_empty_folder_only() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("exports");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(
        data.join("customers-2026-11.parquet"),
        b"a real export, misnamed",
    )
    .unwrap();
    let text = std::fs::read_to_string(repo().join("config/xbrief.yaml"))
        .unwrap()
        .replace(
            "  dir: demo-data\n",
            &format!("  dir: {}\n", data.display()),
        )
        .replace(
            "  output: out\n",
            &format!("  output: {}\n", dir.path().join("out").display()),
        );
    let config = dir.path().join("xbrief.yaml");
    std::fs::write(&config, text).unwrap();
    let output = xbrief(&[
        "--config",
        &config.to_string_lossy(),
        "run",
        "executive-monthly",
    ]);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("holds files but no sites.parquet"),
        "{}",
        stderr(&output)
    );
    let files: Vec<_> = std::fs::read_dir(&data).unwrap().collect();
    assert_eq!(files.len(), 1, "nothing was added beside the real export");
}

#[test]
fn an_address_that_does_not_parse_fails_its_recipient_only() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    exports_with_sites(
        &data,
        r#"
            ('S1', 'Boutique Lyon', 'Sud', 'FR', 'fr', 'M1', 'Léa Martin', '"a b"@example.fr', 2000.26, true),
            ('S2', 'Κατάστημα Αθήνα', 'Ελλάδα', 'GR', 'el', 'M2', 'Νίκος', 'nikos@example.gr', NULL, true)"#,
    );
    let out = dir.path().join("out");
    let output = run_job(&data, &out, "site-scorecards", "2026-10", &[]);
    // the run says who did not get their briefing, and the others got theirs
    assert!(!output.status.success());
    let said = stderr(&output);
    assert!(
        said.contains(r#"not delivered to "a b"@example.fr: not a valid email address"#),
        "{said}"
    );
    assert!(said.contains("1 sent"), "{said}");
    let mut to: Vec<String> = std::fs::read_dir(out.join("outbox"))
        .unwrap()
        .map(|e| {
            let bytes = std::fs::read(e.unwrap().path()).unwrap();
            let mail = mailparse::parse_mail(&bytes).unwrap();
            mail.headers.get_first_value("To").unwrap_or_default()
        })
        .collect();
    to.sort();
    assert_eq!(to, ["nikos@example.gr", "xbrief-admin@example.com"]);
    // history matches what was sent
    let history = xbrief(&[
        "history",
        "--job",
        "site-scorecards",
        "--out",
        &out.to_string_lossy(),
    ]);
    let listed = String::from_utf8_lossy(&history.stdout).to_string();
    assert!(listed.contains("1 sent, 1 failed"), "{listed}");
}

#[test]
fn a_region_total_read_with_sites_csv_gives_no_small_site_away() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // region Sud: S1 with 27 employee responses, S2 with 3; region Nord: S3 with 10
    let employees: Vec<String> = [("S1", "T1", 27), ("S2", "T2", 3), ("S3", "T3", 10)]
        .iter()
        .flat_map(|(site, team, n)| {
            (0..*n).map(move |i| {
                employee_row(
                    &format!("{site}-E{i}"),
                    site,
                    team,
                    "2026-10-05 09:00:00",
                    [if i % 2 == 0 { "4" } else { "3" }; 12],
                    ["4", "4", "3"],
                )
            })
        })
        .collect();
    fixture(
        &data,
        &customers_saying(&["ok"; 10]),
        &employees.join(" UNION ALL "),
    );
    sites_export(
        &data,
        "
            ('S1', 'Lyon', 'Sud', 'FR', 'fr', 'M1', 'Léa', 'lea@example.fr', 2000.26, true),
            ('S2', 'Nîmes', 'Sud', 'FR', 'fr', 'M2', 'Paul', 'paul@example.fr', NULL, true),
            ('S3', 'Lille', 'Nord', 'FR', 'fr', 'M3', 'Anne', 'anne@example.fr', NULL, true)",
    );
    parquet(
        &data.join("teams.parquet"),
        "SELECT * FROM (VALUES ('T1', 'S1', 'A', 'a', 'a@example.fr', 30), ('T2', 'S2', 'B', 'b', 'b@example.fr', 4),
                               ('T3', 'S3', 'C', 'c', 'c@example.fr', 12))
         t(team_id, site_id, team_name, lead_name, lead_email, headcount)",
    );
    let out = dir.path().join("out");
    let output = run_job(&data, &out, "executive-monthly", "2026-10", &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let mut sites =
        csv::Reader::from_path(out.join("executive-monthly/2026-10/sites.csv")).unwrap();
    let header = sites.headers().unwrap().clone();
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = sites.records().map(Result::unwrap).collect();
    let ee = |site: &str| -> (String, String) {
        let row = rows.iter().find(|r| &r[column("site_id")] == site).unwrap();
        (
            row[column("ee_n")].to_string(),
            row[column("ee_index")].to_string(),
        )
    };
    // S2 is under the threshold; S1 would give it away with the region's index: both blank
    assert_eq!(ee("S2"), ("3".to_string(), String::new()));
    assert_eq!(ee("S1"), ("27".to_string(), String::new()));
    // S3 is its region's only site, and the region is shown: nothing to hide there
    assert_eq!(ee("S3").0, "10");
    assert!(!ee("S3").1.is_empty());
    // the executive briefing still shows region Sud, from 30 respondents
    let text = lopdf::Document::load(out.join("executive-monthly/2026-10/executive.pdf"))
        .unwrap()
        .extract_text(&[1, 2, 3])
        .unwrap_or_default();
    assert!(text.contains("Sud"), "{text}");
}

#[test]
fn a_touchpoint_label_of_160000_characters_is_capped_and_renders_in_a_moment() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let customer = format!(
        "SELECT * REPLACE (repeat('Caisse ', 23000) AS touchpoint) FROM ({})",
        customers_saying(&["ok"; 10])
    );
    fixture(&data, &customer, &an_employee("S2", "T2"));
    let started = std::time::Instant::now();
    let blocks = model(&data, dir.path(), "S1");
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    let label = blocks
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["block"] == "table")
        .flat_map(|b| b["rows"].as_array().unwrap().iter())
        .filter_map(|row| row[0].as_str())
        .find(|cell| cell.starts_with("Caisse Caisse"))
        .expect("the touchpoint's row")
        .to_string();
    assert!(label.ends_with('…'), "{label}");
    assert!(
        label.chars().count() <= 121,
        "{} characters",
        label.chars().count()
    );
}

#[test]
fn a_manager_of_two_sites_gets_two_briefings_each_sent_once() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    exports_with_sites(
        &data,
        "
            ('S1', 'Boutique Lyon', 'Sud', 'FR', 'fr', 'M1', 'Léa Martin', 'lea@example.fr', 2000.26, true),
            ('S2', 'Boutique Nice', 'Sud', 'FR', 'fr', 'M1', 'Léa Martin', 'Lea@example.fr', NULL, true)",
    );
    let out = dir.path().join("out");
    let output = run_job(&data, &out, "site-scorecards", "2026-10", &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let headers = |out: &Path| -> Vec<(String, String, String)> {
        let mut found: Vec<_> = std::fs::read_dir(out.join("outbox"))
            .unwrap()
            .map(|e| {
                let bytes = std::fs::read(e.unwrap().path()).unwrap();
                let mail = mailparse::parse_mail(&bytes).unwrap();
                let header = |name| mail.headers.get_first_value(name).unwrap_or_default();
                (
                    header("Subject"),
                    header("Message-ID"),
                    header("X-Xbrief-Idempotency-Key"),
                )
            })
            .collect();
        found.sort();
        found
    };
    let sent = headers(&out);
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert!(sent[0].0.contains("Boutique Lyon") && sent[1].0.contains("Boutique Nice"));
    assert_ne!(sent[0].1, sent[1].1, "two Message-IDs");
    assert_ne!(sent[0].2, sent[1].2, "two idempotency keys");

    let history = |out: &Path| {
        let listed = xbrief(&[
            "history",
            "--job",
            "site-scorecards",
            "--out",
            &out.to_string_lossy(),
        ]);
        String::from_utf8_lossy(&listed.stdout).to_string()
    };
    let listed = history(&out);
    assert!(
        listed.contains("lea@example.fr [site:S1]: sent after 1 attempt(s)")
            && listed.contains("Lea@example.fr [site:S2]: sent after 1 attempt(s)"),
        "{listed}"
    );
    // a rerun sends neither again
    let again = run_job(&data, &out, "site-scorecards", "2026-10", &[]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(
        stderr(&again).contains("2 already sent before"),
        "{}",
        stderr(&again)
    );
    assert_eq!(headers(&out).len(), 2);

    // a resend names which of the two briefings
    let resend = |scope: Option<&str>| {
        let mut args = vec![
            "resend",
            "site-scorecards",
            "--period",
            "2026-10",
            "--to",
            "lea@example.fr",
        ];
        args.extend(scope.map(|s| ["--scope", s]).into_iter().flatten());
        let (data, out) = (data.to_string_lossy(), out.to_string_lossy());
        args.extend(["--data", &data, "--out", &out]);
        xbrief(&args)
    };
    let unnamed = resend(None);
    assert!(!unnamed.status.success());
    assert!(
        stderr(&unnamed).contains(
            "lea@example.fr gets several briefings of job site-scorecards: name one with --scope (site:S1, site:S2)"
        ),
        "{}",
        stderr(&unnamed)
    );
    let named = resend(Some("site:S2"));
    assert!(named.status.success(), "{}", stderr(&named));
    let resent = headers(&out);
    assert_eq!(resent.len(), 3);
    assert_eq!(
        resent
            .iter()
            .filter(|h| h.0.contains("Boutique Nice"))
            .count(),
        2
    );
    assert!(history(&out).contains("lea@example.fr [site:S2] (resend 1): sent"));
}

#[test]
fn folder_and_file_names_with_glob_characters_are_read_as_named() {
    let dir = tempfile::tempdir().unwrap();
    // `exports[2026]` as a pattern would match `exports2`, which holds a decoy
    let data = dir.path().join("exports[2026]");
    let decoy = dir.path().join("exports2");
    let employee = an_employee("S2", "T2");
    fixture(&data, &customers_saying(&["ok"; 10]), &employee);
    fixture(&decoy, &customers_saying(&["decoy"; 10]), &employee);
    parquet(
        &decoy.join("sites.parquet"),
        "SELECT * FROM (VALUES
            ('S1', 'Decoy', 'Sud', 'FR', 'fr', 'M1', 'Léa Martin', 'lea@example.fr', 2000.26, true))
         t(site_id, site_name, region, country, locale, manager_id, manager_name, manager_email, bonus_target, active)",
    );
    // a file whose name is a pattern matching its sibling too: each is read once
    let one_more = customers_saying(&["star"]).replace("'C0'", "'C-star'");
    parquet(
        &data.join("customer_responses/part-[1]*?.parquet"),
        &one_more,
    );
    let out = dir.path().join("out");
    let output = run_job(
        &data,
        &out,
        "site-scorecards",
        "2026-10",
        &["--exports-only"],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let folder = out.join("site-scorecards/2026-10");
    let sites = std::fs::read_to_string(folder.join("sites.csv")).unwrap();
    assert!(
        sites.contains("Boutique Lyon") && !sites.contains("Decoy"),
        "{sites}"
    );
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(folder.join("manifest.json")).unwrap())
            .unwrap();
    let mut customers: Vec<(String, u64)> = manifest["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["export"] == "customer_responses")
        .map(|i| {
            let path = i["path"].as_str().unwrap();
            let name = Path::new(path).file_name().unwrap().to_string_lossy();
            (name.to_string(), i["rows"].as_u64().unwrap())
        })
        .collect();
    customers.sort();
    assert_eq!(
        customers,
        [
            ("part-1.parquet".to_string(), 10),
            ("part-[1]*?.parquet".to_string(), 1)
        ]
    );
    // S1 has the 11 responses of both files, each once
    let header: Vec<&str> = sites.lines().next().unwrap().split(',').collect();
    let n = header.iter().position(|c| *c == "ce_n").unwrap();
    let s1 = sites.lines().find(|l| l.contains(",S1,")).unwrap();
    assert_eq!(s1.split(',').nth(n), Some("11"), "{sites}");
}
