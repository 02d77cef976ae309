//! `xbrief validate`: the config, the templates, the message catalogs, the queries and the
//! data checked together, every problem reported at once with its place.
//!
//! - The config: its shape against the JSON Schema (unknown keys, types, missing keys),
//!   then its values (time zones, cron, addresses, scorecard policy).
//! - The templates: each file's syntax on its own, so one broken file hides no other.
//! - The queries' syntax: each file parsed on its own.
//! - The data and the queries: the exports are opened and every query runs, for each
//!   period kind the jobs report, exactly as a run would; the addresses the data brings
//!   (managers, team leads) meet the allowed domains.
//! - The templates again, rendered against the contexts those figures give: each template
//!   in every language, with and without the incomplete-data banner, so an undefined
//!   variable or a missing message is found before a run meets it.

mod from_errors;
mod problem;
mod sql;

use from_errors::{catalog_problem, engine_problem, render_problem, run_problem};

pub use problem::Problem;

use crate::config::{Audience, Config, Job, LoadError, RecipientProblem};
use crate::data::ExportName;
use crate::deliver::Delivered;
use crate::period::Period;
use crate::render::pdf::PageFrame;
use crate::render::{Renderer, check_templates};
use crate::report::{self, Catalogs, Contexts};
use crate::run::{self, JobRun, RunOptions};
use chrono::Utc;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The template folders under `reports/`: one per audience, HR's message and the admins'
/// delivery notice.
fn template_folders() -> Vec<&'static str> {
    let mut folders: Vec<&str> = Audience::ALL.iter().map(|a| a.as_str()).collect();
    folders.extend([report::HR_TEMPLATE, run::NOTICE_TEMPLATE]);
    folders
}

/// What was checked, for the closing line.
#[derive(Debug, Default)]
pub struct Checked {
    pub jobs: usize,
    pub template_files: usize,
    pub languages: usize,
    pub periods: Vec<String>,
    pub export_files: usize,
    pub renders: usize,
}

impl std::fmt::Display for Checked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} job(s), {} template files, {} languages, ",
            self.jobs, self.template_files, self.languages
        )?;
        if self.periods.is_empty() {
            write!(f, "no data read")
        } else {
            write!(
                f,
                "{} export files, queries for {}, {} renders",
                self.export_files,
                self.periods.join(", "),
                self.renders
            )
        }
    }
}

#[derive(Debug, Default)]
pub struct Validation {
    pub problems: Vec<Problem>,
    pub checked: Checked,
}

/// How far to check: everything, or the files alone (no data read, templates checked for
/// syntax only) for a quick check on save.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    Everything,
    FilesOnly,
}

pub fn validate(config_path: &Path, depth: Depth) -> Validation {
    let mut found = Validation::default();
    let config = match Config::load(config_path) {
        Ok(config) => {
            found
                .problems
                .extend(config.warnings.iter().map(|w| Problem {
                    file: w.file.clone(),
                    at: Some((w.line, w.column)),
                    message: w.message.clone(),
                    help: w.help.clone(),
                }));
            Some(config)
        }
        Err(LoadError::Invalid(errors)) => {
            found.problems.extend(errors.into_iter().map(|e| Problem {
                file: e.file,
                at: Some((e.line, e.column)),
                message: e.message,
                help: e.help,
            }));
            None
        }
        Err(error @ LoadError::Read { .. }) => {
            found
                .problems
                .push(Problem::in_file(config_path, error.to_string()));
            None
        }
    };
    // Without a valid config, the templates are still checked where it would find them.
    let reports = config
        .as_ref()
        .map_or_else(|| PathBuf::from("reports"), |c| c.paths.reports.clone());
    let folders = template_folders();
    let syntax = check_templates(&reports, &folders);
    found.checked.template_files = folders.len() * 3;
    let templates_parse = syntax.is_empty();
    found
        .problems
        .extend(syntax.into_iter().map(|e| render_problem(&e)));
    let language = config.as_ref().map_or("en", |c| c.language.as_str());
    let catalogs = match Catalogs::load(&reports.join("i18n"), language) {
        Ok(catalogs) => Some(catalogs),
        Err(error) => {
            found.problems.push(catalog_problem(&error));
            None
        }
    };
    let queries = config
        .as_ref()
        .map_or_else(|| PathBuf::from("queries"), |c| c.paths.queries.clone());
    match crate::data::engine::syntax_errors(&queries) {
        Ok(errors) => found.problems.extend(
            errors
                .iter()
                .map(|(path, detail)| sql::problem(path, detail)),
        ),
        Err(error) => found.problems.extend(engine_problem(&error)),
    }
    if let (Some(config), Some(catalogs)) = (&config, &catalogs) {
        found.checked.jobs = config.jobs.len();
        found.checked.languages = catalogs.languages().count();
        if depth == Depth::Everything {
            check_runs(config, catalogs, templates_parse, &mut found);
        }
    }
    found.problems.sort();
    found.problems.dedup();
    found
}

