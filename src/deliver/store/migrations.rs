//! The state store's schema, as numbered migrations. SQLite records the last one applied in
//! `PRAGMA user_version`, PostgreSQL in `xbrief_schema`; opening a store applies the rest,
//! each in its own transaction, under a lock, so two processes opening an old store at once
//! migrate it once. Both stores count the same versions: PostgreSQL's history starts at 3.

/// (version, statements) in order, per store.
pub const SQLITE: &[(usize, &str)] = &[
    (
        1,
        include_str!("../sql/migrations/0001_runs_and_deliveries.sql"),
    ),
    (
        2,
        include_str!("../sql/migrations/0002_deliveries_by_scope.sql"),
    ),
    (3, include_str!("../sql/migrations/0003_operations.sql")),
    (4, BEYOND_ONE_MACHINE),
];

pub const POSTGRES: &[(usize, &str)] = &[
    (3, include_str!("../sql/postgres/0003_baseline.sql")),
    (4, BEYOND_ONE_MACHINE),
];

const BEYOND_ONE_MACHINE: &str = include_str!("../sql/migrations/0004_beyond_one_machine.sql");

/// The schema version this build writes.
pub const CURRENT: usize = 4;

/// The migrations a store at `version` still needs.
pub fn pending(
    migrations: &'static [(usize, &'static str)],
    version: usize,
) -> impl Iterator<Item = &'static (usize, &'static str)> {
    migrations.iter().filter(move |(v, _)| *v > version)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::Connection;

    /// A store as version 1 wrote it, holding one sent delivery.
    fn version_one() -> Connection {
        let connection = Connection::open_in_memory().unwrap();
        connection.execute_batch(SQLITE[0].1).unwrap();
        connection
            .execute(
                "INSERT INTO deliveries VALUES ('j', '2026-10', 'a@example.fr', 0, 'h', 'sent', 1,
                 NULL, '<m@xbrief>', 't', 'r', 't')",
                [],
            )
            .unwrap();
        connection.execute_batch("PRAGMA user_version = 1").unwrap();
        connection
    }

    #[test]
    fn an_old_store_keeps_its_deliveries_under_every_scope() {
        let mut connection = version_one();
        super::super::sqlite::migrate(&mut connection).unwrap();
        assert_eq!(super::super::sqlite::version(&connection).unwrap(), CURRENT);
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
        super::super::sqlite::migrate(&mut connection).unwrap();
        super::super::sqlite::migrate(&mut connection).unwrap();
        let rows: i64 = connection
            .query_row("SELECT count(*) FROM deliveries", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, 1);
    }

    #[test]
    fn both_stores_end_at_the_current_version() {
        assert_eq!(SQLITE.last().unwrap().0, CURRENT);
        assert_eq!(POSTGRES.last().unwrap().0, CURRENT);
    }
}
