//! The files an export is read from. DuckDB always reads local files; a bucket's objects
//! are fetched into a local cache first, and keep their key, ETag and version for the
//! manifest and their `s3://` name for errors.

use super::ExportName;
use super::bucket::Bucket;
use super::exports::{DataError, ExportLocation};
use super::root::DataRoot;
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The file DuckDB reads.
    pub local: PathBuf,
    /// What errors and the manifest call it: the path, or `s3://bucket/key`.
    pub name: String,
    pub object: Option<ObjectFacts>,
}

/// An object as the store described it when it was fetched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectFacts {
    pub key: String,
    pub etag: Option<String>,
    pub version: Option<String>,
    pub last_modified: DateTime<Utc>,
}

impl SourceFile {
    pub fn local(path: PathBuf) -> SourceFile {
        SourceFile {
            name: path.display().to_string(),
            local: path,
            object: None,
        }
    }

    /// The order files are read and hashed in: path bytes on disk, key bytes in a bucket
    /// (the data contract ranks duplicate copies by file order).
    pub fn order(&self) -> &[u8] {
        match &self.object {
            Some(object) => object.key.as_bytes(),
            None => self.local.as_os_str().as_encoded_bytes(),
        }
    }

    /// When the file or object was last written.
    pub fn modified(&self) -> Option<DateTime<Utc>> {
        match &self.object {
            Some(object) => Some(object.last_modified),
            None => std::fs::metadata(&self.local)
                .and_then(|m| m.modified())
                .ok()
                .map(DateTime::<Utc>::from),
        }
    }
}

/// Where the exports come from, ready to be read: a folder, or a bucket with its
/// connection, credentials and cache.
#[derive(Debug, Clone)]
pub enum DataSource {
    Dir(PathBuf),
    Bucket(Bucket),
}

impl DataSource {
    /// The files of each export (in read order), each pattern relative to the root.
    pub fn files(
        &self,
        patterns: &BTreeMap<ExportName, String>,
    ) -> Result<BTreeMap<ExportName, Vec<SourceFile>>, DataError> {
        match self {
            DataSource::Dir(dir) => patterns
                .iter()
                .map(|(&export, pattern)| {
                    let location = ExportLocation {
                        dir: dir.clone(),
                        pattern: pattern.clone(),
                    };
                    let files = super::exports::resolve(export, &location)?;
                    Ok((export, files.into_iter().map(SourceFile::local).collect()))
                })
                .collect(),
            DataSource::Bucket(bucket) => Ok(bucket.fetch(patterns)?),
        }
    }

    pub fn root(&self) -> DataRoot {
        match self {
            DataSource::Dir(dir) => DataRoot::Dir(dir.clone()),
            DataSource::Bucket(bucket) => DataRoot::Bucket(bucket.path.clone()),
        }
    }
}
