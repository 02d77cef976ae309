//! Briefings read back: the PDFs' text, pages, fonts and structure; the document model of
//! each audience (snapshots); and the scope and privacy of what each reader receives.

mod common;

use common::*;
use mailparse::MailHeaderMap;
use std::path::{Path, PathBuf};

fn demo(out: &Path) {
    demo_exports(
        out,
        Demo {
            sites: 32,
            months: 13,
            per_month: "40-90",
            seed: "5",
            until: "2026-10",
        },
    );
}

fn run(data: &Path, out: &Path, job: &str, period: &str) {
    let output = run_job(data, out, job, period, &[]);
    assert!(output.status.success(), "{}", stderr(&output));
}

/// The text of every page, in order.
fn pdf_pages(path: &Path) -> Vec<String> {
    let document =
        lopdf::Document::load(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let pages: Vec<u32> = document.get_pages().keys().copied().collect();
    pages
        .iter()
        .map(|p| document.extract_text(&[*p]).unwrap())
        .collect()
}

fn pdf_text(path: &Path) -> String {
    pdf_pages(path).join("\n")
}

/// Every font of the document is a Type 0 font whose descendant embeds its program.
fn assert_fonts_embedded(path: &Path) {
    let document = lopdf::Document::load(path).unwrap();
    let mut fonts = 0;
    for object in document.objects.values() {
        let Ok(dict) = object.as_dict() else { continue };
        if dict.get(b"Type").and_then(|t| t.as_name()).ok() == Some(b"FontDescriptor".as_slice()) {
            fonts += 1;
            assert!(
                dict.has(b"FontFile2"),
                "{}: a font is not embedded",
                path.display()
            );
        }
    }
    assert_eq!(fonts, 2, "{}: regular and bold", path.display());
}

fn qpdf_check(path: &Path) {
    let output = std::process::Command::new("qpdf")
        .arg("--check")
        .arg(path)
        .output()
        .expect("qpdf is installed (.ci/run installs it)");
    assert!(
        output.status.success(),
        "qpdf --check {}: {}",
        path.display(),
        String::from_utf8_lossy(&output.stdout)
    );
}

fn pdfs(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
        .collect();
    files.sort();
    files
}

/// The change flags in words, in every catalog language.
const FLAG_WORDS: [&str; 12] = [
    "up beyond chance",
    "down beyond chance",
    "within chance",
    "too few responses to tell",
    "hausse au-delà du hasard",
    "baisse au-delà du hasard",
    "dans la marge du hasard",
    "trop peu de réponses pour conclure",
    "άνοδος πέρα από την τύχη",
    "πτώση πέρα από την τύχη",
    "εντός των ορίων της τύχης",
    "πολύ λίγες απαντήσεις για συμπέρασμα",
];

/// Text without white space or hyphens: words wrap, and pdftotext drops a hyphen at a break.
fn squashed(text: &str) -> String {
    text.replace(|c: char| c.is_whitespace() || c == '-', "")
}

/// Whether a PDF's text holds a change flag in words.
fn flagged(text: &str) -> bool {
    let text = squashed(text);
    FLAG_WORDS.iter().any(|f| text.contains(&squashed(f)))
}

/// sites.csv rows by site_id: (site_name, ce_index).
fn site_rows(dir: &Path) -> Vec<(String, String, String)> {
    let mut reader = csv::Reader::from_path(dir.join("sites.csv")).unwrap();
    let headers = reader.headers().unwrap().clone();
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (id, name, index) = (column("site_id"), column("site_name"), column("ce_index"));
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[id].to_string(), r[name].to_string(), r[index].to_string())
        })
        .collect()
}

/// One decimal, the reader's separator: sites.csv keeps more decimals and a point.
fn shown(index: &str, decimal: char) -> String {
    let value: f64 = index.parse().unwrap();
    format!("{value:.1}").replace('.', &decimal.to_string())
}

