//! What the outputs read together may show of employee figures (metrics.md §2): the
//! executive briefing prints each region's and the company's employee index, and
//! `sites.csv` each site's with its respondents. A total shown with its parts must not give a
//! hidden part away by subtraction, so the sites of a region and the regions of the company
//! are suppressed as parts of their total, by the same rule as a site's teams.

use super::employee::Privacy;
use super::figures::{RegionFigures, SiteFigures};
use std::collections::BTreeSet;

#[derive(Debug, Clone, Default)]
pub struct Disclosure {
    /// Sites whose employee figures `sites.csv` and the executive briefing leave out.
    pub hidden_sites: BTreeSet<String>,
    /// Regions whose employee figures the executive briefing leaves out.
    pub hidden_regions: BTreeSet<String>,
}

pub fn disclosure(
    sites: &[SiteFigures],
    regions: &[RegionFigures],
    privacy: Privacy,
) -> Disclosure {
    let mut hidden_sites = BTreeSet::new();
    for region in regions {
        let parts: Vec<(Option<&str>, i128)> = sites
            .iter()
            .filter(|s| s.info.region == region.region)
            .map(|s| (Some(s.info.site_id.as_str()), s.sums.employee.ee_n))
            .collect();
        hidden_sites.extend(
            privacy
                .suppressed_parts(&parts)
                .into_iter()
                .flatten()
                .map(String::from),
        );
    }
    let parts: Vec<(Option<&str>, i128)> = regions
        .iter()
        .map(|r| (Some(r.region.as_str()), r.sums.employee.ee_n))
        .collect();
    let hidden_regions = privacy
        .suppressed_parts(&parts)
        .into_iter()
        .flatten()
        .map(String::from)
        .collect();
    Disclosure {
        hidden_sites,
        hidden_regions,
    }
}
