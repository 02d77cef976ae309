//! `xbrief serve` as a real process on a short schedule (six-field cron, seconds first):
//! the lock, catch-up inside and outside its window, no overlap, a rejected config edit,
//! and a runner killed mid-send that resumes without duplicate deliveries.

mod common;

use chrono::Datelike;
use common::runner::*;
use common::smtp::SmtpServer;
use common::*;
use std::process::Command;
use std::time::Duration;

/// A runner sending over SMTP to a server that holds every message after the first
/// `gate_after` (until `<mail>/open` exists), with `edit` applied to the config.
fn over_held_smtp(
    gate_after: &str,
    sites: usize,
    edit: impl Fn(String) -> String + 'static,
) -> (SmtpServer, Runner, tempfile::TempDir) {
    let mail = tempfile::tempdir().unwrap();
    let server = SmtpServer::start(&mail.path().join("mail"), 0, &["--gate-after", gate_after]);
    let port = server.port;
    let runner = Runner::new(sites, move |text| {
        edit(text).replace(
            "  transport: file",
            &format!("  transport: smtp\n  smtp: {{ host: localhost, port: {port}, tls: none }}"),
        )
    });
    (server, runner, mail)
}

/// Restarts the runner and checks that the resumed run completes the 80 managers' messages,
/// exactly one each.
fn restart_and_count_once_each(runner: &Runner, server: &SmtpServer) {
    let restarted = runner.serve();
    wait_for("80 messages", || server.total() >= 80);
    std::thread::sleep(Duration::from_millis(500));
    let log = stop(restarted);
    assert!(log.contains("resuming a run that died"), "{log}");
    let received = server.received();
    assert_eq!(received.len(), 80, "every manager");
    assert!(
        received.values().all(|n| *n == 1),
        "exactly one each: {received:?}"
    );
}

#[test]
fn a_second_runner_on_the_same_state_store_refuses() {
    let runner = Runner::new(4, only("executive-monthly", "0 0 1 1 *", ""));
    let first = runner.serve();
    wait_for("the lock", || {
        runner.dir.path().join("out/state/serve.lock").exists()
    });
    std::thread::sleep(Duration::from_millis(300));
    let second = Command::new(env!("CARGO_BIN_EXE_xbrief"))
        .current_dir(repo())
        .args(["--config", &runner.config.to_string_lossy(), "serve"])
        .output()
        .unwrap();
    assert!(!second.status.success());
    assert!(
        stderr(&second).contains("another xbrief serve (pid"),
        "{}",
        stderr(&second)
    );
    stop(first);
}

#[test]
fn a_recent_miss_is_caught_up_once_and_an_old_one_is_not() {
    // executive-monthly fires at 07:00 on the 2nd: its latest fire is at most a month old
    let runner = Runner::new(4, only("executive-monthly", "0 7 2 * *", "40d"));
    let first = runner.serve();
    wait_for("the caught-up run", || {
        runner.runs_of("executive-monthly") == 1 && runner.history().contains("succeeded")
    });
    let log = stop(first);
    assert!(log.contains("caught up: missed at"), "{log}");
    let second = runner.serve();
    std::thread::sleep(Duration::from_secs(2));
    stop(second);
    assert_eq!(
        runner.runs_of("executive-monthly"),
        1,
        "caught up once, not again after a restart"
    );

    // a daily fire three hours ago (in the config's zone): older than its hour
    let three_hours_ago =
        chrono::Utc::now().with_timezone(&chrono_tz::Europe::Paris) - chrono::Duration::hours(3);
    let daily = format!(
        "{} {} * * *",
        chrono::Timelike::minute(&three_hours_ago),
        chrono::Timelike::hour(&three_hours_ago)
    );
    let old = Runner::new(4, only("executive-monthly", &daily, "1h"));
    let child = old.serve();
    std::thread::sleep(Duration::from_secs(2));
    let log = stop(child);
    assert!(log.contains("older than catch_up_within: not run"), "{log}");
    assert_eq!(old.runs_of("executive-monthly"), 0);
}

