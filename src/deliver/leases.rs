//! A run's lease: renewed from a thread of its own (on its own connection) while the run
//! lives, so the store tells a live run from one whose process died: a lease that ran out.

use super::ledger::{Ledger, LedgerError, lease_end, now};
use super::store::{Connection, Query};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

const RENEW: Query = Query::portable(include_str!("sql/renew_lease.sql"));
const LIVE_RUNS: Query = Query::portable(include_str!("sql/live_runs.sql"));
const LIVE_FIRE_OWNERS: Query =
    Query::portable("SELECT DISTINCT owner, owner FROM fires WHERE done = 0 AND lease_until >= ?1");
const EXPIRE_FIRES: Query = Query::portable(
    "UPDATE fires SET lease_until = '1970-01-01T00:00:00.000Z' WHERE owner = ?1 AND done = 0",
);
/// Ends a lease: an instant long past, so any later check sees it ended.
const EXPIRE: Query =
    Query::portable("UPDATE runs SET lease_until = '1970-01-01T00:00:00.000Z' WHERE run_id = ?1");

/// Renews until dropped.
pub struct LeaseKeeper {
    stop: Arc<(Mutex<bool>, Condvar)>,
    handle: Option<JoinHandle<()>>,
}

impl Ledger {
    /// Keeps `run_id`'s lease of `lease` alive, renewing it every third of it.
    pub fn keep_lease(&self, run_id: &str, lease: Duration) -> LeaseKeeper {
        let stop = Arc::new((Mutex::new(false), Condvar::new()));
        let (url, run_id, stopped) = (self.url.clone(), run_id.to_string(), stop.clone());
        let handle = std::thread::spawn(move || {
            let mut connection: Option<Connection> = None;
            let (lock, signal) = &*stopped;
            let mut done = lock.lock().unwrap_or_else(|e| e.into_inner());
            loop {
                let waited = signal.wait_timeout(done, lease / 3);
                done = waited.unwrap_or_else(|e| e.into_inner()).0;
                if *done {
                    return;
                }
                if connection.is_none() {
                    connection = Connection::open(&url).ok();
                }
                let renewed = connection
                    .as_mut()
                    .map(|c| c.execute(&RENEW, &[run_id.as_str().into(), lease_end(lease).into()]));
                if !matches!(renewed, Some(Ok(_))) {
                    // a store that is down gets a new connection at the next renewal
                    tracing::warn!(store = %url, "could not renew the run's lease");
                    connection = None;
                }
            }
        });
        LeaseKeeper {
            stop,
            handle: Some(handle),
        }
    }
}

impl Ledger {
    /// Ends the leases of runs and fires whose process, on this host, is gone: one killed
    /// here is known dead at once, not only when its lease runs out.
    pub fn expire_dead_local_runs(&self) -> Result<(), LedgerError> {
        let leases = |query| {
            self.rows(query, &[now().into()], |r| {
                Ok((r.get::<String>(0)?, r.get::<String>(1)?))
            })
        };
        for (run_id, owner) in leases(&LIVE_RUNS)? {
            if is_dead_here(&owner) {
                tracing::info!(
                    run_id,
                    owner,
                    "the run's process is gone: its lease ends now"
                );
                self.write(&EXPIRE, &[run_id.as_str().into()])?;
            }
        }
        for (owner, _) in leases(&LIVE_FIRE_OWNERS)? {
            if is_dead_here(&owner) {
                tracing::info!(
                    owner,
                    "the replica's process is gone: its fires' leases end now"
                );
                self.write(&EXPIRE_FIRES, &[owner.as_str().into()])?;
            }
        }
        Ok(())
    }
}

/// Whether `owner` (`host:pid`) is another process of this host that no longer exists.
fn is_dead_here(owner: &str) -> bool {
    let me = self::owner();
    let (host, _) = me.rsplit_once(':').unwrap_or((&me, ""));
    match owner
        .rsplit_once(':')
        .map(|(h, pid)| (h, pid.parse::<i32>()))
    {
        Some((their_host, Ok(pid))) => {
            their_host == host && pid != std::process::id() as i32 && !alive(pid)
        }
        _ => false,
    }
}

/// Whether a process of this host exists (signal 0 checks without sending).
fn alive(pid: i32) -> bool {
    // SAFETY: kill with signal 0 only checks that the process exists.
    let found = unsafe { libc::kill(pid, 0) } == 0;
    found || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

impl Drop for LeaseKeeper {
    fn drop(&mut self) {
        let (lock, signal) = &*self.stop;
        *lock.lock().unwrap_or_else(|e| e.into_inner()) = true;
        signal.notify_all();
        if let Some(handle) = self.handle.take() {
            let _ = handle.join();
        }
    }
}

/// Who runs: `XBRIEF_REPLICA`, else the host name (a pod's name on Kubernetes), with the
/// process id, so two processes on one host are told apart in `history`.
pub fn owner() -> String {
    let host = std::env::var("XBRIEF_REPLICA")
        .ok()
        .filter(|r| !r.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok().filter(|h| !h.is_empty()))
        .or_else(|| {
            std::fs::read_to_string("/etc/hostname")
                .ok()
                .map(|h| h.trim().to_string())
        })
        .unwrap_or_else(|| "localhost".into());
    format!("{host}:{}", std::process::id())
}
