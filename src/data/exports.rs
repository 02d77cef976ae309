//! Opening the five exports: find their files, check every file's schema against the data
//! contract before anything else, and expose them to SQL as views over the Parquet files.

use super::bucket::BucketError;
use super::contract::{ColumnKind, ExportName};
use super::engine::{Engine, EngineError};
use super::queries::QueryDir;
use super::source::{DataSource, SourceFile};
use duckdb::params;
use duckdb::types::Value;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::thread::JoinHandle;

#[derive(Debug, thiserror::Error)]
pub enum DataError {
    #[error("export {export}: no file matches {pattern}")]
    NoFiles {
        export: &'static str,
        pattern: String,
    },
    #[error("export {export}: invalid path pattern {pattern}: {source}")]
    BadPattern {
        export: &'static str,
        pattern: String,
        #[source]
        source: glob::PatternError,
    },
    #[error("export {export}: cannot read {file} as Parquet: {source}")]
    Unreadable {
        export: &'static str,
        file: String,
        #[source]
        source: duckdb::Error,
    },
    #[error("export {export}: {file}: required column `{column}` is missing")]
    MissingColumn {
        export: &'static str,
        file: String,
        column: &'static str,
    },
    #[error("export {export}: {file}: column `{column}` has type {found}; expected {expected}")]
    WrongType {
        export: &'static str,
        file: String,
        column: &'static str,
        found: String,
        expected: &'static str,
    },
    #[error("export {export} has no rows (files: {files}): an upstream drop failed?")]
    Empty { export: &'static str, files: String },
    #[error(
        "export {export}: {problem} {key_column} `{key_value}`: the org chart must be unambiguous"
    )]
    AmbiguousKey {
        export: String,
        key_column: String,
        key_value: String,
        problem: String,
    },
    #[error("cannot hash input file {}: {source}", file.display())]
    Hash {
        file: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Bucket(#[from] BucketError),
    #[error(transparent)]
    Engine(#[from] EngineError),
}

/// One input file, as the audit manifest lists it.
#[derive(Debug, Clone)]
pub struct InputFile {
    pub export: ExportName,
    /// The file DuckDB read, with its name for readers and, from a bucket, its object.
    pub source: SourceFile,
    pub size: u64,
    pub rows: u64,
}

/// The exports of one run, open in DuckDB.
pub struct Exports {
    pub engine: Engine,
    pub files: Vec<InputFile>,
    hashing: Option<JoinHandle<Result<FileHashes, DataError>>>,
}

/// SHA-256 of every input file, and of all their bytes concatenated in byte order of
/// their paths, or keys in a bucket (`data_sha256`).
#[derive(Debug, Clone)]
pub struct FileHashes {
    pub per_file: BTreeMap<PathBuf, String>,
    pub data_sha256: String,
}

/// Where an export's files are: a file name or glob pattern (the config's) under a data
/// folder, whose own name is taken literally (a folder named `exports[2026]` is no pattern).
#[derive(Debug, Clone)]
pub struct ExportLocation {
    pub dir: PathBuf,
    pub pattern: String,
}

impl ExportLocation {
    /// The location as a reader would write it.
    pub fn path(&self) -> PathBuf {
        self.dir.join(&self.pattern)
    }

    /// The glob to expand: the folder escaped, the pattern as configured.
    fn glob(&self) -> String {
        let dir = glob::Pattern::escape(&self.dir.to_string_lossy());
        Path::new(&dir)
            .join(&self.pattern)
            .to_string_lossy()
            .into_owned()
    }
}

impl Exports {
    /// Opens the files of each export's pattern under the source.
    pub fn open(
        source: &DataSource,
        patterns: &BTreeMap<ExportName, String>,
        queries: QueryDir,
        memory_limit: Option<&str>,
    ) -> Result<Exports, DataError> {
        let by_export = source.files(patterns)?;
        let engine = Engine::open(queries, memory_limit)?;
        // Hash the files on another thread while DuckDB checks and reads them.
        let mut all: Vec<SourceFile> = by_export.values().flatten().cloned().collect();
        all.sort_by(|a, b| a.order().cmp(b.order()));
        all.dedup_by(|a, b| a.local == b.local);
        let all_paths: Vec<PathBuf> = all.into_iter().map(|f| f.local).collect();
        let hashing = std::thread::spawn(move || hash_files(&all_paths));

        let mut files = Vec::new();
        for (export, sources) in &by_export {
            for file in sources {
                check_schema(&engine, *export, file)?;
            }
            files.extend(row_counts(&engine, *export, sources)?);
        }
        let connection = engine.connection();
        connection
            .execute_batch(
                "CREATE TEMP TABLE export_files (export VARCHAR, position INTEGER, path VARCHAR)",
            )
            .map_err(EngineError::Open)?;
        {
            let mut appender = connection
                .appender("export_files")
                .map_err(EngineError::Open)?;
            for (position, file) in files.iter().enumerate() {
                appender
                    .append_row(params![
                        file.export.as_str(),
                        position as i64,
                        literal_path(&file.source.local)
                    ])
                    .map_err(EngineError::Open)?;
            }
        }
        engine.run("bind_exports")?;
        engine.run("org_load")?;
        let problems = engine.query("org_key_problems", [], |row| {
            Ok(DataError::AmbiguousKey {
                export: row.get("export")?,
                key_column: row.get("key_column")?,
                key_value: row.get("key_value")?,
                problem: row.get("problem")?,
            })
        })?;
        if let Some(problem) = problems.into_iter().next() {
            return Err(problem);
        }
        Ok(Exports {
            engine,
            files,
            hashing: Some(hashing),
        })
    }

    /// Waits for the input files' hashes (computed while the queries ran).
    pub fn file_hashes(&mut self) -> Result<FileHashes, DataError> {
        let handle = self.hashing.take().expect("file hashes are taken once");
        handle.join().expect("the hashing thread does not panic")
    }
}

/// The files at an export's location, in path order; the engine is given exactly these.
pub fn resolve(export: ExportName, location: &ExportLocation) -> Result<Vec<PathBuf>, DataError> {
    let text = location.path().to_string_lossy().to_string();
    let matches = glob::glob(&location.glob()).map_err(|source| DataError::BadPattern {
        export: export.as_str(),
        pattern: text.clone(),
        source,
    })?;
    let mut files: Vec<PathBuf> = matches
        .filter_map(Result::ok)
        .filter(|p| p.is_file())
        .collect();
    // Path order in bytes: the data contract ranks duplicate copies by file order.
    files.sort_by(|a, b| {
        a.as_os_str()
            .as_encoded_bytes()
            .cmp(b.as_os_str().as_encoded_bytes())
    });
    if files.is_empty() {
        return Err(DataError::NoFiles {
            export: export.as_str(),
            pattern: text,
        });
    }
    Ok(files)
}

fn check_schema(engine: &Engine, export: ExportName, file: &SourceFile) -> Result<(), DataError> {
    let described = engine.query("export_describe", [literal_path(&file.local)], |row| {
        Ok((
            row.get::<_, String>("column_name")?,
            row.get::<_, String>("column_type")?,
        ))
    });
    let columns: BTreeMap<String, String> = match described {
        Ok(columns) => columns.into_iter().collect(),
        Err(EngineError::Query { source, .. }) => {
            return Err(DataError::Unreadable {
                export: export.as_str(),
                file: file.name.clone(),
                source,
            });
        }
        Err(other) => return Err(other.into()),
    };
    for &(column, kind) in export.columns() {
        match columns.get(column) {
            None => {
                return Err(DataError::MissingColumn {
                    export: export.as_str(),
                    file: file.name.clone(),
                    column,
                });
            }
            Some(found) if !kind.accepts(found) => {
                return Err(DataError::WrongType {
                    export: export.as_str(),
                    file: file.name.clone(),
                    column,
                    found: found.clone(),
                    expected: ColumnKind::expected(kind),
                });
            }
            Some(_) => {}
        }
    }
    Ok(())
}

fn row_counts(
    engine: &Engine,
    export: ExportName,
    sources: &[SourceFile],
) -> Result<Vec<InputFile>, DataError> {
    let paths: Vec<PathBuf> = sources.iter().map(|f| f.local.clone()).collect();
    let counts: BTreeMap<String, i64> = engine
        .query("export_file_rows", [literal_paths(&paths)], |row| {
            Ok((
                row.get::<_, String>("file_name")?,
                row.get::<_, i64>("num_rows")?,
            ))
        })?
        .into_iter()
        .collect();
    let mut files = Vec::new();
    for source in sources {
        let rows = counts
            .get(source.local.to_string_lossy().as_ref())
            .copied()
            .unwrap_or(0) as u64;
        let size = std::fs::metadata(&source.local)
            .map(|m| m.len())
            .unwrap_or(0);
        files.push(InputFile {
            export,
            source: source.clone(),
            size,
            rows,
        });
    }
    if files.iter().all(|f| f.rows == 0) {
        let names: Vec<String> = sources.iter().map(|f| f.name.clone()).collect();
        return Err(DataError::Empty {
            export: export.as_str(),
            files: names.join(", "),
        });
    }
    Ok(files)
}

fn hash_files(paths: &[PathBuf]) -> Result<FileHashes, DataError> {
    let started = std::time::Instant::now();
    let mut all = Sha256::new();
    let mut per_file = BTreeMap::new();
    let mut buffer = vec![0u8; 1 << 20];
    for path in paths {
        let fail = |source: std::io::Error| DataError::Hash {
            file: path.clone(),
            source,
        };
        let mut file = std::fs::File::open(path).map_err(fail)?;
        let mut one = Sha256::new();
        loop {
            let read = file.read(&mut buffer).map_err(fail)?;
            if read == 0 {
                break;
            }
            one.update(&buffer[..read]);
            all.update(&buffer[..read]);
        }
        per_file.insert(path.clone(), hex::encode(one.finalize()));
    }
    tracing::debug!(
        files = paths.len(),
        seconds = started.elapsed().as_secs_f64(),
        "hashed input files"
    );
    Ok(FileHashes {
        per_file,
        data_sha256: hex::encode(all.finalize()),
    })
}

/// A path as DuckDB's Parquet reader takes it literally: the reader expands `*`, `?` and
/// `[…]` in every path it is given, so each is written as a one-character class (`[*]`),
/// and a file named `sites[1].parquet` is read, not `sites1.parquet`.
fn literal_path(path: &Path) -> String {
    let mut literal = String::new();
    for c in path.to_string_lossy().chars() {
        match c {
            '*' | '?' | '[' => {
                literal.push('[');
                literal.push(c);
                literal.push(']');
            }
            other => literal.push(other),
        }
    }
    literal
}

/// A list of paths, each taken literally, as one bound value.
pub(super) fn literal_paths(paths: &[PathBuf]) -> Value {
    Value::List(paths.iter().map(|p| Value::Text(literal_path(p))).collect())
}
