//! One reading of the state store for `/metrics` and the status page: per job its runs,
//! deliveries, hold and next fire, the recent failures, the exports' newest rows.

use super::fire::next_fires;
use super::operations::Operations;
use crate::config::Config;
use crate::deliver::{JobStats, Ledger, LedgerError, Pause, RunRow};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::sync::Arc;

/// How many of the latest runs the status page looks through for failures.
const RECENT_RUNS: usize = 50;

pub struct Snapshot {
    pub config: Arc<Config>,
    pub now: DateTime<Utc>,
    pub reload_ok: bool,
    pub jobs: Vec<JobSnapshot>,
    /// The latest runs, newest first.
    pub recent: Vec<RunRow>,
    /// (export, newest row's time), RFC 3339.
    pub freshness: Vec<(String, String)>,
}

pub struct JobSnapshot {
    pub name: String,
    pub stats: JobStats,
    pub pause: Option<Pause>,
    pub next_fire: Option<DateTime<Utc>>,
    pub in_doubt: u64,
}

impl Snapshot {
    pub fn read(operations: &Operations) -> Result<Snapshot, LedgerError> {
        let config = operations.config();
        let now = Utc::now();
        let ledger = Ledger::open(&operations.state)?;
        let mut stats = ledger.job_stats()?;
        let pauses = ledger.pauses()?;
        let in_doubt = ledger.in_doubt()?;
        let jobs = config
            .jobs
            .values()
            .map(|job| JobSnapshot {
                name: job.name.clone(),
                stats: stats.remove(&job.name).unwrap_or_default(),
                pause: pauses.of(&job.name, now).cloned(),
                next_fire: next_fires(&job.schedule.cron, job.timezone, now, 1)
                    .first()
                    .map(|fire| fire.at.with_timezone(&Utc)),
                in_doubt: in_doubt.get(&job.name).copied().unwrap_or(0),
            })
            .collect();
        Ok(Snapshot {
            now,
            reload_ok: operations.reload_ok(),
            jobs,
            recent: ledger.recent_runs(RECENT_RUNS)?,
            freshness: ledger.freshness()?,
            config,
        })
    }

    /// Each job's latest finished or running run (skipped fires aside).
    pub fn last_runs(&self) -> BTreeMap<&str, &RunRow> {
        let mut last = BTreeMap::new();
        for run in self.recent.iter().filter(|r| r.status != "skipped") {
            last.entry(run.job.as_str()).or_insert(run);
        }
        last
    }
}
