//! The differencing check: over every output of a run (each PDF's text, each email body,
//! every CSV), no employee figure of a group under 5 is shown, and none can be worked out by
//! subtracting the parts shown from a total shown. A group's figure counts as shown when its
//! value, as any output prints it, appears anywhere in the run's outputs; every
//! respondent's answers are chosen so that each group's value is its own.

mod common;

use common::*;
use std::path::{Path, PathBuf};

/// A group of the org chart and its employee respondents.
struct Group {
    name: &'static str,
    parent: Option<&'static str>,
    /// Per respondent: e01…e12 and amb1…amb3.
    answers: Vec<([i64; 12], [i64; 3])>,
}

/// Company → regions → sites → teams, with the responses that belong to no team of a site
/// as one unnamed part. Under 5: T2 (2), S2 = T3 (3), S3's unassigned (2), Est = S4 = T6 (4).
/// Each team answers around levels of its own (items `level` or `level + 1`, the
/// ambassador items likewise), drawn from a fixed pseudo-random sequence (a 64-bit LCG,
/// seed 35173), picked so that no group's ee_index or ambassador_index prints the same as
/// any figure of a group of other respondents, and none is a round number.
fn org() -> Vec<Group> {
    let mut state: u64 = 35173;
    let mut next = move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) as i64
    };
    let mut group = |name, parent, n: i64, level: i64, amb: i64| Group {
        name,
        parent,
        answers: (0..n)
            .map(|_| {
                let items = std::array::from_fn(|_| level + next() % 2);
                let ambassador = std::array::from_fn(|_| amb + next() % 2);
                (items, ambassador)
            })
            .collect(),
    };
    let teams = vec![
        group("T1", Some("S1"), 6, 1, 3),
        group("T2", Some("S1"), 2, 4, 1),
        group("T3", Some("S2"), 3, 2, 4),
        group("T4", Some("S3"), 7, 3, 2),
        group("T5", Some("S3"), 7, 1, 4),
        group("S3 unassigned", Some("S3"), 2, 4, 3),
        group("T6", Some("S4"), 4, 2, 1),
        group("T7", Some("S5"), 9, 3, 2),
        group("T8", Some("S5"), 6, 2, 3),
    ];
    let parents = [
        ("S1", "Sud"),
        ("S2", "Sud"),
        ("S3", "Nord"),
        ("S4", "Est"),
        ("S5", "Ouest"),
        ("Sud", "company"),
        ("Nord", "company"),
        ("Est", "company"),
        ("Ouest", "company"),
    ];
    let mut groups = teams;
    for (name, parent) in parents.into_iter().chain([("company", "")]) {
        let answers = groups
            .iter()
            .filter(|g| g.parent == Some(name))
            .flat_map(|g| g.answers.clone())
            .collect();
        let parent = (!parent.is_empty()).then_some(parent);
        groups.push(Group {
            name,
            parent,
            answers,
        });
    }
    groups
}

fn site_of(team: &str) -> &'static str {
    match team {
        "T1" | "T2" => "S1",
        "T3" => "S2",
        "T4" | "T5" | "S3 unassigned" => "S3",
        "T6" => "S4",
        _ => "S5",
    }
}

/// A Parquet file of `rows` (SQL tuples) under `columns`.
fn table(path: &Path, rows: &[String], columns: &str) {
    let select = format!("SELECT * FROM (VALUES {}) t({columns})", rows.join(", "));
    parquet(path, &select);
}

