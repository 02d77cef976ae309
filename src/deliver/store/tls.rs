//! TLS to PostgreSQL, in libpq's words: `sslmode` (`disable`, `prefer`, `require`,
//! `verify-ca`, `verify-full`) and `sslrootcert=FILE` in the URL, else libpq's variables
//! `PGSSLMODE` and `PGSSLROOTCERT`. rust-postgres knows only the first three modes, so the
//! TLS words are read here and the client is handed `require` for the verifying modes, with
//! a rustls verifier that checks what the mode asks: nothing (encryption only), the chain,
//! or the chain and the host name.

use postgres::config::SslMode;
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, RootCertStore, SignatureScheme};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio_postgres_rustls::MakeRustlsConnect;

/// What a TLS connection checks of the server's certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Check {
    /// `prefer` and `require` (libpq's meaning): encrypted, the server not authenticated.
    Nothing,
    /// `verify-ca`, or `require` with `sslrootcert`: signed by a trusted root.
    Chain,
    /// `verify-full`: signed by a trusted root and issued for the host connected to.
    ChainAndName,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TlsError {
    #[error("sslmode `{0}`: expected disable, prefer, require, verify-ca or verify-full")]
    Mode(String),
    #[error("sslrootcert {}: {reason}: expected a file of PEM certificates", .path.display())]
    RootCert { path: PathBuf, reason: String },
    #[error("TLS: {0}")]
    Setup(String),
}

/// The URL's TLS words, taken out: the mode rust-postgres is given, and the connector.
pub struct ServerTls {
    pub mode: SslMode,
    pub connector: MakeRustlsConnect,
}

/// Reads `sslmode` and `sslrootcert` from the URL's query, or from `env`'s `PGSSLMODE` and
/// `PGSSLROOTCERT`; the URL comes back without them.
pub fn from_url(
    text: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<(String, ServerTls), TlsError> {
    let (base, query) = text.split_once('?').unwrap_or((text, ""));
    let mut mode = env("PGSSLMODE").unwrap_or_else(|| String::from("prefer"));
    let mut root_file = env("PGSSLROOTCERT").map(PathBuf::from);
    // the other parameters stay as written: rust-postgres percent-decodes them itself
    let mut kept = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let decoded = || percent_encoding::percent_decode_str(value).decode_utf8_lossy();
        match key {
            "sslmode" => mode = decoded().into_owned(),
            "sslrootcert" => root_file = Some(PathBuf::from(decoded().as_ref())),
            _ => kept.push(pair),
        }
    }
    let (ssl_mode, check) = match (mode.as_str(), &root_file) {
        ("disable", _) => (SslMode::Disable, Check::Nothing),
        ("prefer", _) => (SslMode::Prefer, Check::Nothing),
        ("require", None) => (SslMode::Require, Check::Nothing),
        // libpq: with a root file, require verifies the chain
        ("require", Some(_)) | ("verify-ca", _) => (SslMode::Require, Check::Chain),
        ("verify-full", _) => (SslMode::Require, Check::ChainAndName),
        _ => return Err(TlsError::Mode(mode)),
    };
    let roots = match &root_file {
        Some(path) => roots_from(path)?,
        None => RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        },
    };
    let connector = connector(roots, check)?;
    let url = match kept.is_empty() {
        true => base.to_string(),
        false => format!("{base}?{}", kept.join("&")),
    };
    let tls = ServerTls {
        mode: ssl_mode,
        connector,
    };
    Ok((url, tls))
}

/// The roots of `sslrootcert`: every certificate in the file.
fn roots_from(path: &Path) -> Result<RootCertStore, TlsError> {
    let failed = |reason: String| TlsError::RootCert {
        path: path.to_path_buf(),
        reason,
    };
    let certificates: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
        .map_err(|e| failed(e.to_string()))?
        .collect::<Result<_, _>>()
        .map_err(|e| failed(e.to_string()))?;
    if certificates.is_empty() {
        return Err(failed("no certificate in it".into()));
    }
    let mut roots = RootCertStore::empty();
    for certificate in certificates {
        roots.add(certificate).map_err(|e| failed(e.to_string()))?;
    }
    Ok(roots)
}

