//! Exports in an S3-compatible bucket. Each run lists the objects under the prefix once,
//! matches the export patterns against their keys as on disk, and fetches the matches into
//! a local cache (unchanged objects are not fetched again); DuckDB then reads local files,
//! so the engine itself never touches the network and nothing is ever installed.

mod cache;
mod error;
mod probe;
pub mod settings;

pub use error::BucketError;
pub use settings::{BucketSettings, Credentials, UrlStyle};

use super::ExportName;
use super::root::BucketPath;
use super::source::{ObjectFacts, SourceFile};
use cache::{Cache, Identity};
use futures::{StreamExt, TryStreamExt};
use object_store::aws::{AmazonS3, AmazonS3Builder, AwsCredential};
use object_store::path::Path as ObjectPath;
use object_store::{ClientOptions, ObjectMeta, ObjectStore, ObjectStoreExt, RetryConfig};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

/// Objects fetched at once: enough to fill the link from a nearby store.
const PARALLEL_FETCHES: usize = 8;

/// A bucket prefix with everything needed to read it.
#[derive(Debug, Clone)]
pub struct Bucket {
    pub path: BucketPath,
    pub settings: BucketSettings,
    /// The region requests are signed for.
    pub region: String,
    /// The environment's credentials, or the variable that is missing (reported when the
    /// bucket is first read, as a data error).
    pub credentials: Result<Credentials, &'static str>,
    /// The folder of the local copies.
    pub cache: PathBuf,
}

impl Bucket {
    /// Lists, matches and fetches every export's objects; each export's files in key order.
    pub fn fetch(
        &self,
        patterns: &BTreeMap<ExportName, String>,
    ) -> Result<BTreeMap<ExportName, Vec<SourceFile>>, BucketError> {
        let credentials =
            self.credentials
                .as_ref()
                .map_err(|&variable| BucketError::CredentialsMissing {
                    bucket: self.path.bucket.clone(),
                    variable,
                })?;
        let started = std::time::Instant::now();
        let store = self.client(credentials)?;
        // Its own thread and runtime: runs are called from threads of `serve`'s runtime too.
        let fetched = std::thread::scope(|scope| {
            scope
                .spawn(|| {
                    tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .map_err(|source| BucketError::Cache {
                            path: self.cache.clone(),
                            source,
                        })?
                        .block_on(self.fetch_with(&store, credentials, patterns))
                })
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        })?;
        tracing::debug!(
            bucket = %self.path,
            objects = fetched.values().map(Vec::len).sum::<usize>(),
            seconds = started.elapsed().as_secs_f64(),
            "fetched the exports"
        );
        Ok(fetched)
    }

    fn client(&self, credentials: &Credentials) -> Result<AmazonS3, BucketError> {
        install_crypto_provider();
        let mut builder = AmazonS3Builder::new()
            .with_bucket_name(&self.path.bucket)
            .with_region(&self.region)
            .with_access_key_id(&credentials.key_id)
            .with_secret_access_key(&credentials.secret)
            .with_virtual_hosted_style_request(self.settings.url_style == UrlStyle::Vhost)
            .with_allow_http(!self.settings.use_ssl)
            // a run fails in seconds, not minutes, when the store is away
            .with_retry(RetryConfig {
                max_retries: 2,
                retry_timeout: Duration::from_secs(20),
                ..RetryConfig::default()
            })
            .with_client_options(
                ClientOptions::new()
                    .with_allow_http(!self.settings.use_ssl)
                    .with_connect_timeout(Duration::from_secs(5))
                    .with_timeout(Duration::from_secs(600)),
            );
        if let Some(token) = &credentials.token {
            builder = builder.with_token(token);
        }
        if let Some(endpoint) = &self.settings.endpoint {
            // object_store takes a virtual-host endpoint with the bucket already in it
            builder = builder.with_endpoint(match self.settings.url_style {
                UrlStyle::Path => format!("{}://{endpoint}", self.settings.scheme()),
                UrlStyle::Vhost => self.url(),
            });
        }
        builder
            .build()
            .map_err(|e| BucketError::Settings(format!("bucket {}: {e}", self.path.bucket)))
    }

