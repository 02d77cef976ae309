//! The heartbeat for dead-man's-switch services (`serve.heartbeat_url`, Healthchecks
//! style): `<url>/start` when a run starts, `<url>` when it succeeds, `<url>/fail` when it
//! fails. One request each, with a short timeout and no retry, so a slow or absent service
//! never holds a run; the URL is never logged (it often carries its own token).

use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(3);

#[derive(Debug, Clone, Copy)]
pub enum Beat {
    Start,
    Success,
    Fail,
}

/// Its own one-thread runtime: beats are sent from the runs' threads, also while `serve`
/// stops and its loop no longer turns.
#[derive(Clone)]
pub struct Heartbeat {
    url: String,
    client: reqwest::Client,
    runtime: std::sync::Arc<tokio::runtime::Runtime>,
}

impl Heartbeat {
    pub fn new(url: &str) -> Result<Heartbeat, String> {
        crate::data::bucket::install_crypto_provider();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("xbrief-heartbeat")
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the heartbeat: {e}"))?;
        let client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .build()
            .map_err(|e| format!("cannot start the heartbeat: {e}"))?;
        Ok(Heartbeat {
            url: url.to_string(),
            client,
            runtime: std::sync::Arc::new(runtime),
        })
    }

    /// Sends one beat and waits for it (at most the timeout), so the beats of a run arrive
    /// in order. Called from a run's thread, never from the runtime's.
    pub fn beat(&self, beat: Beat) {
        let url = match beat {
            Beat::Start => format!("{}/start", self.url),
            Beat::Success => self.url.clone(),
            Beat::Fail => format!("{}/fail", self.url),
        };
        let client = &self.client;
        match self
            .runtime
            .block_on(async { client.get(url).send().await })
        {
            Ok(response) if response.status().is_success() => {}
            Ok(response) => {
                tracing::warn!(
                    status = response.status().as_u16(),
                    ?beat,
                    "the heartbeat service refused a beat"
                )
            }
            // the error's own text names the URL: only its kind is logged
            Err(error) => tracing::warn!(
                ?beat,
                timeout = error.is_timeout(),
                connect = error.is_connect(),
                "the heartbeat service did not answer"
            ),
        }
    }
}
