//! The PostgreSQL store over TLS, against a throwaway cluster that refuses connections in
//! the clear: libpq's `sslmode` and `sslrootcert` in `XBRIEF_STATE_URL`, each mode checking
//! what libpq's does.

mod common;

use common::postgres::Postgres;
use common::*;
use std::process::{Command, Output};

/// `xbrief state migrate` on the store at `url`.
fn migrate(url: &str) -> Output {
    migrate_with(url, &[])
}

/// The same, with libpq's variables `env`.
fn migrate_with(url: &str, env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xbrief"))
        .current_dir(repo())
        .args(["--config", "config/xbrief.yaml", "state", "migrate"])
        .env("XBRIEF_STATE_URL", url)
        .envs(env.iter().copied())
        .output()
        .unwrap()
}

#[test]
fn each_sslmode_checks_what_libpq_checks_and_nothing_goes_in_the_clear() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = common::certificate::self_signed(&dir.path().join("tls"));
    let pg = Postgres::start_tls(&cert, &key);
    let at = |host: &str, query: &str| {
        format!("postgres://postgres@{host}:{}/xbrief?{query}", pg.port)
            .replace("CERT", &cert.to_string_lossy())
    };
    // verified: the chain from the named root, and the name
    let verified = migrate(&at("localhost", "sslmode=verify-full&sslrootcert=CERT"));
    assert!(verified.status.success(), "{}", stderr(&verified));
    assert_eq!(String::from_utf8_lossy(&verified.stdout).trim(), "4");
    // the server refuses the clear (so the connection above was encrypted)
    let clear = migrate(&at("localhost", "sslmode=disable"));
    refused(&clear, 1, "no encryption");
    // encrypted, not authenticated (libpq's require): any certificate will do
    let required = migrate(&at("localhost", "sslmode=require"));
    assert!(required.status.success(), "{}", stderr(&required));
    // verify-full with only the public roots: our certificate is nobody's
    let unknown = migrate(&at("localhost", "sslmode=verify-full"));
    refused(&unknown, 1, "invalid peer certificate: UnknownIssuer");
    // the certificate is for localhost, not 127.0.0.1: verify-full refuses the name,
    // verify-ca (the chain only) and require with a root file (libpq: verify-ca) accept it
    let misnamed = migrate(&at("127.0.0.1", "sslmode=verify-full&sslrootcert=CERT"));
    refused(&misnamed, 1, "not valid for name");
    for mode in ["verify-ca", "require"] {
        let query = format!("sslmode={mode}&sslrootcert=CERT");
        let chain = migrate(&at("127.0.0.1", &query));
        assert!(chain.status.success(), "{mode}: {}", stderr(&chain));
    }
    // libpq's variables, when the URL says nothing
    let cert_text = cert.to_string_lossy();
    let from_env = [("PGSSLMODE", "verify-full"), ("PGSSLROOTCERT", &cert_text)];
    let plain_url = format!("postgres://postgres@localhost:{}/xbrief", pg.port);
    let verified = migrate_with(&plain_url, &from_env);
    assert!(verified.status.success(), "{}", stderr(&verified));
    let unknown = migrate_with(&plain_url, &from_env[..1]);
    refused(&unknown, 1, "invalid peer certificate: UnknownIssuer");
    // a root file that is not there is named, before any connection
    let query = "sslmode=verify-full&sslrootcert=/nonexistent/root.pem";
    let missing = migrate(&at("localhost", query));
    refused(&missing, 2, "sslrootcert /nonexistent/root.pem: ");
}

/// The command failed with `code`, saying `words`.
fn refused(output: &Output, code: i32, words: &str) {
    let said = stderr(output);
    assert_eq!(output.status.code(), Some(code), "{said}");
    assert!(said.contains(words), "expected {words:?} in: {said}");
}
