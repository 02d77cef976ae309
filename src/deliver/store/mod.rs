//! The state store's connection, SQLite (embedded, the default) or PostgreSQL (shared by
//! replicas and shards), behind one small interface: a statement, its values, its rows.
//! Statements are written once, in `sql/`; the few that differ per store have a PostgreSQL
//! text of their own in `sql/postgres/`.

mod migrations;
mod postgres;
mod sqlite;
mod tls;
mod url;
mod value;

pub use migrations::CURRENT;
pub use url::{StateUrl, StateUrlError};
pub use value::{Row, Value};

/// One statement, in each store's words.
#[derive(Debug, Clone, Copy)]
pub struct Query {
    pub sqlite: &'static str,
    pub postgres: &'static str,
}

impl Query {
    /// A statement both stores read alike.
    pub const fn portable(sql: &'static str) -> Query {
        Query {
            sqlite: sql,
            postgres: sql,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
    #[error("{}", postgres_detail(.0))]
    Postgres(#[from] ::postgres::Error),
    #[error("column {index}: expected {expected}, found {found}")]
    Column {
        index: usize,
        expected: &'static str,
        found: String,
    },
    #[error("its connection stopped")]
    Gone,
    #[error("cannot create its folder: {0}")]
    Folder(#[source] std::io::Error),
}

/// rust-postgres says only "db error" for the server's errors, and not the cause of the
/// others: the server's own words, with their SQLSTATE, or the causes (a refused connection,
/// a certificate nobody signed) say what happened.
fn postgres_detail(error: &::postgres::Error) -> String {
    if let Some(db) = error.as_db_error() {
        return format!("{} ({}: {})", error, db.code().code(), db.message());
    }
    let mut text = error.to_string();
    let mut cause = std::error::Error::source(error);
    while let Some(inner) = cause {
        text.push_str(&format!(": {inner}"));
        cause = inner.source();
    }
    text
}

pub enum Connection {
    Sqlite(rusqlite::Connection),
    Postgres(Box<postgres::Postgres>),
}

impl Connection {
    /// Opens the store, creating it (SQLite) and applying pending migrations.
    pub fn open(url: &StateUrl) -> Result<Connection, StoreError> {
        match url {
            StateUrl::Sqlite(path) => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).map_err(StoreError::Folder)?;
                }
                Ok(Connection::Sqlite(sqlite::open(path)?))
            }
            StateUrl::Postgres(url) => Ok(Connection::Postgres(Box::new(
                postgres::Postgres::open(url)?,
            ))),
        }
    }

    /// The schema version the store is at.
    pub fn version(&mut self) -> Result<usize, StoreError> {
        match self {
            Connection::Sqlite(c) => Ok(sqlite::version(c)?),
            Connection::Postgres(c) => c.version(),
        }
    }

    pub fn query(&mut self, query: &Query, values: &[Value]) -> Result<Vec<Row>, StoreError> {
        match self {
            Connection::Sqlite(c) => Ok(sqlite::query(c, query.sqlite, values)?),
            Connection::Postgres(c) => c.query(query.postgres, values),
        }
    }

    /// Rows changed by a write.
    pub fn execute(&mut self, query: &Query, values: &[Value]) -> Result<u64, StoreError> {
        match self {
            Connection::Sqlite(c) => Ok(sqlite::execute(c, query.sqlite, values)?),
            Connection::Postgres(c) => c.execute(query.postgres, values),
        }
    }

    /// Statements in one transaction; the rows each returned.
    pub fn batch(
        &mut self,
        statements: &[(&Query, Vec<Value>)],
    ) -> Result<Vec<Vec<Row>>, StoreError> {
        match self {
            Connection::Sqlite(c) => {
                let transaction = c.transaction()?;
                let mut out = Vec::with_capacity(statements.len());
                for (query, values) in statements {
                    out.push(sqlite::query(&transaction, query.sqlite, values)?);
                }
                transaction.commit()?;
                Ok(out)
            }
            Connection::Postgres(c) => {
                let texts: Vec<(&'static str, Vec<Value>)> = statements
                    .iter()
                    .map(|(q, v)| (q.postgres, v.clone()))
                    .collect();
                c.batch(texts)
            }
        }
    }
}
