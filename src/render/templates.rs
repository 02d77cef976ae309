//! Briefing templates (`reports/<audience>/`): `briefing.tera` emits document markup,
//! `email.txt` and `email.html` the email bodies. Loaded and checked once per run.

use super::markup::{self, Block};
use super::pdf::{Fonts, PageFrame, typeset};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("cannot read template {path}: {detail}")]
    Read { path: PathBuf, detail: String },
    #[error("template {path}: {detail}")]
    Template { path: PathBuf, detail: String },
}

/// One briefing, rendered: the PDF and the email bodies.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub subject: String,
    pub pdf: Option<Vec<u8>>,
    pub text: String,
    pub html: String,
}

pub struct Renderer {
    tera: tera::Tera,
    dir: PathBuf,
    fonts: Fonts,
}

const FILES: [&str; 3] = ["briefing.tera", "email.txt", "email.html"];

impl Renderer {
    /// Loads the templates of the given audiences from `reports/`.
    pub fn load(dir: &Path, audiences: &[&str]) -> Result<Renderer, RenderError> {
        let mut tera = tera::Tera::new();
        for audience in audiences {
            for file in FILES {
                let path = dir.join(audience).join(file);
                let content = std::fs::read_to_string(&path).map_err(|e| RenderError::Read {
                    path: path.clone(),
                    detail: e.to_string(),
                })?;
                tera.add_raw_template(&format!("{audience}/{file}"), &content)
                    .map_err(|e| RenderError::Template {
                        path: path.clone(),
                        detail: error_text(&e),
                    })?;
            }
        }
        Ok(Renderer {
            tera,
            dir: dir.to_path_buf(),
            fonts: Fonts::load(),
        })
    }

    fn render_one(
        &self,
        audience: &str,
        file: &str,
        context: &tera::Context,
    ) -> Result<String, RenderError> {
        self.tera
            .render(&format!("{audience}/{file}"), context)
            .map_err(|e| RenderError::Template {
                path: self.dir.join(audience).join(file),
                detail: error_text(&e),
            })
    }

    /// Renders one briefing. `with_pdf` is false for messages that carry only a CSV.
    pub fn render(
        &self,
        audience: &str,
        context: &serde_json::Value,
        frame: PageFrame,
        with_pdf: bool,
    ) -> Result<Rendered, RenderError> {
        let context =
            tera::Context::from_serialize(context).map_err(|e| RenderError::Template {
                path: self.dir.join(audience),
                detail: error_text(&e),
            })?;
        let document = self.render_one(audience, "briefing.tera", &context)?;
        let blocks = markup::parse(&document);
        let subject = blocks
            .iter()
            .find_map(|b| {
                if let Block::Title(t) = b {
                    Some(t.clone())
                } else {
                    None
                }
            })
            .unwrap_or_else(|| frame.title.clone());
        let pdf = with_pdf.then(|| typeset(&self.fonts, &frame, &blocks));
        Ok(Rendered {
            subject,
            pdf,
            text: self.render_one(audience, "email.txt", &context)?,
            html: self.render_one(audience, "email.html", &context)?,
        })
    }
}

/// Tera's message with its causes, on one line each.
fn error_text(error: &tera::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