/// Runs the query stage once per period kind and zone the jobs use, then renders every
/// template against the figures.
fn check_runs(config: &Config, catalogs: &Catalogs, render: bool, found: &mut Validation) {
    let renderer = match render.then(|| {
        Renderer::load(
            &config.paths.reports,
            &template_folders(),
            run::page(config),
        )
    }) {
        Some(Ok(renderer)) => Some(renderer),
        Some(Err(error)) => {
            found.problems.push(render_problem(&error));
            None
        }
        None => None,
    };
    let mut groups: Vec<(&Job, Vec<&Job>)> = Vec::new();
    for job in config.jobs.values() {
        match groups.iter_mut().find(|(first, _)| {
            first.period_kind == job.period_kind && first.timezone == job.timezone
        }) {
            Some((_, jobs)) => jobs.push(job),
            None => groups.push((job, vec![job])),
        }
    }
    let mut rendered: BTreeSet<(&str, String)> = BTreeSet::new();
    // a template problem, and the languages it showed in
    let mut failed: BTreeMap<Problem, Vec<String>> = BTreeMap::new();
    let options = RunOptions::for_period(None);
    for (first, jobs) in groups {
        let run = JobRun::new(config, first, &options, Utc::now());
        let period = run.period;
        let (exports, figures) = match run.figures() {
            Ok(done) => done,
            Err(error) => {
                // the same data and queries fail the same way for every period
                found.problems.push(run_problem(config, &error));
                break;
            }
        };
        found.checked.export_files = exports.files.len();
        found.checked.periods.push(period.to_string());
        let frame = PageFrame {
            title: String::new(),
            period: period.to_string(),
            generated: String::new(),
            footer: String::new(),
        };
        let contexts = |data_incomplete| Contexts {
            figures: &figures,
            catalogs,
            privacy: run.privacy(),
            data_incomplete,
        };
        for job in jobs {
            let briefings = report::plan(job, &figures, catalogs, &config.language);
            found
                .problems
                .extend(recipient_problems(config, job, &briefings, &exports));
            let Some(renderer) = &renderer else {
                continue;
            };
            // each template once per language, with and without the incomplete-data banner
            for briefing in &briefings {
                for (locale, _) in catalogs.languages() {
                    if !rendered.insert((briefing.template, locale.clone())) {
                        continue;
                    }
                    let briefing = report::Briefing {
                        locale: locale.clone(),
                        ..briefing.clone()
                    };
                    for data_incomplete in [false, true] {
                        let context = contexts(data_incomplete).of(&briefing);
                        found.checked.renders += 1;
                        if let Err(error) =
                            renderer.render(briefing.template, &context, frame.clone(), false)
                        {
                            let languages = failed.entry(render_problem(&error)).or_default();
                            if !languages.contains(locale) {
                                languages.push(locale.clone());
                            }
                        }
                    }
                }
            }
        }
    }
    let languages = catalogs.languages().count();
    found
        .problems
        .extend(failed.into_iter().map(|(problem, shown_in)| Problem {
            help: Some(if shown_in.len() == languages {
                "in every language".to_string()
            } else {
                format!(
                    "only in {}: compare its catalog with the others in i18n/",
                    shown_in
                        .iter()
                        .map(|l| format!("`{l}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }),
            ..problem
        }));
    if let Some(renderer) = &renderer {
        let sample = Delivered {
            sent: 41,
            failed: vec![("someone@example.com".into(), "550 no such user".into())],
            pending: vec![("other@example.com".into(), "451 try again later".into())],
            ..Delivered::default()
        };
        let period =
            Period::last_complete(crate::period::PeriodKind::Month, Utc::now().date_naive());
        let context = run::notice_context("a-job", period, "a-run-id", &sample);
        found.checked.renders += 1;
        let frame = PageFrame {
            title: String::new(),
            period: String::new(),
            generated: String::new(),
            footer: String::new(),
        };
        if let Err(error) = renderer.render(run::NOTICE_TEMPLATE, &context, frame, false) {
            found.problems.push(render_problem(&error));
        }
    }
}

/// The addresses that come from the data (managers, team leads) meet the same rule as the
/// config's: one outside the allowed domains refuses the whole run, one that does not
/// parse fails its recipient.
fn recipient_problems(
    config: &Config,
    job: &Job,
    briefings: &[report::Briefing],
    exports: &crate::data::Exports,
) -> Vec<Problem> {
    let source = match job.audience {
        Audience::Frontline => ExportName::Teams,
        _ => ExportName::Sites,
    };
    let file = exports
        .files
        .iter()
        .find(|f| f.export == source)
        .map_or_else(|| config.path.clone(), |f| PathBuf::from(&f.source.name));
    let mut problems = Vec::new();
    let outside = run::recipients_with(config, briefings, RecipientProblem::OutsideAllowedDomains);
    if !outside.is_empty() {
        problems.push(Problem::in_file(
            &file,
            format!(
                "job {}: recipients outside delivery.allowed_domains ({}) or not valid addresses: {}; a run would send nothing",
                job.name,
                config.delivery.allowed_domains,
                outside.join(", ")
            ),
        ));
    }
    let invalid = run::recipients_with(config, briefings, RecipientProblem::NotAnAddress);
    if !invalid.is_empty() {
        problems.push(Problem::in_file(
            &file,
            format!(
                "job {}: not valid email addresses: {}; a run would fail these recipients and send the others",
                job.name,
                invalid.join(", ")
            ),
        ));
    }
    problems
}
