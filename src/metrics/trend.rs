//! Monthly trends and sustained problems (metrics.md §6).

use super::compare::is_compared;
use super::figures::SiteFigures;
use super::periods::{SUSTAINED_MONTHS, TREND_MONTHS};
use super::quadrant::median;
use super::ratio::Ratio;

/// The company's monthly median of compared sites over the trend months; flags each site
/// that was low in each of the last months.
pub fn company_trend(sites: &mut [SiteFigures], min_n: i64) -> Vec<Option<Ratio>> {
    let compared_months: Vec<Vec<SiteMonth>> = sites
        .iter()
        .map(|s| {
            s.trend
                .iter()
                .map(|(n, v)| if is_compared(*n, min_n) { *v } else { None })
                .collect()
        })
        .collect();
    let views: Vec<&[SiteMonth]> = compared_months.iter().map(Vec::as_slice).collect();
    let medians = monthly_medians(&views, TREND_MONTHS);
    for (site, months) in sites.iter_mut().zip(&compared_months) {
        site.sustained_low = sustained_low(months, &medians, SUSTAINED_MONTHS);
    }
    medians
}

/// One site's month: its ce_index when eligible that month (ce_n ≥ min_n).
pub type SiteMonth = Option<Ratio>;

/// The company's monthly median over the sites eligible that month, for each month.
pub fn monthly_medians(site_months: &[&[SiteMonth]], months: usize) -> Vec<Option<Ratio>> {
    (0..months)
        .map(|m| {
            let eligible: Vec<Ratio> = site_months.iter().filter_map(|s| s[m]).collect();
            median(&eligible)
        })
        .collect()
}

/// Low in each of the last `run` months: eligible and strictly below that month's median.
pub fn sustained_low(site: &[SiteMonth], medians: &[Option<Ratio>], run: usize) -> bool {
    let n = site.len();
    n >= run
        && (n - run..n).all(|m| match (site[m], medians[m]) {
            (Some(value), Some(median)) => value < median,
            _ => false,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(v: i128) -> Option<Ratio> {
        Some(Ratio::integer(v))
    }

    #[test]
    fn sustained_low_needs_six_eligible_months_strictly_below() {
        let medians = vec![r(60); 8];
        let low = [r(70), r(70), r(50), r(50), r(50), r(50), r(50), r(50)];
        assert!(sustained_low(&low, &medians, 6));
        // equal to the median is not below
        let equal = [r(50), r(50), r(50), r(50), r(50), r(50), r(50), r(60)];
        assert!(!sustained_low(&equal, &medians, 6));
        // a month with too few responses breaks the run
        let gap = [r(50), r(50), r(50), None, r(50), r(50), r(50), r(50)];
        assert!(!sustained_low(&gap, &medians, 6));
        // low once, long ago, is not low now
        let recovered = [r(50), r(50), r(50), r(50), r(50), r(50), r(50), r(70)];
        assert!(!sustained_low(&recovered, &medians, 6));
    }

    #[test]
    fn medians_use_only_eligible_sites() {
        let a = [r(10), None];
        let b = [r(20), r(40)];
        let c = [r(90), r(50)];
        let medians = monthly_medians(&[&a, &b, &c], 2);
        assert_eq!(medians[0], r(20));
        assert_eq!(medians[1], r(45));
    }
}
