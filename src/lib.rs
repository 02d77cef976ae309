//! xbrief: experience briefings from customer, employee and financial exports.
//!
//! The stages, in the order data flows through them:
//! `config` → `data` → `metrics` → `report` → `render` → `export` / `deliver`;
//! `period` is the calendar they all share, `plot` the chart model that `report` builds and
//! `render` draws; `run` strings them together for one job and period, `cli` is the command line.

pub mod cli;
pub mod config;
pub mod data;
pub mod deliver;
pub mod demo;
pub mod export;
pub mod metrics;
pub mod period;
pub mod plot;
pub mod progress;
pub mod render;
pub mod report;
pub mod run;
pub mod schedule;
pub mod validate;
