//! The executive briefing's context: the company, the spread of its sites, the quadrant,
//! regions, exceptions, touchpoints and data quality.

use super::Common;
use super::drivers::KeyDriversSection;
use super::rows::{Tile, TouchpointRow, num};
use crate::metrics::customer::{CustomerSums, RootCause};
use crate::metrics::employee::Privacy;
use crate::metrics::funnel::{
    FunnelFlag, Limits, proportion_limits, proportion_limits_overdispersed,
};
use crate::metrics::quadrant::Quadrant;
use crate::metrics::ratio::{Ratio, round_f64_text};
use crate::metrics::{Figures, SiteFigures};
use crate::plot::{Curve, Marker, Plot, Series};
use crate::report::catalog::Catalog;
use crate::report::writer::{DASH, Writer};
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct ExecutiveContext<'a> {
    #[serde(flatten)]
    pub common: Common<'a>,
    pub headline: Headline,
    pub sites: usize,
    pub min_n: i64,
    pub eligible_sites: usize,
    pub p10: String,
    pub median: String,
    pub p90: String,
    pub flags: Vec<FlagCount>,
    pub quadrants: Vec<QuadrantRow>,
    pub quadrant_sites: usize,
    pub r_ee_ce: String,
    pub r_ce_revenue: String,
    pub revenue_per_transaction_ratio: String,
    pub regions: Vec<RegionRow>,
    pub alarm_low: Vec<ExceptionRow>,
    pub alarm_high: Vec<ExceptionRow>,
    pub touchpoints: Vec<TouchpointRow>,
    pub quality: Vec<QualityRow>,
    pub excluded_reasons: Vec<ReasonRow>,
    /// What drives loyalty across the company (metrics.md §11).
    pub drivers: KeyDriversSection,
    pub charts: ExecutiveCharts,
}

#[derive(Debug, Serialize)]
pub struct Headline {
    pub ce_index: Tile,
    pub ee_index: Tile,
    pub nps: Tile,
    pub share_fully_engaged: Tile,
    /// Absent (–) when nobody is actively disengaged.
    pub ce_ratio: RatioTile,
    pub ce_n: String,
}

#[derive(Debug, Serialize)]
pub struct RatioTile {
    pub now: String,
    pub previous: String,
}

#[derive(Debug, Serialize)]
pub struct FlagCount {
    pub name: &'static str,
    pub sites: usize,
}

#[derive(Debug, Serialize)]
pub struct QuadrantRow {
    pub name: &'static str,
    pub sites: usize,
    pub revenue_vs_budget: String,
}

#[derive(Debug, Serialize)]
pub struct RegionRow {
    pub name: String,
    pub sites: usize,
    pub ce_index: String,
    pub ee_index: String,
    pub nps: String,
    pub flagged: usize,
}

#[derive(Debug, Serialize)]
pub struct ExceptionRow {
    pub site: String,
    pub region: String,
    pub ce_index: String,
    pub ce_n: String,
    pub fully_engaged: String,
    pub flag: &'static str,
    pub sustained_low: bool,
}

#[derive(Debug, Serialize)]
pub struct QualityRow {
    pub export: &'static str,
    pub rows: String,
    pub excluded: String,
    pub newest: String,
}

#[derive(Debug, Serialize)]
pub struct ReasonRow {
    pub export: &'static str,
    pub reason: String,
    pub rows: String,
}

#[derive(Debug, Serialize)]
pub struct ExecutiveCharts {
    pub histogram: Plot,
    pub funnel: Plot,
    pub quadrant: Plot,
    pub root_causes: Plot,
}

