//! Looking without sending: one briefing rendered (`preview`), or the list of all of them
//! (`run --dry-run`).

use super::*;

/// The briefings a run would produce, computed from the data; nothing is written or sent.
pub fn dry_run(run: &JobRun) -> Result<Vec<report::Briefing>, RunError> {
    // the same figures as the run: the teams of the fan-out come with the detail
    let (_, figures) = run.figures()?;
    Ok(run.briefings(&figures, &run.catalogs()?))
}

/// One briefing rendered without sending or writing anything else.
pub struct Preview {
    pub period: Period,
    /// HR's message carries the run's scorecard.csv instead of a PDF.
    pub attach_scorecard_csv: bool,
    pub file_stem: String,
    pub scope: String,
    pub locale: String,
    pub recipients: Vec<String>,
    pub document: Vec<crate::render::markup::Block>,
    pub rendered: Rendered,
}

/// Which briefing of a job: by scope (`site:<id>`, `team:<id>`; the first when `None`) or
/// by one of its recipients (and the scope, for one who gets several).
#[derive(Debug, Clone, Copy)]
pub enum Pick<'a> {
    Scope(Option<&'a str>),
    Recipient(&'a str, Option<&'a str>),
}

/// Renders one briefing of `job`, picked by scope or recipient, without writing or sending.
pub fn preview(run: &JobRun, pick: Pick) -> Result<Preview, RunError> {
    let (config, job, period) = (run.config, run.job, run.period);
    let (_, figures) = run.figures()?;
    let catalogs = run.catalogs()?;
    let briefings = run.briefings(&figures, &catalogs);
    let contexts = report::Contexts {
        figures: &figures,
        catalogs: &catalogs,
        privacy: run.privacy(),
        data_incomplete: run.options.data_incomplete,
    };
    let known: Vec<&str> = briefings
        .iter()
        .filter(|b| b.with_pdf)
        .map(|b| b.scope.as_str())
        .collect();
    let picked: Vec<&report::Briefing> = briefings
        .iter()
        .filter(|b| b.with_pdf || matches!(pick, Pick::Recipient(..)))
        .filter(|b| match pick {
            Pick::Scope(scope) => scope.is_none_or(|s| b.scope == s),
            Pick::Recipient(to, scope) => {
                b.recipients.iter().any(|r| r.eq_ignore_ascii_case(to))
                    && scope.is_none_or(|s| b.scope == s)
            }
        })
        .collect();
    let briefing = match (pick, picked.as_slice()) {
        (_, []) => Err(RunError::Scope {
            job: job.name.clone(),
            scope: match pick {
                Pick::Scope(scope) => scope.unwrap_or("any").to_string(),
                Pick::Recipient(to, scope) => format!("{to} {}", scope.unwrap_or_default()),
            },
            known: known.iter().take(8).copied().collect::<Vec<_>>().join(", "),
        }),
        (Pick::Recipient(to, None), [_, _, ..]) => Err(RunError::Scopes {
            job: job.name.clone(),
            recipient: to.to_string(),
            scopes: picked
                .iter()
                .map(|b| b.scope.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        }),
        (_, [first, ..]) => Ok(*first),
    }?;
    let renderer = Renderer::load(&config.paths.reports, &[briefing.template], run.page())?;
    let frame = PageFrame {
        title: job.name.clone(),
        period: period.to_string(),
        generated: Utc::now().format("%Y-%m-%d %H:%M UTC").to_string(),
        footer: format!("preview · config {}", &config.sha256[..12]),
    };
    let context = contexts.of(briefing);
    Ok(Preview {
        period,
        file_stem: briefing.file_stem.clone(),
        scope: briefing.scope.clone(),
        locale: briefing.locale.clone(),
        recipients: briefing.recipients.clone(),
        document: renderer.document(briefing.template, &context)?,
        rendered: renderer.render(briefing.template, &context, frame, briefing.with_pdf)?,
        attach_scorecard_csv: briefing.attach_scorecard_csv,
    })
}
