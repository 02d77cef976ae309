//! The delivery ledger in the state store: which briefing (job, period, recipient, scope)
//! got its message, with attempts, last error and Message-ID, and the runs themselves.

use super::store::{Connection, Query, Row, StateUrl, StoreError, Value};
use std::cell::RefCell;

/// The statements, one file each under `sql/`.
pub(super) mod sql {
    use super::Query;
    pub const SETTLED: Query = Query::portable(include_str!("sql/settled.sql"));
    pub const NEXT_RESEND: Query = Query::portable(include_str!("sql/next_resend.sql"));
    pub const START_RUN: Query = Query::portable(include_str!("sql/start_run.sql"));
    pub const FINISH_RUN: Query = Query::portable(include_str!("sql/finish_run.sql"));
    pub const UPSERT: Query = Query::portable(include_str!("sql/upsert.sql"));
    pub const CLAIM: Query = Query::portable(include_str!("sql/claim.sql"));
    pub const SETTLE_IN_DOUBT: Query = Query::portable(include_str!("sql/settle_in_doubt.sql"));
    pub const RUNS: Query = Query::portable(include_str!("sql/runs.sql"));
    pub const DELIVERIES: Query = Query::portable(include_str!("sql/deliveries.sql"));
    pub const UNFINISHED: Query = Query::portable(include_str!("sql/unfinished.sql"));
    pub const SUCCEEDED: Query = Query::portable(include_str!("sql/succeeded.sql"));
    pub const SKIPPED_FIRE: Query = Query::portable(include_str!("sql/skipped_fire.sql"));
}

#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error("state store {store}: {source}")]
    Store {
        store: String,
        #[source]
        source: StoreError,
    },
    #[error(
        "state store {store}: its schema is version {found}, newer than this xbrief knows ({known}): run the newer xbrief"
    )]
    Newer {
        store: String,
        found: usize,
        known: usize,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Sent,
    /// A permanent refusal (5xx): not retried.
    Failed,
    /// Temporary failures outlasted the retries: a later run tries again.
    Pending,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Sent => "sent",
            Status::Failed => "failed",
            Status::Pending => "pending",
        }
    }
}

/// One message's outcome.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub job: String,
    pub period: String,
    pub recipient: String,
    pub scope: String,
    pub resend: u32,
    pub artifact_sha256: String,
    pub status: Status,
    pub attempts: u32,
    pub last_error: Option<String>,
    pub message_id: String,
    pub run_id: String,
}

/// A delivery as `history` lists it.
#[derive(Debug, Clone)]
pub struct DeliveryRow {
    pub job: String,
    pub period: String,
    pub recipient: String,
    pub scope: String,
    pub resend: u32,
    /// sent, failed, pending, sending (being handed over), in_doubt.
    pub status: String,
    pub attempts: u32,
    pub last_error: Option<String>,
    pub sent_at: Option<String>,
    pub run_id: String,
}

#[derive(Debug, Clone)]
pub struct RunRow {
    pub run_id: String,
    pub job: String,
    pub period: String,
    pub started_at: String,
    pub finished_at: Option<String>,
    /// running, succeeded, failed, or skipped (a paused fire)
    pub status: String,
    pub sent: u32,
    pub failed: u32,
    pub skipped: u32,
    pub error: Option<String>,
    /// Where a failed run stopped: data, figures, render, send.
    pub stage: Option<String>,
    /// config, data, render, delivery_partial, delivery_failed.
    pub error_class: Option<String>,
    /// The replica (host or pod, and process) that ran it.
    pub owner: Option<String>,
    /// `2/4` for a shard of a sharded run.
    pub shard: Option<String>,
}

