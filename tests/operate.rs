//! Operating the runner, with real parts: `/metrics` checked by `promtool` (Debian
//! `prometheus`), the status page read back from headless Chromium's DOM (Debian
//! `chromium`), pause and resume across fires, `send-test` through a real SMTP server, the
//! heartbeat heard by a local HTTP server, and `run`'s exit code per failure class.

mod common;

use common::runner::*;
use common::smtp::SmtpServer;
use common::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The config text with `serve.listen` on `port` (and more `serve` lines).
fn listening(port: u16, more: &str) -> impl Fn(String) -> String {
    let more = more.to_string();
    move |text: String| format!("{text}\nserve:\n  listen: 127.0.0.1:{port}\n{more}")
}

/// A runner of site-scorecards firing every 2 s, its listener on `port`.
fn every_two_seconds(sites: usize, port: u16, catch_up: &str, more: &str) -> Runner {
    let (catch_up, more) = (catch_up.to_string(), more.to_string());
    Runner::new(sites, move |text| {
        listening(port, &more)(only("site-scorecards", "*/2 * * * * *", &catch_up)(text))
    })
}

/// One HTTP/1.1 GET: (status, body).
fn get(port: u16, path: &str) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let status = response.split(' ').nth(1)?.parse().ok()?;
    let body = response.split_once("\r\n\r\n")?.1.to_string();
    Some((status, body))
}

fn promtool_accepts(text: &str) {
    let mut check = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("promtool runs (the README's test command installs Debian's prometheus)");
    check
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let output = check.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "promtool: {}{}\n{text}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The page as headless Chromium rendered it: its DOM, serialized.
fn chromium_dom(url: &str) -> String {
    let profile = tempfile::tempdir().unwrap();
    let output = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(["--dump-dom", url])
        .stderr(Stdio::null())
        .output()
        .expect("chromium runs (the README's test command installs Debian's chromium)");
    assert!(output.status.success(), "chromium failed");
    String::from_utf8_lossy(&output.stdout).to_string()
}

/// A metric's value in the text format.
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.trim().parse().ok())
}

fn xbrief_with(runner: &Runner, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xbrief"))
        .current_dir(repo())
        .args(["--config", &runner.valid.to_string_lossy()])
        .args(args)
        .output()
        .unwrap()
}

/// The period of the first run `history` lists.
fn period_of_history(runner: &Runner) -> String {
    let history = runner.history();
    let line = history
        .lines()
        .find(|l| l.contains(" site-scorecards "))
        .expect("a run of site-scorecards");
    line.split_whitespace().nth(2).unwrap().to_string()
}

