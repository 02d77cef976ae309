//! Message catalogs (`reports/i18n/<language>.yaml`): the words of the briefings in each
//! language, and how that language writes numbers and dates.

use crate::period::{Period, PeriodKind};
use chrono::Datelike;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("cannot read the message catalogs in {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("message catalog {path}:{line}:{column}: {message}")]
    Parse {
        path: PathBuf,
        line: u64,
        column: u64,
        message: String,
    },
    #[error(
        "no message catalog for the configured language `{language}` in {dir} (expected {dir}/{language}.yaml)"
    )]
    MissingDefault { language: String, dir: PathBuf },
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Format {
    /// Decimal separator: `.` or `,`.
    pub decimal: String,
    /// Thousands separator for counts (may be a narrow no-break space).
    pub thousands: String,
    pub months: [String; 12],
    pub months_short: [String; 12],
    /// Patterns with `{month}` (its name), `{m}` (its number), `{year}`, `{quarter}`,
    /// `{week}`, `{day}`.
    pub month: String,
    pub quarter: String,
    pub week: String,
    pub date: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    pub format: Format,
    /// Nested maps of message texts: templates read them as `t.<key>`.
    pub messages: serde_json::Map<String, serde_json::Value>,
}

impl Catalog {
    /// A message by path (`dimension.pride`), when the catalog has it.
    pub fn message(&self, path: &str) -> Option<&str> {
        let mut value = Some(&self.messages);
        let mut parts = path.split('.').peekable();
        while let Some(part) = parts.next() {
            match value?.get(part) {
                Some(serde_json::Value::Object(inner)) if parts.peek().is_some() => {
                    value = Some(inner)
                }
                Some(serde_json::Value::String(text)) if parts.peek().is_none() => {
                    return Some(text.as_str());
                }
                _ => return None,
            }
        }
        None
    }
}

impl Format {
    fn fill(pattern: &str, fields: &[(&str, String)]) -> String {
        fields
            .iter()
            .fold(pattern.to_string(), |text, (key, value)| {
                text.replace(&format!("{{{key}}}"), value)
            })
    }

    /// `octobre 2026`, `T3 2026`, `semaine 42, 2026`.
    pub fn period(&self, period: &Period) -> String {
        let start = period.start;
        match period.kind {
            PeriodKind::Month => Self::fill(
                &self.month,
                &[
                    ("month", self.months[start.month0() as usize].clone()),
                    ("year", start.year().to_string()),
                ],
            ),
            PeriodKind::Quarter => Self::fill(
                &self.quarter,
                &[
                    ("quarter", (start.month0() / 3 + 1).to_string()),
                    ("year", start.year().to_string()),
                ],
            ),
            PeriodKind::Week => {
                let week = start.iso_week();
                Self::fill(
                    &self.week,
                    &[
                        ("week", week.week().to_string()),
                        ("year", week.year().to_string()),
                    ],
                )
            }
        }
    }

    /// The months from `first` to `last`: `October 2026`, `October – November 2026`,
    /// `December 2025 – January 2026`.
    pub fn month_span(&self, first: chrono::NaiveDate, last: chrono::NaiveDate) -> String {
        let month = |day: chrono::NaiveDate| self.months[day.month0() as usize].clone();
        let with_year = |day: chrono::NaiveDate| {
            Self::fill(
                &self.month,
                &[("month", month(day)), ("year", day.year().to_string())],
            )
        };
        if (first.year(), first.month()) == (last.year(), last.month()) {
            with_year(first)
        } else if first.year() == last.year() {
            format!("{} – {}", month(first), with_year(last))
        } else {
            format!("{} – {}", with_year(first), with_year(last))
        }
    }

    /// `Oct 26` — a trend axis label.
    pub fn month_short(&self, period: &Period) -> String {
        format!(
            "{} {:02}",
            self.months_short[period.start.month0() as usize],
            period.start.year() % 100
        )
    }

    pub fn date(&self, day: chrono::NaiveDate) -> String {
        Self::fill(
            &self.date,
            &[
                ("day", day.day().to_string()),
                ("month", self.months[day.month0() as usize].clone()),
                ("m", day.month().to_string()),
                ("year", day.year().to_string()),
            ],
        )
    }

