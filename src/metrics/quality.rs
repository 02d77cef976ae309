//! Data quality (metrics.md §9): the excluded rows of every export and the freshness of the data.

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ExcludedRow {
    pub export: &'static str,
    pub row_id: String,
    pub reason: String,
}

#[derive(Debug, Clone, Default)]
pub struct Quality {
    /// Sorted by export, then row_id in byte order.
    pub excluded: Vec<ExcludedRow>,
    /// Rows read per export (from the Parquet footers).
    pub rows_read: Vec<(&'static str, u64)>,
    /// Newest valid responded_at per response export (UTC, `YYYY-MM-DD HH:MM:SS`).
    pub newest: Vec<(&'static str, Option<String>)>,
}

impl Quality {
    pub fn new(
        mut excluded: Vec<ExcludedRow>,
        rows_read: Vec<(&'static str, u64)>,
        newest: Vec<(&'static str, Option<String>)>,
    ) -> Quality {
        // String comparison in Rust is byte order, as the exports require.
        excluded.sort();
        Quality {
            excluded,
            rows_read,
            newest,
        }
    }

    /// Excluded rows per (export, reason), in that order.
    pub fn counts(&self) -> Vec<(&'static str, &str, usize)> {
        let mut counts: Vec<(&'static str, &str, usize)> = Vec::new();
        let mut keys: Vec<(&'static str, &str)> = self
            .excluded
            .iter()
            .map(|r| (r.export, r.reason.as_str()))
            .collect();
        keys.sort();
        for key in keys {
            match counts.last_mut() {
                Some(last) if (last.0, last.1) == key => last.2 += 1,
                _ => counts.push((key.0, key.1, 1)),
            }
        }
        counts
    }
}
