//! Comparing sites (metrics.md §3): the distribution of compared sites, each site's
//! percentile rank, and the funnels of the share of fully engaged customers and of the
//! employee index, optionally widened for overdispersion.

use super::distribution::{Distribution, percentile_rank};
use super::employee::{EmployeeSums, Privacy};
use super::figures::SiteFigures;
use super::funnel::{
    FunnelFlag, mean_limits, proportion_flag, proportion_tau_squared, tau_squared,
};
use super::ratio::Ratio;

/// What comparing the sites found, beside the flags it set on each site.
#[derive(Debug, Clone)]
pub struct Compared {
    pub ce_distribution: Option<Distribution>,
    pub ee_distribution: Option<Distribution>,
    pub funnel_centre: Option<f64>,
    pub funnel_tau2: Option<f64>,
    pub ee_funnel: Option<(f64, f64)>,
}

/// The one comparison rule: a group is compared (ranked, flagged, charted, in a median)
/// with at least `compare.min_n` complete responses.
pub fn is_compared(ce_n: i64, min_n: i64) -> bool {
    ce_n >= min_n
}

/// Ranks and flags every site against the others.
pub fn compare_sites(
    sites: &mut [SiteFigures],
    privacy: Privacy,
    overdispersion: bool,
    min_n: i64,
) -> Compared {
    let compared = |s: &SiteFigures| is_compared(s.sums.customer.ce_n, min_n);
    let eligible_ce: Vec<Ratio> = sites
        .iter()
        .filter(|s| compared(s))
        .filter_map(|s| s.sums.customer.ce_index())
        .collect();
    let eligible_ee: Vec<Ratio> = sites
        .iter()
        .filter_map(|s| privacy.ee_index(&s.sums.employee))
        .collect();
    let (fe_total, n_total) = sites
        .iter()
        .filter(|s| compared(s))
        .fold((0i64, 0i64), |(f, n), s| {
            (f + s.sums.customer.fully_engaged, n + s.sums.customer.ce_n)
        });
    let funnel_centre = (n_total > 0).then(|| fe_total as f64 / n_total as f64);
    let company_employee = EmployeeSums::sum(sites.iter().map(|s| &s.sums.employee));
    let ee_funnel = company_employee.ee_spread();
    // the optional overdispersion adjustment (compare.overdispersion) widens every limit
    let proportion_tau2 = match (overdispersion, funnel_centre) {
        (true, Some(p0)) => {
            let eligible: Vec<(i64, i64)> = sites
                .iter()
                .filter(|s| compared(s))
                .map(|s| (s.sums.customer.fully_engaged, s.sums.customer.ce_n))
                .collect();
            Some(proportion_tau_squared(&eligible, p0))
        }
        _ => None,
    };
    let ee_tau2 = match (overdispersion, ee_funnel) {
        (true, Some((centre, sd))) => {
            let points: Vec<(f64, f64)> = sites
                .iter()
                .filter_map(|s| {
                    Some((
                        privacy.ee_index(&s.sums.employee)?.to_f64(),
                        sd / (s.sums.employee.ee_n as f64).sqrt(),
                    ))
                })
                .collect();
            tau_squared(&points, centre)
        }
        _ => 0.0,
    };
    for site in sites.iter_mut() {
        if compared(site) {
            site.percentile_rank = site
                .sums
                .customer
                .ce_index()
                .and_then(|v| percentile_rank(v, &eligible_ce));
        }
        let c = &site.sums.customer;
        site.funnel_flag = match funnel_centre {
            Some(p0) => proportion_flag(c.fully_engaged, c.ce_n, p0, min_n, proportion_tau2),
            None => FunnelFlag::InsufficientSample,
        };
        site.ee_funnel_flag = match (privacy.ee_index(&site.sums.employee), ee_funnel) {
            (Some(value), Some((centre, sd))) => Some(
                mean_limits(centre, sd, site.sums.employee.ee_n as f64, ee_tau2)
                    .flag(value.to_f64()),
            ),
            _ => None,
        };
    }
    Compared {
        ce_distribution: Distribution::of(&eligible_ce),
        ee_distribution: Distribution::of(&eligible_ee),
        funnel_centre,
        funnel_tau2: proportion_tau2,
        ee_funnel,
    }
}
