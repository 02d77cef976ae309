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

/// A Tera for one kind of file: `briefing.tera` escapes every value it interpolates for the
/// markup (so data never becomes a block), `email.html` for HTML, `email.txt` not at all.
fn new_tera(file: &str) -> tera::Tera {
    let mut tera = tera::Tera::new();
    tera.register_function("chart", chart);
    tera.register_filter("fill", fill);
    if file == BRIEFING {
        tera.set_escape_fn(markup::escape);
        tera.autoescape_on([".tera"]);
    }
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
                        new_tera(file).add_raw_template(&format!("{audience}/{file}"), &content)
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
    /// The briefings' templates, escaping for the markup.
    briefings: tera::Tera,
    /// The emails' templates, escaping for HTML in `email.html`.
    emails: tera::Tera,
    dir: PathBuf,
    fonts: Fonts,
    page: Page,
}

const BRIEFING: &str = "briefing.tera";
const FILES: [&str; 3] = [BRIEFING, "email.txt", "email.html"];

/// `chart(data=…, title=…, x=…, y=…, empty=…, height=…)`: one `@chart` line of markup.
/// `data` carries the kind and the figures; the reader's decimal separator comes from the
/// context's `decimal`.
fn chart(kwargs: tera::Kwargs, state: &tera::State) -> tera::TeraResult<tera::Value> {
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
    // markup on purpose: serde_json keeps the chart on one line, its strings escaped
    Ok(tera::Value::safe_string(&format!("\n@chart {json}\n")))
}

/// `"{n} sites" | fill(n=12)`: a catalog sentence with its placeholders filled. A
/// placeholder left without a value is an error, so a typo never reaches a reader. The
/// sentence is read once, so a `{word}` inside a value stays as written.
fn fill(text: &str, kwargs: tera::Kwargs, _: &tera::State) -> tera::TeraResult<String> {
    let values: std::collections::HashMap<String, String> = kwargs
        .iter()
        .map(|(key, value)| (key.to_string(), value.to_string()))
        .collect();
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let name = after.find('}').map(|end| &after[..end]).filter(|name| {
            !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        });
        match name {
            Some(name) => {
                let value = values.get(name).ok_or_else(|| {
                    tera::Error::message(format!(
                        "fill(): no value for the placeholder {{{name}}} in \"{text}\""
                    ))
                })?;
                out.push_str(value);
                rest = &after[name.len() + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Ok(out)
}

impl Renderer {
    /// Loads the templates of the given audiences from `reports/`.
    pub fn load(dir: &Path, audiences: &[&str], page: Page) -> Result<Renderer, RenderError> {
        let (mut briefings, mut emails) = (new_tera(BRIEFING), new_tera("email"));
        for audience in audiences {
            for file in FILES {
                let tera = if file == BRIEFING {
                    &mut briefings
                } else {
                    &mut emails
                };
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
            briefings,
            emails,
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
        let tera = if file == BRIEFING {
            &self.briefings
        } else {
            &self.emails
        };
        tera.render(&format!("{audience}/{file}"), context)
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
        let document = self.render_one(audience, BRIEFING, context)?;
        markup::parse(&document).map_err(|e| RenderError::Template {
            path: self.dir.join(audience).join(BRIEFING),
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

    fn filled(text: &str, values: &[(&str, &str)]) -> Result<String, String> {
        let mut tera = super::new_tera(super::BRIEFING);
        let call = values
            .iter()
            .map(|(k, _)| format!("{k}={k}"))
            .collect::<Vec<_>>()
            .join(", ");
        tera.add_raw_template("t", &format!("{{{{ text | fill({call}) | safe }}}}"))
            .unwrap();
        let mut context = tera::Context::new();
        context.insert("text", text);
        for (k, v) in values {
            context.insert(k.to_string(), v);
        }
        tera.render("t", &context)
            .map_err(|e| super::error_text(&e))
    }

    #[test]
    fn fill_reads_the_sentence_once_so_a_brace_in_a_value_stays_as_written() {
        assert_eq!(
            filled(
                "Site {site}, {n} sites",
                &[("site", "Café {Nord}"), ("n", "3")]
            )
            .unwrap(),
            "Site Café {Nord}, 3 sites"
        );
        assert_eq!(
            filled("{ not a placeholder }", &[]).unwrap(),
            "{ not a placeholder }"
        );
        let missing = filled("Hello {name}", &[]).unwrap_err();
        assert!(
            missing.contains("no value for the placeholder {name}"),
            "{missing}"
        );
    }
}
