//! Pooled SMTP (lettre's async transport): messages go out in parallel over
//! `connections` connections, temporary failures are retried with backoff.

use super::dispatch::{DeliveryError, Envelope, HandedOver, Handover, Sender, outcome, stopping};
use super::ledger::Status;
use super::settings::SmtpSettings;
use super::writer::{Claimed, Recorder};
use crate::config::{RetryPolicy, SmtpTls};
use lettre::transport::smtp::PoolConfig;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

impl SmtpSettings {
    fn fail(&self, detail: String) -> DeliveryError {
        DeliveryError::Smtp {
            host: self.host.clone(),
            port: self.port,
            detail,
        }
    }

    fn tls(&self) -> Result<TlsParameters, DeliveryError> {
        let mut parameters = TlsParameters::builder(self.host.clone());
        if let Some(pem) = &self.ca_pem {
            parameters = parameters.add_root_certificate(
                Certificate::from_pem(pem).map_err(|e| self.fail(e.to_string()))?,
            );
        }
        parameters.build().map_err(|e| self.fail(e.to_string()))
    }

    /// The pooled transport: TLS as configured, `connections` kept open, credentials.
    fn pool(&self) -> Result<AsyncSmtpTransport<Tokio1Executor>, DeliveryError> {
        let tls = match self.tls {
            SmtpTls::Starttls => Tls::Required(self.tls()?),
            SmtpTls::Tls => Tls::Wrapper(self.tls()?),
            SmtpTls::None => Tls::None,
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&self.host)
            .tls(tls)
            .port(self.port)
            .timeout(Some(self.timeout))
            .pool_config(PoolConfig::new().max_size(self.connections));
        if let Some((user, password)) = &self.credentials {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        Ok(builder.build())
    }
}

impl Handover for SmtpSettings {
    fn hand_over(
        &self,
        sender: &Sender<'_>,
        todo: Vec<Envelope>,
        record: &Recorder,
    ) -> Result<HandedOver, DeliveryError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| self.fail(e.to_string()))?;
        let permits = Arc::new(tokio::sync::Semaphore::new(self.connections as usize));
        // the store stopped answering claims: nothing more goes out
        let store_down = Arc::new(AtomicBool::new(false));
        // the pool lives (and is dropped) inside the runtime: it keeps connections with tasks
        runtime.block_on(async {
            let transport = Arc::new(self.pool()?);
            let mut tasks = tokio::task::JoinSet::new();
            for envelope in todo {
                if stopping() || store_down.load(Ordering::SeqCst) {
                    break;
                }
                let mime = sender.mime(&envelope)?;
                let permit = permits
                    .clone()
                    .acquire_owned()
                    .await
                    .expect("the semaphore stays open");
                // asked to stop while waiting for a connection: this one stays unsent
                if stopping() || store_down.load(Ordering::SeqCst) {
                    break;
                }
                let transport = transport.clone();
                let retry = sender.retry.clone();
                let record = record.clone();
                let run_id = sender.run_id.to_string();
                let store_down = store_down.clone();
                let claim = sender.claim(&envelope);
                tasks.spawn(async move {
                    match record.claim(claim).await {
                        Claimed::Yours => {}
                        Claimed::Taken => return Err(Claimed::Taken),
                        Claimed::StoreDown => {
                            store_down.store(true, Ordering::SeqCst);
                            return Err(Claimed::StoreDown);
                        }
                    }
                    let (status, attempts, error) = send_with_retry(&transport, mime, &retry).await;
                    drop(permit);
                    let o = outcome(&envelope, &run_id, status, attempts, error);
                    record.record(o.clone());
                    Ok(o)
                });
            }
            let mut handed = HandedOver::default();
            while let Some(done) = tasks.join_next().await {
                match done.expect("a send task does not panic") {
                    Ok(o) => handed.outcomes.push(o),
                    Err(Claimed::Taken) => handed.taken += 1,
                    Err(_) => {}
                }
            }
            Ok(handed)
        })
    }
}

/// Sends one message: temporary failures (4xx, connection loss, timeouts) are retried with
/// exponential backoff and jitter; a permanent one (5xx) ends it.
async fn send_with_retry(
    transport: &AsyncSmtpTransport<Tokio1Executor>,
    message: lettre::Message,
    retry: &RetryPolicy,
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
