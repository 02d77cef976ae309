//! Finding repeated response ids fast: DuckDB hashes the ids, Rust sorts the hashes (one
//! streaming pass, no 10-million-group aggregate), and only the ids whose hash
//! repeats are ranked exactly in SQL (`<export>_later_copies.sql`), so a hash collision can
//! never make a duplicate.

use super::engine::{Engine, EngineError};
use duckdb::arrow::array::{Array, UInt64Array};
use duckdb::params;

/// Fills `<prefix>_repeated_hashes(id_hash)` with the id hashes seen more than once.
pub fn find_repeated_ids(engine: &Engine, prefix: &str) -> Result<usize, EngineError> {
    let query = format!("{prefix}_id_hashes");
    let (path, sql) = engine.queries().read(&query)?;
    let fail = |source: duckdb::Error| EngineError::Query {
        path: path.clone(),
        source,
    };
    let connection = engine.connection();
    let mut statement = connection.prepare(&sql).map_err(fail)?;
    let started = std::time::Instant::now();
    let mut hashes: Vec<u64> = Vec::new();
    for batch in statement.query_arrow([]).map_err(fail)? {
        let column = batch.column(0);
        let values = column
            .as_any()
            .downcast_ref::<UInt64Array>()
            .expect("hash() is UBIGINT");
        hashes.extend_from_slice(values.values());
    }
    let read = started.elapsed().as_secs_f64();
    // Sorting puts equal hashes side by side: cheaper than a 10-million-entry hash set.
    hashes.sort_unstable();
    let mut repeated: Vec<u64> = hashes
        .windows(2)
        .filter(|w| w[0] == w[1])
        .map(|w| w[0])
        .collect();
    repeated.dedup();
    tracing::debug!(
        query,
        ids = hashes.len(),
        read,
        seconds = started.elapsed().as_secs_f64(),
        "hashed ids"
    );
    drop(hashes);
    // The table is created empty by `<prefix>_typed.sql`.
    let mut appender = connection
        .appender(&format!("{prefix}_repeated_hashes"))
        .map_err(fail)?;
    for hash in &repeated {
        appender.append_row(params![hash]).map_err(fail)?;
    }
    Ok(repeated.len())
}
