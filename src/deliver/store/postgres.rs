//! The shared store: PostgreSQL, for replicas of `serve` and shards of a run. Statements are
//! the SQLite ones with `?N` placeholders written `$N`, prepared once per connection.

use super::StoreError;
use super::migrations::{CURRENT, POSTGRES, pending};
use super::url::PostgresUrl;
use super::value::{Row, Value};
use postgres::types::{ToSql, Type};
use postgres::{Client, GenericClient, Statement};
use std::collections::HashMap;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

/// How long opening waits for a server that is starting (a pod before its database).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The advisory lock migrations hold, so replicas starting together migrate once.
const MIGRATION_LOCK: i64 = 0x7862_7269_6566; // "xbrief"

/// The connection lives on a thread of its own: rust-postgres's blocking client drives its
/// own runtime, which may not be entered from inside another (serve's loop, its HTTP
/// handlers), so every call is handed to that thread and waited for.
pub struct Postgres {
    calls: Option<mpsc::Sender<Call>>,
    worker: Option<JoinHandle<()>>,
}

type Call = Box<dyn FnOnce(&mut Session) + Send>;

struct Session {
    client: Client,
    /// Prepared statements by their SQLite text.
    prepared: HashMap<&'static str, Statement>,
}

impl Postgres {
    pub fn open(url: &PostgresUrl) -> Result<Postgres, StoreError> {
        let mut config = url.config.clone();
        config.connect_timeout(CONNECT_TIMEOUT);
        let tls = url.tls.clone();
        let (calls, incoming) = mpsc::channel::<Call>();
        let (opened, open_result) = mpsc::channel();
        let worker = std::thread::spawn(move || {
            let session = config.connect(tls).and_then(|mut client| {
                migrate(&mut client)?;
                Ok(Session {
                    client,
                    prepared: HashMap::new(),
                })
            });
            let mut session = match session {
                Ok(session) => {
                    let _ = opened.send(Ok(()));
                    session
                }
                Err(error) => {
                    let _ = opened.send(Err(error));
                    return;
                }
            };
            while let Ok(call) = incoming.recv() {
                call(&mut session);
            }
        });
        open_result.recv().map_err(|_| StoreError::Gone)??;
        Ok(Postgres {
            calls: Some(calls),
            worker: Some(worker),
        })
    }

    /// Runs `f` on the connection's thread and waits for it.
    fn call<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Session) -> Result<T, postgres::Error> + Send + 'static,
    ) -> Result<T, StoreError> {
        let (reply, replied) = mpsc::channel();
        let call: Call = Box::new(move |session| {
            let _ = reply.send(f(session));
        });
        let calls = self.calls.as_ref().ok_or(StoreError::Gone)?;
        calls.send(call).map_err(|_| StoreError::Gone)?;
        Ok(replied.recv().map_err(|_| StoreError::Gone)??)
    }

    pub fn version(&mut self) -> Result<usize, StoreError> {
        self.call(|s| version(&mut s.client))
    }

    pub fn query(&mut self, sql: &'static str, values: &[Value]) -> Result<Vec<Row>, StoreError> {
        let values = values.to_vec();
        self.call(move |s| {
            let statement = s.statement(sql)?;
            run(&mut s.client, &statement, &values)
        })
    }

    /// Rows changed by a write.
    pub fn execute(&mut self, sql: &'static str, values: &[Value]) -> Result<u64, StoreError> {
        let values = values.to_vec();
        self.call(move |s| {
            let statement = s.statement(sql)?;
            let bound = bind(statement.params(), &values);
            let params: Vec<&(dyn ToSql + Sync)> = bound.iter().map(|b| b.as_ref()).collect();
            s.client.execute(&statement, &params)
        })
    }

    /// Statements in one transaction; the rows of each.
    pub fn batch(
        &mut self,
        statements: Vec<(&'static str, Vec<Value>)>,
    ) -> Result<Vec<Vec<Row>>, StoreError> {
        self.call(move |s| {
            let prepared = statements
                .iter()
                .map(|(sql, _)| s.statement(sql))
                .collect::<Result<Vec<_>, _>>()?;
            let mut transaction = s.client.transaction()?;
            let mut out = Vec::with_capacity(statements.len());
            for (statement, (_, values)) in prepared.iter().zip(&statements) {
                out.push(run(&mut transaction, statement, values)?);
            }
            transaction.commit()?;
            Ok(out)
        })
    }
}

