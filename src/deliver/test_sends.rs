//! Test sends (`xbrief send-test`): recorded apart from the deliveries, so a test never
//! counts as a briefing delivered, and never stops the real one from going out.

use super::ledger::{Ledger, LedgerError, now};
use super::store::Query;

const TEST_SEND: Query = Query::portable(include_str!("sql/test_send.sql"));
const TEST_SENDS: Query = Query::portable(include_str!("sql/test_sends.sql"));

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
        let values = [
            send.job.as_str().into(),
            send.period.as_str().into(),
            send.scope.as_str().into(),
            send.recipient.as_str().into(),
            send.message_id.as_str().into(),
            send.status.as_str().into(),
            send.error.clone().into(),
            send.sent_by.as_str().into(),
            now().into(),
        ];
        self.write(&TEST_SEND, &values).map(|_| ())
    }

    /// Test sends as (job, period, scope, recipient, status, error, by, at).
    pub fn test_sends(
        &self,
        job: Option<&str>,
        period: Option<&str>,
    ) -> Result<Vec<[Option<String>; 8]>, LedgerError> {
        self.rows(&TEST_SENDS, &[job.into(), period.into()], |r| {
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