#[test]
fn metrics_and_the_status_page_tell_what_ran_and_what_failed() {
    let port = free_port();
    let runner = every_two_seconds(4, port, "", "");
    // a failure planted before: the data folder is missing
    let planted = xbrief_with(
        &runner,
        &[
            "run",
            "site-scorecards",
            "--period",
            "2026-09",
            "--data",
            "/nonexistent/exports",
        ],
    );
    assert_eq!(planted.status.code(), Some(3), "a data failure exits 3");
    let served = runner.serve();
    wait_for("the listener", || get(port, "/healthz").is_some());
    let mut scrapes = Vec::new();
    wait_for("a successful run", || {
        if let Some((200, text)) = get(port, "/metrics") {
            scrapes.push(text);
        }
        runner.history().contains(" succeeded: ")
    });
    std::thread::sleep(Duration::from_millis(300));
    let (status, after) = get(port, "/metrics").unwrap();
    assert_eq!(status, 200);
    scrapes.push(after.clone());
    for text in &scrapes {
        promtool_accepts(text);
    }
    assert_eq!(get(port, "/healthz").unwrap().0, 200);
    assert_eq!(get(port, "/readyz").unwrap().0, 200);
    let dom = chromium_dom(&format!("http://127.0.0.1:{port}/"));
    let log = stop(served);

    // the counts are the ledger's
    let history = runner.history();
    let sent = history
        .lines()
        .filter(|l| l.contains(": sent after"))
        .count();
    assert_eq!(sent, 4, "{history}");
    let series = |name: &str| sample(&after, name).unwrap_or_else(|| panic!("{name} in {after}"));
    assert_eq!(
        series("xbrief_deliveries_total{job=\"site-scorecards\",status=\"sent\"}"),
        sent as f64
    );
    assert_eq!(
        series("xbrief_runs_total{job=\"site-scorecards\",outcome=\"failed\"}"),
        1.0
    );
    assert!(series("xbrief_runs_total{job=\"site-scorecards\",outcome=\"succeeded\"}") >= 1.0);
    assert!(series("xbrief_job_last_success_timestamp_seconds{job=\"site-scorecards\"}") > 1.7e9);
    assert!(series("xbrief_job_next_fire_timestamp_seconds{job=\"site-scorecards\"}") > 1.7e9);
    assert_eq!(series("xbrief_job_paused{job=\"site-scorecards\"}"), 0.0);
    assert_eq!(series("xbrief_config_last_reload_success"), 1.0);
    assert!(series("xbrief_run_duration_seconds_count{job=\"site-scorecards\"}") >= 2.0);
    assert!(
        series("xbrief_export_newest_row_timestamp_seconds{export=\"customer_responses\"}") > 1.7e9
    );
    assert!(!after.contains('@'), "no address in a label: {after}");
    // the status page, as the browser shows it
    for job in [
        "site-scorecards",
        "executive-monthly",
        "frontline-weekly",
        "comp-quarterly",
    ] {
        assert!(
            dom.contains(&format!("id=\"job-{job}\"")),
            "{job} on the page: {dom}"
        );
    }
    assert!(
        dom.contains("<td>2026-09</td><td>data</td>"),
        "the planted failure's stage: {dom}"
    );
    assert!(
        dom.contains("no file matches /nonexistent/exports/sites.parquet"),
        "{dom}"
    );
    assert!(
        dom.contains("then `xbrief run site-scorecards --period 2026-09`"),
        "{dom}"
    );
    assert!(!dom.contains("@example"), "no recipient on the page");
    assert!(!dom.contains("<script"), "no JavaScript");
    assert!(
        log.contains("status page and metrics on http://127.0.0.1:"),
        "{log}"
    );
}

#[test]
fn a_paused_job_skips_its_fires_and_runs_again_when_resumed() {
    let port = free_port();
    let runner = every_two_seconds(4, port, "1h", "");
    let paused = xbrief_with(
        &runner,
        &["pause", "site-scorecards", "--reason", "data migration"],
    );
    assert!(paused.status.success(), "{}", stderr(&paused));
    let plan =
        String::from_utf8_lossy(&xbrief_with(&runner, &["plan", "--next", "1"]).stdout).to_string();
    assert!(
        plan.contains("paused: site-scorecards: data migration (by "),
        "{plan}"
    );
    let json = xbrief_with(&runner, &["plan", "--next", "1", "--format", "json"]).stdout;
    let plans: serde_json::Value = serde_json::from_slice(&json).unwrap();
    let held: Vec<&serde_json::Value> = plans
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| !p["paused"].is_null())
        .collect();
    assert_eq!(held.len(), 1, "{plans}");
    assert_eq!(held[0]["job"], "site-scorecards");
    let served = runner.serve();
    wait_for("two skipped fires", || {
        runner.history().matches(" skipped: 0 sent").count() >= 2
    });
    let (_, metrics) = get(port, "/metrics").unwrap();
    assert_eq!(
        sample(&metrics, "xbrief_job_paused{job=\"site-scorecards\"}"),
        Some(1.0)
    );
    assert!(
        !runner.history().contains(" succeeded: "),
        "nothing ran while paused"
    );
    let dom = chromium_dom(&format!("http://127.0.0.1:{port}/"));
    assert!(
        dom.contains("data migration"),
        "the status page shows the hold: {dom}"
    );
    let resumed = xbrief_with(&runner, &["resume", "site-scorecards"]);
    assert!(resumed.status.success(), "{}", stderr(&resumed));
    wait_for("the run after resume", || {
        runner.history().contains(" succeeded: ")
    });
    let log = stop(served);
    assert!(log.contains("skipped: paused by"), "{log}");
    assert!(log.contains("(data migration)"), "{log}");
    // (the catch-up at the resume is a_resumed_job_catches_up_its_latest_miss's: here the
    // next fire, 2 s away, may run before the runner sees the resume)
    assert!(log.contains("site-scorecards: resumed"), "{log}");
    let history = runner.history();
    assert!(
        history.contains("(paused by "),
        "skipped fires say why: {history}"
    );

    // every job, until an instant: over by itself
    let until = (chrono::Utc::now() + chrono::Duration::seconds(3)).to_rfc3339();
    let all = xbrief_with(
        &runner,
        &["pause", "--all", "--reason", "freeze", "--until", &until],
    );
    assert!(all.status.success(), "{}", stderr(&all));
    let history = runner.history();
    assert!(history.contains("every job: freeze"), "{history}");
    assert_eq!(
        xbrief_with(&runner, &["resume", "site-scorecards"])
            .status
            .code(),
        Some(1),
        "not paused on its own"
    );
}