#[test]
fn a_job_never_overlaps_itself_and_a_bad_edit_keeps_the_jobs_running() {
    // every second; the SMTP server holds the first run's messages for a while, so fires
    // come while it is still going
    let (server, runner, mail) =
        over_held_smtp("0", 6, only("frontline-weekly", "* * * * * *", "1s"));
    let served = runner.serve();
    let log_so_far = |served: &Served| std::fs::read_to_string(&served.log).unwrap_or_default();
    wait_for("a fire skipped during the held run", || {
        log_so_far(&served).contains("skipped (scheduled at")
    });
    std::fs::write(mail.path().join("mail/open"), "").unwrap();
    wait_for("two finished runs", || {
        runner.runs_of("frontline-weekly") >= 2
    });
    let good = std::fs::read_to_string(&runner.config).unwrap();
    std::fs::write(
        &runner.config,
        good.replace("timezone: Europe/Paris", "timezone: Europe/Pariss"),
    )
    .unwrap();
    wait_for("the rejected edit", || {
        log_so_far(&served).contains("config edit rejected, keeping the running jobs")
    });
    let before = runner.runs_of("frontline-weekly");
    wait_for("runs after the bad edit", || {
        runner.runs_of("frontline-weekly") >= before + 2
    });
    // a duration too long to represent is one more rejected edit, not a panic
    std::fs::write(
        &runner.config,
        good.replace("catch_up_within: 1s", "catch_up_within: 200000000000000d"),
    )
    .unwrap();
    wait_for("the second rejected edit", || {
        log_so_far(&served)
            .matches("config edit rejected, keeping the running jobs")
            .count()
            >= 2
    });
    let before = runner.runs_of("frontline-weekly");
    wait_for("runs after the second bad edit", || {
        runner.runs_of("frontline-weekly") > before
    });
    let log = stop(served);
    assert!(
        log.contains("Europe/Pariss"),
        "the error names the value: {log}"
    );
    assert!(log.contains("200000000000000d"), "{log}");
    assert!(!log.contains("panicked"), "{log}");
    // the runs recorded never overlap: each starts after the previous one finished
    let mut spans: Vec<(String, String)> = runner
        .history()
        .lines()
        .filter(|l| l.contains(" frontline-weekly ") && l.contains("→"))
        .map(|l| {
            let parts: Vec<&str> = l.split_whitespace().collect();
            (parts[3].to_string(), parts[5].to_string())
        })
        .collect();
    spans.sort();
    assert!(spans.len() >= 4);
    for pair in spans.windows(2) {
        assert!(pair[1].0 >= pair[0].1, "overlapping runs: {pair:?}");
    }
    // the first run's messages arrived once, however many fires came while it was held
    assert!(server.received().values().all(|n| *n == 1));
}

#[test]
fn a_runner_killed_mid_send_resumes_on_restart_without_duplicates() {
    let (server, runner, store) =
        over_held_smtp("30", 81, only("site-scorecards", "0 6 3 * *", "40d"));
    let mut served = runner.serve();
    wait_for("30 messages", || server.total() >= 30);
    std::thread::sleep(Duration::from_millis(300));
    served.child.kill().unwrap();
    served.child.wait().unwrap();
    assert_eq!(server.total(), 30);
    std::fs::write(store.path().join("mail/open"), "").unwrap();
    // the messages held in DATA at the kill were claimed and never recorded: the resumed
    // run leaves them in doubt and sends the rest
    let restarted = runner.serve();
    wait_for("the resumed run to end", || {
        runner
            .history()
            .lines()
            .any(|l| l.contains(" site-scorecards ") && l.contains(" failed: "))
    });
    let log = stop(restarted);
    assert!(log.contains("resuming a run that died"), "{log}");
    let in_doubt = runner
        .history()
        .lines()
        .filter(|l| l.contains(": in_doubt after"))
        .count();
    assert!(
        (1..=8).contains(&in_doubt),
        "one per SMTP connection at most: {in_doubt}"
    );
    assert_eq!(server.total(), 80 - in_doubt);
    // the server dropped them (their client died in DATA): the operator sends them again
    let period = runner
        .history()
        .lines()
        .find(|l| l.contains(" site-scorecards "))
        .and_then(|l| l.split_whitespace().nth(2).map(str::to_string))
        .unwrap();
    let resent = Command::new(env!("CARGO_BIN_EXE_xbrief"))
        .current_dir(repo())
        .args(["--config", &runner.config.to_string_lossy()])
        .args([
            "resend",
            "site-scorecards",
            "--period",
            &period,
            "--in-doubt",
        ])
        .output()
        .unwrap();
    assert!(resent.status.success(), "{}", stderr(&resent));
    let received = server.received();
    assert_eq!(received.len(), 80, "every manager");
    assert!(
        received.values().all(|n| *n == 1),
        "exactly one each: {received:?}"
    );
}

#[test]
fn stale_data_runs_with_a_banner_or_is_skipped_at_the_deadline() {
    // the demo's newest response is in October 2026: older than a day, so never fresh
    for then in ["run", "skip"] {
        let runner = Runner::new(4, move |text| {
            only("executive-monthly", "0 7 2 * *", "40d")(text).replace(
                "    catch_up_within: 40d",
                &format!("    catch_up_within: 40d\n    wait_for_data: {{ max_age: 24h, deadline: 2s, then: {then} }}"),
            )
        });
        let served = runner.serve();
        std::thread::sleep(Duration::from_secs(4));
        let log = stop(served);
        // the period of the latest fire: the month before it
        let latest = chrono::Utc::now().with_timezone(&chrono_tz::Europe::Paris);
        let fired_this_month = latest.format("%d%H").to_string().as_str() >= "0207";
        let month_back = if fired_this_month { 1 } else { 2 };
        let period = latest.date_naive().with_day(1).unwrap() - chrono::Months::new(month_back);
        let folder = runner
            .dir
            .path()
            .join("out/executive-monthly")
            .join(period.format("%Y-%m").to_string());
        if then == "run" {
            assert!(
                log.contains("running with the incomplete-data banner"),
                "{log}"
            );
            let document = lopdf::Document::load(folder.join("executive.pdf")).unwrap();
            let text = document.extract_text(&[1]).unwrap();
            assert!(text.contains("Data may be incomplete"), "{text}");
        } else {
            assert!(log.contains("skipped (wait_for_data.then: skip)"), "{log}");
            assert!(!folder.exists());
            assert_eq!(runner.runs_of("executive-monthly"), 0);
        }
    }
}

