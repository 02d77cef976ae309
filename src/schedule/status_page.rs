//! `/`: the status page, server-rendered HTML without JavaScript, for the person on call:
//! each job with its schedule in words, its last run, next fire and hold, and the recent
//! failures with their stage, class and next step. Counts only: no recipient, no figure.

use super::snapshot::Snapshot;
use crate::run::failure::FailureClass;
use serde::Serialize;

const TEMPLATE: &str = include_str!("status.html");

#[derive(Serialize)]
struct Page {
    version: &'static str,
    generated: String,
    config: String,
    reload_ok: bool,
    jobs: Vec<JobRow>,
    failures: Vec<FailureRow>,
    looked_at: usize,
    freshness: Vec<Freshness>,
}

#[derive(Serialize)]
struct Freshness {
    export: String,
    newest: String,
}

#[derive(Serialize)]
struct JobRow {
    name: String,
    audience: String,
    period: String,
    schedule: String,
    cron: String,
    zone: String,
    next_fire: Option<String>,
    last: Option<LastRun>,
    pause: Option<PauseRow>,
}

#[derive(Serialize)]
struct LastRun {
    outcome: String,
    period: String,
    when: String,
    sent: u32,
    failed: u32,
    skipped: u32,
}

#[derive(Serialize)]
struct PauseRow {
    reason: String,
    by: String,
    since: String,
    until: Option<String>,
}

#[derive(Serialize)]
struct FailureRow {
    when: String,
    job: String,
    period: String,
    stage: String,
    class: String,
    error: String,
    next_step: String,
}

pub fn render(snapshot: &Snapshot) -> Result<String, tera::Error> {
    let last_runs = snapshot.last_runs();
    let jobs = snapshot
        .jobs
        .iter()
        .filter_map(|job| {
            let config = snapshot.config.job(&job.name)?;
            Some(JobRow {
                name: job.name.clone(),
                audience: format!("{:?}", config.audience).to_lowercase(),
                period: format!("{:?}", config.period_kind).to_lowercase(),
                schedule: config.schedule.cron.describe(),
                cron: config.schedule.text.clone(),
                zone: config.timezone.name().to_string(),
                next_fire: job.next_fire.map(|at| {
                    format!(
                        "{} ({})",
                        at.with_timezone(&config.timezone)
                            .format("%Y-%m-%d %H:%M %Z"),
                        at.format("%H:%M UTC")
                    )
                }),
                last: last_runs.get(job.name.as_str()).map(|run| LastRun {
                    outcome: run.status.clone(),
                    period: run.period.clone(),
                    when: run
                        .finished_at
                        .clone()
                        .unwrap_or_else(|| run.started_at.clone()),
                    sent: run.sent,
                    failed: run.failed,
                    skipped: run.skipped,
                }),
                pause: job.pause.as_ref().map(|p| PauseRow {
                    reason: p.reason.clone(),
                    by: p.paused_by.clone(),
                    since: p.paused_at.clone(),
                    until: p.until.map(|t| t.to_rfc3339()),
                }),
            })
        })
        .collect();
    let failures = snapshot
        .recent
        .iter()
        .filter(|run| run.status == "failed")
        .map(|run| {
            let class = run.error_class.as_deref().and_then(FailureClass::parse);
            FailureRow {
                when: run.finished_at.clone().unwrap_or_default(),
                job: run.job.clone(),
                period: run.period.clone(),
                stage: run.stage.clone().unwrap_or_default(),
                class: run.error_class.clone().unwrap_or_default(),
                error: without_addresses(run.error.as_deref().unwrap_or_default()),
                next_step: class
                    .map(|c| c.next_step(&run.job, &run.period))
                    .unwrap_or_default(),
            }
        })
        .collect();
    let page = Page {
        version: env!("CARGO_PKG_VERSION"),
        generated: snapshot.now.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
        config: snapshot.config.sha256.chars().take(12).collect(),
        reload_ok: snapshot.reload_ok,
        jobs,
        failures,
        looked_at: snapshot.recent.len(),
        freshness: snapshot
            .freshness
            .iter()
            .map(|(export, newest)| Freshness {
                export: export.clone(),
                newest: newest.clone(),
            })
            .collect(),
    };
    let context = tera::Context::from_serialize(&page)?;
    tera::Tera::one_off(TEMPLATE, &context, true)
}

/// An error's words with every email address replaced: the page shows no recipient.
fn without_addresses(text: &str) -> String {
    text.split_inclusive(|c: char| c.is_whitespace() || c == '`' || c == ',')
        .map(|piece| {
            let word = piece.trim_end_matches(|c: char| c.is_whitespace() || c == '`' || c == ',');
            let end = &piece[word.len()..];
            match word.split_once('@') {
                Some((local, domain)) if !local.is_empty() && domain.contains('.') => {
                    format!("[address]{end}")
                }
                _ => piece.to_string(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::without_addresses;

    #[test]
    fn errors_lose_their_addresses() {
        assert_eq!(
            without_addresses("recipients outside the domains: `a@gmail.com`, b@x.org and c"),
            "recipients outside the domains: `[address]`, [address] and c"
        );
        assert_eq!(without_addresses("SMTP 550 at host@"), "SMTP 550 at host@");
    }
}
