//! The quadrant over sites compared on both (metrics.md §4): each site's quadrant against
//! the medians, the financials per quadrant, and the linkage correlations.

use super::compare::is_compared;
use super::employee::Privacy;
use super::figures::{QuadrantSummary, SiteFigures};
use super::quadrant::{Quadrant, median, pearson};
use super::ratio::Ratio;

/// Places each compared site with an employee index in its quadrant and sums the
/// quadrants.
pub fn summarise(sites: &mut [SiteFigures], privacy: Privacy, min_n: i64) -> QuadrantSummary {
    let compared = |s: &SiteFigures| is_compared(s.sums.customer.ce_n, min_n);
    let both_eligible: Vec<(usize, Ratio, Ratio)> = sites
        .iter()
        .enumerate()
        .filter(|(_, s)| compared(s))
        .filter_map(|(i, s)| {
            Some((
                i,
                privacy.ee_index(&s.sums.employee)?,
                s.sums.customer.ce_index()?,
            ))
        })
        .collect();
    let mut quadrants = QuadrantSummary {
        ee_median: median(&both_eligible.iter().map(|x| x.1).collect::<Vec<_>>()),
        ce_median: median(&both_eligible.iter().map(|x| x.2).collect::<Vec<_>>()),
        sites: both_eligible.len(),
        ..Default::default()
    };
    let (Some(ee_median), Some(ce_median)) = (quadrants.ee_median, quadrants.ce_median) else {
        return quadrants;
    };
    let mut ce_revenue = Vec::new();
    for &(i, ee_index, ce_index) in &both_eligible {
        let quadrant = Quadrant::of(ee_index, ce_index, ee_median, ce_median);
        sites[i].quadrant = Some(quadrant);
        let row = &mut quadrants.rows[quadrant.position()];
        row.sites += 1;
        if let Some(f) = &sites[i].financials {
            row.revenue += f.revenue;
            row.budget += f.budget;
            row.transactions += f.transactions;
            if f.budget > 0.0 {
                ce_revenue.push((ce_index.to_f64(), f.revenue / f.budget - 1.0));
            }
        }
    }
    quadrants.r_ee_ce = pearson(
        &both_eligible
            .iter()
            .map(|x| (x.1.to_f64(), x.2.to_f64()))
            .collect::<Vec<_>>(),
    );
    quadrants.r_ce_revenue = pearson(&ce_revenue);
    quadrants.revenue_per_transaction_ratio = match (
        quadrants.rows[0].revenue_per_transaction(),
        quadrants.rows[3].revenue_per_transaction(),
    ) {
        (Some(high), Some(low)) if low > 0.0 => Some(high / low),
        _ => None,
    };
    quadrants
}
