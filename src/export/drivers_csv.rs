//! `drivers.csv` (metrics.md §11): one row per group, the company, then the regions, then
//! the sites, each by id in byte order; R², importances and shares with 4 decimals, empty
//! unless the group's status is `ok`.

use super::csv_files::{finish, period_fields, text_cell, writer};
use crate::metrics::Figures;
use crate::metrics::drivers::{Drivers, fixed};

const HEADER: [&str; 15] = [
    "period_start",
    "period_end",
    "scope",
    "scope_id",
    "n",
    "r2",
    "importance_confidence",
    "importance_integrity",
    "importance_pride",
    "importance_passion",
    "share_confidence",
    "share_integrity",
    "share_pride",
    "share_passion",
    "status",
];

pub fn drivers_csv(figures: &Figures) -> Vec<u8> {
    let mut w = writer();
    w.write_record(HEADER).expect("in memory");
    let period = period_fields(figures.period);
    let key = &figures.drivers;
    let mut regions: Vec<&(String, Drivers)> = key.regions.iter().collect();
    regions.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let groups = std::iter::once(("company", String::new(), &key.company))
        .chain(regions.into_iter().map(|(r, d)| ("region", r.clone(), d)))
        .chain(figures.sites.iter().filter_map(|s| {
            let id = &s.info.site_id;
            key.sites.get(id).map(|d| ("site", id.clone(), d))
        }));
    for (scope, id, drivers) in groups {
        let four = |values: Option<&[num_rational::BigRational]>| -> Vec<String> {
            (0..4)
                .map(|j| {
                    values
                        .and_then(|v| v.get(j))
                        .map(|v| fixed(v, 4))
                        .unwrap_or_default()
                })
                .collect()
        };
        let shares = drivers.shares();
        let mut record = vec![
            period[0].clone(),
            period[1].clone(),
            scope.to_string(),
            text_cell(&id),
            drivers.n.to_string(),
            drivers.r2.as_ref().map(|r| fixed(r, 4)).unwrap_or_default(),
        ];
        record.extend(four(Some(&drivers.importance)));
        record.extend(four(shares.as_deref()));
        record.push(drivers.status.as_str().to_string());
        w.write_record(&record).expect("in memory");
    }
    finish(w)
}