#[test]
fn briefings_read_back_with_their_figures_names_pages_and_fonts() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    demo(&data);
    let out = dir.path().join("out");
    run(&data, &out, "site-scorecards", "2026-10");
    run(&data, &out, "executive-monthly", "2026-10");
    run(&data, &out, "frontline-weekly", "2026-W43");
    let scorecards = out.join("site-scorecards/2026-10");
    let sites = site_rows(&scorecards);
    assert_eq!(pdfs(&scorecards).len(), sites.len());
    let mut languages = std::collections::BTreeSet::new();
    for (id, name, index) in &sites {
        let path = scorecards.join(format!("site-{id}.pdf"));
        let pages = pdf_pages(&path);
        let text = pages.join("\n");
        // the locale decides the language and the decimal separator
        let (month, decimal) = if text.contains("octobre 2026") {
            ("octobre 2026", ',')
        } else if text.contains("Οκτώβριος 2026") {
            ("Οκτώβριος 2026", ',')
        } else {
            ("October 2026", '.')
        };
        languages.insert(month);
        // a name may wrap after a hyphen, which pdftotext then drops
        assert!(
            squashed(&text).contains(&squashed(name)),
            "{id}: site name missing"
        );
        if !index.is_empty() {
            assert!(
                text.contains(&shown(index, decimal)),
                "{id}: ce_index {index} missing as {}",
                shown(index, decimal)
            );
        }
        // the ce_index change says whether it is beyond chance, in the reader's language
        assert!(flagged(&text), "{id}: no change flag");
        assert!(
            (2..=4).contains(&pages.len()),
            "{id}: {} pages",
            pages.len()
        );
        for (i, page) in pages.iter().enumerate() {
            assert!(
                page.contains(&format!("{} / {}", i + 1, pages.len())),
                "{id}: page number on page {}",
                i + 1
            );
        }
        assert!(
            std::fs::metadata(&path).unwrap().len() <= 200 * 1024,
            "{id}: over 200 KB"
        );
    }
    assert_eq!(
        languages.len(),
        3,
        "French, Greek and English sites: {languages:?}"
    );
    let mut all = pdfs(&scorecards);
    all.extend(pdfs(&out.join("executive-monthly/2026-10")));
    all.extend(pdfs(&out.join("frontline-weekly/2026-W43")));
    for path in &all {
        qpdf_check(path);
        assert_fonts_embedded(path);
    }
    let executive = pdf_text(&out.join("executive-monthly/2026-10/executive.pdf"));
    for heading in [
        "Headline figures",
        "The spread of sites, not the average",
        "Engaged employees, engaged customers",
        "Regions",
        "Exceptions",
        "Touchpoints and root causes",
        "Data quality",
    ] {
        assert!(executive.contains(heading), "executive: {heading}");
    }
    let frontline = pdfs(&out.join("frontline-weekly/2026-W43"));
    assert!(
        frontline.iter().all(|p| pdf_pages(p).len() == 1),
        "frontline briefings are one page"
    );
    // each team's change carries its flag
    let told = frontline.iter().filter(|p| flagged(&pdf_text(p))).count();
    assert_eq!(
        told,
        frontline.len(),
        "every frontline briefing flags its change"
    );
}

fn preview_model(args: &[&str], data: &Path, dir: &Path) -> serde_json::Value {
    let model = dir.join("model.json");
    let pdf = dir.join("preview.pdf");
    let mut all: Vec<&str> = vec!["preview"];
    all.extend(args);
    let data = data.to_string_lossy();
    let pdf_text = pdf.to_string_lossy();
    let model_text = model.to_string_lossy();
    all.extend(["--data", &data, "--out", &pdf_text, "--model", &model_text]);
    let output = xbrief(&all);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(std::fs::metadata(&pdf).unwrap().len() > 10_000);
    serde_json::from_slice(&std::fs::read(&model).unwrap()).unwrap()
}

#[test]
fn document_model_per_audience() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    demo(&data);
    insta::assert_json_snapshot!(
        "executive",
        preview_model(
            &["executive-monthly", "--period", "2026-10"],
            &data,
            dir.path()
        )
    );
    insta::assert_json_snapshot!(
        "manager_fr",
        preview_model(
            &["site-scorecards", "--site", "S001", "--period", "2026-10"],
            &data,
            dir.path()
        )
    );
    insta::assert_json_snapshot!(
        "frontline_el",
        preview_model(
            &[
                "frontline-weekly",
                "--team",
                "S017-T1",
                "--period",
                "2026-W43"
            ],
            &data,
            dir.path()
        )
    );
}