/// The exports: ten identical, fully engaged customers per site (their figures are round),
/// and the employees of `org()`, all on 2026-10-05.
fn exports(data: &Path) {
    let sites = ["S1", "S2", "S3", "S4", "S5"];
    let regions = ["Sud", "Sud", "Nord", "Est", "Ouest"];
    let rows: Vec<String> = sites
        .iter()
        .zip(regions)
        .map(|(s, r)| {
            format!(
                "('{s}', 'Site {s}', '{r}', 'FR', 'fr', 'M{s}', 'Manager {s}', 'manager.{s}@example.fr', NULL::DOUBLE, true)"
            )
        })
        .collect();
    table(
        &data.join("sites.parquet"),
        &rows,
        "site_id, site_name, region, country, locale, manager_id, manager_name, manager_email, bonus_target, active",
    );
    let org = org();
    let teams: Vec<String> = org
        .iter()
        .filter(|g| g.name.starts_with('T'))
        .map(|g| {
            let site = site_of(g.name);
            format!(
                "('{}', '{site}', 'Team {}', 'Lead {}', 'lead.{}@example.fr', 10)",
                g.name, g.name, g.name, g.name
            )
        })
        .collect();
    table(
        &data.join("teams.parquet"),
        &teams,
        "team_id, site_id, team_name, lead_name, lead_email, headcount",
    );
    let financials: Vec<String> = sites
        .iter()
        .map(|s| format!("('{s}', DATE '2026-10-01', 1000.0, 1000.0, 20::BIGINT, 300.0)"))
        .collect();
    table(
        &data.join("financials.parquet"),
        &financials,
        "site_id, month, revenue, budget, transactions, gross_margin",
    );
    let customers: Vec<String> = sites
        .iter()
        .flat_map(|site| {
            let team = org
                .iter()
                .find(|g| g.name.starts_with('T') && site_of(g.name) == *site)
                .unwrap()
                .name;
            (0..10).map(move |i| {
                format!(
                    "SELECT 'C-{site}-{i}' AS response_id, '{site}' AS site_id, '{team}' AS team_id,
                     TIMESTAMP '2026-10-06 10:00:00' AS responded_at, 'store' AS touchpoint,
                     'system' AS invited_by, 5::SMALLINT AS sat, 5::SMALLINT AS recommend,
                     5::SMALLINT AS repurchase, 5::SMALLINT AS conf1, 5::SMALLINT AS conf2,
                     5::SMALLINT AS integ1, 5::SMALLINT AS integ2, 5::SMALLINT AS pride1,
                     5::SMALLINT AS pride2, 5::SMALLINT AS pass1, 5::SMALLINT AS pass2,
                     10::SMALLINT AS ltr, NULL::VARCHAR AS root_cause,
                     NULL::VARCHAR AS employee_praised, NULL::VARCHAR AS comment"
                )
            })
        })
        .collect();
    parquet(
        &data.join("customer_responses/part-1.parquet"),
        &customers.join(" UNION ALL "),
    );
    let employees: Vec<String> = org
        .iter()
        .filter(|g| g.name.starts_with('T') || g.name.ends_with("unassigned"))
        .flat_map(|g| {
            let team = if g.name.starts_with('T') {
                format!("'{}'", g.name)
            } else {
                "NULL".to_string()
            };
            g.answers.iter().enumerate().map(move |(i, (items, amb))| {
                let items: Vec<String> = items
                    .iter()
                    .enumerate()
                    .map(|(item, answer)| format!("{answer}::SMALLINT AS e{:02}", item + 1))
                    .collect();
                format!(
                    "SELECT 'E-{}-{i}' AS response_id, '{}' AS site_id, {team}::VARCHAR AS team_id,
                     TIMESTAMP '2026-10-05 09:00:00' AS responded_at, {},
                     {}::SMALLINT AS amb1, {}::SMALLINT AS amb2, {}::SMALLINT AS amb3",
                    g.name.replace(' ', "-"),
                    site_of(g.name),
                    items.join(", "),
                    amb[0],
                    amb[1],
                    amb[2]
                )
            })
        })
        .collect();
    parquet(
        &data.join("employee_responses/part-1.parquet"),
        &employees.join(" UNION ALL "),
    );
}

/// `numerator / denominator` rounded half away from zero to `decimals`, with `.`.
fn rounded(numerator: i64, denominator: i64, decimals: u32) -> String {
    let scale = 10i64.pow(decimals);
    let scaled = (2 * numerator * scale + denominator) / (2 * denominator);
    let (whole, fraction) = (scaled / scale, scaled % scale);
    if decimals == 0 {
        whole.to_string()
    } else {
        format!("{whole}.{fraction:0width$}", width = decimals as usize)
    }
}

impl Group {
    fn n(&self) -> i64 {
        self.answers.len() as i64
    }

    /// ee_index = 25 × (mean of the respondent means − 1) and ambassador_index likewise
    /// (metrics.md §2), as exact fractions (numerator, denominator).
    fn figures(&self) -> [(i64, i64); 2] {
        let n = self.n();
        let items: i64 = self.answers.iter().map(|a| a.0.iter().sum::<i64>()).sum();
        let amb: i64 = self.answers.iter().map(|a| a.1.iter().sum::<i64>()).sum();
        [(25 * items - 300 * n, 12 * n), (25 * amb - 75 * n, 3 * n)]
    }

    /// Every way an output prints one of the group's figures: one decimal (either
    /// separator) in the briefings, four in sites.csv.
    fn printed(&self) -> Vec<String> {
        self.figures()
            .iter()
            .flat_map(|&(num, den)| {
                let one = rounded(num, den, 1);
                [one.replace('.', ","), one, rounded(num, den, 4)]
            })
            .collect()
    }
}