impl RunRow {
    pub(super) fn from_row(r: &Row) -> Result<RunRow, StoreError> {
        Ok(RunRow {
            run_id: r.get(0)?,
            job: r.get(1)?,
            period: r.get(2)?,
            started_at: r.get(3)?,
            finished_at: r.get(4)?,
            status: r.get(5)?,
            sent: r.get(6)?,
            failed: r.get(7)?,
            skipped: r.get(8)?,
            error: r.get(9)?,
            stage: r.get(10)?,
            error_class: r.get(11)?,
            owner: r.get(12)?,
            shard: r.get(13)?,
        })
    }
}

/// Why a run failed, as the state store keeps it.
#[derive(Debug, Clone, Copy)]
pub struct RunFailure<'a> {
    pub stage: &'a str,
    pub class: &'a str,
    pub message: &'a str,
}

/// Who a run is and where it runs, as it starts.
#[derive(Debug, Clone)]
pub struct RunStart<'a> {
    pub run_id: &'a str,
    pub job: &'a str,
    pub period: &'a str,
    pub owner: &'a str,
    pub shard: Option<String>,
    pub group_id: Option<&'a str>,
    pub lease: std::time::Duration,
    /// The scheduled fire it runs, when `serve` started it.
    pub fire_at: Option<&'a str>,
}

pub struct Ledger {
    pub(super) url: StateUrl,
    pub(super) connection: RefCell<Connection>,
}

pub(super) fn now() -> String {
    stamp(chrono::Utc::now())
}

