//! The manager briefing's context: one site against its region, the company and the
//! previous period; its employees under the privacy rule; touchpoints, trend, the pay
//! scorecard and its customers' voices.

use super::Common;
use super::rows::{CustomerRow, Priority, Tile, TouchpointRow, hidden_teams, num};
use super::scorecard::{ScorecardSection, attainment_chart};
use crate::metrics::customer::Dimension;
use crate::metrics::employee::{Element, Privacy};
use crate::metrics::ratio::Ratio;
use crate::metrics::{Figures, SiteFigures, TeamFigures};
use crate::plot::{Plot, Series};
use crate::report::catalog::Catalog;
use crate::report::writer::{Change, CommentText, Praise, Writer};
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct ManagerContext<'a> {
    #[serde(flatten)]
    pub common: Common<'a>,
    pub site: SiteHeader,
    pub kpi: ManagerKpis,
    pub figures: FigureRows,
    pub percentile_rank: Option<String>,
    pub funnel_flag: &'static str,
    pub sustained_low: bool,
    pub dimensions: Vec<DimensionRow>,
    /// The site's highest-priority dimension and whose key drivers chose it (metrics.md §11).
    pub priority: Option<Priority>,
    pub ee_n: String,
    /// `None` when hidden by the privacy rule.
    pub ee_index: Option<String>,
    pub participation: Option<String>,
    pub elements: Vec<ElementRow>,
    pub teams: Vec<TeamRow>,
    pub touchpoints: Vec<TouchpointRow>,
    pub dominant_root_cause: Option<&'static str>,
    pub trend: Vec<TrendRow>,
    pub scorecard: Option<ScorecardSection>,
    pub comments: Vec<CommentText>,
    pub praised: Vec<Praise>,
    pub charts: ManagerCharts,
}

#[derive(Debug, Serialize)]
pub struct SiteHeader {
    pub id: String,
    pub name: String,
    pub region: String,
    pub manager: String,
}

#[derive(Debug, Serialize)]
pub struct ManagerKpis {
    pub ce_index: Tile,
    pub nps: Tile,
    pub fully_engaged: ShareTile,
    pub ce_n: CountTile,
}

#[derive(Debug, Serialize)]
pub struct ShareTile {
    pub now: String,
    pub compare: String,
    pub change: Change,
}

#[derive(Debug, Serialize)]
pub struct CountTile {
    pub now: String,
    pub previous: String,
}

#[derive(Debug, Serialize)]
pub struct FigureRows {
    pub site: CustomerRow,
    pub region: Option<CustomerRow>,
    pub company: CustomerRow,
}

#[derive(Debug, Serialize)]
pub struct DimensionRow {
    pub name: &'static str,
    pub site: String,
    pub company: String,
    pub previous: String,
}

#[derive(Debug, Serialize)]
pub struct ElementRow {
    pub name: &'static str,
    pub site: String,
}

#[derive(Debug, Serialize)]
pub struct TeamRow {
    pub name: String,
    pub ce_index: String,
    pub ce_n: String,
    /// `None` when the privacy rule hides it.
    pub ee_index: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct TrendRow {
    pub month: String,
    pub site: String,
    pub ce_n: String,
    pub company_median: String,
}

#[derive(Debug, Serialize)]
pub struct ManagerCharts {
    pub dimensions: Plot,
    pub elements: Plot,
    pub touchpoints: Plot,
    pub trend: Plot,
    pub attainment: Plot,
}

impl<'a> ManagerContext<'a> {
    pub fn new(
        figures: &Figures,
        site: &SiteFigures,
        privacy: Privacy,
        common: Common<'a>,
        catalog: &'a Catalog,
    ) -> ManagerContext<'a> {
        let w = Writer { catalog };
        let c = &site.sums.customer;
        let prev = &site.sums.customer_prev;
        let company = &figures.company.customer;
        let region = figures
            .regions
            .iter()
            .find(|r| r.region == site.info.region);
        let e = &site.sums.employee;
        let changes = site.sums.changes(figures.min_n);
        let teams: Vec<&TeamFigures> = figures
            .teams
            .iter()
            .filter(|t| t.info.site_id == site.info.site_id)
            .collect();
        let headcount: i64 = teams.iter().filter_map(|t| t.info.headcount).sum();
        let share = |s: &crate::metrics::customer::CustomerSums| s.share(s.fully_engaged);
        ManagerContext {
            common,
            site: SiteHeader {
                id: site.info.site_id.clone(),
                name: w.name(&site.info.site_name),
                region: w.name(&site.info.region),
                manager: w.name(&site.info.manager_name),
            },
            kpi: ManagerKpis {
                ce_index: Tile::new(
                    &w,
                    c.ce_index(),
                    prev.ce_index(),
                    company.ce_index(),
                    Some(changes.ce_index),
                ),
                nps: Tile::new(&w, c.nps(), prev.nps(), company.nps(), Some(changes.nps)),
                fully_engaged: ShareTile {
                    now: w.percent(share(c)),
                    compare: w.percent(share(company)),
                    change: w.flagged_change(
                        share(c).map(|r| r.scale(100)),
                        share(prev).map(|r| r.scale(100)),
                        Some(changes.share_fully_engaged),
                    ),
                },
                ce_n: CountTile {
                    now: w.count(c.ce_n),
                    previous: w.count(prev.ce_n),
                },
            },
            figures: FigureRows {
                site: CustomerRow::new(&w, &site.sums, figures.min_n),
                region: region.map(|r| CustomerRow::new(&w, &r.sums, figures.min_n)),
                company: CustomerRow::new(&w, &figures.company, figures.min_n),
            },
            percentile_rank: site.percentile_rank.map(|r| r.round_text(0)),
            funnel_flag: site.funnel_flag.as_str(),
            sustained_low: site.sustained_low,
            priority: Priority::of(&w, figures, site, c),
            dimensions: Dimension::ALL
                .iter()
                .map(|d| DimensionRow {
                    name: d.as_str(),
                    site: w.index(c.dimension_index(*d)),
                    company: w.index(company.dimension_index(*d)),
                    previous: w.index(prev.dimension_index(*d)),
                })
                .collect(),
            ee_n: w.count(e.ee_n),
            ee_index: privacy.ee_index(e).map(|r| w.figure(r.round_text(1))),
            participation: (headcount > 0 && privacy.allows(e.ee_n, e.ee_n))
                .then(|| w.percent(Ratio::new(e.ee_n, headcount.into()))),
            elements: Element::ALL
                .iter()
                .map(|el| ElementRow {
                    name: el.as_str(),
                    site: w.index(privacy.element_index(e, *el)),
                })
                .collect(),
            teams: team_rows(&w, figures, site, &teams, privacy),
            touchpoints: site
                .touchpoints
                .iter()
                .map(|(n, s)| TouchpointRow::new(&w, n, s))
                .collect(),
            dominant_root_cause: c.dominant_root_cause().map(|r| r.as_str()),
            trend: trend_rows(&w, figures, site),
            scorecard: site
                .scorecard
                .as_ref()
                .map(|card| ScorecardSection::new(&w, site, card)),
            comments: w.comments(&site.voices.recent),
            praised: w.praised(&site.voices),
            charts: ManagerCharts::new(&w, figures, site, privacy),
        }
    }
}

