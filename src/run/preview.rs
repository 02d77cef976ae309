//! Looking without sending: one briefing rendered (`preview`), or the list of all of them
//! (`run --dry-run`).

use super::*;

/// The briefings a run would produce, computed from the data; nothing is written or sent.
pub fn dry_run(
    config: &Config,
    job: &Job,
    options: &RunOptions,
) -> Result<(Period, Vec<report::Briefing>), RunError> {
    let today = Utc::now().with_timezone(&job.timezone).date_naive();
    let period = options
        .period
        .unwrap_or_else(|| Period::last_complete(job.period_kind, today));
    // the same figures as the run: the teams of the fan-out come with the detail
    let (_, figures) = compute_figures(config, job, options, period)?;
    let reports = Path::new(&config.file.paths.reports);
    let catalogs = Catalogs::load(&reports.join("i18n"), &config.file.language.value)?;
    Ok((
        period,
        report::plan(job, &figures, &catalogs, &config.file.language.value),
    ))
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
/// by one of its recipients.
#[derive(Debug, Clone, Copy)]
pub enum Pick<'a> {
    Scope(Option<&'a str>),
    Recipient(&'a str),
}

/// Renders one briefing of `job`, picked by scope or recipient, without writing or sending.
pub fn preview(
    config: &Config,
    job: &Job,
    options: &RunOptions,
    pick: Pick,
) -> Result<Preview, RunError> {
    let period = options.period.unwrap_or_else(|| {
        Period::last_complete(
            job.period_kind,
            Utc::now().with_timezone(&job.timezone).date_naive(),
        )
    });
    let (_, figures) = compute_figures(config, job, options, period)?;
    let reports = Path::new(&config.file.paths.reports);
    let catalogs = Catalogs::load(&reports.join("i18n"), &config.file.language.value)?;
    let briefings = report::plan(job, &figures, &catalogs, &config.file.language.value);
    let contexts = report::Contexts {
        figures: &figures,
        catalogs: &catalogs,
        privacy: privacy(config),
        data_incomplete: options.data_incomplete,
    };
    let known: Vec<&str> = briefings
        .iter()
        .filter(|b| b.with_pdf)
        .map(|b| b.scope.as_str())
        .collect();
    let briefing = briefings
        .iter()
        .filter(|b| b.with_pdf || matches!(pick, Pick::Recipient(_)))
        .find(|b| match pick {
            Pick::Scope(scope) => scope.is_none_or(|s| b.scope == s),
            Pick::Recipient(to) => b.recipients.iter().any(|r| r.eq_ignore_ascii_case(to)),
        })
        .ok_or_else(|| RunError::Scope {
            job: job.name.clone(),
            scope: match pick {
                Pick::Scope(scope) => scope.unwrap_or("any").to_string(),
                Pick::Recipient(to) => to.to_string(),
            },
            known: known.iter().take(8).copied().collect::<Vec<_>>().join(", "),
        })?;
    let renderer = Renderer::load(reports, &[briefing.template], page(config))?;
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
