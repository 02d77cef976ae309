//! The figures of one run: plain values, shared by every export and audience.

use super::change::{ChangeFlag, Changes};
use super::customer::CustomerSums;
use super::disclosure::Disclosure;
use super::distribution::Distribution;
use super::driver_moments::DriverMoments;
use super::drivers::KeyDrivers;
use super::employee::EmployeeSums;
use super::employee_window::EmployeeWindows;
use super::funnel::FunnelFlag;
use super::quadrant::Quadrant;
use super::quality::Quality;
use super::ratio::Ratio;
use super::scorecard::Scorecard;
use super::voices::Voices;
use crate::period::Period;

#[derive(Debug, Clone)]
pub struct SiteInfo {
    pub site_id: String,
    pub site_name: String,
    pub region: String,
    pub country: String,
    pub locale: String,
    pub manager_id: String,
    pub manager_name: String,
    pub manager_email: String,
    pub bonus_target: Option<f64>,
}

#[derive(Debug, Clone)]
pub struct TeamInfo {
    pub team_id: String,
    pub site_id: String,
    pub team_name: String,
    pub lead_name: String,
    pub lead_email: String,
    pub headcount: Option<i64>,
}

/// Customer and employee sums of a group for the period, the previous one and, where the
/// data has it, the same period a year before.
#[derive(Debug, Clone, Default)]
pub struct GroupSums {
    pub customer: CustomerSums,
    pub customer_prev: CustomerSums,
    pub customer_last_year: CustomerSums,
    pub employee: EmployeeSums,
    pub employee_prev: EmployeeSums,
    /// The key-driver moments of the period (metrics.md §11).
    pub drivers: DriverMoments,
}

impl GroupSums {
    /// Whether the period's ce_index, nps and share of fully engaged customers moved beyond
    /// chance since the previous period (metrics.md §10).
    pub fn changes(&self, min_n: i64) -> Changes {
        Changes::of(&self.customer, &self.customer_prev, min_n)
    }
}

#[derive(Debug, Clone)]
pub struct Financials {
    pub revenue: f64,
    pub budget: f64,
    pub transactions: i64,
}

#[derive(Debug, Clone)]
pub struct SiteFigures {
    pub info: SiteInfo,
    pub sums: GroupSums,
    pub percentile_rank: Option<Ratio>,
    pub funnel_flag: FunnelFlag,
    pub ee_funnel_flag: Option<FunnelFlag>,
    pub quadrant: Option<Quadrant>,
    pub sustained_low: bool,
    /// ce_n and ce_index of each trend month (oldest first).
    pub trend: Vec<(i64, Option<Ratio>)>,
    pub financials: Option<Financials>,
    /// Scorecard of an eligible site (non-NULL bonus target).
    pub scorecard: Option<Scorecard>,
    /// Scorecard inputs shown beside it: system-invited ce_n / ee_n and staff invites excluded.
    pub scorecard_ce_n: i64,
    pub scorecard_ee_n: i128,
    pub excluded_staff_invites: i64,
    pub scorecard_ce_index: Option<Ratio>,
    pub scorecard_ee_index: Option<Ratio>,
    /// Whether the scorecard's ce_change (system-invited responses) is beyond chance.
    pub scorecard_change_flag: ChangeFlag,
    /// Per touchpoint (detailed runs only).
    pub touchpoints: Vec<(String, CustomerSums)>,
    /// Comments and praise of the period (detailed runs only).
    pub voices: Voices,
}

#[derive(Debug, Clone)]
pub struct TeamFigures {
    pub info: TeamInfo,
    pub customer: CustomerSums,
    pub customer_prev: CustomerSums,
    pub employee: EmployeeSums,
    pub voices: Voices,
}

#[derive(Debug, Clone)]
pub struct RegionFigures {
    pub region: String,
    pub sums: GroupSums,
    pub sites: usize,
    pub sites_flagged_low: usize,
}

#[derive(Debug, Clone, Default)]
pub struct QuadrantRow {
    pub sites: usize,
    pub revenue: f64,
    pub budget: f64,
    pub transactions: i64,
}

impl QuadrantRow {
    pub fn revenue_vs_budget(&self) -> Option<f64> {
        (self.budget > 0.0).then(|| self.revenue / self.budget - 1.0)
    }

    pub fn revenue_per_transaction(&self) -> Option<f64> {
        (self.transactions > 0).then(|| self.revenue / self.transactions as f64)
    }
}

#[derive(Debug, Clone, Default)]
pub struct QuadrantSummary {
    pub ee_median: Option<Ratio>,
    pub ce_median: Option<Ratio>,
    /// In the order both_high, employee_only, customer_only, both_low.
    pub rows: [QuadrantRow; 4],
    /// both_high's revenue per transaction / both_low's.
    pub revenue_per_transaction_ratio: Option<f64>,
    pub r_ee_ce: Option<f64>,
    pub r_ce_revenue: Option<f64>,
    pub sites: usize,
}

impl Figures {
    /// Whether a group has enough complete responses to be compared (`compare.min_n`):
    /// the one rule for percentiles, funnels, the quadrant, trends and the charts.
    pub fn compared(&self, customer: &CustomerSums) -> bool {
        super::compare::is_compared(customer.ce_n, self.min_n)
    }
}

#[derive(Debug, Clone)]
pub struct Figures {
    pub period: Period,
    pub previous: Period,
    pub last_year: Option<Period>,
    pub scorecard_period: Period,
    pub scorecard_previous: Period,
    pub months: Vec<Period>,
    /// The days whose employee responses make every employee figure but the scorecard's.
    pub employee_window: EmployeeWindows,
    /// What drives loyalty, for the company, each region and each site (metrics.md §11).
    pub drivers: KeyDrivers,
    /// Active sites in byte order of site_id.
    pub sites: Vec<SiteFigures>,
    pub teams: Vec<TeamFigures>,
    pub regions: Vec<RegionFigures>,
    pub company: GroupSums,
    pub ce_distribution: Option<Distribution>,
    pub ee_distribution: Option<Distribution>,
    /// Centre of the funnel of the share of fully engaged customers.
    pub funnel_centre: Option<f64>,
    /// τ² widening its limits when `compare.overdispersion` is on.
    pub funnel_tau2: Option<f64>,
    /// Fewest complete responses for a site to be compared (`compare.min_n`).
    pub min_n: i64,
    /// Centre and respondent standard deviation of the ee_index funnel.
    pub ee_funnel: Option<(f64, f64)>,
    pub quadrants: QuadrantSummary,
    pub touchpoints: Vec<(String, CustomerSums)>,
    /// The company's monthly median of site ce_index (eligible sites), per trend month.
    pub company_trend: Vec<Option<Ratio>>,
    pub quality: Quality,
    /// Employee figures left out where a total is read with its parts.
    pub disclosure: Disclosure,
}
