//! The embedded store: one SQLite file in WAL mode, for one machine.

use super::migrations::{CURRENT, SQLITE, pending};
use super::value::{Row, Value};
use rusqlite::{Connection, TransactionBehavior};
use std::path::Path;

/// How long a writer waits for another to let go of the store.
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);
const PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;";

/// Opens (creating, migrating) the store file.
pub fn open(path: &Path) -> rusqlite::Result<Connection> {
    let mut connection = Connection::open(path)?;
    connection.busy_timeout(BUSY_TIMEOUT)?;
    // Switching a new store to WAL needs it alone, and SQLite answers "locked" at once,
    // without waiting, when another process opens it in the same instant (`serve`
    // starting while `history` looks): try again for as long as a lock may be waited.
    let started = std::time::Instant::now();
    loop {
        let opened = connection
            .execute_batch(PRAGMAS)
            .and_then(|()| migrate(&mut connection));
        match opened {
            Err(rusqlite::Error::SqliteFailure(e, _))
                if matches!(
                    e.code,
                    rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
                ) && started.elapsed() < BUSY_TIMEOUT =>
            {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            done => break done.map(|()| connection),
        }
    }
}

pub fn version(connection: &Connection) -> rusqlite::Result<usize> {
    connection.query_row("PRAGMA user_version", [], |r| r.get(0))
}

/// Brings the store up to [`CURRENT`] (a newer store is left as it is). The version is read
/// again inside each write transaction.
pub fn migrate(connection: &mut Connection) -> rusqlite::Result<()> {
    // an up-to-date store is only read: a scrape of /metrics never waits for a run's writes
    if version(connection)? >= CURRENT {
        return Ok(());
    }
    for (to, migration) in pending(SQLITE, 0) {
        let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
        if version(&transaction)? >= *to {
            continue;
        }
        transaction.execute_batch(migration)?;
        transaction.execute_batch(&format!("PRAGMA user_version = {to}"))?;
        transaction.commit()?;
    }
    Ok(())
}

fn bind(values: &[Value]) -> Vec<rusqlite::types::Value> {
    use rusqlite::types::Value as V;
    values
        .iter()
        .map(|v| match v {
            Value::Null => V::Null,
            Value::Int(i) => V::Integer(*i),
            Value::Real(r) => V::Real(*r),
            Value::Text(s) => V::Text(s.clone()),
        })
        .collect()
}

/// Runs one statement, returning its rows (none for a write without RETURNING).
pub fn query(connection: &Connection, sql: &str, values: &[Value]) -> rusqlite::Result<Vec<Row>> {
    use rusqlite::types::ValueRef;
    let mut statement = connection.prepare_cached(sql)?;
    let columns = statement.column_count();
    let mut rows = statement.query(rusqlite::params_from_iter(bind(values)))?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        let mut cells = Vec::with_capacity(columns);
        for index in 0..columns {
            cells.push(match row.get_ref(index)? {
                ValueRef::Null => Value::Null,
                ValueRef::Integer(i) => Value::Int(i),
                ValueRef::Real(r) => Value::Real(r),
                ValueRef::Text(t) | ValueRef::Blob(t) => {
                    Value::Text(String::from_utf8_lossy(t).into_owned())
                }
            });
        }
        out.push(Row(cells));
    }
    Ok(out)
}

pub fn execute(connection: &Connection, sql: &str, values: &[Value]) -> rusqlite::Result<u64> {
    let mut statement = connection.prepare_cached(sql)?;
    statement
        .execute(rusqlite::params_from_iter(bind(values)))
        .map(|n| n as u64)
}
