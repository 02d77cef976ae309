//! Scheduling: when each job fires, in its own time zone, and which period it reports.

pub mod fire;
mod idle;
pub mod plan;
pub mod serve;
mod ticker;
