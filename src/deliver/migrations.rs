//! The state store's schema, as numbered migrations: a store records the last one applied in
//! `PRAGMA user_version`, and opening it applies the rest, each in its own transaction.

use rusqlite::{Connection, TransactionBehavior};

/// The migrations in order; the n-th brings a store to version n.
const MIGRATIONS: &[&str] = &[
    include_str!("sql/migrations/0001_runs_and_deliveries.sql"),
    include_str!("sql/migrations/0002_deliveries_by_scope.sql"),
    include_str!("sql/migrations/0003_operations.sql"),
];

/// The schema version this build writes.
pub const CURRENT: usize = MIGRATIONS.len();

/// The version a store is at.
pub fn version(connection: &Connection) -> rusqlite::Result<usize> {
    connection.query_row("PRAGMA user_version", [], |r| r.get(0))
}

/// Brings the store up to [`CURRENT`] (a newer store is left as it is). The version is read
/// again inside each write transaction, so two processes opening an old store at once
/// migrate it once.
pub fn apply(connection: &mut Connection) -> rusqlite::Result<()> {
    // an up-to-date store is only read: a scrape of /metrics never waits for a run's writes
    if version(connection)? >= CURRENT {
        return Ok(());
    }
    for (index, migration) in MIGRATIONS.iter().enumerate() {
        let version = index + 1;
        let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
        if self::version(&transaction)? >= version {
            continue;
        }
        transaction.execute_batch(migration)?;
        transaction.execute_batch(&format!("PRAGMA user_version = {version}"))?;
        transaction.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A store as version 1 wrote it, holding one sent delivery.
    fn version_one() -> Connection {
        let connection = Connection::open_in_memory().unwrap();
        connection.execute_batch(MIGRATIONS[0]).unwrap();
        connection
            .execute(
                "INSERT INTO deliveries VALUES ('j', '2026-10', 'a@example.fr', 0, 'h', 'sent', 1,
                 NULL, '<m@xbrief>', 't', 'r', 't')",
                [],
            )
            .unwrap();
        connection
    }

    #[test]
    fn an_old_store_keeps_its_deliveries_under_every_scope() {
        let mut connection = version_one();
        apply(&mut connection).unwrap();
        assert_eq!(version(&connection).unwrap(), CURRENT);
        let row: (String, String, String) = connection
            .query_row("SELECT recipient, scope, status FROM deliveries", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .unwrap();
        assert_eq!(row, ("a@example.fr".into(), String::new(), "sent".into()));
    }

    #[test]
    fn applying_twice_changes_nothing() {
        let mut connection = version_one();
        apply(&mut connection).unwrap();
        apply(&mut connection).unwrap();
        let rows: i64 = connection
            .query_row("SELECT count(*) FROM deliveries", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, 1);
    }
}
