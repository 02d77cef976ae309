//! Briefing templates (`reports/<audience>/`): `briefing.tera` emits document markup,
//! `email.txt` and `email.html` the email bodies. Loaded and checked once per run; the
//! `chart()` helper turns figures into chart blocks.

use super::layout::Page;
use super::markup::{self, Block};
use super::pdf::{PageFrame, typeset};
use super::text::Fonts;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("cannot read template {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("template {path}: {detail}")]
    Template {
        path: PathBuf,
        detail: String,
        /// Where Tera places the error in the template, and its message alone.
        at: Option<TemplateSpot>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateSpot {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Tera's location of a syntax or rendering error, looking through its causes.
fn spot(error: &tera::Error) -> Option<TemplateSpot> {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(error) = current {
        if let Some(tera_error) = error.downcast_ref::<tera::Error>()
            && let tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) =
                tera_error.kind()
        {
            return Some(TemplateSpot {
                line: report.span().start_line,
                column: report.span().start_col + 1,
                message: report.message().to_string(),
            });
        }
        current = error.source();
    }
    report_spot(&error.to_string())
}

/// The spot in a report Tera rendered as text (its checks of filter and function names):
/// `error: <message>` and ` --> <template>:<line>:<column>`.
fn report_spot(report: &str) -> Option<TemplateSpot> {
    let message = report
        .lines()
        .find_map(|l| l.trim().strip_prefix("error: "))?;
    let place = report.lines().find_map(|l| l.trim().strip_prefix("--> "))?;
    let mut parts = place.rsplitn(3, ':');
    let column = parts.next()?.parse::<usize>().ok()?;
    let line = parts.next()?.parse::<usize>().ok()?;
    Some(TemplateSpot {
        line,
        column,
        message: message.to_string(),
    })
}

fn template_error(path: PathBuf, error: &tera::Error) -> RenderError {
    RenderError::Template {
        path,
        detail: error_text(error),
        at: spot(error),
    }
}

fn new_tera() -> tera::Tera {
    let mut tera = tera::Tera::new();
    tera.register_function("chart", chart);
    tera.register_filter("fill", fill);
    tera
}

/// The syntax of every template of the given audiences, each on its own: all their
/// problems, not the first.
pub fn check_templates(dir: &Path, audiences: &[&str]) -> Vec<RenderError> {
    let mut problems = Vec::new();
    for audience in audiences {
        for file in FILES {
            let path = dir.join(audience).join(file);
            match std::fs::read_to_string(&path) {
                Err(source) => problems.push(RenderError::Read { path, source }),
                Ok(content) => {
                    if let Err(e) =
                        new_tera().add_raw_template(&format!("{audience}/{file}"), &content)
                    {
                        problems.push(template_error(path, &e));
                    }
                }
            }
        }
    }
    problems
}

/// One briefing, rendered: the PDF and the email bodies.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub subject: String,
    pub pdf: Option<Vec<u8>>,
    pub pages: usize,
    pub text: String,
    pub html: String,
}

pub struct Renderer {
    tera: tera::Tera,
    dir: PathBuf,
    fonts: Fonts,
    page: Page,
}

const FILES: [&str; 3] = ["briefing.tera", "email.txt", "email.html"];

/// `chart(data=…, title=…, x=…, y=…, empty=…, height=…)`: one `@chart` line of markup.
/// `data` carries the kind and the figures; the reader's decimal separator comes from the
/// context's `decimal`.
fn chart(kwargs: tera::Kwargs, state: &tera::State) -> tera::TeraResult<String> {
    let data: tera::Value = kwargs.must_get("data")?;
    let mut spec = match serde_json::to_value(&data) {
        Ok(serde_json::Value::Object(map)) => map,
        _ => {
            return Err(tera::Error::message(
                "chart(): `data` must be a map with a `kind`",
            ));
        }
    };
    for (arg, key) in [
        ("title", "title"),
        ("x", "x_label"),
        ("y", "y_label"),
        ("empty", "empty"),
    ] {
        let value: Option<String> = kwargs.get(arg)?;
        spec.insert(key.into(), value.unwrap_or_default().into());
    }
    if let Some(height) = kwargs.get::<f64>("height")? {
        spec.insert("height".into(), height.into());
    }
    let decimal: Option<String> = state.get("decimal")?;
    spec.insert(
        "decimal".into(),
        decimal.unwrap_or_else(|| ".".into()).into(),
    );
    let json = serde_json::to_string(&spec).map_err(tera::Error::message)?;
    Ok(format!("\n@chart {json}\n"))
}

/// `"{n} sites" | fill(n=12)`: a catalog sentence with its placeholders filled. A
/// placeholder left without a value is an error, so a typo never reaches a reader.
fn fill(text: &str, kwargs: tera::Kwargs, _: &tera::State) -> tera::TeraResult<String> {
    let mut out = text.to_string();
    for (key, value) in kwargs.iter() {
        out = out.replace(&format!("{{{key}}}"), &value.to_string());
    }
    if let Some(start) = out.find('{')
        && let Some(len) = out[start..].find('}')
    {
        let name = &out[start..=start + len];
        if name.len() > 2
            && name[1..name.len() - 1]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            return Err(tera::Error::message(format!(
                "fill(): no value for the placeholder {name} in \"{text}\""
            )));
        }
    }
    Ok(out)
}

