//! `xbrief serve`: the runner. Each job fires at its instants in its own zone (see `fire`),
//! through the same path as `xbrief run`; a job never overlaps itself; on start, runs that
//! died are resumed and recent misses caught up; one runner owns a state store (a lock);
//! a config edit (or SIGHUP) is validated before it replaces the jobs; SIGTERM or SIGINT
//! lets the runs in flight finish, then exits 0.

use super::fire::{next_fires, previous_fire};
use super::heartbeat::{Beat, Heartbeat};
use super::http;
use super::idle::release_idle_memory;
use super::operations::Operations;
use super::ticker::{HOUSEKEEPING, Ticker};
use crate::config::{Config, Job, WaitForData, WhenStale};

use crate::data::freshness;
use crate::data::queries::QueryDir;
use crate::deliver::{Fire, Ledger, Pause, Pauses, StateUrl};
use crate::period::Period;
use crate::run::{self, RunOptions};
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, BTreeSet};
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
    #[error("cannot listen on {address} (serve.listen): {source}")]
    Listen {
        address: std::net::SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}")]
    Heartbeat(String),
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

/// The runs in flight, by job: a job whose run is still going is not started again. Each
/// is a fire this replica claimed in the store, renewed while it runs.
struct Running {
    runs: BTreeMap<String, (JoinHandle<bool>, Fire)>,
    heartbeat: Option<Heartbeat>,
    /// This replica, as the store's claims name it.
    owner: String,
    lease: Duration,
}

/// How a run comes to start: which fire it is, and whether a fire done before may be
/// claimed again (a catch-up or a resume of a period that did not succeed).
struct Start<'a> {
    fire: Fire,
    due: DateTime<Utc>,
    why: &'a str,
    retry: bool,
}

impl Start<'_> {
    fn of<'a>(
        job: &Job,
        period: Period,
        due: DateTime<Utc>,
        why: &'a str,
        retry: bool,
    ) -> Start<'a> {
        Start {
            fire: Fire {
                job: job.name.clone(),
                at: due.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                period: period.to_string(),
            },
            due,
            why,
            retry,
        }
    }
}

impl Running {
    fn new(config: &Config, heartbeat: Option<Heartbeat>) -> Running {
        Running {
            runs: BTreeMap::new(),
            heartbeat,
            owner: crate::deliver::owner(),
            lease: config.state.lease,
        }
    }

    /// Forgets the finished runs, their fires done; true when the last one just finished.
    fn reap(&mut self, ledger: &Ledger) -> bool {
        let before = self.runs.len();
        let owner = &self.owner;
        let finished: Vec<String> = self
            .runs
            .iter()
            .filter(|(_, (handle, _))| handle.is_finished())
            .map(|(job, _)| job.clone())
            .collect();
        for job in finished {
            if let Some((handle, fire)) = self.runs.remove(&job) {
                settle(ledger, &fire, owner, handle.join().unwrap_or(true));
            }
        }
        before > 0 && self.runs.is_empty()
    }

    /// Renews the leases of the fires in flight.
    fn renew(&self, ledger: &Ledger) {
        for (_, fire) in self.runs.values() {
            if let Err(error) = ledger.renew_fire(fire, &self.owner, self.lease) {
                tracing::warn!(%error, job = %fire.job, "cannot renew the fire's lease");
            }
        }
    }

    fn start(&mut self, config: &Arc<Config>, ledger: &Ledger, job: &Job, start: Start) {
        self.reap(ledger);
        let Start {
            fire,
            due,
            why,
            retry,
        } = start;
        let period = Period::parse(&fire.period).unwrap_or_else(|_| job.period_at(due));
        if self.runs.contains_key(&job.name) {
            tracing::warn!(job = %job.name, %period, "the previous run is still going: this one is skipped");
            tracing::info!(target: "xbrief::summary",
                "{} {period}: skipped ({why}): the previous run is still going",
                job.name
            );
            return;
        }
        match ledger.claim_fire(&fire, &self.owner, self.lease, retry) {
            Ok(true) => {}
            Ok(false) => {
                tracing::info!(target: "xbrief::summary",
                    "{} {period}: not run here ({why}): another replica runs it, or runs the job",
                    job.name
                );
                return;
            }
            Err(error) => {
                tracing::warn!(%error, job = %job.name, "cannot claim the fire: not run");
                return;
            }
        }
        tracing::info!(target: "xbrief::summary", "{} {period}: starting ({why})", job.name);
        let name = job.name.clone();
        let fire_at = fire.at.clone();
        let (config, job) = (config.clone(), job.clone());
        let heartbeat = self.heartbeat.clone();
        let beat = move |beat| {
            if let Some(heartbeat) = &heartbeat {
                heartbeat.beat(beat);
            }
        };
        let handle =
            std::thread::spawn(move || run_fire(&config, &job, period, fire_at, due, beat));
        self.runs.insert(name, (handle, fire));
    }