    /// The bucket's own URL in the configured style.
    fn url(&self) -> String {
        let bucket = &self.path.bucket;
        let scheme = self.settings.scheme();
        let host = match &self.settings.endpoint {
            Some(endpoint) => endpoint.clone(),
            None => format!("s3.{}.amazonaws.com", self.region),
        };
        match self.settings.url_style {
            UrlStyle::Path => format!("{scheme}://{host}/{bucket}"),
            UrlStyle::Vhost => format!("{scheme}://{bucket}.{host}"),
        }
    }

    async fn fetch_with(
        &self,
        store: &AmazonS3,
        credentials: &Credentials,
        patterns: &BTreeMap<ExportName, String>,
    ) -> Result<BTreeMap<ExportName, Vec<SourceFile>>, BucketError> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| BucketError::Settings(format!("cannot start an HTTP client: {e}")))?;
        probe::Probe {
            url: &self.url(),
            credential: &AwsCredential {
                key_id: credentials.key_id.clone(),
                secret_key: credentials.secret.clone(),
                token: credentials.token.clone(),
            },
            http: &http,
            bucket: &self.path,
            settings: &self.settings,
            region: &self.region,
        }
        .check()
        .await?;
        let listed = self.list(store).await?;
        let matched = self.matches(&listed, patterns)?;
        let cache = Cache::open(self.cache.clone())?;
        let wanted: BTreeMap<&str, &ObjectMeta> = matched
            .values()
            .flatten()
            .map(|meta| (meta.location.as_ref(), *meta))
            .collect();
        let fetched: BTreeMap<String, SourceFile> = futures::stream::iter(wanted.into_values())
            .map(|meta| self.fetch_one(store, &cache, meta))
            .buffer_unordered(PARALLEL_FETCHES)
            .map_ok(|file| (file.name.clone(), file))
            .try_collect()
            .await?;
        cache.prune(&fetched.values().map(|f| f.local.clone()).collect());
        let mut files = BTreeMap::new();
        for (export, metas) in matched {
            let mut these = Vec::new();
            for meta in metas {
                let file = &fetched[&self.path.object_url(meta.location.as_ref())];
                if !cache::is_parquet(&file.local).unwrap_or(false) {
                    return Err(BucketError::NotParquet {
                        export: export.as_str(),
                        object: file.name.clone(),
                    });
                }
                these.push(file.clone());
            }
            files.insert(export, these);
        }
        Ok(files)
    }

    async fn list(&self, store: &AmazonS3) -> Result<Vec<ObjectMeta>, BucketError> {
        let prefix = self.path.prefix.trim_end_matches('/');
        let prefix = (!prefix.is_empty()).then(|| ObjectPath::from(prefix));
        store
            .list(prefix.as_ref())
            .try_collect()
            .await
            .map_err(|source| BucketError::List {
                bucket: self.path.bucket.clone(),
                prefix: self.path.prefix.clone(),
                source: Box::new(source),
            })
    }

    /// Each export's objects: the keys under the prefix that its pattern matches, where `*`
    /// and `?` stay within one folder as they do on disk, in key byte order.
    fn matches<'m>(
        &self,
        listed: &'m [ObjectMeta],
        patterns: &BTreeMap<ExportName, String>,
    ) -> Result<BTreeMap<ExportName, Vec<&'m ObjectMeta>>, BucketError> {
        let options = glob::MatchOptions {
            case_sensitive: true,
            require_literal_separator: true,
            require_literal_leading_dot: false,
        };
        let mut matched = BTreeMap::new();
        for (&export, pattern) in patterns {
            let glob = glob::Pattern::new(pattern).map_err(|e| {
                BucketError::Settings(format!(
                    "export {}: invalid pattern {pattern}: {e}",
                    export.as_str()
                ))
            })?;
            let mut these: Vec<&ObjectMeta> = listed
                .iter()
                .filter(|meta| {
                    let key: &str = meta.location.as_ref();
                    key.strip_prefix(self.path.prefix.as_str())
                        .is_some_and(|relative| glob.matches_with(relative, options))
                })
                .collect();
            these.sort_by(|a, b| a.location.as_ref().cmp(b.location.as_ref()));
            if these.is_empty() {
                return Err(BucketError::NoObjects {
                    export: export.as_str(),
                    location: self.path.to_string(),
                    pattern: pattern.clone(),
                });
            }
            matched.insert(export, these);
        }
        Ok(matched)
    }

    /// One object into the cache, unless an identical copy is there.
    async fn fetch_one(
        &self,
        store: &AmazonS3,
        cache: &Cache,
        meta: &ObjectMeta,
    ) -> Result<SourceFile, BucketError> {
        let key: &str = meta.location.as_ref();
        let name = self.path.object_url(key);
        let facts = |meta: &ObjectMeta| ObjectFacts {
            key: key.to_string(),
            etag: meta.e_tag.clone(),
            version: meta.version.clone(),
            last_modified: meta.last_modified,
        };
        let local = cache.path_of(&identity(&self.path.bucket, meta));
        if cache.reuse(&local, meta.size) {
            return Ok(SourceFile {
                local,
                name,
                object: Some(facts(meta)),
            });
        }
        let download = |source| BucketError::Download {
            object: name.clone(),
            source: Box::new(source),
        };
        let got = store.get(&meta.location).await.map_err(download)?;
        // the object as fetched, which may be newer than the listing
        let meta = got.meta.clone();
        let local = cache.path_of(&identity(&self.path.bucket, &meta));
        let part = local.with_extension("part");
        let write_error = |source| BucketError::Cache {
            path: part.clone(),
            source,
        };
        let mut file = std::fs::File::create(&part).map_err(write_error)?;
        let mut chunks = got.into_stream();
        while let Some(chunk) = chunks.next().await {
            file.write_all(&chunk.map_err(download)?)
                .map_err(write_error)?;
        }
        file.sync_all().map_err(write_error)?;
        std::fs::rename(&part, &local).map_err(write_error)?;
        Ok(SourceFile {
            local,
            name,
            object: Some(facts(&meta)),
        })
    }
}