/// The site's teams; a team's employee index only where the privacy rule allows it.
fn team_rows(
    w: &Writer,
    figures: &Figures,
    site: &SiteFigures,
    teams: &[&TeamFigures],
    privacy: Privacy,
) -> Vec<TeamRow> {
    let hidden = hidden_teams(figures, site, privacy);
    teams
        .iter()
        .map(|t| {
            let shown = !hidden.contains(&t.info.team_id.as_str());
            TeamRow {
                name: w.name(&t.info.team_name),
                ce_index: w.index(t.customer.ce_index()),
                ce_n: w.count(t.customer.ce_n),
                ee_index: if shown {
                    privacy
                        .ee_index(&t.employee)
                        .map(|r| w.figure(r.round_text(1)))
                } else {
                    None
                },
            }
        })
        .collect()
}

fn month_labels(w: &Writer, figures: &Figures) -> Vec<String> {
    figures
        .months
        .iter()
        .map(|m| w.format().month_short(m))
        .collect()
}

fn trend_rows(w: &Writer, figures: &Figures, site: &SiteFigures) -> Vec<TrendRow> {
    month_labels(w, figures)
        .into_iter()
        .zip(&site.trend)
        .zip(&figures.company_trend)
        .map(|((month, (n, value)), median)| TrendRow {
            month,
            site: w.index(*value),
            ce_n: w.count(*n),
            company_median: w.index(*median),
        })
        .collect()
}

impl ManagerCharts {
    fn new(w: &Writer, figures: &Figures, site: &SiteFigures, privacy: Privacy) -> ManagerCharts {
        let c = &site.sums.customer;
        let company = &figures.company.customer;
        let e = &site.sums.employee;
        let series = |key: &str, values: Vec<Option<f64>>| Series {
            label: w.word(key),
            values,
        };
        let company_touchpoint = |name: &str| {
            figures
                .touchpoints
                .iter()
                .find(|(n, _)| n == name)
                .and_then(|(_, s)| num(s.ce_index()))
        };
        ManagerCharts {
            dimensions: Plot::Bars {
                categories: Dimension::ALL
                    .iter()
                    .map(|d| w.word(&format!("dimension.{}", d.as_str())))
                    .collect(),
                series: vec![
                    series(
                        "chart.this_site",
                        Dimension::ALL
                            .iter()
                            .map(|d| num(c.dimension_index(*d)))
                            .collect(),
                    ),
                    series(
                        "chart.company",
                        Dimension::ALL
                            .iter()
                            .map(|d| num(company.dimension_index(*d)))
                            .collect(),
                    ),
                ],
            },
            elements: Plot::Bars {
                categories: Element::ALL
                    .iter()
                    .map(|el| w.word(&format!("element.{}", el.as_str())))
                    .collect(),
                series: vec![series(
                    "chart.this_site",
                    Element::ALL
                        .iter()
                        .map(|el| num(privacy.element_index(e, *el)))
                        .collect(),
                )],
            },
            touchpoints: Plot::Bars {
                categories: site.touchpoints.iter().map(|(n, _)| w.name(n)).collect(),
                series: vec![
                    series(
                        "chart.this_site",
                        site.touchpoints
                            .iter()
                            .map(|(_, s)| num(s.ce_index()))
                            .collect(),
                    ),
                    series(
                        "chart.company",
                        site.touchpoints
                            .iter()
                            .map(|(n, _)| company_touchpoint(n))
                            .collect(),
                    ),
                ],
            },
            trend: Plot::Lines {
                categories: month_labels(w, figures),
                series: vec![
                    series(
                        "chart.this_site",
                        site.trend.iter().map(|(_, v)| num(*v)).collect(),
                    ),
                    series(
                        "chart.company_median",
                        figures.company_trend.iter().map(|v| num(*v)).collect(),
                    ),
                ],
            },
            attainment: attainment_chart(w, site.scorecard.as_ref()),
        }
    }
}