impl Renderer {
    /// Loads the templates of the given audiences from `reports/`.
    pub fn load(dir: &Path, audiences: &[&str], page: Page) -> Result<Renderer, RenderError> {
        let mut tera = new_tera();
        for audience in audiences {
            for file in FILES {
                let path = dir.join(audience).join(file);
                let content =
                    std::fs::read_to_string(&path).map_err(|source| RenderError::Read {
                        path: path.clone(),
                        source,
                    })?;
                tera.add_raw_template(&format!("{audience}/{file}"), &content)
                    .map_err(|e| template_error(path.clone(), &e))?;
            }
        }
        Ok(Renderer {
            tera,
            dir: dir.to_path_buf(),
            fonts: Fonts::load(),
            page,
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
            .map_err(|e| template_error(self.dir.join(audience).join(file), &e))
    }

    fn context(
        &self,
        audience: &str,
        context: &impl serde::Serialize,
    ) -> Result<tera::Context, RenderError> {
        tera::Context::from_serialize(context)
            .map_err(|e| template_error(self.dir.join(audience), &e))
    }

    /// The document model of one briefing: what its template says, before typesetting.
    pub fn document(
        &self,
        audience: &str,
        context: &impl serde::Serialize,
    ) -> Result<Vec<Block>, RenderError> {
        let context = self.context(audience, context)?;
        self.blocks(audience, &context)
    }

    fn blocks(&self, audience: &str, context: &tera::Context) -> Result<Vec<Block>, RenderError> {
        let document = self.render_one(audience, "briefing.tera", context)?;
        markup::parse(&document).map_err(|e| RenderError::Template {
            path: self.dir.join(audience).join("briefing.tera"),
            detail: e.to_string(),
            at: None,
        })
    }

    /// Renders one briefing. `with_pdf` is false for messages that carry only a CSV.
    pub fn render(
        &self,
        audience: &str,
        context: &impl serde::Serialize,
        frame: PageFrame,
        with_pdf: bool,
    ) -> Result<Rendered, RenderError> {
        let context = self.context(audience, context)?;
        let blocks = self.blocks(audience, &context)?;
        let subject = blocks
            .iter()
            .find_map(|b| match b {
                Block::Title { text } => Some(text.clone()),
                _ => None,
            })
            .unwrap_or_else(|| frame.title.clone());
        let frame = PageFrame {
            title: subject.clone(),
            ..frame
        };
        let (pdf, pages) = if with_pdf {
            let (bytes, pages) = typeset(&self.fonts, &self.page, &frame, &blocks);
            (Some(bytes), pages)
        } else {
            (None, 0)
        };
        Ok(Rendered {
            subject,
            pdf,
            pages,
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

#[cfg(test)]
mod tests {
    #[test]
    fn the_spot_of_a_report_rendered_as_text() {
        let report = "error: Unknown filter `fil`\n --> executive/email.txt:3:23\n  |\n3 | x\n";
        assert_eq!(
            super::report_spot(report),
            Some(super::TemplateSpot {
                line: 3,
                column: 23,
                message: "Unknown filter `fil`".into()
            })
        );
    }
}