    /// Waits for the runs in flight, recording their fires done.
    fn wait(self, ledger: &Ledger) {
        for (_, (handle, fire)) in self.runs {
            settle(ledger, &fire, &self.owner, handle.join().unwrap_or(true));
        }
    }

    /// Takes over the fires of replicas that died (their lease ran out): each is resumed
    /// here through the ledger, what the dead one was handing over settled as in doubt.
    fn take_over(&mut self, config: &Arc<Config>, ledger: &Ledger) -> Result<(), ServeError> {
        for orphan in ledger.orphaned_fires()? {
            let Some(job) = config.job(&orphan.fire.job) else {
                continue;
            };
            if self.runs.contains_key(&job.name) || orphan.owner == self.owner {
                continue;
            }
            ledger.end_runs_of(&orphan.owner)?;
            let why = format!(
                "resuming a run that died: taking over from {}",
                orphan.owner
            );
            let due = chrono::DateTime::parse_from_rfc3339(&orphan.fire.at)
                .map_or_else(|_| Utc::now(), |t| t.with_timezone(&Utc));
            let start = Start {
                fire: orphan.fire,
                due,
                why: &why,
                retry: false,
            };
            self.start(config, ledger, job, start);
        }
        Ok(())
    }
}

/// One claimed fire, on its own thread: waits for fresh data when the job asks, then runs;
/// false when the run was stopped mid-send (its fire is left for a resume).
fn run_fire(
    config: &Config,
    job: &Job,
    period: Period,
    fire_at: String,
    due: DateTime<Utc>,
    beat: impl Fn(Beat),
) -> bool {
    let mut options = RunOptions::for_period(Some(period));
    options.fire_at = Some(fire_at);
    if let Some(wait) = &job.wait_for_data {
        match wait_for_data(config, &options, wait, due) {
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
                return true;
            }
        }
    }
    beat(Beat::Start);
    match run::run_job(config, job, &options) {
        Ok(summary) => {
            tracing::info!(target: "xbrief::summary",
                "{} {}: {} sent, {} already sent before, {} not delivered, {} in doubt, {} left for the next start",
                summary.job,
                summary.period,
                summary.delivered.sent,
                summary.delivered.skipped,
                summary.delivered.failed.len() + summary.delivered.pending.len(),
                summary.delivered.in_doubt,
                summary.delivered.interrupted
            );
            // a run with a recipient not reached is no success
            let delivered = run::failure::delivery_class(&summary.delivered).is_none();
            beat(if delivered { Beat::Success } else { Beat::Fail });
            // stopped mid-send (SIGTERM): the rest is for whoever takes the fire next
            summary.delivered.interrupted == 0
        }
        Err(error) => {
            tracing::info!(target: "xbrief::summary", "{} {period}: failed: {error}", job.name);
            beat(Beat::Fail);
            true
        }
    }
}

enum Fresh {
    Yes,
    NoButRun,
    NoSoSkip,
}