/// Ten identical customer responses at a site, every item at `item`, with a comment and a
/// praised first name.
fn customers(site: &str, team: &str, item: u8, ltr: u8, comment: &str, praised: &str) -> String {
    format!(
        "SELECT '{site}-' || i AS response_id, '{site}' AS site_id, '{team}' AS team_id,
                TIMESTAMP '2026-10-10 10:00:00' + i * INTERVAL 1 HOUR AS responded_at, 'store' AS touchpoint,
                'system' AS invited_by, {item}::SMALLINT AS sat, {item}::SMALLINT AS recommend, {item}::SMALLINT AS repurchase,
                {item}::SMALLINT AS conf1, {item}::SMALLINT AS conf2, {item}::SMALLINT AS integ1, {item}::SMALLINT AS integ2,
                {item}::SMALLINT AS pride1, {item}::SMALLINT AS pride2, {item}::SMALLINT AS pass1, {item}::SMALLINT AS pass2,
                {ltr}::SMALLINT AS ltr, 'policy'::VARCHAR AS root_cause, '{praised}'::VARCHAR AS employee_praised,
                '{comment}'::VARCHAR AS comment
         FROM range(10) t(i)"
    )
}

/// `word` appears in `text` delimited by spaces, punctuation or line ends (so `100,0` is
/// not found inside `-100,0`).
fn has_word(text: &str, word: &str) -> bool {
    text.split(|c: char| {
        c.is_whitespace() || matches!(c, '(' | ')' | ':' | ';' | '“' | '”' | '"' | '|')
    })
    .any(|token| token.trim_end_matches(['.', ',']) == word || token == word)
}

/// Every text part of every message in the outbox for `to`.
fn emails_to(outbox: &Path, to: &str) -> String {
    let mut text = String::new();
    for entry in std::fs::read_dir(outbox).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|x| x != "eml") {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        let mail = mailparse::parse_mail(&bytes).unwrap();
        let headers = mail.headers.get_first_value("To").unwrap_or_default();
        if !headers.contains(to) {
            continue;
        }
        text.push_str(&mail.headers.get_first_value("Subject").unwrap_or_default());
        for part in mail.parts() {
            if part.ctype.mimetype.starts_with("text/") {
                text.push_str(&part.get_body().unwrap());
            }
        }
    }
    assert!(!text.is_empty(), "no message to {to}");
    text
}

#[test]
fn a_manager_sees_only_their_site_and_hidden_employee_figures_appear_nowhere() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // S1 (Lyon): customers all 5 (index 100.0, NPS 100); four employees, too few to show.
    // S2 (Athens): customers all 2 (index 25.0, NPS -100); no employee answered.
    let customer = format!(
        "{} UNION ALL {}",
        customers("S1", "T1", 5, 10, "Merci pour tout", "Léa"),
        customers("S2", "T2", 2, 2, "Κακή εξυπηρέτηση", "Νίκος")
    );
    let items = ["4", "4", "4", "4", "4", "4", "4", "4", "4", "4", "4", "3"];
    let employee: Vec<String> = (1..=4)
        .map(|i| {
            employee_row(
                &format!("E{i}"),
                "S1",
                "T1",
                "2026-10-05 09:00:00",
                items,
                ["4", "4", "3"],
            )
        })
        .collect();
    fixture(&data, &customer, &employee.join(" UNION ALL "));
    let out = dir.path().join("out");
    for job in ["site-scorecards", "executive-monthly"] {
        run(&data, &out, job, "2026-10");
    }
    let folder = out.join("site-scorecards/2026-10");
    let lyon =
        pdf_text(&folder.join("site-S1.pdf")) + &emails_to(&out.join("outbox"), "lea@example.fr");
    let athens =
        pdf_text(&folder.join("site-S2.pdf")) + &emails_to(&out.join("outbox"), "nikos@example.gr");
    // each reader's own figures are there, with the company's (62.5 = the mean of both)
    assert!(
        lyon.contains("Boutique Lyon") && lyon.contains("100,0") && lyon.contains("62,5"),
        "{lyon}"
    );
    assert!(
        athens.contains("Κατάστημα Αθήνα") && athens.contains("25,0") && athens.contains("62,5"),
        "{athens}"
    );
    assert!(lyon.contains("Merci pour tout") && lyon.contains("Léa"));
    // and nothing of the other site: its name, index, NPS, comment or praised colleague
    for other in ["Αθήνα", "25,0", "25.0", "-100,0", "Κακή", "Νίκος"] {
        assert!(!has_word(&lyon, other), "Lyon's briefing shows `{other}`");
    }
    for other in ["Lyon", "100,0", "100.0", "Merci", "Léa"] {
        assert!(
            !has_word(&athens, other),
            "Athens' briefing shows `{other}`"
        );
    }
    // Four employees answered at Lyon: index 72.9 and element indices 75.0 stay hidden in
    // every output of every job.
    let mut everything = lyon.clone();
    for folder in [
        out.join("site-scorecards/2026-10"),
        out.join("executive-monthly/2026-10"),
    ] {
        for path in pdfs(&folder) {
            everything.push_str(&pdf_text(&path));
        }
        // CSV fields are separated by commas: read them as words
        everything.push_str(
            &std::fs::read_to_string(folder.join("sites.csv"))
                .unwrap()
                .replace(',', " "),
        );
    }
    assert!(
        lyon.contains("4 réponses"),
        "the count may be shown: {lyon}"
    );
    for hidden in ["72,9", "72.9", "75,0", "75.0"] {
        assert!(
            !has_word(&everything, hidden),
            "a suppressed employee figure appears: {hidden}"
        );
    }
}

