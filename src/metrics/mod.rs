//! Metrics: every figure of metrics.md, computed once per run from the exports.

pub mod customer;
pub mod distribution;
pub mod employee;
pub mod funnel;
pub mod period;
pub mod quadrant;
pub mod quality;
pub mod ratio;
pub mod scorecard;
mod sums;
pub mod trend;
pub mod voices;

mod compute;
mod figures;

pub use compute::{MetricsError, MetricsRequest, compute};
pub use figures::*;
