//! "What drives loyalty" in the executive briefing (metrics.md §11): the company's R² and
//! each dimension's share of it as bars, and the regions whose top driver differs.

use crate::metrics::Figures;
use crate::metrics::drivers::{DriverStatus, Drivers, fixed};
use crate::plot::{Plot, Series};
use crate::report::writer::Writer;
use num_rational::BigRational;
use num_traits::ToPrimitive;
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct KeyDriversSection {
    /// The company's drivers could be computed (enough responses, a regression to fit).
    pub shown: bool,
    /// R² in percent and the responses it is over.
    pub r2: String,
    pub n: String,
    /// The company's top dimension.
    pub top: Option<&'static str>,
    pub regions_differ: Vec<RegionTop>,
    pub chart: Plot,
}

#[derive(Debug, Serialize)]
pub struct RegionTop {
    pub region: String,
    pub dimension: &'static str,
}

/// A rational as a whole percent.
fn percent(value: &BigRational) -> String {
    fixed(
        &BigRational::new_raw(value.numer() * 100, value.denom().clone()),
        0,
    )
}

impl KeyDriversSection {
    pub fn new(w: &Writer, figures: &Figures) -> KeyDriversSection {
        let company = Some(&figures.drivers.company).filter(|d| d.status == DriverStatus::Ok);
        let top = company.and_then(Drivers::top);
        let regions_differ = figures
            .drivers
            .regions
            .iter()
            .filter(|(_, d)| d.status == DriverStatus::Ok)
            .filter_map(|(region, d)| {
                let own = d.top()?;
                (Some(own) != top).then(|| RegionTop {
                    region: w.name(region),
                    dimension: own.as_str(),
                })
            })
            .collect();
        let shares = company.and_then(Drivers::shares).unwrap_or_default();
        KeyDriversSection {
            shown: company.is_some(),
            r2: company
                .and_then(|d| d.r2.as_ref())
                .map(percent)
                .unwrap_or_default(),
            n: w.count(company.map_or(0, |d| d.n)),
            top: top.map(|d| d.as_str()),
            regions_differ,
            chart: Plot::Bars {
                categories: crate::metrics::customer::Dimension::ALL
                    .iter()
                    .map(|d| w.word(&format!("dimension.{}", d.as_str())))
                    .collect(),
                series: vec![Series {
                    label: w.word("chart.share_of_r2"),
                    values: shares
                        .iter()
                        .map(|s| s.to_f64().map(|v| 100.0 * v))
                        .collect(),
                }],
            },
        }
    }
}
