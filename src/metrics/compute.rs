//! One pass over the exports: run the SQL of `queries/`, load the sums, then derive the
//! figures step by step — the sites, their comparison, the quadrant, the trends, the
//! regions and the company, and the briefings' detail.

use super::compare::compare_sites;
use super::disclosure::disclosure;
use super::drivers::KeyDrivers;
use super::employee::Privacy;
use super::employee_window;
use super::figures::Figures;
use super::load::{SiteSums, quality, site_infos};
use super::periods::{PeriodKey, RunPeriods};
use super::regions::{regions, sum_groups};
use super::sites::site_figures;
use super::trend::company_trend;
use super::{detail, quadrant_summary};
use crate::config::{Comparison, ScorecardPolicy};
use crate::data::Exports;
use crate::data::calendar::{self, CalendarError};
use crate::data::duplicates;
use crate::data::engine::{Engine, EngineError};
use crate::period::Period;
use chrono_tz::Tz;

#[derive(Debug, thiserror::Error)]
pub enum MetricsError {
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error(transparent)]
    Calendar(#[from] CalendarError),
}

/// What a run asks of the metrics stage.
#[derive(Debug, Clone)]
pub struct MetricsRequest<'a> {
    pub period: Period,
    pub zone: Tz,
    pub min_group_size: u32,
    pub compare: Comparison,
    pub scorecard: &'a ScorecardPolicy,
    /// Team and touchpoint detail (briefings need it; exports alone do not).
    pub detailed: bool,
    /// Fewest responses for a group's own key drivers.
    pub drivers_min_n: u32,
}

pub fn compute(exports: &Exports, request: &MetricsRequest<'_>) -> Result<Figures, MetricsError> {
    let engine = &exports.engine;
    let periods = RunPeriods::of(request.period);
    calendar::install(
        engine.connection(),
        request.zone,
        &periods.named(request.detailed),
    )?;
    one_pass(engine)?;
    let responses = employee_window::quarter_responses(engine)?;
    let employee_window = employee_window::choose(&periods, |i| {
        responses
            .get(&PeriodKey::EmployeeQuarter(i))
            .copied()
            .unwrap_or(0)
    });
    let sums = SiteSums::load(engine, &employee_window)?;
    let privacy = Privacy {
        min_group_size: request.min_group_size.into(),
    };
    let min_n = i64::from(request.compare.min_n);
    let mut sites: Vec<_> = site_infos(engine)?
        .into_iter()
        .map(|info| {
            site_figures(
                info,
                &sums,
                &employee_window,
                privacy,
                request.scorecard,
                min_n,
            )
        })
        .collect();
    let compared = compare_sites(&mut sites, privacy, request.compare.overdispersion, min_n);
    let quadrants = quadrant_summary::summarise(&mut sites, privacy, min_n);
    let company_trend = company_trend(&mut sites, min_n);
    let regions = regions(&sites);
    let disclosure = disclosure(&sites, &regions, privacy);
    let company = sum_groups(sites.iter().map(|s| &s.sums));
    let key_drivers = KeyDrivers::of(&company, &regions, &sites, request.drivers_min_n);
    let mut figures = Figures {
        period: periods.period,
        previous: periods.previous,
        last_year: periods.last_year,
        scorecard_period: periods.scorecard,
        scorecard_previous: periods.scorecard_previous,
        months: periods.months,
        employee_window,
        ce_distribution: compared.ce_distribution,
        ee_distribution: compared.ee_distribution,
        funnel_centre: compared.funnel_centre,
        funnel_tau2: compared.funnel_tau2,
        min_n,
        ee_funnel: compared.ee_funnel,
        quadrants,
        company_trend,
        quality: quality(exports)?,
        company,
        drivers: key_drivers,
        regions,
        disclosure,
        teams: Vec::new(),
        touchpoints: Vec::new(),
        sites,
    };
    if request.detailed {
        detail::add_detail(exports, &mut figures)?;
    }
    Ok(figures)
}

/// The row-level rules, once over each response export: types, repeated ids, validity,
/// and the exact sums per site, channel and interval.
fn one_pass(engine: &Engine) -> Result<(), EngineError> {
    for prefix in ["customer", "employee"] {
        engine.run(&format!("{prefix}_typed"))?;
        duplicates::find_repeated_ids(engine, prefix)?;
        engine.run(&format!("{prefix}_later_copies"))?;
        engine.run(&format!("{prefix}_checked"))?;
        engine.run(&format!("{prefix}_intervals"))?;
    }
    Ok(())
}
