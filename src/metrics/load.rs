//! The sums of the one pass, read from the query results by column name: per period key
//! and site, customer sums split by invitation channel, the trend months, employee sums
//! and financials; the active sites; and the data quality of what was read.

use super::customer::CustomerSums;
use super::driver_moments::DriverMoments;
use super::employee::EmployeeSums;
use super::employee_window::EmployeeWindows;
use super::figures::{Financials, SiteInfo};
use super::periods::PeriodKey;
use super::quality::{ExcludedRow, Quality};
use crate::data::engine::{Engine, EngineError};
use crate::data::{ExportName, Exports};
use std::collections::HashMap;

type BySite<T> = HashMap<(PeriodKey, String), T>;

#[derive(Debug, Default)]
pub struct SiteSums {
    /// System-invited [0] and staff-invited [1] responses.
    customer: BySite<[CustomerSums; 2]>,
    /// Complete responses and attachment only.
    trend: BySite<CustomerSums>,
    employee: BySite<EmployeeSums>,
    /// The reported period's financials.
    financials: HashMap<String, Financials>,
    /// The reported period's key-driver moments.
    drivers: HashMap<String, DriverMoments>,
}

/// The period key of a row; rows of keys this run did not name are none of its business.
fn key(row: &duckdb::Row<'_>) -> duckdb::Result<Option<PeriodKey>> {
    Ok(PeriodKey::parse(&row.get::<_, String>("period_key")?))
}

impl SiteSums {
    /// The sums of the one pass, employee sums for the chosen `windows`.
    pub fn load(engine: &Engine, windows: &EmployeeWindows) -> Result<SiteSums, EngineError> {
        let mut sums = SiteSums::default();
        for (key, site, system, customer) in engine.query("customer_site_periods", [], |row| {
            Ok((
                key(row)?,
                row.get::<_, String>("site_id")?,
                row.get::<_, bool>("system_invited")?,
                CustomerSums::from_row(row)?,
            ))
        })? {
            if let Some(key) = key {
                sums.customer.entry((key, site)).or_default()[usize::from(!system)] = customer;
            }
        }
        sums.trend = engine
            .query("customer_site_months", [], |row| {
                Ok((
                    key(row)?,
                    row.get::<_, String>("site_id")?,
                    CustomerSums {
                        ce_n: row.get("ce_n")?,
                        attachment_x168: row.get("attachment_x168")?,
                        ..Default::default()
                    },
                ))
            })?
            .into_iter()
            .filter_map(|(key, site, month)| Some(((key?, site), month)))
            .collect();
        sums.employee = engine
            .query("employee_site_periods", [windows.keys()], |row| {
                Ok((
                    key(row)?,
                    row.get::<_, String>("site_id")?,
                    EmployeeSums::from_row(row)?,
                ))
            })?
            .into_iter()
            .filter_map(|(key, site, employee)| Some(((key?, site), employee)))
            .collect();
        sums.financials = engine
            .query("financial_site_periods", [], |row| {
                Ok((
                    key(row)?,
                    row.get::<_, String>("site_id")?,
                    Financials {
                        revenue: row.get::<_, Option<f64>>("revenue")?.unwrap_or(0.0),
                        budget: row.get::<_, Option<f64>>("budget")?.unwrap_or(0.0),
                        transactions: row.get::<_, Option<i64>>("transactions")?.unwrap_or(0),
                    },
                ))
            })?
            .into_iter()
            .filter(|(key, ..)| *key == Some(PeriodKey::Current))
            .map(|(_, site, financials)| (site, financials))
            .collect();
        for (site, profiles) in engine.query("customer_driver_profiles", [], |row| {
            Ok((
                row.get::<_, String>("site_id")?,
                row.get::<_, duckdb::types::Value>("driver_profiles")?,
            ))
        })? {
            let moments = sums.drivers.entry(site).or_default();
            if let duckdb::types::Value::List(profiles) = profiles {
                for profile in profiles {
                    if let duckdb::types::Value::Int(code) = profile {
                        moments.add_profile(code.into(), 1);
                    }
                }
            }
        }
        Ok(sums)
    }

