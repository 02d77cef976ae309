//! What can go wrong with a bucket, each cause worded once and named exactly: the bucket, the
//! store, the key, never a secret.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum BucketError {
    #[error("{0}")]
    Settings(String),
    #[error(
        "bucket {bucket}: no credentials: {variable} is not set (the credentials come from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN in the environment, never from the config)"
    )]
    CredentialsMissing {
        bucket: String,
        variable: &'static str,
    },
    #[error(
        "bucket {bucket}: {store} refused the credentials ({code}): check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and the key's permissions"
    )]
    CredentialsRefused {
        bucket: String,
        store: String,
        code: String,
    },
    #[error("bucket {bucket} does not exist at {store} (NoSuchBucket)")]
    NoSuchBucket { bucket: String, store: String },
    #[error(
        "bucket {bucket} is in region {actual}, but requests are signed for {configured}: set data.s3.region (or AWS_REGION) to {actual}"
    )]
    WrongRegion {
        bucket: String,
        configured: String,
        actual: String,
    },
    #[error(
        "{store} answered HTTP {status} without any S3 header: is data.s3.endpoint an S3-compatible store?"
    )]
    NotS3 { store: String, status: u16 },
    #[error(
        "bucket {bucket}: cannot resolve {host}: url_style vhost puts the bucket in the host name; for an endpoint without such names use url_style: path"
    )]
    UrlStyle { bucket: String, host: String },
    #[error("cannot reach {store}: {reason}")]
    Unreachable { store: String, reason: String },
    #[error("bucket {bucket}: {store} answered HTTP {status} ({code})")]
    Refused {
        bucket: String,
        store: String,
        status: u16,
        code: String,
    },
    #[error("bucket {bucket}: cannot list the objects under {prefix}: {source}")]
    List {
        bucket: String,
        prefix: String,
        #[source]
        source: Box<object_store::Error>,
    },
    #[error("cannot download {object}: {source}")]
    Download {
        object: String,
        #[source]
        source: Box<object_store::Error>,
    },
    #[error("cannot write the download cache file {}: {source}", path.display())]
    Cache {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("export {export}: no object under {location} matches {pattern}")]
    NoObjects {
        export: &'static str,
        location: String,
        pattern: String,
    },
    #[error(
        "export {export}: {object} is not a Parquet file (no PAR1 marker at its start and end)"
    )]
    NotParquet {
        export: &'static str,
        object: String,
    },
}