/// A finished fire is done; one stopped mid-send is released at once, for the next start of
/// this runner or another replica to resume. (Unrecorded, its lease runs out instead, with
/// the same effect later.)
fn settle(ledger: &Ledger, fire: &Fire, owner: &str, finished: bool) {
    let recorded = match finished {
        true => ledger.fire_done(fire, owner),
        false => ledger.release_fire(fire, owner),
    };
    if let Err(error) = recorded {
        tracing::warn!(%error, job = %fire.job, "cannot record the fire's end");
    }
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
/// recent enough; older misses are only logged. A paused job is neither resumed nor caught
/// up (its `resume` catches up).
fn recover(
    config: &Arc<Config>,
    ledger: &Ledger,
    running: &mut Running,
    now: DateTime<Utc>,
) -> Result<(), ServeError> {
    let pauses = ledger.pauses()?;
    // a run killed on this host is dead now, not when its lease runs out
    ledger.expire_dead_local_runs()?;
    running.take_over(config, ledger)?;
    for (job_name, period_text) in ledger.unfinished()? {
        let (Some(job), Ok(period)) = (config.job(&job_name), Period::parse(&period_text)) else {
            continue;
        };
        if let Some(pause) = pauses.of(&job.name, now) {
            log_skipped(job, period, pause);
            continue;
        }
        // one key per period: a replica starting at the same time does not resume it too
        let why = "resuming a run that died";
        let mut start = Start::of(job, period, now, why, true);
        start.fire.at = format!("resume:{period}");
        running.start(config, ledger, job, start);
    }
    for job in config.jobs.values() {
        if pauses.of(&job.name, now).is_none() {
            catch_up(config, ledger, running, job, now)?;
        }
    }
    Ok(())
}

/// Runs `job`'s latest miss when it is within `catch_up_within`, else logs it.
fn catch_up(
    config: &Arc<Config>,
    ledger: &Ledger,
    running: &mut Running,
    job: &Job,
    now: DateTime<Utc>,
) -> Result<(), ServeError> {
    let Some(latest) = previous_fire(&job.schedule.cron, job.timezone, now) else {
        return Ok(());
    };
    let period = job.period_at(latest.at.with_timezone(&Utc));
    if ledger.succeeded(&job.name, &period.to_string())? || running.runs.contains_key(&job.name) {
        return Ok(());
    }
    let age = now - latest.at.with_timezone(&Utc);
    if age <= job.catch_up_within {
        let why = format!("caught up: missed at {}", latest.at.to_rfc3339());
        let start = Start::of(job, period, latest.at.with_timezone(&Utc), &why, true);
        running.start(config, ledger, job, start);
    } else {
        tracing::info!(target: "xbrief::summary",
            "{} {period}: missed at {}, older than catch_up_within: not run (xbrief run {} --period {period} runs it)",
            job.name,
            latest.at.to_rfc3339(),
            job.name
        );
    }
    Ok(())
}

fn log_skipped(job: &Job, period: Period, pause: &Pause) {
    tracing::info!(target: "xbrief::summary",
        "{} {period}: skipped: paused by {} ({})",
        job.name,
        pause.paused_by,
        pause.reason
    );
}

/// The jobs held now, for noticing when one is resumed.
fn held(config: &Config, pauses: &Pauses, now: DateTime<Utc>) -> BTreeSet<String> {
    config
        .jobs
        .keys()
        .filter(|job| pauses.of(job, now).is_some())
        .cloned()
        .collect()
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
    let state = run::state_url(&config, &config.paths.output);
    // one serve per SQLite file; replicas share a PostgreSQL store through its claims
    let _lock = match &state {
        StateUrl::Sqlite(path) => Some(lock(path.parent().unwrap_or(Path::new(".")))?),
        StateUrl::Postgres(_) => None,
    };
    install_signals();
    let ledger = Ledger::open(&state)?;
    let heartbeat = match &config.serve.heartbeat_url {
        Some(url) => Some(Heartbeat::new(url).map_err(ServeError::Heartbeat)?),
        None => None,
    };
    let mut running = Running::new(&config, heartbeat);
    recover(&config, &ledger, &mut running, Utc::now())?;
    tracing::info!(target: "xbrief::summary",
        "serving {} job(s) from {}; state in {}",
        config.jobs.len(),
        config_path.display(),
        state
    );
    // One thread ticks; runs have their own threads, so the ticking never waits for them.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(ServeError::Runtime)?;
    let operations = Arc::new(Operations::new(config.clone(), state.clone()));
    runtime.block_on(async {
        if let Some(address) = config.serve.listen {
            let bound = http::start(address, operations.clone())
                .await
                .map_err(|source| ServeError::Listen { address, source })?;
            tracing::info!(target: "xbrief::summary", "status page and metrics on http://{bound}/");
        }
        let mut serving = Serving {
            config_path,
            config,
            ledger,
            running: &mut running,
            operations,
        };
        serving.tick(load).await
    })?;
    tracing::info!(target: "xbrief::summary", "stopping: waiting for the runs in flight");
    running.wait(&Ledger::open(&state)?);
    tracing::info!(target: "xbrief::summary", "stopped");
    Ok(())
}

/// The runner's loop and what it works with.
struct Serving<'a> {
    config_path: &'a Path,
    config: Arc<Config>,
    ledger: Ledger,
    running: &'a mut Running,
    operations: Arc<Operations>,
}