/// The stores' time format: RFC 3339 UTC with milliseconds, so text order is time order.
pub(super) fn stamp(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

pub(super) fn lease_end(lease: std::time::Duration) -> String {
    stamp(chrono::Utc::now() + chrono::Duration::from_std(lease).unwrap_or_default())
}

impl Ledger {
    /// Opens the state store (creating a SQLite one), applying pending migrations.
    pub fn open(url: &StateUrl) -> Result<Ledger, LedgerError> {
        let fail = |source| LedgerError::Store {
            store: url.to_string(),
            source,
        };
        let mut connection = Connection::open(url).map_err(fail)?;
        let found = connection.version().map_err(fail)?;
        if found > super::store::CURRENT {
            return Err(LedgerError::Newer {
                store: url.to_string(),
                found,
                known: super::store::CURRENT,
            });
        }
        Ok(Ledger {
            url: url.clone(),
            connection: RefCell::new(connection),
        })
    }

    /// The schema version of the store (`xbrief state migrate`).
    pub fn version(&self) -> Result<usize, LedgerError> {
        self.connection
            .borrow_mut()
            .version()
            .map_err(|e| self.fail(e))
    }

    pub(super) fn fail(&self, source: StoreError) -> LedgerError {
        LedgerError::Store {
            store: self.url.to_string(),
            source,
        }
    }

    /// The rows of a statement, each made a `T`.
    pub(super) fn rows<T>(
        &self,
        query: &Query,
        values: &[Value],
        row: impl Fn(&Row) -> Result<T, StoreError>,
    ) -> Result<Vec<T>, LedgerError> {
        let rows = self
            .connection
            .borrow_mut()
            .query(query, values)
            .map_err(|e| self.fail(e))?;
        rows.iter()
            .map(|r| row(r).map_err(|e| self.fail(e)))
            .collect()
    }

    /// Rows changed by a write.
    pub(super) fn write(&self, query: &Query, values: &[Value]) -> Result<u64, LedgerError> {
        self.connection
            .borrow_mut()
            .execute(query, values)
            .map_err(|e| self.fail(e))
    }

    /// The briefings of (job, period) whose run delivery is settled (sent, or in doubt),
    /// by (recipient lowercased, scope); scope `""` stands for every scope of its recipient.
    pub fn settled(
        &self,
        job: &str,
        period: &str,
    ) -> Result<std::collections::HashMap<(String, String), String>, LedgerError> {
        let rows = self.rows(&sql::SETTLED, &[job.into(), period.into()], |r| {
            Ok(((r.get(0)?, r.get(1)?), r.get(2)?))
        })?;
        Ok(rows.into_iter().collect())
    }

    /// The next resend number for one briefing of a recipient.
    pub fn next_resend(
        &self,
        job: &str,
        period: &str,
        recipient: &str,
        scope: &str,
    ) -> Result<u32, LedgerError> {
        let values = [job.into(), period.into(), recipient.into(), scope.into()];
        let next = self.rows(&sql::NEXT_RESEND, &values, |r| r.get(0))?;
        Ok(next.into_iter().next().unwrap_or(1))
    }

    /// (job, period) of runs that died before finishing (their lease ran out).
    pub fn unfinished(&self) -> Result<Vec<(String, String)>, LedgerError> {
        self.rows(&sql::UNFINISHED, &[now().into()], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
    }

    pub fn succeeded(&self, job: &str, period: &str) -> Result<bool, LedgerError> {
        let found = self.rows(&sql::SUCCEEDED, &[job.into(), period.into()], |r| r.get(0))?;
        Ok(found.into_iter().next().unwrap_or(false))
    }

    pub fn start_run(&self, run: &RunStart) -> Result<(), LedgerError> {
        let values = [
            run.run_id.into(),
            run.job.into(),
            run.period.into(),
            now().into(),
            run.owner.into(),
            run.shard.clone().into(),
            run.group_id.into(),
            lease_end(run.lease).into(),
            run.fire_at.into(),
        ];
        self.write(&sql::START_RUN, &values).map(|_| ())
    }

    /// Ends a run: succeeded without a failure, else failed with its stage and class.
    pub fn finish_run(
        &self,
        run_id: &str,
        counts: [usize; 4],
        failure: Option<RunFailure>,
    ) -> Result<(), LedgerError> {
        let [messages, sent, failed, skipped] = counts;
        let status = if failure.is_some() {
            "failed"
        } else {
            "succeeded"
        };
        let values = [
            run_id.into(),
            now().into(),
            status.into(),
            messages.into(),
            sent.into(),
            failed.into(),
            skipped.into(),
            failure.map(|f| f.message).into(),
            failure.map(|f| f.stage).into(),
            failure.map(|f| f.class).into(),
        ];
        self.write(&sql::FINISH_RUN, &values).map(|_| ())
    }

    /// A fire that did not run, recorded with why (`paused: …`).
    pub fn skipped_fire(&self, job: &str, period: &str, why: &str) -> Result<(), LedgerError> {
        let run_id = uuid::Uuid::new_v4().to_string();
        let values = [
            run_id.into(),
            job.into(),
            period.into(),
            now().into(),
            why.into(),
        ];
        self.write(&sql::SKIPPED_FIRE, &values).map(|_| ())
    }

    /// Marks in doubt what dead runs of (job, period) were handing over; returns how many.
    pub fn settle_in_doubt(&self, job: &str, period: &str) -> Result<u64, LedgerError> {
        self.write(
            &sql::SETTLE_IN_DOUBT,
            &[job.into(), period.into(), now().into()],
        )
    }

    pub fn runs(
        &self,
        job: Option<&str>,
        period: Option<&str>,
    ) -> Result<Vec<RunRow>, LedgerError> {
        self.rows(&sql::RUNS, &[job.into(), period.into()], RunRow::from_row)
    }

    pub fn deliveries(
        &self,
        job: Option<&str>,
        period: Option<&str>,
    ) -> Result<Vec<DeliveryRow>, LedgerError> {
        self.rows(&sql::DELIVERIES, &[job.into(), period.into()], |r| {
            Ok(DeliveryRow {
                job: r.get(0)?,
                period: r.get(1)?,
                recipient: r.get(2)?,
                scope: r.get(3)?,
                resend: r.get(4)?,
                status: r.get(5)?,
                attempts: r.get(6)?,
                last_error: r.get(7)?,
                sent_at: r.get(8)?,
                run_id: r.get(9)?,
            })
        })
    }
}
