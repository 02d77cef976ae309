//! `xbrief serve`: the runner. Each job fires at its instants in its own zone (see `fire`),
//! through the same path as `xbrief run`; a job never overlaps itself; on start, runs that
//! died are resumed and recent misses caught up; one runner owns a state store (a lock);
//! a config edit (or SIGHUP) is validated before it replaces the jobs; SIGTERM or SIGINT
//! lets the runs in flight finish, then exits 0.

use super::fire::{next_fires, previous_fire};
use super::idle::release_idle_memory;
use super::ticker::{HOUSEKEEPING, Ticker};
use crate::config::{Config, Job, WaitForData, WhenStale};

use crate::data::freshness;
use crate::data::queries::QueryDir;
use crate::deliver::Ledger;
use crate::period::Period;
use crate::run::{self, RunOptions};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::io::Write;
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime};

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(transparent)]
    Config(#[from] crate::config::LoadError),
    #[error(
        "another xbrief serve (pid {pid}) owns the state store {dir}: only one runner may use it; stop that one first"
    )]
    Locked { dir: PathBuf, pid: String },
    #[error("cannot lock the state store {}: {source}", dir.display())]
    Lock {
        dir: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Ledger(#[from] crate::deliver::LedgerError),
    #[error("the scheduler failed: {0}")]
    Ticker(#[from] tokio_cron_scheduler::JobSchedulerError),
    #[error("cannot start the runner's event loop: {0}")]
    Runtime(#[source] std::io::Error),
}

static STOP: AtomicBool = AtomicBool::new(false);
static RELOAD: AtomicBool = AtomicBool::new(false);

extern "C" fn on_stop(_: libc::c_int) {
    STOP.store(true, Ordering::SeqCst);
    crate::deliver::STOP_SENDING.store(true, Ordering::SeqCst);
}

extern "C" fn on_hangup(_: libc::c_int) {
    RELOAD.store(true, Ordering::SeqCst);
}

fn install_signals() {
    // SAFETY: the handlers only store to atomics, which is async-signal-safe.
    unsafe {
        libc::signal(libc::SIGTERM, on_stop as *const () as libc::sighandler_t);
        libc::signal(libc::SIGINT, on_stop as *const () as libc::sighandler_t);
        libc::signal(libc::SIGHUP, on_hangup as *const () as libc::sighandler_t);
    }
}

/// The lock on the state store, held while the runner lives (released when the process
/// exits, however it exits).
struct StoreLock {
    _file: std::fs::File,
}

fn lock(dir: &Path) -> Result<StoreLock, ServeError> {
    let fail = |source: std::io::Error| ServeError::Lock {
        dir: dir.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(fail)?;
    let path = dir.join("serve.lock");
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(&path)
        .map_err(fail)?;
    // SAFETY: flock on a descriptor we own.
    if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0 {
        let pid = std::fs::read_to_string(&path)
            .unwrap_or_default()
            .trim()
            .to_string();
        return Err(ServeError::Locked {
            dir: dir.to_path_buf(),
            pid,
        });
    }
    file.set_len(0).map_err(fail)?;
    write!(file, "{}", std::process::id()).map_err(fail)?;
    Ok(StoreLock { _file: file })
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// The runs in flight, by job: a job whose run is still going is not started again.
#[derive(Default)]
struct Running {
    runs: BTreeMap<String, JoinHandle<()>>,
}

impl Running {
    /// Forgets the finished runs; true when the last one just finished.
    fn reap(&mut self) -> bool {
        let before = self.runs.len();
        self.runs.retain(|_, handle| !handle.is_finished());
        before > 0 && self.runs.is_empty()
    }

    fn start(
        &mut self,
        config: &Arc<Config>,
        job: &Job,
        period: Period,
        due: DateTime<Utc>,
        why: &str,
    ) {
        self.reap();
        if self.runs.contains_key(&job.name) {
            tracing::warn!(job = %job.name, %period, "the previous run is still going: this one is skipped");
            tracing::info!(target: "xbrief::summary",
                "{} {period}: skipped ({why}): the previous run is still going",
                job.name
            );
            return;
        }
        tracing::info!(target: "xbrief::summary", "{} {period}: starting ({why})", job.name);
        let name = job.name.clone();
        let (config, job) = (config.clone(), job.clone());
        let handle = std::thread::spawn(move || {
            let mut options = RunOptions::for_period(Some(period));
            if let Some(wait) = &job.wait_for_data {
                match wait_for_data(&config, &options, wait, due) {
                    Fresh::Yes => {}
                    Fresh::NoButRun => {
                        tracing::info!(target: "xbrief::summary",
                            "{} {period}: data not fresh by the deadline: running with the incomplete-data banner",
                            job.name
                        );
                        options.data_incomplete = true;
                    }
                    Fresh::NoSoSkip => {
                        tracing::info!(target: "xbrief::summary",
                            "{} {period}: data not fresh by the deadline: skipped (wait_for_data.then: skip)",
                            job.name
                        );
                        return;
                    }
                }
            }
            match run::run_job(&config, &job, &options) {
                Ok(summary) => tracing::info!(target: "xbrief::summary",
                    "{} {}: {} sent, {} already sent before, {} not delivered, {} left for the next start",
                    summary.job,
                    summary.period,
                    summary.delivered.sent,
                    summary.delivered.skipped,
                    summary.delivered.failed.len() + summary.delivered.pending.len(),
                    summary.delivered.interrupted
                ),
                Err(error) => {
                    tracing::info!(target: "xbrief::summary", "{} {period}: failed: {error}", job.name)
                }
            }
        });
        self.runs.insert(name, handle);
    }

    fn wait(self) {
        for (_, handle) in self.runs {
            let _ = handle.join();
        }
    }
}

enum Fresh {
    Yes,
    NoButRun,
    NoSoSkip,
}

/// Polls the customer export until it is fresh or the deadline (after `due`) has passed.
fn wait_for_data(
    config: &Config,
    options: &RunOptions,
    wait: &WaitForData,
    due: DateTime<Utc>,
) -> Fresh {
    let root = options.data_dir.as_ref().unwrap_or(&config.data.dir);
    let out_dir = options.out_dir.as_ref().unwrap_or(&config.paths.output);
    let source = run::data_source(config, root, out_dir);
    let deadline = due + wait.deadline;
    let poll = (wait.deadline / 20)
        .to_std()
        .unwrap_or_default()
        .clamp(Duration::from_secs(1), Duration::from_secs(60));
    loop {
        let queries = QueryDir::new(&config.paths.queries);
        match freshness::probe(&source, &config.data.exports.customer_responses, queries) {
            Ok(found) if found.is_fresh(Utc::now(), wait.max_age) => return Fresh::Yes,
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "cannot check the data's freshness"),
        }
        if Utc::now() >= deadline || STOP.load(Ordering::SeqCst) {
            return match wait.then {
                WhenStale::Run => Fresh::NoButRun,
                WhenStale::Skip => Fresh::NoSoSkip,
            };
        }
        std::thread::sleep(poll);
    }
}

/// The next fire of `job` strictly after `after`.
fn next_fire(job: &Job, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
    next_fires(&job.schedule.cron, job.timezone, after, 1)
        .into_iter()
        .next()
        .map(|fire| fire.at.with_timezone(&Utc))
}

/// Sets every job's alarm at its next fire after now.
async fn arm(ticker: &mut Ticker, config: &Config) -> Result<(), ServeError> {
    ticker.clear_all().await?;
    let now = Utc::now();
    for job in config.jobs.values() {
        if let Some(at) = next_fire(job, now) {
            ticker.set(&job.name, at).await?;
        }
    }
    Ok(())
}

/// On start: resume the runs that died, then catch up each job's latest miss when it is
/// recent enough; older misses are only logged.
fn recover(
    config: &Arc<Config>,
    ledger: &Ledger,
    running: &mut Running,
    now: DateTime<Utc>,
) -> Result<(), ServeError> {
    for (job_name, period_text) in ledger.unfinished()? {
        let (Some(job), Ok(period)) = (config.job(&job_name), Period::parse(&period_text)) else {
            continue;
        };
        running.start(config, job, period, now, "resuming a run that died");
    }
    for job in config.jobs.values() {
        let Some(latest) = previous_fire(&job.schedule.cron, job.timezone, now) else {
            continue;
        };
        let period = job.period_at(latest.at.with_timezone(&Utc));
        if ledger.succeeded(&job.name, &period.to_string())? || running.runs.contains_key(&job.name)
        {
            continue;
        }
        let age = now - latest.at.with_timezone(&Utc);
        if age <= job.catch_up_within {
            running.start(
                config,
                job,
                period,
                latest.at.with_timezone(&Utc),
                &format!("caught up: missed at {}", latest.at.to_rfc3339()),
            );
        } else {
            tracing::info!(target: "xbrief::summary",
                "{} {period}: missed at {}, older than catch_up_within: not run (xbrief run {} --period {period} runs it)",
                job.name,
                latest.at.to_rfc3339(),
                job.name
            );
        }
    }
    Ok(())
}

pub fn serve(config_path: &Path) -> Result<(), ServeError> {
    let load = |path: &Path| -> Result<Arc<Config>, ServeError> {
        let config = Config::load(path).map_err(ServeError::Config)?;
        for warning in &config.warnings {
            tracing::warn!("{warning}");
        }
        Ok(Arc::new(config))
    };
    let config = load(config_path)?;
    let state = run::state_dir(&config, &config.paths.output);
    let _lock = lock(&state)?;
    install_signals();
    let ledger = Ledger::open(&state)?;
    let mut running = Running::default();
    recover(&config, &ledger, &mut running, Utc::now())?;
    drop(ledger);
    tracing::info!(target: "xbrief::summary",
        "serving {} job(s) from {}; state in {}",
        config.jobs.len(),
        config_path.display(),
        state.display()
    );
    // One thread ticks; runs have their own threads, so the ticking never waits for them.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(ServeError::Runtime)?;
    runtime.block_on(tick(config_path, config, &mut running, load))?;
    tracing::info!(target: "xbrief::summary", "stopping: waiting for the runs in flight");
    running.wait();
    tracing::info!(target: "xbrief::summary", "stopped");
    Ok(())
}

async fn tick(
    config_path: &Path,
    mut config: Arc<Config>,
    running: &mut Running,
    load: impl Fn(&Path) -> Result<Arc<Config>, ServeError>,
) -> Result<(), ServeError> {
    let (rings, mut alarms) = tokio::sync::mpsc::unbounded_channel();
    let mut ticker = Ticker::start(rings).await?;
    arm(&mut ticker, &config).await?;
    let mut config_time = modified(config_path);
    let mut housekeeping = tokio::time::interval(HOUSEKEEPING);
    while !STOP.load(Ordering::SeqCst) {
        tokio::select! {
            Some(alarm) = alarms.recv() => {
                // an alarm set before a reload rings for nothing
                if !ticker.is_current(&alarm) {
                    continue;
                }
                if let Some(job) = config.job(&alarm.job) {
                    let local = alarm.at.with_timezone(&job.timezone);
                    running.start(
                        &config,
                        job,
                        job.period_at(alarm.at),
                        alarm.at,
                        &format!("scheduled at {}", local.to_rfc3339()),
                    );
                    // the next fire strictly after this one: a long run never fires twice
                    match next_fire(job, alarm.at) {
                        Some(at) => ticker.set(&job.name, at).await?,
                        None => ticker.clear(&job.name).await?,
                    }
                }
            }
            _ = housekeeping.tick() => {
                let changed = modified(config_path) != config_time;
                if changed || RELOAD.swap(false, Ordering::SeqCst) {
                    config_time = modified(config_path);
                    match load(config_path) {
                        Ok(new) => {
                            tracing::info!(target: "xbrief::summary", "config reloaded: {} job(s)", new.jobs.len());
                            config = new;
                            arm(&mut ticker, &config).await?;
                        }
                        Err(error) => {
                            tracing::info!(target: "xbrief::summary", "config edit rejected, keeping the running jobs: {error}")
                        }
                    }
                }
                if running.reap() {
                    release_idle_memory();
                }
            }
        }
    }
    ticker.stop().await?;
    Ok(())
}
