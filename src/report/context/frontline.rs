//! The frontline briefing's context: one team's score, its recognition, one focus, and
//! its engagement where the privacy rule allows.

use super::Common;
use super::rows::{Priority, hidden_teams, num};
use crate::metrics::change::Changes;
use crate::metrics::employee::Privacy;
use crate::metrics::{Figures, SiteFigures, TeamFigures};
use crate::plot::{Plot, Series};
use crate::report::catalog::Catalog;
use crate::report::writer::{Change, CommentText, Praise, Writer};
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct FrontlineContext<'a> {
    #[serde(flatten)]
    pub common: Common<'a>,
    pub site: FrontlineSite,
    pub team: TeamHeader,
    pub ce_index: String,
    pub ce_index_before: String,
    pub ce_change: Change,
    pub ce_n: String,
    pub focus: Option<Focus>,
    pub praised: Vec<Praise>,
    pub comments: Vec<CommentText>,
    /// `None` when the privacy rule hides it.
    pub ee_index: Option<String>,
    pub charts: FrontlineCharts,
}

#[derive(Debug, Serialize)]
pub struct FrontlineSite {
    pub id: String,
    pub name: String,
    pub ce_index: String,
}

#[derive(Debug, Serialize)]
pub struct TeamHeader {
    pub id: String,
    pub name: String,
    pub lead: String,
}

/// The team's priority dimension (metrics.md §11), against the company, and whose key
/// drivers chose it.
#[derive(Debug, Serialize)]
pub struct Focus {
    pub name: &'static str,
    pub team: String,
    pub company: String,
    pub source: &'static str,
    pub region: String,
}

#[derive(Debug, Serialize)]
pub struct FrontlineCharts {
    pub score: Plot,
}

impl<'a> FrontlineContext<'a> {
    pub fn new(
        figures: &Figures,
        site: &SiteFigures,
        team: &TeamFigures,
        privacy: Privacy,
        common: Common<'a>,
        catalog: &'a Catalog,
    ) -> FrontlineContext<'a> {
        let w = Writer { catalog };
        let c = &team.customer;
        let priority = Priority::of(&w, figures, site, c);
        FrontlineContext {
            common,
            site: FrontlineSite {
                id: site.info.site_id.clone(),
                name: w.name(&site.info.site_name),
                ce_index: w.index(site.sums.customer.ce_index()),
            },
            team: TeamHeader {
                id: team.info.team_id.clone(),
                name: w.name(&team.info.team_name),
                lead: w.name(&team.info.lead_name),
            },
            ce_index: w.index(c.ce_index()),
            ce_index_before: w.index(team.customer_prev.ce_index()),
            ce_change: w.flagged_change(
                c.ce_index(),
                team.customer_prev.ce_index(),
                Some(Changes::of(c, &team.customer_prev, figures.min_n).ce_index),
            ),
            ce_n: w.count(c.ce_n),
            focus: priority.map(|p| Focus {
                name: p.name,
                team: w.index(c.dimension_index(p.dimension)),
                company: w.index(figures.company.customer.dimension_index(p.dimension)),
                source: p.source,
                region: p.region,
            }),
            praised: w.praised(&team.voices),
            comments: w.comments(&team.voices.positive),
            ee_index: privacy
                .ee_index(&team.employee)
                .filter(|_| {
                    !hidden_teams(figures, site, privacy).contains(&team.info.team_id.as_str())
                })
                .map(|r| w.figure(r.round_text(1))),
            charts: FrontlineCharts {
                score: Plot::Bars {
                    categories: vec![
                        w.format().period(&figures.previous),
                        w.format().period(&figures.period),
                    ],
                    series: vec![Series {
                        label: w.word("chart.team"),
                        values: vec![num(team.customer_prev.ce_index()), num(c.ce_index())],
                    }],
                },
            },
        }
    }
}
