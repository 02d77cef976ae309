//! Reports: who gets which briefing (fan-out per audience), each carrying only its scope's
//! figures with the privacy rules applied.

pub mod catalog;
mod context;
mod plan;
mod writer;

pub use catalog::{CatalogError, Catalogs};
pub use context::BriefingContext;
pub use plan::{Briefing, Contexts, HR_TEMPLATE, Subject, plan};
