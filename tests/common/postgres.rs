//! A throwaway PostgreSQL cluster for a test: Debian's server, `initdb` into a temporary
//! folder and `pg_ctl` on a free port, as the `postgres` user when the tests run as root
//! (the server refuses root). Stopped (immediately) when dropped, even when a test fails.

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Postgres {
    dir: tempfile::TempDir,
    pub port: u16,
}

/// The server's programs: Debian keeps them out of PATH, per major version.
fn bin(program: &str) -> PathBuf {
    let mut found: Vec<PathBuf> = glob::glob(&format!("/usr/lib/postgresql/*/bin/{program}"))
        .unwrap()
        .flatten()
        .collect();
    found.sort();
    found
        .pop()
        .unwrap_or_else(|| panic!("{program}: install Debian's postgresql (.ci/run does)"))
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// `program args…`, as `postgres` when we are root.
fn as_server_user(program: &Path, args: &[&str]) -> std::process::Output {
    let mut command = if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    };
    command
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}", program.display()))
}

impl Postgres {
    /// A new cluster, started, with database `xbrief`.
    pub fn start() -> Postgres {
        Postgres::start_configured(|_| {})
    }

    /// The same, answering TCP over TLS only (`hostssl`; a connection in the clear is
    /// refused), with the certificate and key given.
    pub fn start_tls(cert: &Path, key: &Path) -> Postgres {
        Postgres::start_configured(|data| {
            let (server_cert, server_key) = (data.join("server.crt"), data.join("server.key"));
            std::fs::copy(cert, &server_cert).unwrap();
            std::fs::copy(key, &server_key).unwrap();
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&server_key, std::fs::Permissions::from_mode(0o600)).unwrap();
            let mut conf = std::fs::read_to_string(data.join("postgresql.conf")).unwrap();
            conf.push_str(
                "\nssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n",
            );
            std::fs::write(data.join("postgresql.conf"), conf).unwrap();
            std::fs::write(
                data.join("pg_hba.conf"),
                "local all all trust\nhostssl all all 127.0.0.1/32 trust\nhostnossl all all 127.0.0.1/32 reject\n",
            )
            .unwrap();
            if is_root() {
                for file in [&server_cert, &server_key] {
                    let status = Command::new("chown")
                        .arg("postgres:postgres")
                        .arg(file)
                        .status()
                        .unwrap();
                    assert!(status.success());
                }
            }
        })
    }

    /// A new cluster, `configure`d (its data folder) before it first starts.
    fn start_configured(configure: impl FnOnce(&Path)) -> Postgres {
        let dir = tempfile::Builder::new()
            .prefix("xbrief-pg")
            .tempdir()
            .unwrap();
        if is_root() {
            let status = Command::new("chown")
                .args(["postgres:postgres"])
                .arg(dir.path())
                .status()
                .unwrap();
            assert!(status.success(), "chown the cluster's folder");
        }
        let data = dir.path().join("data");
        let out = as_server_user(
            &bin("initdb"),
            &[
                "-D",
                data.to_str().unwrap(),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
            ],
        );
        assert!(
            out.status.success(),
            "initdb: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        configure(&data);
        let postgres = Postgres {
            port: super::smtp::free_port(),
            dir,
        };
        postgres.start_again();
        let out = as_server_user(
            &bin("createdb"),
            &[
                "-h",
                "127.0.0.1",
                "-p",
                &postgres.port.to_string(),
                "-U",
                "postgres",
                "xbrief",
            ],
        );
        assert!(
            out.status.success(),
            "createdb: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        postgres
    }

    /// Starts the stopped server again, on the same port, and waits until it answers.
    pub fn start_again(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c max_connections=200",
            self.port,
            self.dir.path().display()
        );
        let log = self.dir.path().join("server.log");
        let out = as_server_user(
            &bin("pg_ctl"),
            &[
                "-D",
                self.data().to_str().unwrap(),
                "-o",
                &options,
                "-l",
                log.to_str().unwrap(),
                "-w",
                "start",
            ],
        );
        assert!(
            out.status.success(),
            "pg_ctl start: {}{}",
            String::from_utf8_lossy(&out.stderr),
            std::fs::read_to_string(&log).unwrap_or_default()
        );
    }

    /// Stops the server at once, as a crash or a failover would.
    pub fn stop(&self) {
        let _ = as_server_user(
            &bin("pg_ctl"),
            &[
                "-D",
                self.data().to_str().unwrap(),
                "-m",
                "immediate",
                "-w",
                "stop",
            ],
        );
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// The store's URL (trust authentication: no password).
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/xbrief", self.port)
    }

    /// A query's rows through psql, as `a|b` lines.
    pub fn psql(&self, sql: &str) -> String {
        self.psql_at(&self.url(), sql)
    }

    /// As [`Postgres::psql`], in the database of `url`.
    pub fn psql_at(&self, url: &str, sql: &str) -> String {
        let out = Command::new(bin("psql"))
            .args(["-X", "-q", "-A", "-t", "-d", url, "-c", sql])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "psql {sql}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        self.stop();
    }
}

impl Postgres {
    /// A second, empty database on the same server; its URL.
    pub fn create_database(&self, name: &str) -> String {
        self.psql(&format!("CREATE DATABASE {name}"));
        format!("postgres://postgres@127.0.0.1:{}/{name}", self.port)
    }
}
