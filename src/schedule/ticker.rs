//! The alarm clock of `serve`: tokio-cron-scheduler fires a one-shot job at each job's
//! next instant, which `fire` computed in the job's own zone. Its cron jobs are not used:
//! they freeze a job's UTC offset when created (its issue #87), so a job created in winter
//! would fire an hour off in summer. Its one-shots tick on whole seconds every 500 ms and
//! may wake early; each alarm therefore sleeps to the exact instant before it rings.

use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedSender;
use tokio_cron_scheduler::{Job, JobScheduler, JobSchedulerError};
use uuid::Uuid;

/// A job's instant has come.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alarm {
    pub job: String,
    pub at: DateTime<Utc>,
}

pub struct Ticker {
    scheduler: JobScheduler,
    rings: UnboundedSender<Alarm>,
    /// The one alarm set per job: its one-shot and its instant.
    set: BTreeMap<String, (Uuid, DateTime<Utc>)>,
}

impl Ticker {
    pub async fn start(rings: UnboundedSender<Alarm>) -> Result<Self, JobSchedulerError> {
        let scheduler = JobScheduler::new().await?;
        scheduler.start().await?;
        Ok(Self {
            scheduler,
            rings,
            set: BTreeMap::new(),
        })
    }

    /// Sets `job`'s alarm at `at`, replacing the one it had.
    pub async fn set(&mut self, job: &str, at: DateTime<Utc>) -> Result<(), JobSchedulerError> {
        self.clear(job).await?;
        let wait = (at - Utc::now()).to_std().unwrap_or_default();
        let instant = std::time::Instant::now() + wait;
        let exact = tokio::time::Instant::from_std(instant);
        let (rings, alarm) = (
            self.rings.clone(),
            Alarm {
                job: job.to_string(),
                at,
            },
        );
        let one_shot = Job::new_one_shot_at_instant_async(instant, move |_, _| {
            let (rings, alarm) = (rings.clone(), alarm.clone());
            Box::pin(async move {
                tokio::time::sleep_until(exact).await;
                // the receiver is gone only when serve is stopping
                let _ = rings.send(alarm);
            })
        })?;
        let id = self.scheduler.add(one_shot).await?;
        self.set.insert(job.to_string(), (id, at));
        Ok(())
    }

    /// Whether `alarm` is the one currently set for its job (not one set before a reload).
    pub fn is_current(&self, alarm: &Alarm) -> bool {
        self.set.get(&alarm.job).map(|(_, at)| *at) == Some(alarm.at)
    }

    pub async fn clear(&mut self, job: &str) -> Result<(), JobSchedulerError> {
        if let Some((id, _)) = self.set.remove(job) {
            self.scheduler.remove(&id).await?;
        }
        Ok(())
    }

    pub async fn clear_all(&mut self) -> Result<(), JobSchedulerError> {
        let jobs: Vec<String> = self.set.keys().cloned().collect();
        for job in jobs {
            self.clear(&job).await?;
        }
        Ok(())
    }

    pub async fn stop(mut self) -> Result<(), JobSchedulerError> {
        self.clear_all().await?;
        self.scheduler.shutdown().await
    }
}

/// How often `serve` looks at signals, config edits and finished runs.
pub const HOUSEKEEPING: Duration = Duration::from_secs(1);
