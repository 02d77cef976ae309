//! The ledger's writer thread: claims (a briefing taken by this run just before its message
//! is handed over) and outcomes, committed in batches of whatever is queued, so parallel
//! sends share commits and never wait for the disk one by one. A claim is answered only
//! after its commit.

use super::ledger::{Ledger, LedgerError, Outcome, now, sql};
use super::store::Value;
use std::sync::mpsc;
use std::thread::JoinHandle;
use tokio::sync::oneshot;

/// One briefing a run wants to hand over.
#[derive(Debug, Clone)]
pub struct Claim {
    pub job: String,
    pub period: String,
    pub recipient: String,
    pub scope: String,
    pub resend: u32,
    pub artifact_sha256: String,
    pub message_id: String,
    pub run_id: String,
    /// `resend --in-doubt`: a briefing in doubt may be claimed too.
    pub in_doubt_too: bool,
}

/// What a claim got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claimed {
    /// This run hands the message over.
    Yours,
    /// Sent, being sent by another run (a shard, a replica), or in doubt.
    Taken,
    /// The store did not answer: nothing more is sent, the run fails with the store's error.
    StoreDown,
}

enum Write {
    Claim(Claim, oneshot::Sender<bool>),
    Outcome(Outcome),
}

impl Write {
    /// The delivery's key, the order rows are locked in.
    fn key(&self) -> (&str, &str, &str, &str, u32) {
        match self {
            Write::Claim(c, _) => (&c.job, &c.period, &c.recipient, &c.scope, c.resend),
            Write::Outcome(o) => (&o.job, &o.period, &o.recipient, &o.scope, o.resend),
        }
    }
}

/// Where the senders hand claims and outcomes; cloned into each send task.
#[derive(Clone)]
pub struct Recorder {
    /// None: a test send, claimed by nobody and recorded nowhere.
    sender: Option<mpsc::Sender<Write>>,
}

impl Recorder {
    pub fn unrecorded() -> Recorder {
        Recorder { sender: None }
    }

    pub fn record(&self, outcome: Outcome) {
        if let Some(sender) = &self.sender {
            let _ = sender.send(Write::Outcome(outcome));
        }
    }

    /// Claims a briefing and waits for the commit.
    pub async fn claim(&self, claim: Claim) -> Claimed {
        let Some(sender) = &self.sender else {
            return Claimed::Yours;
        };
        let (answer, answered) = oneshot::channel();
        if sender.send(Write::Claim(claim, answer)).is_err() {
            return Claimed::StoreDown;
        }
        match answered.await {
            Ok(true) => Claimed::Yours,
            Ok(false) => Claimed::Taken,
            Err(_) => Claimed::StoreDown,
        }
    }

    /// [`Recorder::claim`], for a sender without a runtime (the outbox).
    pub fn claim_blocking(&self, claim: Claim) -> Claimed {
        futures::executor::block_on(self.claim(claim))
    }
}

impl Ledger {
    /// Moves the ledger to a writer thread; joining the handle flushes everything queued.
    /// `recorded` advances by one per outcome committed.
    pub fn writer(
        self,
        recorded: indicatif::ProgressBar,
    ) -> (Recorder, JoinHandle<Result<Ledger, LedgerError>>) {
        let (sender, receiver) = mpsc::channel::<Write>();
        let handle = std::thread::spawn(move || {
            let ledger = self;
            while let Ok(first) = receiver.recv() {
                let mut batch = vec![first];
                batch.extend(receiver.try_iter().take(1024));
                // rows locked in one order by every process: two runs committing claims on
                // the same briefings (a shard index started twice) never deadlock
                batch.sort_by(|a, b| a.key().cmp(&b.key()));
                let statements: Vec<_> = batch
                    .iter()
                    .map(|write| match write {
                        Write::Claim(claim, _) => (&sql::CLAIM, claim_values(claim)),
                        Write::Outcome(outcome) => (&sql::UPSERT, outcome_values(outcome)),
                    })
                    .collect();
                // on an error the claims' answers are dropped: their senders see StoreDown
                let results = ledger
                    .connection
                    .borrow_mut()
                    .batch(&statements)
                    .map_err(|e| ledger.fail(e))?;
                let mut outcomes = 0;
                for (write, rows) in batch.into_iter().zip(results) {
                    match write {
                        Write::Claim(_, answer) => {
                            let _ = answer.send(!rows.is_empty());
                        }
                        Write::Outcome(_) => outcomes += 1,
                    }
                }
                recorded.inc(outcomes);
            }
            Ok(ledger)
        });
        (
            Recorder {
                sender: Some(sender),
            },
            handle,
        )
    }
}

fn claim_values(claim: &Claim) -> Vec<Value> {
    vec![
        claim.job.as_str().into(),
        claim.period.as_str().into(),
        claim.recipient.as_str().into(),
        claim.scope.as_str().into(),
        claim.resend.into(),
        claim.artifact_sha256.as_str().into(),
        claim.message_id.as_str().into(),
        claim.run_id.as_str().into(),
        now().into(),
        i64::from(claim.in_doubt_too).into(),
    ]
}

fn outcome_values(outcome: &Outcome) -> Vec<Value> {
    let stamp = now();
    let sent_at = (outcome.status == super::ledger::Status::Sent).then(|| stamp.clone());
    vec![
        outcome.job.as_str().into(),
        outcome.period.as_str().into(),
        outcome.recipient.as_str().into(),
        outcome.scope.as_str().into(),
        outcome.resend.into(),
        outcome.artifact_sha256.as_str().into(),
        outcome.status.as_str().into(),
        outcome.attempts.into(),
        outcome.last_error.clone().into(),
        outcome.message_id.as_str().into(),
        sent_at.into(),
        outcome.run_id.as_str().into(),
        stamp.into(),
    ]
}
