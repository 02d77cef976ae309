//! The SQL files of `queries/`, read at run time so analysts can read and admins can edit them.

use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
#[error("cannot read query file {path}: {source}")]
pub struct QueryFileError {
    pub path: PathBuf,
    pub source: std::io::Error,
}

#[derive(Debug, Clone)]
pub struct QueryDir {
    dir: PathBuf,
}

impl QueryDir {
    pub fn new(dir: &Path) -> QueryDir {
        QueryDir {
            dir: dir.to_path_buf(),
        }
    }

    /// The text of `queries/<name>.sql`.
    pub fn read(&self, name: &str) -> Result<(PathBuf, String), QueryFileError> {
        let path = self.dir.join(format!("{name}.sql"));
        match std::fs::read_to_string(&path) {
            Ok(text) => Ok((path, text)),
            Err(source) => Err(QueryFileError { path, source }),
        }
    }
}