/// Whether `number` stands in `text` as a number of its own (no digit glued to it).
fn shows(text: &str, number: &str) -> bool {
    text.match_indices(number).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + number.len()..].chars().next();
        let digit = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit());
        let joined = |c: Option<char>| matches!(c, Some('.' | ','));
        // `1.81.3` or `81.3,5` is another number
        let glued_before = joined(before) && digit(text[..at].chars().rev().nth(1));
        let glued_after = joined(after) && digit(text[at + number.len()..].chars().nth(1));
        !(digit(before) || digit(after) || glued_before || glued_after)
    })
}

/// Every output of one run: PDF texts, email text and HTML bodies, CSVs.
fn outputs(out: &Path, job: &str, period: &str) -> String {
    let folder = out.join(job).join(period);
    let mut all = String::new();
    let files: Vec<PathBuf> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    for path in files {
        match path.extension().and_then(|e| e.to_str()) {
            Some("pdf") => all.push_str(&pdf_text(&path)),
            Some("csv") => all.push_str(&std::fs::read_to_string(&path).unwrap()),
            _ => {}
        }
        all.push('\n');
    }
    for mail in std::fs::read_dir(out.join("outbox")).unwrap() {
        let bytes = std::fs::read(mail.unwrap().path()).unwrap();
        let parsed = mailparse::parse_mail(&bytes).unwrap();
        let mut parts = vec![&parsed];
        while let Some(part) = parts.pop() {
            parts.extend(part.subparts.iter());
            if part.ctype.mimetype.starts_with("text/") {
                all.push_str(&part.get_body().unwrap());
                all.push('\n');
            }
        }
    }
    all
}

/// What the check found wrong in one run's outputs.
fn leaks(org: &[Group], text: &str) -> Vec<String> {
    let shown = |g: &Group| g.printed().iter().any(|p| shows(text, p));
    let mut leaks = Vec::new();
    for group in org.iter().filter(|g| g.n() > 0 && g.n() < 5) {
        if shown(group) {
            leaks.push(format!("{} ({} responses) is shown", group.name, group.n()));
        }
    }
    for total in org.iter().filter(|g| shown(g)) {
        let hidden: Vec<&Group> = org
            .iter()
            .filter(|g| g.parent == Some(total.name) && g.n() > 0 && !shown(g))
            .collect();
        let n: i64 = hidden.iter().map(|g| g.n()).sum();
        if n > 0 && n < 5 {
            let names: Vec<&str> = hidden.iter().map(|g| g.name).collect();
            leaks.push(format!(
                "{} is shown with its parts but {names:?}: {n} responses follow by subtraction",
                total.name
            ));
        }
    }
    leaks
}

#[test]
fn no_employee_figure_of_a_group_under_five_follows_from_what_a_run_shows() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    exports(&data);
    let org = org();
    // the check can see: the large groups' figures are in the outputs
    let mut seen_anywhere = std::collections::BTreeSet::new();
    for (job, period) in [
        ("executive-monthly", "2026-10"),
        ("site-scorecards", "2026-10"),
        ("frontline-weekly", "2026-W41"),
    ] {
        let out = dir.path().join(job);
        let output = run_job(&data, &out, job, period, &[]);
        assert!(output.status.success(), "{job}: {}", stderr(&output));
        let text = outputs(&out, job, period);
        assert_eq!(leaks(&org, &text), Vec::<String>::new(), "{job}");
        for group in &org {
            if group.printed().iter().any(|p| shows(&text, p)) {
                seen_anywhere.insert(group.name);
            }
        }
    }
    for group in ["company", "Ouest", "S5", "T7", "T8", "T5"] {
        assert!(seen_anywhere.contains(group), "{group}: {seen_anywhere:?}");
    }
}

#[test]
fn the_check_finds_a_part_given_away_by_subtraction() {
    let org = org();
    let by_name = |name: &str| org.iter().find(|g| g.name == name).unwrap();
    // S1 and its team T1 shown: T2's two responses follow
    let text = format!(
        "{} {}",
        by_name("S1").printed()[1],
        by_name("T1").printed()[1]
    );
    assert_eq!(
        leaks(&org, &text),
        ["S1 is shown with its parts but [\"T2\"]: 2 responses follow by subtraction"]
    );
    assert!(shows("index 81.3 today", "81.3") && !shows("181.35", "81.3"));
}