#[test]
fn sigterm_mid_send_finishes_what_is_in_flight_and_the_rest_goes_on_restart() {
    let (server, runner, store) =
        over_held_smtp("20", 81, only("site-scorecards", "0 6 3 * *", "40d"));
    let served = runner.serve();
    wait_for("20 messages", || server.total() >= 20);
    std::thread::sleep(Duration::from_millis(300));
    // SAFETY: signalling our own child process.
    unsafe { libc::kill(served.child.id() as i32, libc::SIGTERM) };
    std::thread::sleep(Duration::from_millis(300));
    // the messages held by the server were in flight: they finish; no new one starts
    std::fs::write(store.path().join("mail/open"), "").unwrap();
    let log = stop(served);
    let after_stop = server.total();
    assert!(
        (21..=28).contains(&after_stop),
        "{after_stop} messages: {log}"
    );
    assert!(log.contains("left for the next start"), "{log}");
    restart_and_count_once_each(&runner, &server);
}

#[test]
fn a_valid_edit_re_registers_the_jobs_and_the_run_in_flight_finishes() {
    // frontline-weekly fires every second; the server holds its first run's messages
    let (server, runner, mail) =
        over_held_smtp("0", 4, only("frontline-weekly", "* * * * * *", "1s"));
    let served = runner.serve();
    let log_so_far = |served: &Served| std::fs::read_to_string(&served.log).unwrap_or_default();
    wait_for("the first run in flight", || {
        log_so_far(&served).contains("frontline-weekly")
            && server.total() == 0
            && log_so_far(&served).contains("starting")
    });
    // the edit: frontline-weekly never fires again, executive-monthly every second
    let edited = only("executive-monthly", "* * * * * *", "")(
        std::fs::read_to_string(&runner.config).unwrap(),
    );
    std::fs::write(&runner.config, edited).unwrap();
    wait_for("the reload", || {
        log_so_far(&served).contains("config reloaded: 4 job(s)")
    });
    // SIGHUP reloads too, with no change to the file
    // SAFETY: a signal to the child this test started
    unsafe { libc::kill(served.child.id() as i32, libc::SIGHUP) };
    wait_for("the reload on SIGHUP", || {
        log_so_far(&served)
            .matches("config reloaded: 4 job(s)")
            .count()
            == 2
    });
    std::fs::write(mail.path().join("mail/open"), "").unwrap();
    let finished = |job: &str| {
        runner
            .history()
            .lines()
            .any(|l| l.contains(&format!(" {job} ")) && l.contains("succeeded"))
    };
    wait_for("the held run finished and the new job ran", || {
        finished("frontline-weekly") && finished("executive-monthly")
    });
    let log = stop(served);
    let frontline_runs = runner.runs_of("frontline-weekly");
    assert_eq!(
        frontline_runs, 1,
        "the run in flight finished, and no fire after the edit: {log}"
    );
    assert!(server.received().values().all(|n| *n == 1));
}

#[test]
fn with_json_logs_every_line_serve_writes_is_a_json_object() {
    let runner = Runner::new(4, only("executive-monthly", "0 7 2 * *", "40d"));
    let served = runner.serve_with(&["--log-format", "json"]);
    wait_for("the caught-up run", || {
        runner.runs_of("executive-monthly") == 1 && runner.history().contains("succeeded")
    });
    // a broken edit is logged with its errors, as JSON too
    let text = std::fs::read_to_string(&runner.config).unwrap();
    std::fs::write(
        &runner.config,
        text.replace("timezone: Europe/Paris", "timezone: Mars/Olympus"),
    )
    .unwrap();
    wait_for("the rejected edit", || {
        std::fs::read_to_string(&served.log)
            .unwrap()
            .contains("config edit rejected")
    });
    let log = stop(served);
    let messages: Vec<String> = log
        .lines()
        .map(|line| {
            let event: serde_json::Value =
                serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
            event["fields"]["message"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    for said in [
        "serving 4 job(s) from",
        "caught up: missed at",
        "config edit rejected, keeping the running jobs",
        "unknown time zone `Mars/Olympus`",
        "stopped",
    ] {
        assert!(
            messages.iter().any(|m| m.contains(said)),
            "`{said}` in none of {messages:#?}"
        );
    }
}
