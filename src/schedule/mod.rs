//! Scheduling: when each job fires, in its own time zone, and which period it reports.

pub mod fire;
mod heartbeat;
mod http;
mod idle;
mod metrics;
mod operations;
pub mod plan;
pub mod serve;
mod snapshot;
mod status_page;
mod ticker;
