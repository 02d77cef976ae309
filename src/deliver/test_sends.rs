//! Test sends (`xbrief send-test`): recorded apart from the deliveries, so a test never
//! counts as a briefing delivered, and never stops the real one from going out.

use super::ledger::{Ledger, LedgerError, now};
use rusqlite::params;

const TEST_SEND: &str = include_str!("sql/test_send.sql");
const TEST_SENDS: &str = include_str!("sql/test_sends.sql");

#[derive(Debug, Clone)]
pub struct TestSend {
    pub job: String,
    pub period: String,
    pub scope: String,
    pub recipient: String,
    pub message_id: String,
    pub status: String,
    pub error: Option<String>,
    pub sent_by: String,
}

impl Ledger {
    pub fn record_test_send(&self, send: &TestSend) -> Result<(), LedgerError> {
        self.connection
            .execute(
                TEST_SEND,
                params![
                    send.job,
                    send.period,
                    send.scope,
                    send.recipient,
                    send.message_id,
                    send.status,
                    send.error,
                    send.sent_by,
                    now()
                ],
            )
            .map(|_| ())
            .map_err(|e| self.fail(e))
    }

    /// Test sends as (job, period, scope, recipient, status, error, by, at).
    pub fn test_sends(
        &self,
        job: Option<&str>,
        period: Option<&str>,
    ) -> Result<Vec<[Option<String>; 8]>, LedgerError> {
        self.select(TEST_SENDS, job, period, |r| {
            Ok([
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
            ])
        })
    }
}
