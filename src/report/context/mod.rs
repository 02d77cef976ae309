//! Template contexts: the contract between the figures and the report authors, one typed
//! struct per audience (each in its own file), built from the figures by its constructor.
//! A context only ever holds its own scope's figures and company or region aggregates,
//! privacy already applied, and its charts as typed plots.

mod drivers;
mod executive;
mod frontline;
mod hr;
mod manager;
mod rows;
mod scorecard;

pub use executive::ExecutiveContext;
pub use frontline::FrontlineContext;
pub use hr::HrContext;
pub use manager::ManagerContext;

use super::catalog::Catalog;
use crate::metrics::Figures;
use crate::period::PeriodKind;
use serde::Serialize;

/// What every context has: the period in the reader's words, the language, and the
/// catalog as `t`.
#[derive(Debug, Serialize)]
pub struct Common<'a> {
    pub language: &'a str,
    pub decimal: &'a str,
    pub t: &'a serde_json::Map<String, serde_json::Value>,
    pub period: String,
    pub period_kind: &'static str,
    pub period_label: String,
    pub period_start: String,
    pub period_end: String,
    pub previous_period: String,
    pub scorecard_period: String,
    /// The months of the employee window, which every employee figure but the scorecard's
    /// is over (metrics.md §2).
    pub employee_window: String,
    /// The data was not fresh by the runner's deadline: every briefing says so.
    pub data_incomplete: bool,
}

impl<'a> Common<'a> {
    pub fn new(
        figures: &Figures,
        language: &'a str,
        catalog: &'a Catalog,
        data_incomplete: bool,
    ) -> Common<'a> {
        let format = &catalog.format;
        Common {
            language,
            decimal: &format.decimal,
            t: &catalog.messages,
            period: figures.period.to_string(),
            period_kind: match figures.period.kind {
                PeriodKind::Week => "week",
                PeriodKind::Month => "month",
                PeriodKind::Quarter => "quarter",
            },
            period_label: format.period(&figures.period),
            period_start: format.date(figures.period.start),
            period_end: format.date(figures.period.last_day()),
            previous_period: format.period(&figures.previous),
            scorecard_period: format.period(&figures.scorecard_period),
            employee_window: {
                let window = figures.employee_window.current;
                format.month_span(window.start, window.last_day())
            },
            data_incomplete,
        }
    }
}

/// The context of one briefing, whichever its audience.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum BriefingContext<'a> {
    Executive(Box<ExecutiveContext<'a>>),
    Manager(Box<ManagerContext<'a>>),
    Frontline(Box<FrontlineContext<'a>>),
    Hr(Box<HrContext<'a>>),
}
