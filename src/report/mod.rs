//! Reports: who gets which briefing (fan-out per audience), each carrying only its scope's
//! figures with the privacy rules applied.

pub mod catalog;
mod context;
mod plan;

pub use catalog::{CatalogError, Catalogs};
pub use plan::{Briefing, Contexts, Subject, plan};