fn identity<'a>(bucket: &'a str, meta: &'a ObjectMeta) -> Identity<'a> {
    Identity {
        bucket,
        key: meta.location.as_ref(),
        etag: meta.e_tag.as_deref(),
        version: meta.version.as_deref(),
        size: meta.size,
    }
}

/// The HTTP client's TLS uses ring, as the SMTP transport's does; installed once per process.
pub(crate) fn install_crypto_provider() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bucket() -> Bucket {
        Bucket {
            path: BucketPath {
                bucket: "b".into(),
                prefix: "daily/".into(),
            },
            settings: BucketSettings::default(),
            region: "us-east-1".into(),
            credentials: Err(settings::KEY_ID_VARIABLE),
            cache: PathBuf::new(),
        }
    }

    fn object(key: &str) -> ObjectMeta {
        ObjectMeta {
            location: ObjectPath::from(key),
            last_modified: chrono::DateTime::UNIX_EPOCH,
            size: 1,
            e_tag: None,
            version: None,
        }
    }

    fn matched(keys: &[&str], pattern: &str) -> Result<Vec<String>, BucketError> {
        let listed: Vec<ObjectMeta> = keys.iter().map(|k| object(k)).collect();
        let patterns = [(ExportName::CustomerResponses, pattern.to_string())].into();
        let found = bucket().matches(&listed, &patterns)?;
        Ok(found[&ExportName::CustomerResponses]
            .iter()
            .map(|m| m.location.to_string())
            .collect())
    }

    #[test]
    fn patterns_match_keys_under_the_prefix_as_paths_on_disk() {
        let keys = [
            "daily/c/b.parquet",
            "daily/c/2026/x.parquet",
            "daily/c/a.parquet",
            "daily/sites.parquet",
            "other/c/a.parquet",
        ];
        assert_eq!(
            matched(&keys, "c/*.parquet").unwrap(),
            ["daily/c/a.parquet", "daily/c/b.parquet"],
            "`*` stays in its folder, and the order is the keys' order"
        );
        assert_eq!(
            matched(&keys, "c/**/*.parquet").unwrap(),
            [
                "daily/c/2026/x.parquet",
                "daily/c/a.parquet",
                "daily/c/b.parquet"
            ]
        );
        assert!(matches!(
            matched(&keys, "responses/*.parquet"),
            Err(BucketError::NoObjects { .. })
        ));
    }

    #[test]
    fn missing_credentials_are_named_before_any_request() {
        let error = bucket().fetch(&BTreeMap::new()).unwrap_err();
        assert!(
            error.to_string().contains("AWS_ACCESS_KEY_ID is not set"),
            "{error}"
        );
    }
}
