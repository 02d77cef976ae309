//! Where the state store is: `sqlite:PATH` (the embedded default) or `postgres://…`, parsed
//! once. A PostgreSQL URL's password comes from the environment only (`XBRIEF_STATE_URL`
//! or `PGPASSWORD`), and the URL is only ever shown without it. Its TLS words (`sslmode`,
//! `sslrootcert`) are libpq's, read by [`super::tls`].

use super::tls::{ServerTls, TlsError};
use std::path::PathBuf;
use std::str::FromStr;

#[derive(Clone)]
pub enum StateUrl {
    /// The SQLite file.
    Sqlite(PathBuf),
    Postgres(Box<PostgresUrl>),
}

#[derive(Clone)]
pub struct PostgresUrl {
    pub(super) config: postgres::Config,
    pub(super) tls: tokio_postgres_rustls::MakeRustlsConnect,
    /// user@host:port/database, for messages.
    shown: String,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum StateUrlError {
    #[error("expected `sqlite:PATH` or `postgres://user@host:port/database`, found `{0}`")]
    Scheme(String),
    #[error("not a PostgreSQL URL ({0})")]
    Postgres(String),
    #[error(transparent)]
    Tls(#[from] TlsError),
    #[error(
        "a password does not belong in the config file: set XBRIEF_STATE_URL or PGPASSWORD in the environment"
    )]
    PasswordInFile,
}

impl StateUrl {
    /// A URL from the environment (`XBRIEF_STATE_URL`), which may carry a password.
    pub fn from_env(text: &str) -> Result<StateUrl, StateUrlError> {
        StateUrl::parse(text, true)
    }

    /// A URL from the config file, which must not carry a password.
    pub fn from_file(text: &str) -> Result<StateUrl, StateUrlError> {
        StateUrl::parse(text, false)
    }

    fn parse(text: &str, password_allowed: bool) -> Result<StateUrl, StateUrlError> {
        if let Some(path) = text.strip_prefix("sqlite:") {
            let path = path.strip_prefix("//").unwrap_or(path);
            if path.is_empty() {
                return Err(StateUrlError::Scheme(text.to_string()));
            }
            return Ok(StateUrl::Sqlite(PathBuf::from(path)));
        }
        if !(text.starts_with("postgres://") || text.starts_with("postgresql://")) {
            // never echo what might be a URL with a password in it
            let scheme = text.split_once(':').map_or("", |(s, _)| s);
            return Err(StateUrlError::Scheme(format!("{scheme}:…")));
        }
        let (text, ServerTls { mode, connector }) =
            super::tls::from_url(text, &|name| std::env::var(name).ok())?;
        let mut config = postgres::Config::from_str(&text)
            .map_err(|e| StateUrlError::Postgres(e.to_string()))?;
        config.ssl_mode(mode);
        if config.get_password().is_some() && !password_allowed {
            return Err(StateUrlError::PasswordInFile);
        }
        if config.get_password().is_none()
            && let Ok(password) = std::env::var("PGPASSWORD")
        {
            config.password(password);
        }
        if config.get_application_name().is_none() {
            config.application_name("xbrief");
        }
        let shown = shown(&config);
        Ok(StateUrl::Postgres(Box::new(PostgresUrl {
            config,
            tls: connector,
            shown,
        })))
    }
}

/// user@host:port/database, never the password.
fn shown(config: &postgres::Config) -> String {
    let user = config
        .get_user()
        .map(|u| format!("{u}@"))
        .unwrap_or_default();
    let host = match config.get_hosts().first() {
        Some(postgres::config::Host::Tcp(host)) => host.clone(),
        Some(postgres::config::Host::Unix(path)) => path.display().to_string(),
        None => "localhost".into(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let database = config.get_dbname().unwrap_or("");
    format!("postgres://{user}{host}:{port}/{database}")
}

impl std::fmt::Display for StateUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StateUrl::Sqlite(path) => write!(f, "{}", path.display()),
            StateUrl::Postgres(url) => f.write_str(&url.shown),
        }
    }
}

/// Debug is Display: the password never reaches a log line.
impl std::fmt::Debug for StateUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "StateUrl({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_postgres_url_is_shown_without_its_password() {
        let url = StateUrl::from_env("postgres://xbrief:s3cret@db.internal:6543/briefs").unwrap();
        assert_eq!(url.to_string(), "postgres://xbrief@db.internal:6543/briefs");
        assert!(!format!("{url:?}").contains("s3cret"));
    }

    #[test]
    fn the_file_may_not_hold_a_password() {
        assert_eq!(
            StateUrl::from_file("postgres://xbrief:s3cret@db/briefs").unwrap_err(),
            StateUrlError::PasswordInFile
        );
        assert!(StateUrl::from_file("postgres://xbrief@db/briefs").is_ok());
    }

    #[test]
    fn sqlite_is_a_path_and_other_schemes_are_refused_without_their_text() {
        match StateUrl::from_file("sqlite:/var/lib/xbrief/state.sqlite").unwrap() {
            StateUrl::Sqlite(path) => {
                assert_eq!(path, PathBuf::from("/var/lib/xbrief/state.sqlite"))
            }
            StateUrl::Postgres(_) => panic!("sqlite expected"),
        }
        let error = StateUrl::from_env("mysql://root:pw@db/x")
            .unwrap_err()
            .to_string();
        assert_eq!(
            error,
            "expected `sqlite:PATH` or `postgres://user@host:port/database`, found `mysql:…`"
        );
    }
}
