//! Rows and tiles that more than one audience shows.

use crate::metrics::change::ChangeFlag;
use crate::metrics::customer::{CustomerSums, Dimension, RootCause};
use crate::metrics::drivers::{self, DriverSource, Drivers};
use crate::metrics::employee::Privacy;
use crate::metrics::ratio::Ratio;
use crate::metrics::{Figures, GroupSums, SiteFigures, TeamFigures};
use crate::report::writer::{Change, Writer};
use serde::Serialize;

/// A figure now, before, the change (with its flag where the figure is tested), and a
/// comparison value.
#[derive(Debug, Serialize)]
pub struct Tile {
    pub now: String,
    pub previous: String,
    pub change: Change,
    pub compare: String,
}

impl Tile {
    pub fn new(
        w: &Writer,
        now: Option<Ratio>,
        before: Option<Ratio>,
        compare: Option<Ratio>,
        flag: Option<ChangeFlag>,
    ) -> Tile {
        Tile {
            now: w.index(now),
            previous: w.index(before),
            change: w.flagged_change(now, before, flag),
            compare: w.index(compare),
        }
    }
}

/// A group's customer figures in one table row.
#[derive(Debug, Serialize)]
pub struct CustomerRow {
    pub ce_n: String,
    pub ce_index: String,
    pub ce_change: Change,
    pub nps: String,
    pub fully_engaged: String,
}

impl CustomerRow {
    pub fn new(w: &Writer, group: &GroupSums, min_n: i64) -> CustomerRow {
        let (now, before) = (&group.customer, &group.customer_prev);
        CustomerRow {
            ce_n: w.count(now.ce_n),
            ce_index: w.index(now.ce_index()),
            ce_change: w.flagged_change(
                now.ce_index(),
                before.ce_index(),
                Some(group.changes(min_n).ce_index),
            ),
            nps: w.index(now.nps()),
            fully_engaged: w.percent(now.share(now.fully_engaged)),
        }
    }
}

/// A touchpoint with its root-cause shares.
#[derive(Debug, Serialize)]
pub struct TouchpointRow {
    pub name: String,
    pub ce_n: String,
    pub ce_index: String,
    pub nps: String,
    pub policy: String,
    pub people: String,
    pub product: String,
    pub process: String,
    pub dominant: Option<&'static str>,
}

impl TouchpointRow {
    pub fn new(w: &Writer, name: &str, sums: &CustomerSums) -> TouchpointRow {
        let share = |cause| w.percent(sums.root_cause_share(cause));
        TouchpointRow {
            name: w.name(name),
            ce_n: w.count(sums.ce_n),
            ce_index: w.index(sums.ce_index()),
            nps: w.index(sums.nps()),
            policy: share(RootCause::Policy),
            people: share(RootCause::People),
            product: share(RootCause::Product),
            process: share(RootCause::Process),
            dominant: sums.dominant_root_cause().map(|c| c.as_str()),
        }
    }
}

/// The teams of a site whose employee figures are hidden, by the privacy rule or because
/// the site's total with the other parts would give them away (metrics.md §2). The site's
/// responses of no team count as one more part. Every briefing that shows a team's figure
/// asks here, so a team hidden in its manager's briefing is hidden in its own.
pub fn hidden_teams<'a>(
    figures: &'a Figures,
    site: &SiteFigures,
    privacy: Privacy,
) -> Vec<&'a str> {
    let teams: Vec<&TeamFigures> = figures
        .teams
        .iter()
        .filter(|t| t.info.site_id == site.info.site_id)
        .collect();
    let unassigned = site.sums.employee.ee_n - teams.iter().map(|t| t.employee.ee_n).sum::<i128>();
    let mut parts: Vec<(Option<&str>, i128)> = teams
        .iter()
        .map(|t| (Some(t.info.team_id.as_str()), t.employee.ee_n))
        .collect();
    parts.push((None, unassigned));
    privacy
        .suppressed_parts(&parts)
        .into_iter()
        .flatten()
        .collect()
}

/// A value as a chart plots it.
pub fn num(value: Option<Ratio>) -> Option<f64> {
    value.map(Ratio::to_f64)
}

/// The dimension to work on first (metrics.md §11's priority rule), and whose key drivers
/// chose it: `site`, `region` (named), `company`, or `none` (the lowest dimension).
#[derive(Debug, Serialize)]
pub struct Priority {
    #[serde(skip)]
    pub dimension: Dimension,
    pub name: &'static str,
    /// The dimension that moves loyalty most in those drivers (none without drivers).
    pub driver: Option<&'static str>,
    pub source: &'static str,
    pub region: String,
}

impl Priority {
    /// The priority of a group of `site` with these customer sums (the site's or a team's).
    pub fn of(
        w: &Writer,
        figures: &Figures,
        site: &SiteFigures,
        sums: &CustomerSums,
    ) -> Option<Priority> {
        let indices = Dimension::ALL.map(|d| sums.dimension_index(d));
        let (dimension, source, used) = drivers::focus(
            &figures.drivers,
            &site.info.site_id,
            &site.info.region,
            indices,
        )?;
        Some(Priority {
            dimension,
            name: dimension.as_str(),
            driver: used.and_then(Drivers::top).map(Dimension::as_str),
            source: source.as_str(),
            region: match source {
                DriverSource::Region(region) => w.name(region),
                _ => String::new(),
            },
        })
    }
}
