//! Scheduled fires claimed by the replicas of `serve` sharing a store: each fire is run by
//! one replica, under a lease its loop renews while the run (or its wait for data) lasts;
//! a fire whose lease ran out before it was done is taken over by another replica, which
//! resumes it through the ledger.

use super::ledger::{Ledger, LedgerError, lease_end, now};
use super::store::Query;
use std::time::Duration;

const CLAIM: Query = Query::portable(include_str!("sql/claim_fire.sql"));
const EXPIRED: Query = Query::portable(include_str!("sql/expired_fires.sql"));
const RENEW: Query = Query::portable(
    "UPDATE fires SET lease_until = ?4 WHERE job = ?1 AND fire_at = ?2 AND owner = ?3 AND done = 0",
);
const DONE: Query =
    Query::portable("UPDATE fires SET done = 1 WHERE job = ?1 AND fire_at = ?2 AND owner = ?3");
const RELEASE: Query = Query::portable(
    "UPDATE fires SET lease_until = '1970-01-01T00:00:00.000Z' WHERE job = ?1 AND fire_at = ?2 AND owner = ?3",
);
const END_RUNS_OF: Query = Query::portable(
    "UPDATE runs SET lease_until = '1970-01-01T00:00:00.000Z' WHERE owner = ?1 AND status = 'running'",
);

/// One scheduled fire of a job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fire {
    pub job: String,
    /// The scheduled instant, RFC 3339 UTC.
    pub at: String,
    pub period: String,
}

/// A fire whose owner died, with who that was.
#[derive(Debug, Clone)]
pub struct Orphan {
    pub fire: Fire,
    pub owner: String,
}

impl Ledger {
    /// Claims `fire` for `owner`; false when another replica has it (or runs the job).
    /// `retry`: a fire done before is claimed again (a catch-up of a period that failed).
    pub fn claim_fire(
        &self,
        fire: &Fire,
        owner: &str,
        lease: Duration,
        retry: bool,
    ) -> Result<bool, LedgerError> {
        let values = [
            fire.job.as_str().into(),
            fire.at.as_str().into(),
            fire.period.as_str().into(),
            owner.into(),
            lease_end(lease).into(),
            now().into(),
            i64::from(retry).into(),
        ];
        Ok(!self.rows(&CLAIM, &values, |_| Ok(()))?.is_empty())
    }

    pub fn renew_fire(&self, fire: &Fire, owner: &str, lease: Duration) -> Result<(), LedgerError> {
        let values = [
            fire.job.as_str().into(),
            fire.at.as_str().into(),
            owner.into(),
            lease_end(lease).into(),
        ];
        self.write(&RENEW, &values).map(|_| ())
    }

    pub fn fire_done(&self, fire: &Fire, owner: &str) -> Result<(), LedgerError> {
        let values = [
            fire.job.as_str().into(),
            fire.at.as_str().into(),
            owner.into(),
        ];
        self.write(&DONE, &values).map(|_| ())
    }

    /// Gives a fire up unfinished: the next to look takes it over at once.
    pub fn release_fire(&self, fire: &Fire, owner: &str) -> Result<(), LedgerError> {
        let values = [
            fire.job.as_str().into(),
            fire.at.as_str().into(),
            owner.into(),
        ];
        self.write(&RELEASE, &values).map(|_| ())
    }

    /// Fires whose owner stopped renewing them before they were done.
    pub fn orphaned_fires(&self) -> Result<Vec<Orphan>, LedgerError> {
        self.rows(&EXPIRED, &[now().into()], |r| {
            Ok(Orphan {
                fire: Fire {
                    job: r.get(0)?,
                    at: r.get(1)?,
                    period: r.get(2)?,
                },
                owner: r.get(3)?,
            })
        })
    }

    /// The runs of a dead replica are over: what they were handing over is in doubt.
    pub fn end_runs_of(&self, owner: &str) -> Result<(), LedgerError> {
        self.write(&END_RUNS_OF, &[owner.into()]).map(|_| ())
    }
}
