//! What the runner knows about itself, shared by its loop and its HTTP listener: the config
//! in force, whether the last reload succeeded, and when the loop last ticked.

use crate::config::Config;
use crate::deliver::StateUrl;
use chrono::Utc;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

pub struct Operations {
    config: RwLock<Arc<Config>>,
    pub state: StateUrl,
    last_tick_ms: AtomicI64,
    reload_ok: AtomicBool,
}

impl Operations {
    pub fn new(config: Arc<Config>, state: StateUrl) -> Operations {
        let now = Utc::now();
        Operations {
            config: RwLock::new(config),
            state,
            last_tick_ms: AtomicI64::new(now.timestamp_millis()),
            reload_ok: AtomicBool::new(true),
        }
    }

    pub fn config(&self) -> Arc<Config> {
        self.config
            .read()
            .map_or_else(|e| e.into_inner().clone(), |c| c.clone())
    }

    /// A reload: the new config when it was valid, else the old one stays.
    pub fn reloaded(&self, new: Option<Arc<Config>>) {
        self.reload_ok.store(new.is_some(), Ordering::SeqCst);
        if let Some(new) = new {
            match self.config.write() {
                Ok(mut config) => *config = new,
                Err(poisoned) => *poisoned.into_inner() = new,
            }
        }
    }

    pub fn reload_ok(&self) -> bool {
        self.reload_ok.load(Ordering::SeqCst)
    }

    pub fn tick(&self) {
        self.last_tick_ms
            .store(Utc::now().timestamp_millis(), Ordering::SeqCst);
    }

    /// Whether the loop ticked within `within`.
    pub fn ticked_within(&self, within: Duration) -> bool {
        let age = Utc::now().timestamp_millis() - self.last_tick_ms.load(Ordering::SeqCst);
        age <= within.as_millis() as i64
    }
}
