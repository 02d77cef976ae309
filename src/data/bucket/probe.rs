//! One signed request for the bucket itself (HEAD, then GET for the error code) before
//! anything is listed: its answer tells the exact cause of a failure, which the listing's
//! generic errors do not (a wrong region is only visible in `x-amz-bucket-region`). It is
//! signed in headers by object_store's SigV4 signer, as the listing is (stores such as
//! moto do not take query-string signatures).

use super::error::BucketError;
use super::settings::{BucketSettings, UrlStyle};
use crate::data::root::BucketPath;
use object_store::aws::{AwsAuthorizer, AwsCredential};
use object_store::client::{HttpRequest, HttpRequestBody};
use reqwest::{Method, StatusCode};

pub(super) struct Probe<'a> {
    /// The bucket's own URL, in the configured style.
    pub url: &'a str,
    pub credential: &'a AwsCredential,
    pub http: &'a reqwest::Client,
    pub bucket: &'a BucketPath,
    pub settings: &'a BucketSettings,
    pub region: &'a str,
}

impl Probe<'_> {
    pub async fn check(&self) -> Result<(), BucketError> {
        let head = self.request(Method::HEAD).await?;
        let status = head.status();
        let headers = head.headers();
        if !headers
            .keys()
            .any(|name| name.as_str().starts_with("x-amz"))
        {
            return Err(BucketError::NotS3 {
                store: self.settings.store_name(),
                status: status.as_u16(),
            });
        }
        let region = headers
            .get("x-amz-bucket-region")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        if let Some(actual) = region.filter(|actual| actual != self.region) {
            return Err(self.wrong_region(actual));
        }
        if status.is_success() {
            return Ok(());
        }
        if status == StatusCode::NOT_FOUND {
            return Err(BucketError::NoSuchBucket {
                bucket: self.bucket.bucket.clone(),
                store: self.settings.store_name(),
            });
        }
        // HEAD has no body: the error code is in a GET's
        let body = self
            .request(Method::GET)
            .await?
            .text()
            .await
            .unwrap_or_default();
        let code = element(&body, "Code").unwrap_or_else(|| status.to_string());
        if let Some(actual) = element(&body, "Region").filter(|r| r != self.region) {
            return Err(self.wrong_region(actual));
        }
        Err(match (status, code.as_str()) {
            (_, "NoSuchBucket") => BucketError::NoSuchBucket {
                bucket: self.bucket.bucket.clone(),
                store: self.settings.store_name(),
            },
            (StatusCode::FORBIDDEN, _)
            | (_, "InvalidAccessKeyId" | "SignatureDoesNotMatch" | "InvalidToken") => {
                BucketError::CredentialsRefused {
                    bucket: self.bucket.bucket.clone(),
                    store: self.settings.store_name(),
                    code,
                }
            }
            _ => BucketError::Refused {
                bucket: self.bucket.bucket.clone(),
                store: self.settings.store_name(),
                status: status.as_u16(),
                code,
            },
        })
    }

    async fn request(&self, method: Method) -> Result<reqwest::Response, BucketError> {
        let unsignable = |e: &dyn std::fmt::Display| {
            BucketError::Settings(format!("cannot sign a request for {}: {e}", self.url))
        };
        let mut request: HttpRequest = http::Request::builder()
            .method(method.clone())
            .uri(self.url)
            .body(HttpRequestBody::from(Vec::new()))
            .map_err(|e| unsignable(&e))?;
        AwsAuthorizer::new(self.credential, "s3", self.region)
            .try_authorize(&mut request, None)
            .map_err(|e| unsignable(&e))?;
        let host = request.uri().host().unwrap_or_default().to_string();
        self.http
            .request(method, self.url)
            .headers(request.headers().clone())
            .send()
            .await
            .map_err(|error| self.unreachable(&error, host))
    }

    fn wrong_region(&self, actual: String) -> BucketError {
        BucketError::WrongRegion {
            bucket: self.bucket.bucket.clone(),
            configured: self.region.to_string(),
            actual,
        }
    }

    fn unreachable(&self, error: &reqwest::Error, host: String) -> BucketError {
        let reason = innermost(error);
        let unresolved = reason.contains("failed to lookup address")
            || reason.contains("Name or service not known")
            || reason.contains("dns error");
        if unresolved && self.settings.url_style == UrlStyle::Vhost {
            return BucketError::UrlStyle {
                bucket: self.bucket.bucket.clone(),
                host,
            };
        }
        let reason = if error.is_timeout() {
            "timed out".to_string()
        } else if self.settings.use_ssl && reason.contains("InvalidContentType") {
            format!(
                "{reason}: the endpoint does not answer in TLS (use_ssl: false for plain http?)"
            )
        } else {
            reason
        };
        BucketError::Unreachable {
            store: self.settings.store_name(),
            reason,
        }
    }
}

/// The deepest cause's words ("Connection refused (os error 111)").
fn innermost(error: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = error;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

/// The text of the first `<name>` element of an S3 error document.
fn element(xml: &str, name: &str) -> Option<String> {
    let start = xml.find(&format!("<{name}>"))? + name.len() + 2;
    let end = xml[start..].find(&format!("</{name}>"))? + start;
    Some(xml[start..end].trim().to_string()).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::element;

    #[test]
    fn the_code_and_region_of_an_s3_error_document() {
        let body = "<?xml version=\"1.0\"?><Error><Code>AuthorizationHeaderMalformed</Code>\
                    <Region>eu-west-1</Region></Error>";
        assert_eq!(
            element(body, "Code").as_deref(),
            Some("AuthorizationHeaderMalformed")
        );
        assert_eq!(element(body, "Region").as_deref(), Some("eu-west-1"));
        assert_eq!(element("<html>", "Code"), None);
    }
}
