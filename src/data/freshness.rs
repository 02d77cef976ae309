//! Is the data fresh? The newest `responded_at` of the customer export (from the Parquet
//! footers) and the newest modification time of its files (or its objects' times in a
//! bucket), for the runner's `wait_for_data` gate.

use super::ExportName;
use super::engine::Engine;
use super::exports::{DataError, literal_paths};
use super::queries::QueryDir;
use super::source::DataSource;
use chrono::{DateTime, NaiveDateTime, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Freshness {
    pub newest_response: Option<DateTime<Utc>>,
    pub newest_file: Option<DateTime<Utc>>,
}

impl Freshness {
    /// Fresh when both the newest response and the newest file are younger than `max_age`.
    pub fn is_fresh(&self, now: DateTime<Utc>, max_age: chrono::Duration) -> bool {
        let recent = |t: Option<DateTime<Utc>>| t.is_some_and(|t| now - t <= max_age);
        recent(self.newest_response) && recent(self.newest_file)
    }
}

/// The freshness of the customer export, whose files match `pattern` under `source`.
pub fn probe(
    source: &DataSource,
    pattern: &str,
    queries: QueryDir,
) -> Result<Freshness, DataError> {
    let export = ExportName::CustomerResponses;
    let files = source
        .files(&[(export, pattern.to_string())].into())?
        .remove(&export)
        .unwrap_or_default();
    let newest_file = files.iter().filter_map(|f| f.modified()).max();
    let paths: Vec<_> = files.into_iter().map(|f| f.local).collect();
    let engine = Engine::open(queries, None)?;
    let newest: Vec<Option<String>> =
        engine.query("freshness_probe", [literal_paths(&paths)], |row| {
            row.get("newest")
        })?;
    let newest_response = newest
        .into_iter()
        .flatten()
        .next()
        .and_then(|text| NaiveDateTime::parse_from_str(text.get(..19)?, "%Y-%m-%d %H:%M:%S").ok())
        .map(|t| t.and_utc());
    Ok(Freshness {
        newest_response,
        newest_file,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fresh_only_when_both_the_newest_response_and_file_are_recent() {
        let now = DateTime::parse_from_rfc3339("2026-11-24T07:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let hours_ago = |h: i64| Some(now - chrono::Duration::hours(h));
        let day = chrono::Duration::hours(24);
        let fresh = |r, f| {
            Freshness {
                newest_response: r,
                newest_file: f,
            }
            .is_fresh(now, day)
        };
        assert!(fresh(hours_ago(3), hours_ago(1)));
        assert!(fresh(hours_ago(24), hours_ago(24)));
        assert!(
            !fresh(hours_ago(25), hours_ago(1)),
            "old responses in a new file"
        );
        assert!(!fresh(hours_ago(3), hours_ago(30)), "a file not rewritten");
        assert!(!fresh(None, hours_ago(1)));
    }
}
