//! Rendering: Tera templates → document markup → laid-out pages → PDF, plus the email
//! bodies. `text` measures with the embedded fonts, `layout` paginates, `tables` and
//! `charts` draw their blocks, `pdf` writes the result.

pub mod charts;
pub mod draw;
pub mod layout;
pub mod markup;
pub mod pdf;
mod tables;
mod templates;
pub mod text;

pub use layout::Page;
pub use templates::{RenderError, Rendered, Renderer, TemplateSpot, check_templates};
