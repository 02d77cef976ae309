//! Figures written for one reader, in the numbers and words of their catalog: indices to
//! one decimal, shares to whole percent, the language's decimal and thousands separators,
//! `–` for a missing figure.

use super::catalog::{Catalog, Format};
use crate::metrics::change::ChangeFlag;
use crate::metrics::ratio::{Ratio, round_f64_text};
use crate::metrics::voices::{Comment, Voices};
use rust_decimal::Decimal;
use serde::Serialize;

pub const DASH: &str = "–";

/// The longest a name from the data (site, region, team, person, touchpoint) is shown, in
/// characters; a longer one ends in an ellipsis.
const NAME_CHARS: usize = 120;
/// The longest a customer comment is quoted.
const COMMENT_CHARS: usize = 600;

/// `text` cut to `limit` characters, with an ellipsis when it was longer.
fn capped(text: &str, limit: usize) -> String {
    match text.char_indices().nth(limit) {
        None => text.to_string(),
        Some((end, _)) => format!("{}…", text[..end].trim_end()),
    }
}

pub struct Writer<'a> {
    pub catalog: &'a Catalog,
}

/// A comment as the reader sees it: its text and its day.
#[derive(Debug, Clone, Serialize)]
pub struct CommentText {
    pub text: String,
    pub date: String,
}

/// A change against the previous period as the reader sees it: the signed difference, its
/// flag (metrics.md §10; empty when the figure is not tested) and the arrow to draw.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub text: String,
    pub flag: &'static str,
    /// `up` or `down` for a change beyond chance, else empty.
    pub arrow: &'static str,
}

/// A colleague praised by name, and how often.
#[derive(Debug, Clone, Serialize)]
pub struct Praise {
    pub name: String,
    pub count: usize,
}

impl Writer<'_> {
    pub fn format(&self) -> &Format {
        &self.catalog.format
    }

    pub fn figure(&self, text: String) -> String {
        self.format().figure(&text)
    }

    pub fn index(&self, value: Option<Ratio>) -> String {
        value
            .map(|v| self.figure(v.round_text(1)))
            .unwrap_or_else(|| DASH.into())
    }

    pub fn percent(&self, share: Option<Ratio>) -> String {
        share
            .map(|v| format!("{} %", v.scale(100).round_text(0)))
            .unwrap_or_else(|| DASH.into())
    }

    /// A change with its §10 flag (`None`: not tested): the arrow only beyond chance.
    pub fn flagged_change(
        &self,
        now: Option<Ratio>,
        before: Option<Ratio>,
        flag: Option<ChangeFlag>,
    ) -> Change {
        let arrow = match flag {
            Some(ChangeFlag::Up) => "up",
            Some(ChangeFlag::Down) => "down",
            _ => "",
        };
        Change {
            text: self.change(now, before),
            flag: flag.map_or("", ChangeFlag::as_str),
            arrow,
        }
    }

    pub fn change(&self, now: Option<Ratio>, before: Option<Ratio>) -> String {
        match (now, before) {
            (Some(n), Some(b)) => {
                let text = n.minus(b).round_text(1);
                let text = if text.starts_with('-') || text == "0.0" {
                    text
                } else {
                    format!("+{text}")
                };
                self.figure(text)
            }
            _ => DASH.into(),
        }
    }

    pub fn count(&self, n: impl Into<i128>) -> String {
        self.format().count(n.into())
    }

    pub fn f64_text(&self, value: Option<f64>, decimals: u32) -> String {
        value
            .map(|v| self.figure(round_f64_text(v, decimals)))
            .unwrap_or_else(|| DASH.into())
    }

    /// A decimal of the pay policy or the pay, to `dp` places.
    pub fn decimal(&self, value: Decimal, dp: u32) -> String {
        self.figure(value.round_dp(dp).to_string())
    }

    /// An amount of money, to the cent, as the payroll file writes it.
    pub fn money(&self, value: Decimal) -> String {
        self.figure(crate::metrics::scorecard::fixed_decimal(value, 2))
    }

    /// A policy number as the admin set it, with at least one decimal: `0,5`, `1,0`, `0,25`.
    pub fn policy_number(&self, value: Decimal) -> String {
        let mut value = value.normalize();
        if value.scale() < 1 {
            value.rescale(1);
        }
        self.figure(value.to_string())
    }

    /// A catalog message by path (`dimension.pride`); the key itself when missing, so a
    /// gap shows instead of failing the run (the catalog test keeps the languages aligned).
    pub fn word(&self, path: &str) -> String {
        self.catalog.message(path).unwrap_or(path).to_string()
    }

    /// A name from the data, capped at a length a page can show.
    pub fn name(&self, text: &str) -> String {
        capped(text, NAME_CHARS)
    }

    pub fn comments(&self, comments: &[Comment]) -> Vec<CommentText> {
        comments
            .iter()
            .map(|c| CommentText {
                text: capped(&c.text, COMMENT_CHARS),
                date: chrono::DateTime::from_timestamp_micros(c.at)
                    .map(|t| self.format().date(t.date_naive()))
                    .unwrap_or_default(),
            })
            .collect()
    }

    pub fn praised(&self, voices: &Voices) -> Vec<Praise> {
        voices
            .praised
            .iter()
            .map(|(name, n)| Praise {
                name: self.name(name),
                count: *n,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Catalogs;
    use std::path::Path;

    #[test]
    fn policy_numbers_keep_what_the_admin_wrote_with_at_least_one_decimal() {
        let catalogs = Catalogs::load(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("reports/i18n"),
            "en",
        )
        .unwrap();
        let w = Writer {
            catalog: catalogs.get("fr").1,
        };
        let d = |t: &str| t.parse::<Decimal>().unwrap();
        assert_eq!(w.policy_number(d("0.5")), "0,5");
        assert_eq!(w.policy_number(d("1")), "1,0");
        assert_eq!(w.policy_number(d("0.25")), "0,25");
        assert_eq!(w.policy_number(d("2.000")), "2,0");
    }

    #[test]
    fn names_and_comments_from_the_data_are_capped_with_an_ellipsis() {
        assert_eq!(capped("Lyon", 120), "Lyon");
        let long = "é".repeat(200);
        assert_eq!(capped(&long, 120), format!("{}…", "é".repeat(120)));
        assert_eq!(capped(&"a ".repeat(100), 5), "a a a…");
        assert_eq!(capped(&"x".repeat(120), 120), "x".repeat(120));
    }
}
