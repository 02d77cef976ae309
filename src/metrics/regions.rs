//! Regions and the company are sums of their sites.

use super::figures::{GroupSums, RegionFigures, SiteFigures};
use super::funnel::FunnelFlag;
use std::collections::BTreeMap;

/// Each region's sums, sites and sites flagged low, in byte order of the region's name.
pub fn regions(sites: &[SiteFigures]) -> Vec<RegionFigures> {
    let mut by_region: BTreeMap<String, Vec<&SiteFigures>> = BTreeMap::new();
    for site in sites {
        by_region
            .entry(site.info.region.clone())
            .or_default()
            .push(site);
    }
    by_region
        .into_iter()
        .map(|(region, members)| RegionFigures {
            sums: sum_groups(members.iter().map(|s| &s.sums)),
            sites: members.len(),
            sites_flagged_low: members
                .iter()
                .filter(|s| {
                    matches!(s.funnel_flag, FunnelFlag::AlarmLow | FunnelFlag::AlertLow)
                        || s.sustained_low
                })
                .count(),
            region,
        })
        .collect()
}

pub fn sum_groups<'a>(groups: impl Iterator<Item = &'a GroupSums>) -> GroupSums {
    let mut total = GroupSums::default();
    for g in groups {
        total.customer.add(&g.customer);
        total.customer_prev.add(&g.customer_prev);
        total.customer_last_year.add(&g.customer_last_year);
        total.employee.add(&g.employee);
        total.employee_prev.add(&g.employee_prev);
        total.drivers.add(&g.drivers);
    }
    total
}
