//! Jobs on hold (`xbrief pause`), kept in the state store so a running `serve` sees them at
//! its next fire without a restart.

use super::ledger::{Ledger, LedgerError, now};
use super::store::Query;
use chrono::{DateTime, Utc};

const PAUSE: Query = Query::portable(include_str!("sql/pause.sql"));
const PAUSES: Query = Query::portable(include_str!("sql/pauses.sql"));
const RESUME: Query = Query::portable("DELETE FROM pauses WHERE job = ?1");

/// The name a hold of every job is kept under.
pub const ALL_JOBS: &str = "*";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pause {
    /// A job's name, or [`ALL_JOBS`].
    pub job: String,
    pub reason: String,
    pub paused_at: String,
    pub paused_by: String,
    pub until: Option<DateTime<Utc>>,
}

impl Pause {
    /// Whether the hold is on at `now` (one with an end is over from that instant).
    pub fn holds(&self, now: DateTime<Utc>) -> bool {
        self.until.is_none_or(|until| now < until)
    }

    pub fn covers(&self, job: &str) -> bool {
        self.job == ALL_JOBS || self.job == job
    }
}

/// The holds in force at a moment.
#[derive(Debug, Clone, Default)]
pub struct Pauses(pub Vec<Pause>);

impl Pauses {
    /// The hold on `job` at `now`: its own, else the hold of every job.
    pub fn of(&self, job: &str, now: DateTime<Utc>) -> Option<&Pause> {
        let holding = |p: &&Pause| p.covers(job) && p.holds(now);
        let own = self.0.iter().filter(|p| p.job == job).find(holding);
        own.or_else(|| self.0.iter().find(holding))
    }
}

impl Ledger {
    pub fn pause(
        &self,
        job: &str,
        reason: &str,
        by: &str,
        until: Option<DateTime<Utc>>,
    ) -> Result<(), LedgerError> {
        let until = until.map(|t| t.to_rfc3339());
        let values = [
            job.into(),
            reason.into(),
            now().into(),
            by.into(),
            until.into(),
        ];
        self.write(&PAUSE, &values).map(|_| ())
    }

    /// Lifts the hold on `job` (or on every job); false when there was none.
    pub fn resume(&self, job: &str) -> Result<bool, LedgerError> {
        self.write(&RESUME, &[job.into()]).map(|n| n > 0)
    }

    pub fn pauses(&self) -> Result<Pauses, LedgerError> {
        let pauses = self.rows(&PAUSES, &[], |r| {
            let until: Option<String> = r.get(4)?;
            Ok(Pause {
                job: r.get(0)?,
                reason: r.get(1)?,
                paused_at: r.get(2)?,
                paused_by: r.get(3)?,
                until: until
                    .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
                    .map(|t| t.with_timezone(&Utc)),
            })
        })?;
        Ok(Pauses(pauses))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_is_held_by_its_own_pause_or_the_pause_of_all_until_it_ends() {
        let dir = tempfile::tempdir().unwrap();
        let ledger = Ledger::open(&super::super::StateUrl::Sqlite(
            dir.path().join("xbrief.sqlite"),
        ))
        .unwrap();
        let now = Utc::now();
        let hour = chrono::Duration::hours(1);
        ledger
            .pause("a", "migration", "ops", Some(now + hour))
            .unwrap();
        let pauses = ledger.pauses().unwrap();
        assert_eq!(pauses.of("a", now).unwrap().reason, "migration");
        assert!(pauses.of("a", now + hour).is_none(), "over at its end");
        assert!(pauses.of("b", now).is_none());
        ledger.pause(ALL_JOBS, "freeze", "ops", None).unwrap();
        let pauses = ledger.pauses().unwrap();
        assert_eq!(pauses.of("b", now).unwrap().reason, "freeze");
        assert_eq!(
            pauses.of("a", now).unwrap().reason,
            "migration",
            "its own first"
        );
        assert!(ledger.resume("a").unwrap());
        assert!(!ledger.resume("a").unwrap());
        assert_eq!(
            ledger.pauses().unwrap().of("a", now).unwrap().reason,
            "freeze"
        );
    }
}
