//! What `/metrics` and the status page read from the state store: counts per job, the last
//! success, run durations, the latest runs, and the newest row each export held.

use super::ledger::{Ledger, LedgerError, RunRow, now};
use rusqlite::params;
use std::collections::BTreeMap;

const JOB_STATS: &str = include_str!("sql/job_stats.sql");
const DELIVERY_STATS: &str = include_str!("sql/delivery_stats.sql");
const RECENT_RUNS: &str = include_str!("sql/recent_runs.sql");
const EXPORT_FRESHNESS: &str = include_str!("sql/export_freshness.sql");
const IN_DOUBT: &str = include_str!("sql/in_doubt.sql");
const SENDING: &str = "UPDATE runs SET messages = ?2 WHERE run_id = ?1";

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
        let fail = |e| self.fail(e);
        let mut statement = self.connection.prepare(JOB_STATS).map_err(fail)?;
        let mut rows = statement.query([]).map_err(fail)?;
        while let Some(row) = rows.next().map_err(fail)? {
            let job: String = row.get(0).map_err(fail)?;
            let stats = jobs.entry(job).or_default();
            stats
                .runs
                .insert(row.get(1).map_err(fail)?, row.get(2).map_err(fail)?);
            if let Some(last) = row.get::<_, Option<String>>(3).map_err(fail)? {
                stats.last_success = Some(last);
            }
            let durations: Option<String> = row.get(4).map_err(fail)?;
            stats.durations.extend(
                durations
                    .iter()
                    .flat_map(|d| d.split(','))
                    .filter_map(|d| d.parse::<f64>().ok()),
            );
        }
        let mut statement = self.connection.prepare(DELIVERY_STATS).map_err(fail)?;
        let mut rows = statement.query([]).map_err(fail)?;
        while let Some(row) = rows.next().map_err(fail)? {
            let job: String = row.get(0).map_err(fail)?;
            jobs.entry(job)
                .or_default()
                .deliveries
                .insert(row.get(1).map_err(fail)?, row.get(2).map_err(fail)?);
        }
        Ok(jobs)
    }

    /// A run is about to send `messages`: recorded first, so a run that dies mid-send
    /// leaves the count of what it may have sent.
    pub fn sending(&self, run_id: &str, messages: usize) -> Result<(), LedgerError> {
        self.connection
            .execute(SENDING, params![run_id, messages as i64])
            .map(|_| ())
            .map_err(|e| self.fail(e))
    }

    /// Per job, the messages in doubt: of runs that died mid-send before `before` (the
    /// runner's start), those whose outcome was never recorded.
    pub fn in_doubt(&self, before: &str) -> Result<BTreeMap<String, u64>, LedgerError> {
        let mut statement = self
            .connection
            .prepare(IN_DOUBT)
            .map_err(|e| self.fail(e))?;
        let rows = statement
            .query_map(params![before], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(|e| self.fail(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.fail(e))
    }

    /// The latest `limit` runs, newest first.
    pub fn recent_runs(&self, limit: usize) -> Result<Vec<RunRow>, LedgerError> {
        let mut statement = self
            .connection
            .prepare(RECENT_RUNS)
            .map_err(|e| self.fail(e))?;
        let rows = statement
            .query_map(params![limit as i64], RunRow::from_row)
            .map_err(|e| self.fail(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.fail(e))
    }

    /// Records the newest row of each export a run read (RFC 3339 times).
    pub fn record_freshness(&self, newest: &[(&str, String)]) -> Result<(), LedgerError> {
        for (export, at) in newest {
            self.connection
                .execute(EXPORT_FRESHNESS, params![export, at, now()])
                .map_err(|e| self.fail(e))?;
        }
        Ok(())
    }

    /// The newest row of each export, as last recorded.
    pub fn freshness(&self) -> Result<Vec<(String, String)>, LedgerError> {
        let mut statement = self
            .connection
            .prepare("SELECT export, newest FROM export_freshness ORDER BY export")
            .map_err(|e| self.fail(e))?;
        let rows = statement
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(|e| self.fail(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.fail(e))
    }
}
