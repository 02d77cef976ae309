//! Sending a run's messages through the ledger: what is already sent is skipped, the rest
//! goes out (in parallel over pooled SMTP connections, or into the outbox), temporary
//! failures are retried with backoff, and every outcome is recorded as it happens.

use super::ledger::{Ledger, LedgerError, Outcome, Status};
use super::message::{Identity, MessageError, OutgoingMessage, build};
use super::settings::TransportSettings;
use super::writer::{Claim, Recorder};
use crate::config::{AllowedDomains, RecipientProblem, RetryPolicy};
use lettre::message::Mailbox;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    #[error(transparent)]
    Message(#[from] MessageError),
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error("cannot write to the outbox {}: {source}", dir.display())]
    Outbox {
        dir: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write to the outbox {}: {source}", dir.display())]
    OutboxFile {
        dir: PathBuf,
        #[source]
        source: lettre::transport::file::Error,
    },
    #[error(
        "`{recipient}` is not a valid address in delivery.allowed_domains ({allowed}): nothing was sent"
    )]
    NotAllowed { recipient: String, allowed: String },
    #[error("SMTP server {host}:{port}: {detail}")]
    Smtp {
        host: String,
        port: u16,
        detail: String,
    },
}

/// Set (from a signal handler) when the runner is asked to stop: messages already being sent
/// finish, the others stay unsent for the next start.
pub static STOP_SENDING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

pub(super) fn stopping() -> bool {
    STOP_SENDING.load(std::sync::atomic::Ordering::SeqCst)
}

/// One message with who it is for and the hash of what it carries.
#[derive(Debug, Clone)]
pub struct Envelope {
    pub message: OutgoingMessage,
    pub identity: Identity,
    pub artifact_sha256: String,
}

/// What became of a run's messages.
#[derive(Debug, Clone, Default)]
pub struct Delivered {
    pub sent: usize,
    /// Already sent by an earlier run of the same (job, period), or by another shard or
    /// replica of this one.
    pub skipped: usize,
    /// Left alone because an earlier run died handing them over: `resend` decides.
    pub in_doubt: usize,
    /// (recipient, error) refused permanently.
    pub failed: Vec<(String, String)>,
    /// (recipient, error) still failing temporarily after every retry.
    pub pending: Vec<(String, String)>,
    /// Wall time of sending, outcomes recorded.
    pub seconds: f64,
    /// Messages left unsent because the runner was asked to stop.
    pub interrupted: usize,
}

/// What a transport did with its messages.
#[derive(Debug, Default)]
pub(super) struct HandedOver {
    pub outcomes: Vec<Outcome>,
    /// Claimed first by another run (a shard, a replica): not this run's to send.
    pub taken: usize,
}

/// A way of handing messages over: each transport is one file of this module.
pub(super) trait Handover {
    /// Hands `todo` over, each message claimed just before and its outcome recorded as it
    /// happens; stops early (leaving the rest unsent) when the runner is asked to stop or
    /// the store stops answering.
    fn hand_over(
        &self,
        sender: &Sender<'_>,
        todo: Vec<Envelope>,
        record: &Recorder,
    ) -> Result<HandedOver, DeliveryError>;
}

pub struct Sender<'a> {
    pub transport: &'a TransportSettings,
    /// Every message, whichever path sends it, goes only to these domains.
    pub allowed: &'a AllowedDomains,
    pub retry: &'a RetryPolicy,
    pub from: &'a Mailbox,
    pub reply_to: Option<&'a Mailbox>,
    /// Where attachments are read from (the run's output folder).
    pub folder: &'a Path,
    pub run_id: &'a str,
    /// `resend --in-doubt`: the briefings in doubt go out again (same Message-ID).
    pub resend_in_doubt: bool,
}

pub(super) fn outcome(
    envelope: &Envelope,
    run_id: &str,
    status: Status,
    attempts: u32,
    error: Option<String>,
) -> Outcome {
    Outcome {
        job: envelope.identity.job.clone(),
        period: envelope.identity.period.clone(),
        recipient: envelope.identity.recipient.clone(),
        scope: envelope.identity.scope.clone(),
        resend: envelope.identity.resend,
        artifact_sha256: envelope.artifact_sha256.clone(),
        status,
        attempts,
        last_error: error,
        message_id: envelope.identity.message_id(),
        run_id: run_id.to_string(),
    }
}

