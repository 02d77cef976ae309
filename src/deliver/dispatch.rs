//! Sending a run's messages through the ledger: what is already sent is skipped, the rest
//! goes out (in parallel over pooled SMTP connections, or into the outbox), temporary
//! failures are retried with backoff, and every outcome is recorded as it happens.

use super::ledger::{Ledger, LedgerError, Outcome, Status};
use super::message::{Identity, MessageError, OutgoingMessage, build};
use super::settings::{Retry, SmtpSettings, TransportSettings};
use crate::config::SmtpTls;
use lettre::transport::smtp::PoolConfig;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, FileTransport, Tokio1Executor, Transport};
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    #[error(transparent)]
    Message(#[from] MessageError),
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error("cannot write to the outbox {dir}: {detail}")]
    Outbox { dir: PathBuf, detail: String },
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

fn stopping() -> bool {
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
    /// Already sent by an earlier run of the same (job, period).
    pub skipped: usize,
    /// (recipient, error) refused permanently.
    pub failed: Vec<(String, String)>,
    /// (recipient, error) still failing temporarily after every retry.
    pub pending: Vec<(String, String)>,
    /// Wall time of sending, outcomes recorded.
    pub seconds: f64,
    /// Messages left unsent because the runner was asked to stop.
    pub interrupted: usize,
}

pub struct Sender<'a> {
    pub transport: &'a TransportSettings,
    pub retry: &'a Retry,
    pub from: &'a str,
    pub reply_to: Option<&'a str>,
    /// Where attachments are read from (the run's output folder).
    pub folder: &'a Path,
    pub run_id: &'a str,
}