#[test]
fn a_template_error_names_the_file_and_line_and_sends_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    demo(&data);
    let reports = dir.path().join("reports");
    let copy = std::process::Command::new("cp")
        .arg("-r")
        .arg(repo().join("reports"))
        .arg(&reports)
        .status()
        .unwrap();
    assert!(copy.success());
    let template = reports.join("manager/briefing.tera");
    let text = std::fs::read_to_string(&template).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines[6] = "{{ figures.site.ce_indx }}";
    std::fs::write(&template, lines.join("\n")).unwrap();
    let config = std::fs::read_to_string(repo().join("config/xbrief.yaml"))
        .unwrap()
        .replace(
            "reports: reports",
            &format!("reports: {}", reports.display()),
        );
    let config_path = dir.path().join("xbrief.yaml");
    std::fs::write(&config_path, config).unwrap();
    let out = dir.path().join("out");
    let output = xbrief(&[
        "--config",
        &config_path.to_string_lossy(),
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
    assert!(message.contains("manager/briefing.tera"), "{message}");
    assert!(message.contains(":7:"), "line 7 named: {message}");
    assert!(message.contains("ce_indx"), "{message}");
    assert!(!out.join("outbox").exists(), "nothing was sent");
    assert!(
        !out.join("site-scorecards/2026-10").exists(),
        "no partial run folder"
    );
}

#[test]
fn a_november_briefing_shows_octobers_employee_wave_and_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    demo_exports(
        &data,
        Demo {
            sites: 12,
            months: 3,
            per_month: "40-60",
            seed: "3",
            until: "2026-11",
        },
    );
    let out = dir.path().join("out");
    run(&data, &out, "executive-monthly", "2026-11");
    let folder = out.join("executive-monthly/2026-11");
    let text = pdf_text(&folder.join("executive.pdf"));
    // the employee tile, the quadrant and the regions read October's wave
    assert_eq!(
        text.matches("Employee survey: October – November 2026")
            .count(),
        2,
        "{text}"
    );
    let sites = site_rows(&folder);
    let mut reader = csv::Reader::from_path(folder.join("sites.csv")).unwrap();
    let header = reader.headers().unwrap().clone();
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), sites.len());
    assert!(
        rows.iter()
            .all(|r| &r[column("ee_window_start")] == "2026-10-01"
                && &r[column("ee_window_end")] == "2026-11-30")
    );
    let placed = rows
        .iter()
        .filter(|r| !r[column("quadrant")].is_empty())
        .count();
    assert!(
        placed >= 6,
        "{placed} of {} sites in the quadrant",
        rows.len()
    );
}