impl Session {
    fn statement(&mut self, sql: &'static str) -> Result<Statement, postgres::Error> {
        if let Some(statement) = self.prepared.get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.client.prepare(&placeholders(sql))?;
        self.prepared.insert(sql, statement.clone());
        Ok(statement)
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        // closing the channel ends the thread, which closes the connection
        self.calls.take();
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
    }
}

fn run(
    client: &mut impl GenericClient,
    statement: &Statement,
    values: &[Value],
) -> Result<Vec<Row>, postgres::Error> {
    let bound = bind(statement.params(), values);
    let params: Vec<&(dyn ToSql + Sync)> = bound.iter().map(|b| b.as_ref()).collect();
    let rows = client.query(statement, &params)?;
    Ok(rows.iter().map(read).collect())
}

/// `?N` → `$N`: the statements are written once, in SQLite's placeholders.
fn placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '?' && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('$');
        } else {
            out.push(c);
        }
    }
    out
}

/// Each value in the type the server inferred for its parameter.
fn bind(types: &[Type], values: &[Value]) -> Vec<Box<dyn ToSql + Sync>> {
    types
        .iter()
        .zip(values)
        .map(|(ty, value)| -> Box<dyn ToSql + Sync> {
            match (value, ty) {
                (Value::Null, &Type::INT8) => Box::new(None::<i64>),
                (Value::Null, &Type::INT4) => Box::new(None::<i32>),
                (Value::Null, &Type::FLOAT8) => Box::new(None::<f64>),
                (Value::Null, _) => Box::new(None::<String>),
                (Value::Int(i), &Type::INT4) => Box::new(*i as i32),
                (Value::Int(i), &Type::TEXT) => Box::new(i.to_string()),
                (Value::Int(i), _) => Box::new(*i),
                (Value::Real(r), _) => Box::new(*r),
                (Value::Text(s), _) => Box::new(s.clone()),
            }
        })
        .collect()
}

fn read(row: &postgres::Row) -> Row {
    let cells = row
        .columns()
        .iter()
        .enumerate()
        .map(|(index, column)| {
            let cell = match *column.type_() {
                Type::INT8 => row.get::<_, Option<i64>>(index).map(Value::Int),
                Type::INT4 => row
                    .get::<_, Option<i32>>(index)
                    .map(|i| Value::Int(i.into())),
                Type::INT2 => row
                    .get::<_, Option<i16>>(index)
                    .map(|i| Value::Int(i.into())),
                Type::BOOL => row
                    .get::<_, Option<bool>>(index)
                    .map(|b| Value::Int(b.into())),
                Type::FLOAT8 => row.get::<_, Option<f64>>(index).map(Value::Real),
                _ => row.get::<_, Option<String>>(index).map(Value::Text),
            };
            cell.unwrap_or(Value::Null)
        })
        .collect();
    Row(cells)
}

fn version(client: &mut impl GenericClient) -> Result<usize, postgres::Error> {
    let exists: bool = client
        .query_one("SELECT to_regclass('xbrief_schema') IS NOT NULL", &[])?
        .get(0);
    if !exists {
        return Ok(0);
    }
    let version: Option<i64> = client
        .query_one("SELECT max(version) FROM xbrief_schema", &[])?
        .get(0);
    Ok(version.unwrap_or(0) as usize)
}

/// Applies the pending migrations, each in a transaction holding the migration lock.
fn migrate(client: &mut Client) -> Result<(), postgres::Error> {
    if version(client)? >= CURRENT {
        return Ok(());
    }
    for (to, migration) in pending(POSTGRES, 0) {
        let mut transaction = client.transaction()?;
        transaction.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
        transaction
            .batch_execute("CREATE TABLE IF NOT EXISTS xbrief_schema (version BIGINT NOT NULL)")?;
        if version(&mut transaction)? >= *to {
            continue;
        }
        transaction.batch_execute(migration)?;
        transaction.execute(
            "INSERT INTO xbrief_schema (version) VALUES ($1)",
            &[&(*to as i64)],
        )?;
        transaction.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn placeholders_are_renumbered_in_place_and_other_question_marks_stay() {
        assert_eq!(
            super::placeholders("WHERE (?1 IS NULL OR job = ?1) AND x = '?' AND y = ?12"),
            "WHERE ($1 IS NULL OR job = $1) AND x = '?' AND y = $12"
        );
    }
}