fn outcome(
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
    /// Sends what the ledger does not hold as sent; returns the ledger when all outcomes
    /// are recorded.
    pub fn send(
        &self,
        ledger: Ledger,
        envelopes: Vec<Envelope>,
    ) -> Result<(Delivered, Ledger), DeliveryError> {
        let started = std::time::Instant::now();
        let mut delivered = Delivered::default();
        let mut sent_before = std::collections::HashMap::new();
        let mut todo = Vec::new();
        for envelope in envelopes {
            let key = (
                envelope.identity.job.clone(),
                envelope.identity.period.clone(),
            );
            if !sent_before.contains_key(&key) {
                sent_before.insert(key.clone(), ledger.sent(&key.0, &key.1)?);
            }
            if envelope.identity.resend == 0
                && sent_before[&key].contains(&envelope.identity.recipient.to_ascii_lowercase())
            {
                delivered.skipped += 1;
            } else {
                todo.push(envelope);
            }
        }
        let todo_count = todo.len();
        let progress = crate::progress::bar("sending", todo_count);
        let (record, writer) = ledger.writer(progress.clone());
        let outcomes = match self.transport {
            TransportSettings::Outbox(dir) => self.to_outbox(dir, &todo, &record),
            TransportSettings::Smtp(smtp) => self.over_smtp(smtp, todo, &record),
        };
        drop(record);
        let ledger = writer.join().expect("the ledger writer does not panic")?;
        progress.finish_and_clear();
        let outcomes = outcomes?;
        delivered.interrupted = todo_count - outcomes.len();
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

    /// The MIME message of an envelope, its attachments read from the run's folder.
    fn mime(&self, envelope: &Envelope) -> Result<lettre::Message, MessageError> {
        build(
            self.from,
            self.reply_to,
            &envelope.message,
            self.folder,
            &envelope.identity,
        )
    }

    fn to_outbox(
        &self,
        dir: &Path,
        todo: &[Envelope],
        record: &std::sync::mpsc::Sender<Outcome>,
    ) -> Result<Vec<Outcome>, DeliveryError> {
        if todo.is_empty() {
            return Ok(Vec::new());
        }
        std::fs::create_dir_all(dir).map_err(|e| DeliveryError::Outbox {
            dir: dir.to_path_buf(),
            detail: e.to_string(),
        })?;
        let transport = FileTransport::new(dir);
        let mut outcomes = Vec::new();
        for envelope in todo {
            if stopping() {
                break;
            }
            let mime = self.mime(envelope)?;
            transport.send(&mime).map_err(|e| DeliveryError::Outbox {
                dir: dir.to_path_buf(),
                detail: e.to_string(),
            })?;
            let o = outcome(envelope, self.run_id, Status::Sent, 1, None);
            let _ = record.send(o.clone());
            outcomes.push(o);
        }
        Ok(outcomes)
    }

    fn over_smtp(
        &self,
        smtp: &SmtpSettings,
        todo: Vec<Envelope>,
        record: &std::sync::mpsc::Sender<Outcome>,
    ) -> Result<Vec<Outcome>, DeliveryError> {
        let fail = |detail: String| DeliveryError::Smtp {
            host: smtp.host.clone(),
            port: smtp.port,
            detail,
        };
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| fail(e.to_string()))?;
        let tls = || -> Result<TlsParameters, DeliveryError> {
            let mut parameters = TlsParameters::builder(smtp.host.clone());
            if let Some(pem) = &smtp.ca_pem {
                parameters = parameters.add_root_certificate(
                    Certificate::from_pem(pem).map_err(|e| fail(e.to_string()))?,
                );
            }
            parameters.build().map_err(|e| fail(e.to_string()))
        };
        let builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host).tls(
            match smtp.tls {
                SmtpTls::Starttls => Tls::Required(tls()?),
                SmtpTls::Tls => Tls::Wrapper(tls()?),
                SmtpTls::None => Tls::None,
            },
        );
        let mut builder = builder
            .port(smtp.port)
            .timeout(Some(smtp.timeout))
            .pool_config(PoolConfig::new().max_size(smtp.connections));
        if let Some((user, password)) = &smtp.credentials {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        let permits = Arc::new(tokio::sync::Semaphore::new(smtp.connections as usize));
        // the pool lives (and is dropped) inside the runtime: it keeps connections with tasks
        runtime.block_on(async {
            let transport = Arc::new(builder.build());
            let mut tasks = tokio::task::JoinSet::new();
            for envelope in todo {
                if stopping() {
                    break;
                }
                let mime = self.mime(&envelope)?;
                let permit = permits
                    .clone()
                    .acquire_owned()
                    .await
                    .expect("the semaphore stays open");
                // asked to stop while waiting for a connection: this one stays unsent
                if stopping() {
                    break;
                }
                let transport = transport.clone();
                let retry = self.retry.clone();
                let record = record.clone();
                let run_id = self.run_id.to_string();
                tasks.spawn(async move {
                    let (status, attempts, error) = send_with_retry(&transport, mime, &retry).await;
                    drop(permit);
                    let o = outcome(&envelope, &run_id, status, attempts, error);
                    let _ = record.send(o.clone());
                    o
                });
            }
            let mut outcomes = Vec::new();
            while let Some(done) = tasks.join_next().await {
                outcomes.push(done.expect("a send task does not panic"));
            }
            Ok(outcomes)
        })
    }
}

/// Sends one message: temporary failures (4xx, connection loss, timeouts) are retried with
/// exponential backoff and jitter; a permanent one (5xx) ends it.
async fn send_with_retry(
    transport: &AsyncSmtpTransport<Tokio1Executor>,
    message: lettre::Message,
    retry: &Retry,
) -> (Status, u32, Option<String>) {
    let mut delay = retry.initial;
    let mut last = String::new();
    for attempt in 1..=retry.attempts {
        match transport.send(message.clone()).await {
            Ok(_) => return (Status::Sent, attempt, (attempt > 1).then(|| last.clone())),
            Err(error) => {
                last = error.to_string();
                if error.is_permanent() {
                    return (Status::Failed, attempt, Some(last));
                }
                tracing::warn!(attempt, error = %last, "temporary SMTP failure, retrying");
                if attempt < retry.attempts {
                    let jitter = rand::random_range(0.5..1.5);
                    tokio::time::sleep(delay.mul_f64(jitter)).await;
                    delay = (delay * 2).min(retry.max);
                }
            }
        }
    }
    (Status::Pending, retry.attempts, Some(last))
}
