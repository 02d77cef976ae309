//! What `/metrics` and the status page read from the state store: counts per job, the last
//! success, run durations, the latest runs, and the newest row each export held.

use super::ledger::{Ledger, LedgerError, RunRow, now};
use super::store::Query;
use std::collections::BTreeMap;

const JOB_STATS: Query = Query {
    sqlite: include_str!("sql/job_stats.sql"),
    postgres: include_str!("sql/postgres/job_stats.sql"),
};
const DELIVERY_STATS: Query = Query::portable(include_str!("sql/delivery_stats.sql"));
const RECENT_RUNS: Query = Query::portable(include_str!("sql/recent_runs.sql"));
const EXPORT_FRESHNESS: Query = Query::portable(include_str!("sql/export_freshness.sql"));
const IN_DOUBT: Query = Query::portable(include_str!("sql/in_doubt.sql"));
const FRESHNESS: Query =
    Query::portable("SELECT export, newest FROM export_freshness ORDER BY export");

/// One job's runs as the store holds them.
#[derive(Debug, Clone, Default)]
pub struct JobStats {
    /// Runs by status: succeeded, failed, running, skipped.
    pub runs: BTreeMap<String, u64>,
    pub last_success: Option<String>,
    /// Seconds, of each finished run.
    pub durations: Vec<f64>,
    /// Deliveries by status: sent, failed, pending.
    pub deliveries: BTreeMap<String, u64>,
}

impl Ledger {
    /// Every job's runs and deliveries.
    pub fn job_stats(&self) -> Result<BTreeMap<String, JobStats>, LedgerError> {
        let mut jobs: BTreeMap<String, JobStats> = BTreeMap::new();
        let runs = self.rows(&JOB_STATS, &[], |r| {
            let durations: Option<String> = r.get(4)?;
            Ok((
                r.get::<String>(0)?,
                r.get::<String>(1)?,
                r.get::<u64>(2)?,
                r.get::<Option<String>>(3)?,
                durations,
            ))
        })?;
        for (job, status, count, last, durations) in runs {
            let stats = jobs.entry(job).or_default();
            stats.runs.insert(status, count);
            if let Some(last) = last {
                stats.last_success = Some(last);
            }
            stats.durations.extend(
                durations
                    .iter()
                    .flat_map(|d| d.split(','))
                    .filter_map(|d| d.parse::<f64>().ok()),
            );
        }
        let deliveries = self.rows(&DELIVERY_STATS, &[], |r| {
            Ok((r.get::<String>(0)?, r.get::<String>(1)?, r.get::<u64>(2)?))
        })?;
        for (job, status, count) in deliveries {
            jobs.entry(job)
                .or_default()
                .deliveries
                .insert(status, count);
        }
        Ok(jobs)
    }

    /// Per job, the deliveries in doubt: a run died handing them over.
    pub fn in_doubt(&self) -> Result<BTreeMap<String, u64>, LedgerError> {
        let rows = self.rows(&IN_DOUBT, &[now().into()], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.into_iter().collect())
    }

    /// The latest `limit` runs, newest first.
    pub fn recent_runs(&self, limit: usize) -> Result<Vec<RunRow>, LedgerError> {
        self.rows(&RECENT_RUNS, &[limit.into()], RunRow::from_row)
    }

    /// Records the newest row of each export a run read (RFC 3339 times).
    pub fn record_freshness(&self, newest: &[(&str, String)]) -> Result<(), LedgerError> {
        for (export, at) in newest {
            self.write(
                &EXPORT_FRESHNESS,
                &[(*export).into(), at.into(), now().into()],
            )?;
        }
        Ok(())
    }

    /// The newest row of each export, as last recorded.
    pub fn freshness(&self) -> Result<Vec<(String, String)>, LedgerError> {
        self.rows(&FRESHNESS, &[], |r| Ok((r.get(0)?, r.get(1)?)))
    }
}
