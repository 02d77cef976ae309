//! Each stage's error, as a problem with its place: a template's line and column, a query's
//! spot, an export file, a catalog's line.

use super::problem::Problem;
use super::sql;
use crate::config::Config;
use crate::data::DataError;
use crate::data::engine::EngineError;
use crate::metrics::MetricsError;
use crate::render::RenderError;
use crate::report::CatalogError;
use crate::run::RunError;

pub(super) fn render_problem(error: &RenderError) -> Problem {
    match error {
        RenderError::Template {
            path, at: Some(at), ..
        } => Problem {
            file: path.clone(),
            at: Some((at.line as u64, at.column as u64)),
            message: at.message.clone(),
            help: (at.message == "Unexpected end of input").then(|| {
                "a block is not closed: each `{% if %}`, `{% for %}` or `{% block %}` needs its `{% endif %}`, `{% endfor %}` or `{% endblock %}`".to_string()
            }),
        },
        RenderError::Template { path, detail, .. } => Problem::in_file(path, detail.clone()),
        RenderError::Read { path, source } => Problem::in_file(
            path,
            format!(
                "cannot read this template: {source}; expected briefing.tera, email.txt and email.html in every folder of reports/"
            ),
        ),
    }
}

pub(super) fn catalog_problem(error: &CatalogError) -> Problem {
    match error {
        CatalogError::Read { path, .. } => Problem::in_file(path, error.to_string()),
        CatalogError::Parse {
            path,
            line,
            column,
            message,
        } => Problem {
            file: path.clone(),
            at: Some((*line, *column)),
            message: format!("YAML syntax: {message}"),
            help: None,
        },
        CatalogError::MissingDefault { dir, .. } => Problem::in_file(dir, error.to_string()),
    }
}

pub(super) fn engine_problem(error: &EngineError) -> Option<Problem> {
    match error {
        EngineError::Query { path, source } => Some(sql::problem(path, &source.to_string())),
        EngineError::File(missing) => Some(Problem::in_file(
            &missing.path,
            format!(
                "cannot read this query file, which a run executes: {}",
                missing.source
            ),
        )),
        EngineError::Open(_) => None,
    }
}

pub(super) fn run_problem(config: &Config, error: &RunError) -> Problem {
    let engine = match error {
        RunError::Data(DataError::Engine(e)) | RunError::Metrics(MetricsError::Engine(e)) => {
            engine_problem(e)
        }
        _ => None,
    };
    if let Some(problem) = engine {
        return problem;
    }
    match error {
        RunError::Data(DataError::MissingColumn {
            export,
            file,
            column,
        }) => Problem::in_file(
            file,
            format!("export {export}: required column `{column}` is missing"),
        ),
        RunError::Data(DataError::WrongType {
            export,
            file,
            column,
            found,
            expected,
        }) => Problem::in_file(
            file,
            format!("export {export}: column `{column}` has type {found}; expected {expected}"),
        ),
        RunError::Data(DataError::Unreadable {
            export,
            file,
            source,
        }) => Problem::in_file(
            file,
            format!("export {export}: not readable as Parquet: {source}"),
        ),
        RunError::Data(DataError::Empty { export, files }) => Problem::in_file(
            files,
            format!(
                "export {export} has no rows: expected at least one (an upstream export that failed?)"
            ),
        ),
        RunError::Data(DataError::NoFiles { pattern, .. }) => Problem {
            help: config.data.demo_if_missing.then(|| {
                "`xbrief run` generates the demo exports here (demo_if_missing: true)".to_string()
            }),
            ..Problem::in_file(pattern, error.to_string())
        },
        RunError::Data(DataError::BadPattern { pattern, .. }) => {
            Problem::in_file(pattern, error.to_string())
        }
        RunError::Render(e) => render_problem(e),
        RunError::Catalog(e) => catalog_problem(e),
        _ => Problem::in_file(&config.path, error.to_string()),
    }
}
