//! The delivery ledger in the state store (SQLite, WAL): which briefing (job, period,
//! recipient, scope) got its message, with attempts, last error and Message-ID, and the runs themselves.
//! Outcomes are written by a thread of their own, so sends never wait for the disk.

use rusqlite::{Connection, params};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread::JoinHandle;

/// The statements, one file each under `sql/`.
mod sql {
    pub const PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;";
    pub const SENT: &str = include_str!("sql/sent.sql");
    pub const NEXT_RESEND: &str = include_str!("sql/next_resend.sql");
    pub const START_RUN: &str = include_str!("sql/start_run.sql");
    pub const FINISH_RUN: &str = include_str!("sql/finish_run.sql");
    pub const UPSERT: &str = include_str!("sql/upsert.sql");
    pub const RUNS: &str = include_str!("sql/runs.sql");
    pub const DELIVERIES: &str = include_str!("sql/deliveries.sql");
    pub const UNFINISHED: &str = include_str!("sql/unfinished.sql");
    pub const SUCCEEDED: &str = include_str!("sql/succeeded.sql");
    pub const SKIPPED_FIRE: &str = include_str!("sql/skipped_fire.sql");
}

#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error("state store {}: {source}", path.display())]
    Store {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error(
        "state store {}: its schema is version {found}, newer than this xbrief knows ({known}): run the newer xbrief",
        path.display()
    )]
    Newer {
        path: PathBuf,
        found: usize,
        known: usize,
    },
    #[error("state store {}: {source}", path.display())]
    Folder {
        path: PathBuf,
        #[source]
        source: std::io::Error,
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
    pub status: String,
    pub attempts: u32,
    pub last_error: Option<String>,
    pub sent_at: Option<String>,
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
}

