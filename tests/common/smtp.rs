//! The SMTP server the tests talk to over TCP: tests/smtp_server.py (aiosmtpd), with faults
//! injected by its arguments.

use super::repo;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

pub struct SmtpServer {
    child: Child,
    pub port: u16,
    store: PathBuf,
}

impl SmtpServer {
    pub fn start(store: &Path, port: u16, faults: &[&str]) -> SmtpServer {
        let mut child = Command::new("python3")
            .arg(repo().join("tests/smtp_server.py"))
            .args([
                "--port",
                &port.to_string(),
                "--store",
                &store.to_string_lossy(),
            ])
            .args(faults)
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 runs (the README's test command installs aiosmtpd)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .trim()
            .strip_prefix("PORT ")
            .unwrap_or_else(|| panic!("server did not start: {line}"))
            .parse()
            .unwrap();
        SmtpServer {
            child,
            port,
            store: store.to_path_buf(),
        }
    }

    /// Messages stored per recipient.
    pub fn received(&self) -> BTreeMap<String, usize> {
        let mut counts = BTreeMap::new();
        for entry in std::fs::read_dir(&self.store).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().to_string();
            if let Some(rest) = name.strip_suffix(".eml") {
                let recipient = rest.split_once('-').unwrap().1.to_string();
                *counts.entry(recipient).or_default() += 1;
            }
        }
        counts
    }

    pub fn total(&self) -> usize {
        self.received().values().sum()
    }

    pub fn message_to(&self, recipient: &str) -> Vec<u8> {
        for entry in std::fs::read_dir(&self.store).unwrap() {
            let path = entry.unwrap().path();
            if path
                .to_string_lossy()
                .ends_with(&format!("-{recipient}.eml"))
            {
                return std::fs::read(path).unwrap();
            }
        }
        panic!("no message to {recipient}")
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
