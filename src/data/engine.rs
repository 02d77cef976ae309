//! The embedded DuckDB engine, running the SQL files of `queries/` with bound parameters.

use super::queries::{QueryDir, QueryFileError};
use duckdb::{Connection, Params, Row};
use std::path::PathBuf;
use std::time::Instant;

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    File(#[from] QueryFileError),
    #[error("query {} failed: {source}", path.display())]
    Query {
        path: PathBuf,
        #[source]
        source: duckdb::Error,
    },
    #[error("cannot start DuckDB: {0}")]
    Open(#[source] duckdb::Error),
}

pub struct Engine {
    connection: Connection,
    queries: QueryDir,
}

/// The syntax errors of every query file in `dir`, each file parsed on its own: (file,
/// DuckDB's message). Parsing needs no tables, so one broken file hides no other.
pub fn syntax_errors(dir: &std::path::Path) -> Result<Vec<(PathBuf, String)>, EngineError> {
    let connection = Connection::open_in_memory().map_err(EngineError::Open)?;
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|source| QueryFileError {
            path: dir.to_path_buf(),
            source,
        })?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|x| x == "sql"))
        .collect();
    files.sort();
    let mut errors = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path).map_err(|source| QueryFileError {
            path: path.clone(),
            source,
        })?;
        // DuckDB parses the whole text before it binds anything; some binding errors of
        // table functions are also called parser errors, so only syntax is kept
        if let Err(error) = connection.prepare(&text) {
            let detail = error.to_string();
            if detail.starts_with("Parser Error: syntax error")
                || detail.starts_with("Parser Error: unterminated")
            {
                errors.push((path, detail));
            }
        }
    }
    Ok(errors)
}

impl Engine {
    /// An in-memory DuckDB; `memory_limit` (`350MB`, `2GB`) caps its buffer memory.
    pub fn open(queries: QueryDir, memory_limit: Option<&str>) -> Result<Engine, EngineError> {
        let fail = EngineError::Open;
        // The bundled engine would download and load extensions a query or a path asks
        // for (`https://…`, JSON, spatial…): nothing is fetched or loaded at run time.
        let mut config = duckdb::Config::default()
            .with("autoinstall_known_extensions", "false")
            .map_err(fail)?
            .enable_autoload_extension(false)
            .map_err(fail)?;
        if let Some(limit) = memory_limit {
            config = config.max_memory(limit).map_err(fail)?;
        }
        let connection = Connection::open_in_memory_with_flags(config).map_err(fail)?;
        Ok(Engine {
            connection,
            queries,
        })
    }

    pub fn connection(&self) -> &Connection {
        &self.connection
    }

    pub fn queries(&self) -> &QueryDir {
        &self.queries
    }

    /// Runs every statement of `queries/<name>.sql` (no parameters, no result).
    pub fn run(&self, name: &str) -> Result<(), EngineError> {
        let (path, sql) = self.queries.read(name)?;
        let started = Instant::now();
        self.connection
            .execute_batch(&sql)
            .map_err(|source| EngineError::Query { path, source })?;
        tracing::debug!(
            query = name,
            seconds = started.elapsed().as_secs_f64(),
            "ran"
        );
        Ok(())
    }

    /// Runs the single statement of `queries/<name>.sql` and maps each result row.
    pub fn query<T, P: Params>(
        &self,
        name: &str,
        params: P,
        mut map: impl FnMut(&Row<'_>) -> duckdb::Result<T>,
    ) -> Result<Vec<T>, EngineError> {
        let (path, sql) = self.queries.read(name)?;
        let started = Instant::now();
        let fail = |source: duckdb::Error| EngineError::Query {
            path: path.clone(),
            source,
        };
        let mut statement = self.connection.prepare(&sql).map_err(fail)?;
        let mut rows = statement.query(params).map_err(fail)?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(fail)? {
            out.push(map(row).map_err(fail)?);
        }
        tracing::debug!(
            query = name,
            rows = out.len(),
            seconds = started.elapsed().as_secs_f64(),
            "queried"
        );
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_engine_neither_downloads_nor_loads_extensions() {
        let engine = Engine::open(QueryDir::new(std::path::Path::new("queries")), None).unwrap();
        let setting = |name: &str| -> bool {
            engine
                .connection()
                .query_row(&format!("SELECT current_setting('{name}')"), [], |row| {
                    row.get(0)
                })
                .unwrap()
        };
        assert!(!setting("autoinstall_known_extensions"));
        assert!(!setting("autoload_known_extensions"));
        // JSON is not built in: reading it is refused, not fetched
        let started = std::time::Instant::now();
        let error = engine
            .connection()
            .execute_batch("SELECT * FROM read_json_auto('/nonexistent/x.json')")
            .unwrap_err()
            .to_string();
        assert!(error.contains("json"), "{error}");
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
    }
}