impl Sender<'_> {
    /// The claim this run makes on an envelope's briefing.
    pub(super) fn claim(&self, envelope: &Envelope) -> Claim {
        Claim {
            job: envelope.identity.job.clone(),
            period: envelope.identity.period.clone(),
            recipient: envelope.identity.recipient.clone(),
            scope: envelope.identity.scope.clone(),
            resend: envelope.identity.resend,
            artifact_sha256: envelope.artifact_sha256.clone(),
            message_id: envelope.identity.message_id(),
            run_id: self.run_id.to_string(),
            in_doubt_too: self.resend_in_doubt,
        }
    }

    /// Sends what the ledger does not hold as sent; returns the ledger when all outcomes
    /// are recorded.
    pub fn send(
        &self,
        ledger: Ledger,
        envelopes: Vec<Envelope>,
    ) -> Result<(Delivered, Ledger), DeliveryError> {
        // an address that does not parse fails its own recipient, never the others; one
        // outside the allowed domains stops the send before anything goes out
        let mut addressable = Vec::with_capacity(envelopes.len());
        let mut unaddressable = Vec::new();
        for envelope in envelopes {
            match self.allowed.check(&envelope.identity.recipient) {
                Ok(_) => addressable.push(envelope),
                Err(RecipientProblem::NotAnAddress) => unaddressable.push(envelope),
                Err(RecipientProblem::OutsideAllowedDomains) => {
                    return Err(DeliveryError::NotAllowed {
                        recipient: envelope.identity.recipient,
                        allowed: self.allowed.to_string(),
                    });
                }
            }
        }
        let started = std::time::Instant::now();
        let mut delivered = Delivered::default();
        let mut sent_before = std::collections::HashMap::new();
        let mut todo = Vec::new();
        for envelope in addressable {
            let key = (
                envelope.identity.job.clone(),
                envelope.identity.period.clone(),
            );
            if !sent_before.contains_key(&key) {
                // what dead runs were handing over is in doubt before anything is decided
                ledger.expire_dead_local_runs()?;
                let settled = ledger.settle_in_doubt(&key.0, &key.1)?;
                if settled > 0 {
                    tracing::warn!(job = %key.0, period = %key.1, settled, "deliveries in doubt: an earlier run died handing them over; `xbrief resend --in-doubt` decides");
                }
                sent_before.insert(key.clone(), ledger.settled(&key.0, &key.1)?);
            }
            let settled = &sent_before[&key];
            let recipient = envelope.identity.recipient.to_ascii_lowercase();
            let status = [envelope.identity.scope.clone(), String::new()]
                .into_iter()
                .find_map(|scope| settled.get(&(recipient.clone(), scope)));
            match status.map(String::as_str) {
                Some("sent") if envelope.identity.resend == 0 => delivered.skipped += 1,
                Some("in_doubt") if envelope.identity.resend == 0 && !self.resend_in_doubt => {
                    delivered.in_doubt += 1
                }
                _ => todo.push(envelope),
            }
        }
        let todo_count = todo.len();
        let progress = crate::progress::bar("sending", todo_count);
        let (record, writer) = ledger.writer(progress.clone());
        let mut outcomes: Vec<Outcome> = unaddressable
            .iter()
            .map(|envelope| {
                let o = outcome(
                    envelope,
                    self.run_id,
                    Status::Failed,
                    0,
                    Some("not a valid email address: nothing was sent to it".into()),
                );
                record.record(o.clone());
                o
            })
            .collect();
        let handed = self.transport.handover().hand_over(self, todo, &record);
        drop(record);
        let ledger = writer.join().expect("the ledger writer does not panic")?;
        progress.finish_and_clear();
        let handed = handed?;
        delivered.skipped += handed.taken;
        delivered.interrupted = todo_count - handed.outcomes.len() - handed.taken;
        outcomes.extend(handed.outcomes);
        for o in outcomes {
            match o.status {
                Status::Sent => delivered.sent += 1,
                Status::Failed => delivered
                    .failed
                    .push((o.recipient, o.last_error.unwrap_or_default())),
                Status::Pending => delivered
                    .pending
                    .push((o.recipient, o.last_error.unwrap_or_default())),
            }
        }
        delivered.failed.sort();
        delivered.pending.sort();
        delivered.seconds = started.elapsed().as_secs_f64();
        Ok((delivered, ledger))
    }

    /// One message outside the ledger (a test send): the allowed domains apply, the
    /// transport takes it, and its outcome is returned (none when the runner is stopping),
    /// recorded as a delivery nowhere.
    pub fn send_unrecorded(&self, envelope: Envelope) -> Result<Option<Outcome>, DeliveryError> {
        if self.allowed.check(&envelope.identity.recipient).is_err() {
            return Err(DeliveryError::NotAllowed {
                recipient: envelope.identity.recipient,
                allowed: self.allowed.to_string(),
            });
        }
        let mut handed =
            self.transport
                .handover()
                .hand_over(self, vec![envelope], &Recorder::unrecorded())?;
        Ok(handed.outcomes.pop())
    }

    /// The MIME message of an envelope, its attachments read from the run's folder.
    pub(super) fn mime(&self, envelope: &Envelope) -> Result<lettre::Message, MessageError> {
        build(
            self.from,
            self.reply_to,
            &envelope.message,
            self.folder,
            &envelope.identity,
        )
    }
}
