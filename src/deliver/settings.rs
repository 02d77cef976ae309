//! The transport a run uses: the config's `delivery`, then `run --transport`, then the
//! XBRIEF_SMTP_HOST / _PORT / _TLS environment variables for operators and tests.

use super::dispatch::Handover;
use super::outbox::Outbox;
use crate::config::{Delivery, SmtpTls, Transport};
#[cfg(test)]
use std::path::Path;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("transport smtp needs `delivery.smtp.host` in the config or XBRIEF_SMTP_HOST")]
    NoHost,
    #[error("invalid {name} `{value}`: expected {expected}")]
    Env {
        name: &'static str,
        value: String,
        expected: &'static str,
    },
    #[error(
        "plain SMTP (tls: none) is allowed to this machine only, not to `{host}`: use starttls or tls"
    )]
    PlainRemote { host: String },
    #[error("environment variable {name} (named by delivery.smtp.{key}) is not set")]
    Credential { name: String, key: &'static str },
    #[error("cannot read delivery.smtp.ca_file {}: {source}", path.display())]
    CaFile {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Errors compare by what they say, an I/O source by its kind.
impl PartialEq for SettingsError {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (
                SettingsError::CaFile { path, source },
                SettingsError::CaFile {
                    path: other_path,
                    source: other_source,
                },
            ) => path == other_path && source.kind() == other_source.kind(),
            _ => self.to_string() == other.to_string(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub tls: SmtpTls,
    /// Read from the environment variables the config names; never logged.
    pub credentials: Option<(String, String)>,
    /// An extra trusted root certificate (PEM), from `delivery.smtp.ca_file`.
    pub ca_pem: Option<Vec<u8>>,
    pub connections: u32,
    pub timeout: Duration,
}

#[derive(Debug, Clone)]
pub enum TransportSettings {
    Outbox(Outbox),
    Smtp(SmtpSettings),
}

impl TransportSettings {
    pub(super) fn handover(&self) -> &dyn Handover {
        match self {
            TransportSettings::Outbox(outbox) => outbox,
            TransportSettings::Smtp(smtp) => smtp,
        }
    }
}

fn is_local(host: &str) -> bool {
    matches!(host, "localhost" | "127.0.0.1" | "::1" | "[::1]")
}

/// Resolves the transport; `env` reads an environment variable (injected for tests).
pub fn resolve(
    delivery: &Delivery,
    transport: Option<Transport>,
    outbox: PathBuf,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<TransportSettings, SettingsError> {
    if transport.unwrap_or(delivery.transport) == Transport::File {
        return Ok(TransportSettings::Outbox(Outbox { dir: outbox }));
    }
    let section = delivery.smtp.as_ref();
    let host = env("XBRIEF_SMTP_HOST")
        .or_else(|| section.map(|s| s.host.clone()))
        .ok_or(SettingsError::NoHost)?;
    let tls = match env("XBRIEF_SMTP_TLS") {
        Some(value) => match value.as_str() {
            "starttls" => SmtpTls::Starttls,
            "tls" => SmtpTls::Tls,
            "none" => SmtpTls::None,
            _ => {
                return Err(SettingsError::Env {
                    name: "XBRIEF_SMTP_TLS",
                    value,
                    expected: "starttls, tls or none",
                });
            }
        },
        None => section.map(|s| s.tls).unwrap_or_default(),
    };
    if tls == SmtpTls::None && !is_local(&host) {
        return Err(SettingsError::PlainRemote { host });
    }
    let port = match env("XBRIEF_SMTP_PORT") {
        Some(value) => value.parse().map_err(|_| SettingsError::Env {
            name: "XBRIEF_SMTP_PORT",
            value,
            expected: "a port number",
        })?,
        None => section.and_then(|s| s.port).unwrap_or(match tls {
            SmtpTls::Starttls => 587,
            SmtpTls::Tls => 465,
            SmtpTls::None => 25,
        }),
    };
    let credential =
        |name: &Option<String>, key: &'static str| -> Result<Option<String>, SettingsError> {
            match name {
                None => Ok(None),
                Some(name) => env(name)
                    .map(Some)
                    .ok_or_else(|| SettingsError::Credential {
                        name: name.clone(),
                        key,
                    }),
            }
        };
    let user = credential(
        &section.and_then(|s| s.username_env.clone()),
        "username_env",
    )?;
    let password = credential(
        &section.and_then(|s| s.password_env.clone()),
        "password_env",
    )?;
    let ca_pem = match section.and_then(|s| s.ca_file.as_ref()) {
        None => None,
        Some(path) => Some(std::fs::read(path).map_err(|source| SettingsError::CaFile {
            path: path.clone(),
            source,
        })?),
    };
    Ok(TransportSettings::Smtp(SmtpSettings {
        host,
        port,
        tls,
        credentials: user.zip(password),
        ca_pem,
        connections: section.map_or(8, |s| s.connections),
        timeout: section.map_or(Duration::from_secs(30), |s| s.timeout),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use std::collections::HashMap;

    fn config(extra: &str) -> Config {
        let dir = tempfile::tempdir().unwrap();
        let text = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("config/xbrief.yaml"),
        )
        .unwrap()
        .replace(
            "  transport: file\n",
            &format!("  transport: smtp\n{extra}"),
        );
        let path = dir.path().join("xbrief.yaml");
        std::fs::write(&path, text).unwrap();
        Config::load(&path).unwrap()
    }

    fn resolve_with(
        config: &Config,
        vars: &[(&str, &str)],
    ) -> Result<TransportSettings, SettingsError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        resolve(&config.delivery, None, PathBuf::from("outbox"), &|name| {
            vars.get(name).cloned()
        })
    }

    fn smtp(settings: TransportSettings) -> SmtpSettings {
        match settings {
            TransportSettings::Smtp(s) => s,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_environment_overrides_the_config_and_credentials_come_from_named_variables() {
        let config = config(
            "  smtp: { host: mail.example.com, username_env: MAIL_USER, password_env: MAIL_PASSWORD }\n",
        );
        let s = smtp(resolve_with(&config, &[("MAIL_USER", "u"), ("MAIL_PASSWORD", "p")]).unwrap());
        assert_eq!(
            (s.host.as_str(), s.port, s.tls),
            ("mail.example.com", 587, SmtpTls::Starttls)
        );
        assert_eq!(s.credentials, Some(("u".into(), "p".into())));
        let s = smtp(
            resolve_with(
                &config,
                &[
                    ("MAIL_USER", "u"),
                    ("MAIL_PASSWORD", "p"),
                    ("XBRIEF_SMTP_HOST", "localhost"),
                    ("XBRIEF_SMTP_PORT", "2525"),
                    ("XBRIEF_SMTP_TLS", "none"),
                ],
            )
            .unwrap(),
        );
        assert_eq!(
            (s.host.as_str(), s.port, s.tls),
            ("localhost", 2525, SmtpTls::None)
        );
        assert_eq!(
            resolve_with(&config, &[("MAIL_USER", "u")]).unwrap_err(),
            SettingsError::Credential {
                name: "MAIL_PASSWORD".into(),
                key: "password_env"
            }
        );
    }

    #[test]
    fn plain_smtp_is_refused_for_a_remote_host_and_bad_variables_are_named() {
        let config = config("  smtp: { host: mail.example.com, tls: none }\n");
        assert_eq!(
            resolve_with(&config, &[]).unwrap_err(),
            SettingsError::PlainRemote {
                host: "mail.example.com".into()
            }
        );
        assert_eq!(
            resolve_with(&config, &[("XBRIEF_SMTP_TLS", "ssl")]).unwrap_err(),
            SettingsError::Env {
                name: "XBRIEF_SMTP_TLS",
                value: "ssl".into(),
                expected: "starttls, tls or none"
            }
        );
        let implicit = smtp(resolve_with(&config, &[("XBRIEF_SMTP_TLS", "tls")]).unwrap());
        assert_eq!(implicit.port, 465);
        assert_eq!(
            resolve_with(&super::tests::config(""), &[]).unwrap_err(),
            SettingsError::NoHost
        );
    }
}
