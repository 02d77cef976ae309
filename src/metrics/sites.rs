//! Each active site's own figures: its sums per period (employee sums over the employee
//! window), its trend months and, for an eligible site, its pay scorecard (metrics.md §7)
//! on system-invited responses and the scorecard's own period.

use super::change::{self, Moments};
use super::employee::Privacy;
use super::employee_window::EmployeeWindows;
use super::figures::{GroupSums, SiteFigures, SiteInfo};
use super::funnel::FunnelFlag;
use super::load::SiteSums;
use super::periods::{PeriodKey, TREND_MONTHS};
use super::scorecard::{self, ScorecardInputs};
use super::voices::Voices;
use crate::config::ScorecardPolicy;

pub fn site_figures(
    info: SiteInfo,
    sums: &SiteSums,
    windows: &EmployeeWindows,
    privacy: Privacy,
    policy: &ScorecardPolicy,
    min_n: i64,
) -> SiteFigures {
    let id = info.site_id.as_str();
    let group = GroupSums {
        customer: sums.customer(PeriodKey::Current, id),
        customer_prev: sums.customer(PeriodKey::Previous, id),
        customer_last_year: sums.customer(PeriodKey::LastYear, id),
        employee: sums.employee(windows.current.key, id),
        employee_prev: sums.employee(windows.previous.key, id),
        drivers: sums.drivers(id),
    };
    let trend = (0..TREND_MONTHS)
        .map(|m| {
            let month = sums.trend_month(m, id);
            (month.ce_n, month.ce_index())
        })
        .collect();
    let [sc_system, sc_staff] = sums.by_channel(PeriodKey::Scorecard, id);
    let [scp_system, _] = sums.by_channel(PeriodKey::ScorecardPrevious, id);
    let sc_employee = sums.employee(PeriodKey::Scorecard, id);
    SiteFigures {
        financials: sums.financials(id),
        sums: group,
        percentile_rank: None,
        funnel_flag: FunnelFlag::InsufficientSample,
        ee_funnel_flag: None,
        quadrant: None,
        sustained_low: false,
        trend,
        scorecard: info.bonus_target.map(|bonus_target| {
            scorecard::compute(
                &ScorecardInputs {
                    ce_n: sc_system.ce_n,
                    ce_index: sc_system.ce_index(),
                    prev_ce_n: scp_system.ce_n,
                    prev_ce_index: scp_system.ce_index(),
                    ee_n: sc_employee.ee_n,
                    ee_index: privacy.ee_index(&sc_employee),
                    top_box: sc_system.top_box,
                    staff_invited: sc_staff.n_valid,
                    all_valid: sc_system.n_valid + sc_staff.n_valid,
                    bonus_target,
                },
                policy,
            )
        }),
        scorecard_ce_n: sc_system.ce_n,
        scorecard_ee_n: sc_employee.ee_n,
        excluded_staff_invites: sc_staff.n_valid,
        scorecard_ce_index: sc_system.ce_index(),
        scorecard_ee_index: privacy.ee_index(&sc_employee),
        scorecard_change_flag: change::flag(
            Moments::ce_index(&sc_system),
            Moments::ce_index(&scp_system),
            min_n,
        ),
        touchpoints: Vec::new(),
        voices: Voices::default(),
        info,
    }
}
