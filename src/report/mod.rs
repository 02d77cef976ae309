//! Reports: who gets which briefing (fan-out per audience), each carrying only its scope's
//! figures with the privacy rules applied.

mod context;
mod plan;

pub use plan::{Briefing, plan};
