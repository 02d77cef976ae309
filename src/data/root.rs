//! Where the exports are: a local folder, or a bucket prefix (`s3://bucket/prefix`). The
//! config's `data.dir` and `run --data` are parsed into this once.

use std::fmt;
use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DataRoot {
    Dir(PathBuf),
    Bucket(BucketPath),
}

/// A bucket and the key prefix the export patterns are relative to (empty, or ending in `/`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BucketPath {
    pub bucket: String,
    pub prefix: String,
}

impl DataRoot {
    /// `s3://bucket/prefix` is a bucket; any other `scheme://` is refused (nothing else is
    /// fetched); everything else is a folder, taken literally.
    pub fn parse(text: &str) -> Result<DataRoot, String> {
        let Some((scheme, rest)) = text.split_once("://") else {
            return Ok(DataRoot::Dir(PathBuf::from(text)));
        };
        if scheme != "s3" {
            return Err(format!(
                "`{text}` is a {scheme}:// location: expected a folder or s3://bucket/prefix"
            ));
        }
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if !valid_bucket_name(bucket) {
            return Err(format!(
                "`{text}`: `{bucket}` is not a bucket name (3 to 63 lowercase letters, digits, dots and hyphens)"
            ));
        }
        let prefix = prefix.trim_matches('/');
        Ok(DataRoot::Bucket(BucketPath {
            bucket: bucket.to_string(),
            prefix: if prefix.is_empty() {
                String::new()
            } else {
                format!("{prefix}/")
            },
        }))
    }
}

/// S3's bucket naming rules, which every S3-compatible store follows.
fn valid_bucket_name(name: &str) -> bool {
    (3..=63).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric())
}

impl fmt::Display for DataRoot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DataRoot::Dir(dir) => write!(f, "{}", dir.display()),
            DataRoot::Bucket(bucket) => write!(f, "{bucket}"),
        }
    }
}

impl fmt::Display for BucketPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "s3://{}/{}", self.bucket, self.prefix)
    }
}

impl BucketPath {
    /// The URL of one object, as errors and the manifest name it.
    pub fn object_url(&self, key: &str) -> String {
        format!("s3://{}/{key}", self.bucket)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_buckets_and_other_schemes() {
        assert_eq!(
            DataRoot::parse("exports[2026]").unwrap(),
            DataRoot::Dir(PathBuf::from("exports[2026]"))
        );
        assert_eq!(
            DataRoot::parse("s3://cx-exports/daily/").unwrap(),
            DataRoot::Bucket(BucketPath {
                bucket: "cx-exports".into(),
                prefix: "daily/".into()
            })
        );
        let top = DataRoot::parse("s3://cx-exports").unwrap();
        assert_eq!(top.to_string(), "s3://cx-exports/");
        assert!(
            DataRoot::parse("https://example.com/x")
                .unwrap_err()
                .contains("https://")
        );
        assert!(
            DataRoot::parse("s3://Bad_Bucket/x")
                .unwrap_err()
                .contains("not a bucket name")
        );
    }
}