fn connector(roots: RootCertStore, check: Check) -> Result<MakeRustlsConnect, TlsError> {
    // ring, as lettre's and the bucket client's rustls already use
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .build()
        .map_err(|e| TlsError::Setup(e.to_string()))?;
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsError::Setup(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(Verifier { webpki, check }))
        .with_no_client_auth();
    Ok(MakeRustlsConnect::new(config))
}

/// webpki's verifier, asked only what the mode checks. The handshake's signatures are always
/// verified: even unauthenticated, the session key is the certificate's.
#[derive(Debug)]
struct Verifier {
    webpki: Arc<WebPkiServerVerifier>,
    check: Check,
}

impl ServerCertVerifier for Verifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if self.check == Check::Nothing {
            return Ok(ServerCertVerified::assertion());
        }
        let verified = self.webpki.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        );
        match verified {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) if self.check == Check::Chain => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.webpki.supported_verify_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from_url_alone(text: &str) -> Result<(String, ServerTls), TlsError> {
        from_url(text, &|_| None)
    }

    #[test]
    fn the_tls_words_leave_the_url_and_the_rest_stays() {
        let (url, tls) = from_url_alone(
            "postgres://x@db:5432/briefs?sslmode=verify-full&application_name=pod-1",
        )
        .unwrap();
        assert_eq!(url, "postgres://x@db:5432/briefs?application_name=pod-1");
        assert_eq!(tls.mode, SslMode::Require);
        let (url, tls) = from_url_alone("postgres://x@db/briefs").unwrap();
        assert_eq!(url, "postgres://x@db/briefs");
        assert_eq!(tls.mode, SslMode::Prefer);
        let (_, tls) = from_url_alone("postgres://x@db/briefs?sslmode=disable").unwrap();
        assert_eq!(tls.mode, SslMode::Disable);
        // kept as written: `+` is not a space to rust-postgres
        let (url, _) =
            from_url_alone("postgres://x@db/b?options=-c%20a%3D1+2&sslmode=require").unwrap();
        assert_eq!(url, "postgres://x@db/b?options=-c%20a%3D1+2");
    }

    #[test]
    fn an_unknown_mode_and_a_missing_root_file_are_named() {
        assert_eq!(
            from_url_alone("postgres://x@db/b?sslmode=allow")
                .err()
                .unwrap()
                .to_string(),
            "sslmode `allow`: expected disable, prefer, require, verify-ca or verify-full"
        );
        let error =
            from_url_alone("postgres://x@db/b?sslmode=verify-ca&sslrootcert=/nonexistent/ca.pem")
                .err()
                .unwrap()
                .to_string();
        assert!(
            error.starts_with("sslrootcert /nonexistent/ca.pem: ")
                && error.ends_with(": expected a file of PEM certificates"),
            "{error}"
        );
        let empty = tempfile::NamedTempFile::new().unwrap();
        let text = format!("postgres://x@db/b?sslrootcert={}", empty.path().display());
        assert!(
            from_url_alone(&text)
                .err()
                .unwrap()
                .to_string()
                .contains(": no certificate in it: "),
        );
    }

    #[test]
    fn the_variables_apply_unless_the_url_says_otherwise() {
        let env = |name: &str| (name == "PGSSLMODE").then(|| "disable".to_string());
        let (_, tls) = from_url("postgres://x@db/b", &env).unwrap();
        assert_eq!(tls.mode, SslMode::Disable);
        let (_, tls) = from_url("postgres://x@db/b?sslmode=verify-full", &env).unwrap();
        assert_eq!(tls.mode, SslMode::Require);
        let missing = |name: &str| (name == "PGSSLROOTCERT").then(|| "/nonexistent/r.pem".into());
        assert!(matches!(
            from_url("postgres://x@db/b", &missing),
            Err(TlsError::RootCert { .. })
        ));
    }
}