    /// A count with thousands grouped: `12 345` in French.
    pub fn count(&self, n: i128) -> String {
        let digits = n.unsigned_abs().to_string();
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push_str(&self.thousands);
            }
            out.push(c);
        }
        if n < 0 { format!("-{out}") } else { out }
    }

    /// A figure written with `.` (`72.4`, `-1.2`, `45 %`) in this language's way.
    pub fn figure(&self, text: &str) -> String {
        text.replace('.', &self.decimal)
    }
}

pub struct Catalogs {
    by_language: BTreeMap<String, Catalog>,
    default: String,
}

impl Catalogs {
    /// Reads every `<language>.yaml` in `dir`; `default` must be among them.
    pub fn load(dir: &Path, default: &str) -> Result<Catalogs, CatalogError> {
        let read_error = |source: std::io::Error| CatalogError::Read {
            path: dir.to_path_buf(),
            source,
        };
        let mut by_language = BTreeMap::new();
        let entries = std::fs::read_dir(dir).map_err(read_error)?;
        let mut paths: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
            .collect();
        paths.sort();
        for path in paths {
            let text = std::fs::read_to_string(&path).map_err(read_error)?;
            let catalog: Catalog = serde_saphyr::from_str(&text).map_err(|e| {
                let (line, column) = crate::config::located(&e);
                CatalogError::Parse {
                    path: path.clone(),
                    line,
                    column,
                    message: crate::config::yaml_message(&e.to_string(), line, column),
                }
            })?;
            let language = path
                .file_stem()
                .unwrap_or_default()
                .to_string_lossy()
                .to_string();
            by_language.insert(language, catalog);
        }
        if !by_language.contains_key(default) {
            return Err(CatalogError::MissingDefault {
                language: default.to_string(),
                dir: dir.to_path_buf(),
            });
        }
        Ok(Catalogs {
            by_language,
            default: default.to_string(),
        })
    }

    /// The catalog of `locale` (`fr`, `fr-FR`, `el_GR`…), else the configured language's.
    pub fn get(&self, locale: &str) -> (&str, &Catalog) {
        let primary = locale
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match self.by_language.get_key_value(primary.as_str()) {
            Some((language, catalog)) => (language, catalog),
            None => (&self.default, &self.by_language[&self.default]),
        }
    }

    pub fn languages(&self) -> impl Iterator<Item = (&String, &Catalog)> {
        self.by_language.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalogs() -> Catalogs {
        Catalogs::load(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("reports/i18n"),
            "en",
        )
        .unwrap()
    }

    #[test]
    fn periods_dates_and_counts_read_naturally_in_each_language() {
        let c = catalogs();
        let october = Period::month(2026, 10).unwrap();
        assert_eq!(c.get("fr-FR").1.format.period(&october), "octobre 2026");
        assert_eq!(c.get("el").1.format.period(&october), "Οκτώβριος 2026");
        assert_eq!(c.get("en").1.format.period(&october), "October 2026");
        assert_eq!(
            c.get("fr").1.format.count(1234567),
            "1\u{202f}234\u{202f}567"
        );
        assert_eq!(c.get("en").1.format.count(-1234), "-1,234");
        assert_eq!(c.get("el").1.format.figure("72.4"), "72,4");
        let day = chrono::NaiveDate::from_ymd_opt(2026, 10, 31).unwrap();
        assert_eq!(c.get("fr").1.format.date(day), "31 octobre 2026");
        assert_eq!(c.get("el").1.format.date(day), "31/10/2026");
    }

    #[test]
    fn an_unknown_locale_falls_back_to_the_configured_language() {
        assert_eq!(catalogs().get("de-DE").0, "en");
        assert_eq!(catalogs().get("el_GR").0, "el");
    }

    /// Every language has every message the English catalog has, and no other.
    #[test]
    fn catalogs_have_the_same_keys() {
        fn keys(
            prefix: &str,
            map: &serde_json::Map<String, serde_json::Value>,
            out: &mut Vec<String>,
        ) {
            for (k, v) in map {
                match v {
                    serde_json::Value::Object(inner) => keys(&format!("{prefix}{k}."), inner, out),
                    _ => out.push(format!("{prefix}{k}")),
                }
            }
        }
        let c = catalogs();
        let mut english = Vec::new();
        keys("", &c.get("en").1.messages, &mut english);
        assert!(english.len() > 50);
        for (language, catalog) in c.languages() {
            let mut other = Vec::new();
            keys("", &catalog.messages, &mut other);
            assert_eq!(other, english, "{language}");
        }
    }
}