impl<'a> ExecutiveContext<'a> {
    pub fn new(
        figures: &Figures,
        privacy: Privacy,
        common: Common<'a>,
        catalog: &'a Catalog,
    ) -> ExecutiveContext<'a> {
        let w = Writer { catalog };
        let dist = figures.ce_distribution.as_ref();
        let compared: Vec<&SiteFigures> = figures
            .sites
            .iter()
            .filter(|s| figures.compared(&s.sums.customer))
            .collect();
        let mut exceptions: Vec<&SiteFigures> = figures
            .sites
            .iter()
            .filter(|s| s.funnel_flag == FunnelFlag::AlarmLow || s.sustained_low)
            .collect();
        exceptions.sort_by_key(|s| s.sums.customer.ce_index());
        let exception = |s: &&SiteFigures| ExceptionRow::new(&w, s);
        ExecutiveContext {
            common,
            headline: Headline::new(&w, figures, privacy),
            sites: figures.sites.len(),
            min_n: figures.min_n,
            eligible_sites: dist.map(|d| d.count).unwrap_or(0),
            p10: w.f64_text(dist.map(|d| d.p10), 1),
            median: w.f64_text(dist.map(|d| d.median), 1),
            p90: w.f64_text(dist.map(|d| d.p90), 1),
            // in the order of the funnel, low to high
            flags: FunnelFlag::ALL
                .iter()
                .map(|f| FlagCount {
                    name: f.as_str(),
                    sites: figures.sites.iter().filter(|s| s.funnel_flag == *f).count(),
                })
                .collect(),
            quadrants: Quadrant::ALL
                .iter()
                .zip(&figures.quadrants.rows)
                .map(|(q, row)| QuadrantRow {
                    name: q.as_str(),
                    sites: row.sites,
                    revenue_vs_budget: row
                        .revenue_vs_budget()
                        .map(|v| format!("{} %", w.figure(round_f64_text(100.0 * v, 1))))
                        .unwrap_or_else(|| DASH.into()),
                })
                .collect(),
            quadrant_sites: figures.quadrants.sites,
            r_ee_ce: w.f64_text(figures.quadrants.r_ee_ce, 2),
            r_ce_revenue: w.f64_text(figures.quadrants.r_ce_revenue, 2),
            revenue_per_transaction_ratio: w
                .f64_text(figures.quadrants.revenue_per_transaction_ratio, 2),
            regions: figures
                .regions
                .iter()
                .map(|r| RegionRow {
                    name: w.name(&r.region),
                    sites: r.sites,
                    ce_index: w.index(r.sums.customer.ce_index()),
                    ee_index: w.index(
                        privacy
                            .ee_index(&r.sums.employee)
                            .filter(|_| !figures.disclosure.hidden_regions.contains(&r.region)),
                    ),
                    nps: w.index(r.sums.customer.nps()),
                    flagged: r.sites_flagged_low,
                })
                .collect(),
            alarm_low: exceptions.iter().map(exception).collect(),
            alarm_high: figures
                .sites
                .iter()
                .filter(|s| s.funnel_flag == FunnelFlag::AlarmHigh)
                .map(|s| ExceptionRow::new(&w, s))
                .collect(),
            touchpoints: figures
                .touchpoints
                .iter()
                .map(|(n, s)| TouchpointRow::new(&w, n, s))
                .collect(),
            quality: quality_rows(&w, figures),
            excluded_reasons: figures
                .quality
                .counts()
                .iter()
                .map(|(export, reason, n)| ReasonRow {
                    export,
                    reason: reason.to_string(),
                    rows: w.count(*n as i128),
                })
                .collect(),
            drivers: KeyDriversSection::new(&w, figures),
            charts: ExecutiveCharts::new(&w, figures, privacy, &compared),
        }
    }
}

impl Headline {
    fn new(w: &Writer, figures: &Figures, privacy: Privacy) -> Headline {
        let company = &figures.company;
        let (c, prev, year_ago) = (
            &company.customer,
            &company.customer_prev,
            &company.customer_last_year,
        );
        let share = |s: &CustomerSums| s.share(s.fully_engaged);
        let ratio = |s: &CustomerSums| {
            s.ce_ratio()
                .map(|r| w.figure(r.round_text(2)))
                .unwrap_or_else(|| DASH.into())
        };
        let changes = company.changes(figures.min_n);
        Headline {
            ce_index: Tile::new(
                w,
                c.ce_index(),
                prev.ce_index(),
                year_ago.ce_index(),
                Some(changes.ce_index),
            ),
            // employee changes are between waves, and not tested (metrics.md §10)
            ee_index: Tile::new(
                w,
                privacy.ee_index(&company.employee),
                privacy.ee_index(&company.employee_prev),
                None,
                None,
            ),
            nps: Tile::new(w, c.nps(), prev.nps(), year_ago.nps(), Some(changes.nps)),
            share_fully_engaged: Tile {
                now: w.percent(share(c)),
                previous: w.percent(share(prev)),
                compare: w.percent(share(year_ago)),
                change: w.flagged_change(
                    share(c).map(|r| r.scale(100)),
                    share(prev).map(|r| r.scale(100)),
                    Some(changes.share_fully_engaged),
                ),
            },
            ce_ratio: RatioTile {
                now: ratio(c),
                previous: ratio(prev),
            },
            ce_n: w.count(c.ce_n),
        }
    }
}

impl ExceptionRow {
    fn new(w: &Writer, s: &SiteFigures) -> ExceptionRow {
        let c = &s.sums.customer;
        ExceptionRow {
            site: w.name(&s.info.site_name),
            region: w.name(&s.info.region),
            ce_index: w.index(c.ce_index()),
            ce_n: w.count(c.ce_n),
            fully_engaged: w.percent(c.share(c.fully_engaged)),
            flag: s.funnel_flag.as_str(),
            sustained_low: s.sustained_low,
        }
    }
}