/// Resumed, a job catches up its latest miss within `catch_up_within`. The job fires at
/// second 0 of each minute, and the resume is made well clear of it, so only the catch-up
/// can run it.
#[test]
fn a_resumed_job_catches_up_its_latest_miss() {
    let runner = Runner::new(2, only("site-scorecards", "0 * * * * *", "1h"));
    let paused = xbrief_with(&runner, &["pause", "site-scorecards", "--reason", "audit"]);
    assert!(paused.status.success(), "{}", stderr(&paused));
    let served = runner.serve();
    wait_for("the runner", || {
        std::fs::read_to_string(&served.log).is_ok_and(|log| log.contains("serving "))
    });
    wait_for("a quiet second", || {
        (5..45).contains(&chrono::Timelike::second(&chrono::Utc::now()))
    });
    assert!(
        xbrief_with(&runner, &["resume", "site-scorecards"])
            .status
            .success()
    );
    wait_for("the caught-up run", || {
        runner.history().contains(" succeeded: ")
    });
    let log = stop(served);
    assert!(log.contains("site-scorecards: resumed"), "{log}");
    assert!(
        log.contains("caught up: missed at"),
        "the miss is caught up: {log}"
    );
    assert!(!log.contains("starting (scheduled at"), "{log}");
}

#[test]
fn a_test_send_arrives_marked_and_never_counts_as_a_delivery() {
    let mail = tempfile::tempdir().unwrap();
    let server = SmtpServer::start(&mail.path().join("mail"), 0, &[]);
    let smtp = server.port;
    let runner = Runner::new(2, move |text| {
        text.replace(
            "  transport: file",
            &format!("  transport: smtp\n  smtp: {{ host: localhost, port: {smtp}, tls: none }}"),
        )
    });
    let test = xbrief_with(
        &runner,
        &[
            "send-test",
            "site-scorecards",
            "--site",
            "S001",
            "--to",
            "qa@example.fr",
            "--period",
            "2026-10",
        ],
    );
    assert!(test.status.success(), "{}", stderr(&test));
    let raw = server.message_to("qa@example.fr");
    let message = mailparse::parse_mail(&raw).unwrap();
    let header = |name: &str| {
        message
            .headers
            .iter()
            .find(|h| h.get_key().eq_ignore_ascii_case(name))
            .map(|h| h.get_value())
    };
    assert!(
        header("X-Xbrief-Test").is_some_and(|id| id.len() == 36),
        "a test id"
    );
    let subject = header("Subject").unwrap();
    assert!(
        subject.starts_with("[ESSAI] ") || subject.starts_with("[TEST] "),
        "{subject}"
    );
    assert!(
        message.subparts.len() >= 2,
        "the briefing's PDF is attached"
    );
    let history = runner.history();
    assert!(
        !history
            .lines()
            .any(|l| l.contains("qa@example.fr") && l.contains("attempt")),
        "{history}"
    );
    assert!(
        history.contains("test sends (not deliveries):"),
        "{history}"
    );
    // the real run still sends S001's briefing to its manager
    let run = xbrief_with(&runner, &["run", "site-scorecards", "--period", "2026-10"]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert_eq!(
        server.received().len(),
        3,
        "the test address and both managers: {:?}",
        server.received()
    );
    // the allowed domains apply to a test too
    let outside = xbrief_with(
        &runner,
        &[
            "send-test",
            "site-scorecards",
            "--site",
            "S001",
            "--to",
            "qa@gmail.com",
            "--period",
            "2026-10",
        ],
    );
    assert_eq!(outside.status.code(), Some(2), "{}", stderr(&outside));
    assert!(!server.received().contains_key("qa@gmail.com"));
}

/// A Healthchecks-style service: records each request's path, answers 200.
fn heartbeat_server() -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let heard = Arc::new(Mutex::new(Vec::new()));
    let record = heard.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            reader.read_line(&mut line).unwrap_or_default();
            if let Some(path) = line.split(' ').nth(1) {
                record.lock().unwrap().push(path.to_string());
            }
            let mut stream = stream;
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nOK");
        }
    });
    (port, heard)
}

