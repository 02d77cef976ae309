//! Metrics: every figure of metrics.md, computed once per run from the exports.

pub mod change;
pub mod customer;
pub mod distribution;
pub mod driver_moments;
pub mod drivers;
pub mod employee;
pub mod employee_window;
pub mod funnel;
pub mod quadrant;
pub mod quality;
pub mod ratio;
pub mod scorecard;
mod sums;
pub mod trend;
pub mod voices;

mod compare;
mod compute;
mod detail;
pub mod disclosure;
mod figures;
mod load;
mod periods;
mod quadrant_summary;
mod regions;
mod sites;

pub use compute::{MetricsError, MetricsRequest, compute};
pub use figures::*;
