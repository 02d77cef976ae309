//! Rendering: Tera templates → document blocks → PDF, plus the email bodies.

pub mod markup;
pub mod pdf;
mod templates;

pub use templates::{RenderError, Rendered, Renderer};
