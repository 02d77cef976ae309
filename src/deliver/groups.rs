//! The group of a sharded run in the state store: its shared start, and which shard writes
//! the exports and the manifest (once per group).

use super::ledger::{Ledger, LedgerError, now};
use super::store::Query;

const JOIN: Query = Query::portable(include_str!("sql/join_group.sql"));
const STARTED: Query = Query::portable("SELECT started_at FROM run_groups WHERE group_id = ?1");
const CLAIM_EXPORTS: Query = Query::portable(include_str!("sql/claim_exports.sql"));
const EXPORTS_WRITTEN: Query =
    Query::portable("UPDATE run_groups SET exports_at = ?2 WHERE group_id = ?1");

impl Ledger {
    /// Joins (creating) a group; its start, RFC 3339.
    pub fn join_group(
        &self,
        group_id: &str,
        job: &str,
        period: &str,
    ) -> Result<String, LedgerError> {
        self.write(
            &JOIN,
            &[group_id.into(), job.into(), period.into(), now().into()],
        )?;
        let started = self.rows(&STARTED, &[group_id.into()], |r| r.get(0))?;
        Ok(started.into_iter().next().unwrap_or_else(now))
    }

    /// Whether this run writes the group's exports (nobody else is, or did).
    pub fn claim_exports(&self, group_id: &str, run_id: &str) -> Result<bool, LedgerError> {
        let values = [group_id.into(), run_id.into(), now().into()];
        Ok(!self.rows(&CLAIM_EXPORTS, &values, |_| Ok(()))?.is_empty())
    }

    pub fn exports_written(&self, group_id: &str) -> Result<(), LedgerError> {
        self.write(&EXPORTS_WRITTEN, &[group_id.into(), now().into()])
            .map(|_| ())
    }
}
