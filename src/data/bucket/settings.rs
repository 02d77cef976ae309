//! How to reach a bucket: the config's `data.s3` (endpoint, region, URL style, TLS) and the
//! credentials, which come only from the standard AWS variables of the environment.

use std::fmt;

/// Path style puts the bucket in the path (`host/bucket/key`), virtual-host style in the
/// host name (`bucket.host/key`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlStyle {
    Path,
    Vhost,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BucketSettings {
    /// `host[:port]` of an S3-compatible store; AWS's regional endpoint when absent.
    pub endpoint: Option<String>,
    /// The config's region; else AWS_REGION; else us-east-1.
    pub region: Option<String>,
    pub url_style: UrlStyle,
    pub use_ssl: bool,
}

impl Default for BucketSettings {
    /// AWS: virtual-host style over TLS.
    fn default() -> Self {
        BucketSettings {
            endpoint: None,
            region: None,
            url_style: UrlStyle::Vhost,
            use_ssl: true,
        }
    }
}

impl BucketSettings {
    /// Why these settings cannot work, before any request: virtual-host style needs a host
    /// name to put the bucket in, and an endpoint is a host, not a URL.
    pub fn problem(&self) -> Option<String> {
        let endpoint = self.endpoint.as_deref()?;
        if endpoint.contains("://") || endpoint.contains('/') {
            return Some(format!(
                "data.s3.endpoint `{endpoint}` must be a host[:port] (use_ssl picks https or http)"
            ));
        }
        let host = endpoint
            .rsplit_once(':')
            .map_or(endpoint, |(host, _)| host)
            .trim_matches(['[', ']']);
        if self.url_style == UrlStyle::Vhost && host.parse::<std::net::IpAddr>().is_ok() {
            return Some(format!(
                "data.s3.url_style vhost puts the bucket in the host name, which the IP address `{host}` cannot have: use url_style: path for this endpoint"
            ));
        }
        None
    }

    pub fn scheme(&self) -> &'static str {
        if self.use_ssl { "https" } else { "http" }
    }

    /// What errors name as the store: the endpoint, or AWS.
    pub fn store_name(&self) -> String {
        match &self.endpoint {
            Some(endpoint) => format!("{}://{endpoint}", self.scheme()),
            None => "AWS S3".to_string(),
        }
    }
}

/// Access key, secret and optional session token. The secret never leaves this type in
/// text: its Debug shows the key id only.
#[derive(Clone)]
pub struct Credentials {
    pub key_id: String,
    pub secret: String,
    pub token: Option<String>,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}

pub const KEY_ID_VARIABLE: &str = "AWS_ACCESS_KEY_ID";
pub const SECRET_VARIABLE: &str = "AWS_SECRET_ACCESS_KEY";
const TOKEN_VARIABLE: &str = "AWS_SESSION_TOKEN";
const REGION_VARIABLE: &str = "AWS_REGION";

impl Credentials {
    /// The credentials in the environment, or the first variable that is missing.
    pub fn from_env(env: &dyn Fn(&str) -> Option<String>) -> Result<Credentials, &'static str> {
        let get = |name: &'static str| env(name).filter(|v| !v.is_empty()).ok_or(name);
        Ok(Credentials {
            key_id: get(KEY_ID_VARIABLE)?,
            secret: get(SECRET_VARIABLE)?,
            token: get(TOKEN_VARIABLE).ok(),
        })
    }
}

/// The region requests are signed for.
pub fn region(settings: &BucketSettings, env: &dyn Fn(&str) -> Option<String>) -> String {
    settings
        .region
        .clone()
        .or_else(|| env(REGION_VARIABLE).filter(|v| !v.is_empty()))
        .unwrap_or_else(|| "us-east-1".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vhost_style_cannot_address_an_ip_endpoint() {
        let settings = BucketSettings {
            endpoint: Some("127.0.0.1:9000".into()),
            use_ssl: false,
            ..BucketSettings::default()
        };
        assert!(settings.problem().unwrap().contains("url_style: path"));
        let path = BucketSettings {
            url_style: UrlStyle::Path,
            ..settings.clone()
        };
        assert_eq!(path.problem(), None);
        let url = BucketSettings {
            endpoint: Some("http://minio:9000".into()),
            ..path
        };
        assert!(url.problem().unwrap().contains("host[:port]"));
    }

    #[test]
    fn credentials_come_from_the_environment_and_their_secret_is_never_printed() {
        let env = |name: &str| match name {
            "AWS_ACCESS_KEY_ID" => Some("AKIA1".to_string()),
            "AWS_SECRET_ACCESS_KEY" => Some("s3cr3t".to_string()),
            _ => None,
        };
        let credentials = Credentials::from_env(&env).unwrap();
        assert!(!format!("{credentials:?}").contains("s3cr3t"));
        let no_secret = |name: &str| (name == "AWS_ACCESS_KEY_ID").then(|| "AKIA1".to_string());
        assert_eq!(
            Credentials::from_env(&no_secret).unwrap_err(),
            "AWS_SECRET_ACCESS_KEY"
        );
        assert_eq!(region(&BucketSettings::default(), &env), "us-east-1");
    }
}