    /// A site's key-driver moments of the reported period.
    pub fn drivers(&self, site: &str) -> DriverMoments {
        self.drivers.get(site).copied().unwrap_or_default()
    }

    /// A site's customer sums of one period: system-invited, staff-invited.
    pub fn by_channel(&self, key: PeriodKey, site: &str) -> [CustomerSums; 2] {
        self.customer
            .get(&(key, site.to_string()))
            .copied()
            .unwrap_or_default()
    }

    /// A site's customer sums of one period, both channels.
    pub fn customer(&self, key: PeriodKey, site: &str) -> CustomerSums {
        let [system, staff] = self.by_channel(key, site);
        CustomerSums::sum([&system, &staff])
    }

    pub fn trend_month(&self, month: usize, site: &str) -> CustomerSums {
        self.trend
            .get(&(PeriodKey::TrendMonth(month), site.to_string()))
            .copied()
            .unwrap_or_default()
    }

    pub fn employee(&self, key: PeriodKey, site: &str) -> EmployeeSums {
        self.employee
            .get(&(key, site.to_string()))
            .copied()
            .unwrap_or_default()
    }

    pub fn financials(&self, site: &str) -> Option<Financials> {
        self.financials.get(site).cloned()
    }
}

/// The active sites, in byte order of their id.
pub fn site_infos(engine: &Engine) -> Result<Vec<SiteInfo>, EngineError> {
    let text = |row: &duckdb::Row<'_>, name: &str| -> duckdb::Result<String> {
        Ok(row.get::<_, Option<String>>(name)?.unwrap_or_default())
    };
    engine.query("org_sites", [], |row| {
        Ok(SiteInfo {
            site_id: row.get("site_id")?,
            site_name: text(row, "site_name")?,
            region: text(row, "region")?,
            country: text(row, "country")?,
            locale: row
                .get::<_, Option<String>>("locale")?
                .unwrap_or_else(|| "en".into()),
            manager_id: text(row, "manager_id")?,
            manager_name: text(row, "manager_name")?,
            manager_email: text(row, "manager_email")?,
            bonus_target: row.get("bonus_target")?,
        })
    })
}

/// Every excluded row with its reason, the rows read per export and the newest response.
pub fn quality(exports: &Exports) -> Result<Quality, EngineError> {
    let engine = &exports.engine;
    let mut excluded = Vec::new();
    for (query, export) in [
        ("customer_quality", "customer_responses"),
        ("employee_quality", "employee_responses"),
    ] {
        excluded.extend(engine.query(query, [], |row| {
            Ok(ExcludedRow {
                export,
                row_id: row.get("row_id")?,
                reason: row.get("reason")?,
            })
        })?);
    }
    excluded.extend(engine.query("org_quality", [], |row| {
        let export = match row.get::<_, String>("export")?.as_str() {
            "teams" => "teams",
            _ => "financials",
        };
        Ok(ExcludedRow {
            export,
            row_id: row.get("row_id")?,
            reason: row.get("reason")?,
        })
    })?);
    let newest = |name: &str| -> Result<Option<String>, EngineError> {
        Ok(engine
            .query(name, [], |row| row.get::<_, Option<String>>("newest"))?
            .into_iter()
            .next()
            .flatten())
    };
    let newest = vec![
        ("customer_responses", newest("customer_freshness")?),
        ("employee_responses", newest("employee_freshness")?),
    ];
    let rows_read = ExportName::ALL
        .iter()
        .map(|export| {
            let rows = exports
                .files
                .iter()
                .filter(|f| f.export == *export)
                .map(|f| f.rows)
                .sum();
            (export.as_str(), rows)
        })
        .collect();
    Ok(Quality::new(excluded, rows_read, newest))
}