#[test]
fn the_heartbeat_hears_start_success_and_fail_in_order() {
    let (beat_port, heard) = heartbeat_server();
    let port = free_port();
    let heartbeat = format!("  heartbeat_url: http://127.0.0.1:{beat_port}/ping/3f2a/");
    let runner = every_two_seconds(2, port, "", &heartbeat);
    let served = runner.serve();
    wait_for("a success beat", || {
        heard.lock().unwrap().iter().any(|p| p == "/ping/3f2a")
    });
    // the exports disappear: the next run fails
    std::fs::remove_file(runner.dir.path().join("data/sites.parquet")).unwrap();
    wait_for("a fail beat", || {
        heard.lock().unwrap().iter().any(|p| p == "/ping/3f2a/fail")
    });
    stop(served);
    let heard = heard.lock().unwrap().clone();
    let first_fail = heard.iter().position(|p| p == "/ping/3f2a/fail").unwrap();
    let before: Vec<&str> = heard[..=first_fail].iter().map(String::as_str).collect();
    // start, success, (start, success)…, start, fail
    assert_eq!(before[0], "/ping/3f2a/start", "{heard:?}");
    assert_eq!(before[1], "/ping/3f2a", "{heard:?}");
    for pair in before.chunks(2) {
        assert_eq!(
            pair[0], "/ping/3f2a/start",
            "each run starts with a start beat: {heard:?}"
        );
    }
    assert_eq!(before[before.len() - 2], "/ping/3f2a/start");
}

/// `run` exits with its failure's class: 2 config, 3 data, 4 render, 5 some recipients not
/// delivered, 6 none delivered.
#[test]
fn each_failure_class_has_its_exit_code_and_history_explains_it() {
    let mail = tempfile::tempdir().unwrap();
    let rejecting = SmtpServer::start(
        &mail.path().join("mail"),
        0,
        &["--reject-rcpt", "manager.s001@example.fr"],
    );
    let smtp = rejecting.port;
    let runner = Runner::new(2, move |text| {
        text.replace(
            "  transport: file",
            &format!("  transport: smtp\n  smtp: {{ host: localhost, port: {smtp}, tls: none }}"),
        )
    });
    let code = |args: &[&str]| xbrief_with(&runner, args).status.code();
    // delivery partial: one of the two managers is refused
    assert_eq!(
        code(&["run", "site-scorecards", "--period", "2026-10"]),
        Some(5)
    );
    // data
    assert_eq!(
        code(&[
            "run",
            "site-scorecards",
            "--period",
            "2026-09",
            "--data",
            "/nonexistent"
        ]),
        Some(3)
    );
    // render: a template that does not parse
    let reports = runner.dir.path().join("reports");
    copy_tree(&repo().join("reports"), &reports);
    let template = reports.join("manager/briefing.tera");
    if template.exists() {
        std::fs::write(&template, "{% if %}").unwrap();
    }
    let broken = runner.dir.path().join("broken.yaml");
    let text = std::fs::read_to_string(&runner.valid).unwrap().replace(
        "  reports: reports",
        &format!("  reports: {}", reports.display()),
    );
    std::fs::write(&broken, text).unwrap();
    let render = Command::new(env!("CARGO_BIN_EXE_xbrief"))
        .current_dir(repo())
        .args([
            "--config",
            &broken.to_string_lossy(),
            "run",
            "site-scorecards",
            "--period",
            "2026-08",
        ])
        .output()
        .unwrap();
    assert_eq!(render.status.code(), Some(4), "{}", stderr(&render));
    // config
    std::fs::write(&broken, "timezone: Mars/Olympus\n").unwrap();
    let config = Command::new(env!("CARGO_BIN_EXE_xbrief"))
        .current_dir(repo())
        .args(["--config", &broken.to_string_lossy(), "run", "--all"])
        .output()
        .unwrap();
    assert_eq!(config.status.code(), Some(2));

    let failed =
        String::from_utf8_lossy(&xbrief_with(&runner, &["history", "--failed"]).stdout).to_string();
    assert!(failed.contains("site-scorecards 2026-10 at "), "{failed}");
    assert!(
        failed.contains("stage send, class delivery_partial: 1 of 2 message(s) not delivered"),
        "{failed}"
    );
    assert!(
        failed.contains("stage data, class data: export sites: no file matches"),
        "{failed}"
    );
    assert!(
        failed.contains("manager.s001@example.fr [site:S001]: failed after 1 attempt(s)"),
        "{failed}"
    );
    assert!(failed.contains("next: fix the address or the server's refusal, then `xbrief resend site-scorecards --period 2026-10 --to manager.s001@example.fr`"), "{failed}");
    // a run with a recipient not reached is not a success in the history either
    let history = runner.history();
    assert!(
        !history
            .lines()
            .any(|l| l.contains("2026-10") && l.contains(" succeeded: ")),
        "{history}"
    );
}