impl RunRow {
    pub(super) fn from_row(r: &rusqlite::Row) -> rusqlite::Result<RunRow> {
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

pub struct Ledger {
    path: PathBuf,
    pub(super) connection: Connection,
}

/// How long a writer waits for another to let go of the store.
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

pub(super) fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

impl Ledger {
    /// Opens (creating) the state store in `dir`.
    pub fn open(dir: &Path) -> Result<Ledger, LedgerError> {
        let path = dir.join("xbrief.sqlite");
        let fail = |source: rusqlite::Error| LedgerError::Store {
            path: path.clone(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(|source| LedgerError::Folder {
            path: dir.to_path_buf(),
            source,
        })?;
        let mut connection = Connection::open(&path).map_err(fail)?;
        connection.busy_timeout(BUSY_TIMEOUT).map_err(fail)?;
        // Switching a new store to WAL needs it alone, and SQLite answers "locked" at once,
        // without waiting, when another process opens it in the same instant (`serve`
        // starting while `history` looks): try again for as long as a lock may be waited.
        let started = std::time::Instant::now();
        loop {
            let opened = connection
                .execute_batch(sql::PRAGMAS)
                .and_then(|()| super::migrations::apply(&mut connection));
            match opened {
                Err(rusqlite::Error::SqliteFailure(e, _))
                    if matches!(
                        e.code,
                        rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
                    ) && started.elapsed() < BUSY_TIMEOUT =>
                {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                done => break done.map_err(fail)?,
            }
        }
        let found = super::migrations::version(&connection).map_err(fail)?;
        if found > super::migrations::CURRENT {
            return Err(LedgerError::Newer {
                path,
                found,
                known: super::migrations::CURRENT,
            });
        }
        Ok(Ledger { path, connection })
    }

    pub(super) fn fail(&self, source: rusqlite::Error) -> LedgerError {
        LedgerError::Store {
            path: self.path.clone(),
            source,
        }
    }

    /// The briefings of (job, period) whose run delivery is already sent, as (recipient
    /// lowercased, scope); scope `""` stands for every scope of its recipient.
    pub fn sent(
        &self,
        job: &str,
        period: &str,
    ) -> Result<std::collections::HashSet<(String, String)>, LedgerError> {
        let mut statement = self
            .connection
            .prepare_cached(sql::SENT)
            .map_err(|e| self.fail(e))?;
        let rows = statement
            .query_map(params![job, period], |row| Ok((row.get(0)?, row.get(1)?)))
            .map_err(|e| self.fail(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.fail(e))
    }

    /// The next resend number for one briefing of a recipient.
    pub fn next_resend(
        &self,
        job: &str,
        period: &str,
        recipient: &str,
        scope: &str,
    ) -> Result<u32, LedgerError> {
        self.connection
            .query_row(
                sql::NEXT_RESEND,
                params![job, period, recipient, scope],
                |row| row.get(0),
            )
            .map_err(|e| self.fail(e))
    }

    /// (job, period) of runs that died before finishing.
    pub fn unfinished(&self) -> Result<Vec<(String, String)>, LedgerError> {
        let mut statement = self
            .connection
            .prepare(sql::UNFINISHED)
            .map_err(|e| self.fail(e))?;
        let rows = statement
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(|e| self.fail(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.fail(e))
    }

    pub fn succeeded(&self, job: &str, period: &str) -> Result<bool, LedgerError> {
        self.connection
            .query_row(sql::SUCCEEDED, params![job, period], |r| r.get(0))
            .map_err(|e| self.fail(e))
    }

    pub fn start_run(&self, run_id: &str, job: &str, period: &str) -> Result<(), LedgerError> {
        self.connection
            .execute(sql::START_RUN, params![run_id, job, period, now()])
            .map(|_| ())
            .map_err(|e| self.fail(e))
    }

    /// Ends a run: succeeded without a failure, else failed with its stage and class.
    pub fn finish_run(
        &self,
        run_id: &str,
        counts: [usize; 4],
        failure: Option<RunFailure>,
    ) -> Result<(), LedgerError> {
        let [messages, sent, failed, skipped] = counts.map(|c| c as i64);
        let status = if failure.is_some() {
            "failed"
        } else {
            "succeeded"
        };
        self.connection
            .execute(
                sql::FINISH_RUN,
                params![
                    run_id,
                    now(),
                    status,
                    messages,
                    sent,
                    failed,
                    skipped,
                    failure.map(|f| f.message),
                    failure.map(|f| f.stage),
                    failure.map(|f| f.class)
                ],
            )
            .map(|_| ())
            .map_err(|e| self.fail(e))
    }

    /// A fire that did not run, recorded with why (`paused: …`).
    pub fn skipped_fire(&self, job: &str, period: &str, why: &str) -> Result<(), LedgerError> {
        let run_id = uuid::Uuid::new_v4().to_string();
        self.connection
            .execute(sql::SKIPPED_FIRE, params![run_id, job, period, now(), why])
            .map(|_| ())
            .map_err(|e| self.fail(e))
    }

    /// Moves the ledger to a writer thread: outcomes sent to the returned channel are
    /// committed in batches of whatever is queued; joining the handle flushes them all.
    /// The writer thread; `recorded` advances by one per outcome committed.
    pub fn writer(
        self,
        recorded: indicatif::ProgressBar,
    ) -> (
        mpsc::Sender<Outcome>,
        JoinHandle<Result<Ledger, LedgerError>>,
    ) {
        let (sender, receiver) = mpsc::channel::<Outcome>();
        let handle = std::thread::spawn(move || {
            let mut ledger = self;
            while let Ok(first) = receiver.recv() {
                let mut batch = vec![first];
                batch.extend(receiver.try_iter().take(1024));
                let path = ledger.path.clone();
                let fail = |source: rusqlite::Error| LedgerError::Store {
                    path: path.clone(),
                    source,
                };
                let transaction = ledger.connection.transaction().map_err(fail)?;
                for outcome in &batch {
                    upsert(&transaction, outcome).map_err(fail)?;
                }
                transaction.commit().map_err(fail)?;
                recorded.inc(batch.len() as u64);
            }
            Ok(ledger)
        });
        (sender, handle)
    }

    pub fn runs(
        &self,
        job: Option<&str>,
        period: Option<&str>,
    ) -> Result<Vec<RunRow>, LedgerError> {
        self.select(sql::RUNS, job, period, RunRow::from_row)
    }

    pub fn deliveries(
        &self,
        job: Option<&str>,
        period: Option<&str>,
    ) -> Result<Vec<DeliveryRow>, LedgerError> {
        self.select(sql::DELIVERIES, job, period, |r| {
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
            })
        })
    }

    /// The rows of a listing query, filtered by job and period when given.
    pub(super) fn select<T>(
        &self,
        query: &str,
        job: Option<&str>,
        period: Option<&str>,
        row: impl FnMut(&rusqlite::Row) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>, LedgerError> {
        let mut statement = self.connection.prepare(query).map_err(|e| self.fail(e))?;
        let rows = statement
            .query_map(params![job, period], row)
            .map_err(|e| self.fail(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.fail(e))
    }
}

/// Inserts or updates one delivery (on the ledger's connection or a transaction).
fn upsert(connection: &Connection, outcome: &Outcome) -> rusqlite::Result<()> {
    let stamp = now();
    let sent_at = (outcome.status == Status::Sent).then_some(stamp.as_str());
    connection
        .prepare_cached(sql::UPSERT)?
        .execute(params![
            outcome.job,
            outcome.period,
            outcome.recipient,
            outcome.scope,
            outcome.resend,
            outcome.artifact_sha256,
            outcome.status.as_str(),
            outcome.attempts,
            outcome.last_error,
            outcome.message_id,
            sent_at,
            outcome.run_id,
            stamp
        ])
        .map(|_| ())
}
