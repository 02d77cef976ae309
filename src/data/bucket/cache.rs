//! The local copies of a bucket's objects. A copy is named by a hash of the bucket, key,
//! ETag, version and size, so a rewritten object is fetched again and an unchanged one is
//! not; the name never contains the key itself, so no key can point outside the folder.
//! Downloads land in a `.part` file that is renamed when complete.

use super::error::BucketError;
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// Copies not used for this long (and not part of the current fetch) are deleted.
const UNUSED_FOR: Duration = Duration::from_secs(24 * 3600);

pub(super) struct Cache {
    pub dir: PathBuf,
}

pub(super) struct Identity<'a> {
    pub bucket: &'a str,
    pub key: &'a str,
    pub etag: Option<&'a str>,
    pub version: Option<&'a str>,
    pub size: u64,
}

impl Cache {
    pub fn open(dir: PathBuf) -> Result<Cache, BucketError> {
        std::fs::create_dir_all(&dir).map_err(|source| BucketError::Cache {
            path: dir.clone(),
            source,
        })?;
        Ok(Cache { dir })
    }

    pub fn path_of(&self, object: &Identity) -> PathBuf {
        let mut hash = Sha256::new();
        for part in [
            object.bucket,
            object.key,
            object.etag.unwrap_or(""),
            object.version.unwrap_or(""),
            &object.size.to_string(),
        ] {
            hash.update(part.as_bytes());
            hash.update([0]);
        }
        let name = hex::encode(&hash.finalize()[..16]);
        self.dir.join(format!("{name}.parquet"))
    }

    /// The copy at `path` when it is complete; its time is refreshed, so pruning keeps it.
    pub fn reuse(&self, path: &Path, size: u64) -> bool {
        let complete = std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() == size);
        if complete && let Ok(file) = std::fs::File::options().append(true).open(path) {
            let _ = file.set_modified(SystemTime::now());
        }
        complete
    }

    /// Deletes the copies (and broken downloads) that this fetch did not use and nothing
    /// has used for a day: another run may still be reading a recent one.
    pub fn prune(&self, used: &BTreeSet<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let old = entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age > UNUSED_FOR);
            if old && !used.contains(&path) {
                let _ = std::fs::remove_file(&path);
            }
        }
    }
}

/// Whether a file starts and ends with Parquet's `PAR1` marker.
pub(super) fn is_parquet(path: &Path) -> std::io::Result<bool> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = std::fs::File::open(path)?;
    if file.metadata()?.len() < 12 {
        return Ok(false);
    }
    let mut head = [0u8; 4];
    let mut tail = [0u8; 4];
    file.read_exact(&mut head)?;
    file.seek(SeekFrom::End(-4))?;
    file.read_exact(&mut tail)?;
    Ok(&head == b"PAR1" && &tail == b"PAR1")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rewritten_object_gets_a_new_copy_and_keys_stay_inside_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path().join("c")).unwrap();
        let object = |etag| Identity {
            bucket: "b",
            key: "../../etc/passwd",
            etag: Some(etag),
            version: None,
            size: 10,
        };
        let first = cache.path_of(&object("\"1\""));
        assert_ne!(first, cache.path_of(&object("\"2\"")));
        assert_eq!(first.parent(), Some(cache.dir.as_path()));
        assert!(!cache.reuse(&first, 10));
        std::fs::write(&first, b"0123456789").unwrap();
        assert!(cache.reuse(&first, 10));
        assert!(!cache.reuse(&first, 11), "a partial copy is fetched again");
    }

    #[test]
    fn parquet_files_have_the_marker_at_both_ends() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x");
        std::fs::write(&path, b"PAR1 not quite parquet").unwrap();
        assert!(!is_parquet(&path).unwrap());
        std::fs::write(&path, b"PAR1 shaped like one PAR1").unwrap();
        assert!(is_parquet(&path).unwrap());
    }
}
