//! `xbrief serve` as a real process for the tests: a runner on demo exports in a temporary
//! folder, started with its stderr in a file, stopped with SIGTERM.

use super::*;
use std::path::PathBuf;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

pub struct Runner {
    pub dir: tempfile::TempDir,
    pub config: PathBuf,
    /// A copy of the valid config for `history`, whatever a test does to `config`.
    pub valid: PathBuf,
}

impl Runner {
    /// Demo exports and a config whose output and state live in a temporary folder;
    /// `edit` rewrites the config text.
    pub fn new(sites: usize, edit: impl Fn(String) -> String) -> Runner {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let text = small_demo(
            dir.path(),
            sites,
            "9",
            "{ attempts: 8, initial_ms: 40, max_ms: 400 }",
        )
        .replace("dir: demo-data", &format!("dir: {}", data.display()))
        .replace("demo_if_missing: true", "demo_if_missing: false")
        .replace(
            "output: out",
            &format!("output: {}", dir.path().join("out").display()),
        );
        let config = dir.path().join("xbrief.yaml");
        std::fs::write(&config, edit(text)).unwrap();
        let valid = dir.path().join("valid.yaml");
        std::fs::copy(&config, &valid).unwrap();
        Runner { dir, config, valid }
    }

    /// A runner whose stderr goes to a file (a pipe nobody reads would fill and block it).
    pub fn serve(&self) -> Served {
        self.serve_with(&[])
    }

    /// The same, with global options (`--log-format json`) before `serve`.
    pub fn serve_with(&self, options: &[&str]) -> Served {
        self.serve_as(options, &[])
    }

    /// The same, with environment variables (`XBRIEF_REPLICA`).
    pub fn serve_as(&self, options: &[&str], env: &[(&str, &str)]) -> Served {
        static STARTED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = STARTED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let log = self.dir.path().join(format!("serve-{n}.log"));
        let child = Command::new(env!("CARGO_BIN_EXE_xbrief"))
            .current_dir(repo())
            .args(["--config", &self.config.to_string_lossy()])
            .args(options)
            .arg("serve")
            .envs(env.iter().copied())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        Served { child, log }
    }

    pub fn history(&self) -> String {
        let output = Command::new(env!("CARGO_BIN_EXE_xbrief"))
            .current_dir(repo())
            .args(["--config", &self.valid.to_string_lossy(), "history"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&output.stdout).to_string()
    }

    pub fn runs_of(&self, job: &str) -> usize {
        self.history()
            .lines()
            .filter(|l| l.contains(&format!(" {job} ")) && l.contains("→"))
            .count()
    }
}

pub struct Served {
    pub child: Child,
    pub log: PathBuf,
}

/// A runner left running by a failed test is killed, so no test leaves a process behind.
impl Drop for Served {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// SIGTERM, then the runner's stderr (it exits 0 once the runs in flight are done).
pub fn stop(mut served: Served) -> String {
    let (child, log) = (&mut served.child, served.log.clone());
    // SAFETY: signalling our own child process.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "serve did not stop"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let status = child.wait().unwrap();
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(status.success(), "serve exits 0 on SIGTERM: {text}");
    text
}

pub fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Only the named job, on the given schedule (the others never fire in a test).
pub fn only(job: &str, schedule: &str, catch_up: &str) -> impl Fn(String) -> String {
    let (job, schedule, catch_up) = (job.to_string(), schedule.to_string(), catch_up.to_string());
    move |text: String| {
        let mut out = Vec::new();
        let mut current = String::new();
        for line in text.lines() {
            if let Some(name) = line
                .strip_prefix("  ")
                .and_then(|l| l.strip_suffix(':'))
                .filter(|n| !n.starts_with(' '))
            {
                current = name.to_string();
            }
            if line.trim_start().starts_with("schedule:") {
                let value = if current == job {
                    schedule.clone()
                } else {
                    "0 0 1 1 *".to_string()
                };
                out.push(format!("    schedule: \"{value}\""));
                if current == job && !catch_up.is_empty() {
                    out.push(format!("    catch_up_within: {catch_up}"));
                }
                continue;
            }
            out.push(line.to_string());
        }
        out.join("\n") + "\n"
    }
}