impl Serving<'_> {
    async fn tick(
        &mut self,
        load: impl Fn(&Path) -> Result<Arc<Config>, ServeError>,
    ) -> Result<(), ServeError> {
        let (rings, mut alarms) = tokio::sync::mpsc::unbounded_channel();
        let mut ticker = Ticker::start(rings).await?;
        arm(&mut ticker, &self.config).await?;
        let mut config_time = modified(self.config_path);
        let mut housekeeping = tokio::time::interval(HOUSEKEEPING);
        let mut was_held = held(&self.config, &self.ledger.pauses()?, Utc::now());
        while !STOP.load(Ordering::SeqCst) {
            tokio::select! {
                Some(alarm) = alarms.recv() => {
                    // an alarm set before a reload rings for nothing
                    if !ticker.is_current(&alarm) {
                        continue;
                    }
                    let config = self.config.clone();
                    if let Some(job) = config.job(&alarm.job) {
                        self.fire(job, alarm.at)?;
                        // the next fire strictly after this one: a long run never fires twice
                        match next_fire(job, alarm.at) {
                            Some(at) => ticker.set(&job.name, at).await?,
                            None => ticker.clear(&job.name).await?,
                        }
                    }
                }
                _ = housekeeping.tick() => {
                    self.operations.tick();
                    let changed = modified(self.config_path) != config_time;
                    if changed || RELOAD.swap(false, Ordering::SeqCst) {
                        config_time = modified(self.config_path);
                        match load(self.config_path) {
                            Ok(new) => {
                                tracing::info!(target: "xbrief::summary", "config reloaded: {} job(s)", new.jobs.len());
                                self.config = new;
                                self.operations.reloaded(Some(self.config.clone()));
                                arm(&mut ticker, &self.config).await?;
                            }
                            Err(error) => {
                                self.operations.reloaded(None);
                                tracing::info!(target: "xbrief::summary", "config edit rejected, keeping the running jobs: {error}")
                            }
                        }
                    }
                    was_held = self.catch_up_resumed(was_held)?;
                    self.running.renew(&self.ledger);
                    self.running.take_over(&self.config, &self.ledger)?;
                    if self.running.reap(&self.ledger) {
                        release_idle_memory();
                    }
                }
            }
        }
        ticker.stop().await?;
        Ok(())
    }

    /// A job's instant: it runs, unless it is paused (then the fire is recorded as skipped).
    fn fire(&mut self, job: &Job, at: DateTime<Utc>) -> Result<(), ServeError> {
        let period = job.period_at(at);
        if let Some(pause) = self.ledger.pauses()?.of(&job.name, Utc::now()) {
            log_skipped(job, period, pause);
            let why = format!("paused by {}: {}", pause.paused_by, pause.reason);
            self.ledger
                .skipped_fire(&job.name, &period.to_string(), &why)?;
            return Ok(());
        }
        let local = at.with_timezone(&job.timezone);
        let why = format!("scheduled at {}", local.to_rfc3339());
        let start = Start::of(job, period, at, &why, false);
        self.running.start(&self.config, &self.ledger, job, start);
        Ok(())
    }

    /// The jobs resumed since the last look (`xbrief resume`, or a pause's end) catch up
    /// their latest miss, by `catch_up_within`; returns the jobs held now.
    fn catch_up_resumed(
        &mut self,
        was_held: BTreeSet<String>,
    ) -> Result<BTreeSet<String>, ServeError> {
        let now = Utc::now();
        let held_now = held(&self.config, &self.ledger.pauses()?, now);
        for name in was_held.difference(&held_now) {
            if let Some(job) = self.config.job(name) {
                tracing::info!(target: "xbrief::summary", "{name}: resumed");
                catch_up(&self.config, &self.ledger, self.running, job, now)?;
            }
        }
        Ok(held_now)
    }
}