/// A runner SIGKILLed mid-send leaves messages without an outcome: the next runner counts
/// them in doubt (the job paused, so it does not resume them yet), and once resumed and
/// finished, none is in doubt and each manager got exactly one message.
#[test]
fn messages_of_a_killed_run_are_in_doubt_until_the_period_succeeds() {
    let mail = tempfile::tempdir().unwrap();
    let server = SmtpServer::start(&mail.path().join("mail"), 0, &["--gate-after", "20"]);
    let (smtp, port) = (server.port, free_port());
    let runner = Runner::new(41, move |text| {
        let text = text.replace(
            "  transport: file",
            &format!("  transport: smtp\n  smtp: {{ host: localhost, port: {smtp}, tls: none }}"),
        );
        listening(port, "")(only("site-scorecards", "0 6 3 * *", "40d")(text))
    });
    let mut first = runner.serve();
    wait_for("20 messages", || server.total() >= 20);
    std::thread::sleep(Duration::from_millis(300));
    first.child.kill().unwrap();
    first.child.wait().unwrap();
    let held = xbrief_with(
        &runner,
        &["pause", "site-scorecards", "--reason", "look first"],
    );
    assert!(held.status.success(), "{}", stderr(&held));
    // the messages held in DATA at the kill were claimed, never recorded: in doubt
    let claimed = runner
        .history()
        .lines()
        .filter(|l| l.contains(": sending after"))
        .count();
    let second = runner.serve();
    wait_for("the listener", || get(port, "/metrics").is_some());
    let (_, metrics) = get(port, "/metrics").unwrap();
    let in_doubt = sample(
        &metrics,
        "xbrief_deliveries_in_doubt{job=\"site-scorecards\"}",
    )
    .unwrap();
    assert_eq!(
        in_doubt, claimed as f64,
        "{claimed} claimed and not recorded"
    );
    assert!(
        (1.0..=8.0).contains(&in_doubt),
        "one per SMTP connection at most: {in_doubt}"
    );
    std::fs::write(mail.path().join("mail/open"), "").unwrap();
    assert!(
        xbrief_with(&runner, &["resume", "site-scorecards"])
            .status
            .success()
    );
    // the resumed run sends the rest and leaves the doubtful alone: a partial delivery
    wait_for("the resumed period to finish", || {
        runner
            .history()
            .lines()
            .any(|l| l.contains("site-scorecards") && l.contains(" failed: "))
    });
    assert_eq!(
        runner
            .history()
            .lines()
            .filter(|l| l.contains(": in_doubt after"))
            .count(),
        claimed
    );
    assert_eq!(server.total(), 40 - claimed);
    let decided = xbrief_with(
        &runner,
        &[
            "resend",
            "site-scorecards",
            "--period",
            &period_of_history(&runner),
            "--in-doubt",
        ],
    );
    assert!(decided.status.success(), "{}", stderr(&decided));
    let (_, metrics) = get(port, "/metrics").unwrap();
    assert_eq!(
        sample(
            &metrics,
            "xbrief_deliveries_in_doubt{job=\"site-scorecards\"}"
        ),
        Some(0.0)
    );
    stop(second);
    let received = server.received();
    assert_eq!(received.len(), 40, "every manager");
    assert!(
        received.values().all(|n| *n == 1),
        "exactly one each: {received:?}"
    );
}
