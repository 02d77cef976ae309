//! A self-signed certificate for `localhost`, made by openssl, for the TLS tests (SMTP and
//! the PostgreSQL store): its own root, trusted by naming the file.

use std::path::{Path, PathBuf};
use std::process::Command;

/// `cert.pem` and `key.pem` in `dir`, valid for two days, for the DNS name `localhost` only
/// (not 127.0.0.1, so a name check can be seen to fail).
pub fn self_signed(dir: &Path) -> (PathBuf, PathBuf) {
    std::fs::create_dir_all(dir).unwrap();
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let made = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=localhost",
        ])
        .args([
            "-addext",
            "subjectAltName=DNS:localhost",
            "-addext",
            "basicConstraints=critical,CA:FALSE",
        ])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .unwrap();
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    (cert, key)
}