fn quality_rows(w: &Writer, figures: &Figures) -> Vec<QualityRow> {
    let excluded_counts = figures.quality.counts();
    figures
        .quality
        .rows_read
        .iter()
        .map(|(export, rows)| {
            let excluded: usize = excluded_counts
                .iter()
                .filter(|c| c.0 == *export)
                .map(|c| c.2)
                .sum();
            let newest = figures
                .quality
                .newest
                .iter()
                .find(|n| n.0 == *export)
                .and_then(|n| n.1.clone());
            QualityRow {
                export,
                rows: w.count(*rows as i128),
                excluded: w.count(excluded as i128),
                newest: newest.unwrap_or_else(|| DASH.into()),
            }
        })
        .collect()
}

impl ExecutiveCharts {
    fn new(
        w: &Writer,
        figures: &Figures,
        privacy: Privacy,
        compared: &[&SiteFigures],
    ) -> ExecutiveCharts {
        let dist = figures.ce_distribution.as_ref();
        let funnel_points: Vec<[f64; 2]> = compared
            .iter()
            .filter_map(|s| {
                let c = &s.sums.customer;
                c.share(c.fully_engaged)
                    .map(|r| [c.ce_n as f64, 100.0 * r.to_f64()])
            })
            .collect();
        let max_n = funnel_points.iter().map(|p| p[0]).fold(0.0, f64::max);
        let scatter: Vec<[f64; 2]> = figures
            .sites
            .iter()
            .filter(|s| !figures.disclosure.hidden_sites.contains(&s.info.site_id))
            .filter_map(|s| {
                Some([
                    privacy.ee_index(&s.sums.employee)?.to_f64(),
                    s.sums.customer.ce_index()?.to_f64(),
                ])
            })
            .collect();
        let marker = |key: &str, value: f64| Marker {
            label: w.word(key),
            value,
        };
        ExecutiveCharts {
            histogram: Plot::Histogram {
                values: compared
                    .iter()
                    .filter_map(|s| num(s.sums.customer.ce_index()))
                    .collect(),
                markers: dist
                    .map(|d| {
                        vec![
                            marker("chart.p10", d.p10),
                            marker("chart.median", d.median),
                            marker("chart.p90", d.p90),
                        ]
                    })
                    .unwrap_or_default(),
                bar_label: w.word("chart.sites"),
            },
            funnel: Plot::Funnel {
                points: funnel_points,
                points_label: w.word("chart.sites"),
                centre: figures
                    .funnel_centre
                    .map(|p| marker("chart.company", 100.0 * p)),
                limits: funnel_limits(w, figures, max_n),
                highlight: None,
            },
            quadrant: Plot::Scatter {
                points: scatter,
                points_label: w.word("chart.sites"),
                x_median: figures.quadrants.ee_median.map(Ratio::to_f64),
                y_median: figures.quadrants.ce_median.map(Ratio::to_f64),
                quadrants: ["both_high", "customer_only", "employee_only", "both_low"]
                    .iter()
                    .map(|q| w.word(&format!("quadrant.{q}")))
                    .collect(),
                highlight: None,
            },
            root_causes: root_cause_bars(w, &figures.touchpoints),
        }
    }
}

/// The two most telling root causes per touchpoint.
fn root_cause_bars(w: &Writer, touchpoints: &[(String, CustomerSums)]) -> Plot {
    Plot::Bars {
        categories: touchpoints.iter().map(|(name, _)| w.name(name)).collect(),
        series: [RootCause::Policy, RootCause::People]
            .iter()
            .map(|cause| Series {
                label: w.word(&format!("root_cause.{}", cause.as_str())),
                values: touchpoints
                    .iter()
                    .map(|(_, s)| s.root_cause_share(*cause).map(|r| 100.0 * r.to_f64()))
                    .collect(),
            })
            .collect(),
    }
}

/// Funnel limits sampled along n (geometric steps: the curves bend most at small n).
fn funnel_limits(w: &Writer, figures: &Figures, max_n: f64) -> Vec<Curve> {
    let Some(p0) = figures.funnel_centre else {
        return Vec::new();
    };
    let start = (figures.min_n.max(1)) as f64;
    let steps = 48;
    let ns: Vec<f64> = (0..=steps)
        .map(|i| start * (max_n.max(start + 1.0) * 1.05 / start).powf(i as f64 / steps as f64))
        .collect();
    let limits: Vec<Limits> = ns
        .iter()
        .map(|n| match figures.funnel_tau2 {
            Some(tau2) => proportion_limits_overdispersed(p0, *n, tau2),
            None => proportion_limits(p0, *n),
        })
        .collect();
    let branch = |pick: fn(&Limits) -> f64| -> Vec<[f64; 2]> {
        ns.iter()
            .zip(&limits)
            .map(|(n, l)| [*n, 100.0 * pick(l)])
            .collect()
    };
    vec![
        Curve {
            label: w.word("chart.limit_95"),
            branches: vec![branch(|l| l.low_95), branch(|l| l.high_95)],
        },
        Curve {
            label: w.word("chart.limit_998"),
            branches: vec![branch(|l| l.low_998), branch(|l| l.high_998)],
        },
    ]
}
