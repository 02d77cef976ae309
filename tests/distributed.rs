//! Beyond one machine, with real processes against a real PostgreSQL server (a throwaway
//! cluster) and the test SMTP server: sharded runs with a shard killed and an index started
//! twice, and the store stopped in the middle of a run.

mod common;

use common::postgres::Postgres;
use common::runner;
use common::smtp::SmtpServer;
use common::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

struct Setup {
    dir: tempfile::TempDir,
    config: PathBuf,
}

impl Setup {
    fn new(sites: usize) -> Setup {
        let dir = tempfile::tempdir().unwrap();
        let config = small_demo(
            dir.path(),
            sites,
            "3",
            "{ attempts: 4, initial_ms: 40, max_ms: 400 }",
        );
        let path = dir.path().join("xbrief.yaml");
        std::fs::write(&path, config).unwrap();
        Setup { dir, config: path }
    }

    fn out(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `xbrief ARGS` on the setup's data, into `out`, with the store at `state`.
    fn xbrief(&self, state: &str, smtp: u16, out: &Path, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_xbrief"));
        command
            .current_dir(repo())
            .args(["--config", &self.config.to_string_lossy()])
            .args(args)
            .args(["--data", &self.dir.path().join("data").to_string_lossy()])
            .args(["--out", &out.to_string_lossy()])
            .env("XBRIEF_STATE_URL", state)
            .env("XBRIEF_SMTP_HOST", "127.0.0.1")
            .env("XBRIEF_SMTP_PORT", smtp.to_string())
            .env("XBRIEF_SMTP_TLS", "none");
        command
    }

    /// `run site-scorecards` for 2026-10 over SMTP, with `extra` arguments.
    fn run(&self, state: &str, smtp: u16, out: &Path, extra: &[&str]) -> Command {
        let mut args = vec![
            "run",
            "site-scorecards",
            "--period",
            "2026-10",
            "--transport",
            "smtp",
        ];
        args.extend_from_slice(extra);
        self.xbrief(state, smtp, out, &args)
    }

    fn managers(&self) -> Vec<String> {
        managers_in(self.dir.path())
    }
}

fn all_once(managers: &[String]) -> BTreeMap<String, usize> {
    managers.iter().map(|m| (m.clone(), 1)).collect()
}

fn wait_until(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn finished(child: Child) -> Output {
    child.wait_with_output().unwrap()
}

/// The PDFs of a run's folder, by name.
fn pdfs(folder: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().to_string(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect()
}

#[test]
fn four_shards_with_one_killed_and_one_doubled_send_each_briefing_once_with_the_single_runs_bytes()
{
    let pg = Postgres::start();
    let setup = Setup::new(201);
    let managers = setup.managers();
    assert_eq!(managers.len(), 200);
    let mail = setup.out("mail");
    // the server takes 40 messages, then holds every DATA until the test opens it
    let server = SmtpServer::start(&mail, 0, &["--gate-after", "40"]);
    let out = setup.out("out");
    let shard = |spec: &str| {
        setup
            .run(
                &pg.url(),
                server.port,
                &out,
                &["--shard", spec, "--group", "job-uid-1"],
            )
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let mut shards: Vec<(String, Child)> = ["1/4", "2/4", "2/4", "3/4", "4/4"]
        .into_iter()
        .map(|s| (s.to_string(), shard(s)))
        .collect();
    wait_until("40 messages", Duration::from_secs(120), || {
        server.total() >= 40
    });
    std::thread::sleep(Duration::from_millis(300));
    let (_, killed) = shards.remove(3);
    let mut killed = killed;
    killed.kill().unwrap();
    killed.wait().unwrap();
    std::fs::write(mail.join("open"), "").unwrap();
    for (spec, child) in shards {
        let output = finished(child);
        assert!(output.status.success(), "shard {spec}: {}", stderr(&output));
    }
    // shard 3 again: what it had in DATA at the kill is in doubt, the rest goes out
    let again = setup
        .run(
            &pg.url(),
            server.port,
            &out,
            &["--shard", "3/4", "--group", "job-uid-1"],
        )
        .output()
        .unwrap();
    let log = stderr(&again);
    let in_doubt = pg.psql("SELECT count(*) FROM deliveries WHERE status = 'in_doubt'");
    match in_doubt.as_str() {
        "0" => assert!(again.status.success(), "{log}"),
        _ => {
            assert_eq!(again.status.code(), Some(5), "{log}");
            assert!(log.contains(&format!(": {in_doubt} in doubt")), "{log}");
        }
    }
    // the operator decides: the server dropped them (their client died in DATA)
    let decided = setup
        .xbrief(
            &pg.url(),
            server.port,
            &out,
            &[
                "resend",
                "site-scorecards",
                "--period",
                "2026-10",
                "--in-doubt",
                "--shard",
                "3/4",
                "--group",
                "job-uid-1",
                "--transport",
                "smtp",
            ],
        )
        .output()
        .unwrap();
    assert!(decided.status.success(), "{}", stderr(&decided));
    assert_eq!(
        server.received(),
        all_once(&managers),
        "exactly one message per manager"
    );
    assert_eq!(
        pg.psql("SELECT count(*), count(DISTINCT recipient) FROM deliveries WHERE status = 'sent'"),
        "200|200"
    );
    let folder = out.join("site-scorecards/2026-10");
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(folder.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(
        manifest["recipients"].as_array().unwrap().len(),
        200,
        "every shard's recipients"
    );
    assert_eq!(manifest["shards"], 4);
    assert_eq!(manifest["run_id"], "job-uid-1");
    // the same run in one process: the group's start copied, so its briefings carry the
    // same run id and time; every PDF and CSV byte for byte, the same ledger rows
    let single_url = pg.create_database("single");
    let migrated = Command::new(env!("CARGO_BIN_EXE_xbrief"))
        .current_dir(repo())
        .args([
            "--config",
            &setup.config.to_string_lossy(),
            "state",
            "migrate",
        ])
        .env("XBRIEF_STATE_URL", &single_url)
        .output()
        .unwrap();
    assert!(migrated.status.success(), "{}", stderr(&migrated));
    assert_eq!(
        String::from_utf8_lossy(&migrated.stdout),
        "4\n",
        "the schema version"
    );
    let started = pg.psql("SELECT started_at FROM run_groups WHERE group_id = 'job-uid-1'");
    let psql_single = |sql: &str| pg.psql_at(&single_url, sql);
    psql_single(&format!(
        "INSERT INTO run_groups (group_id, job, period, started_at) VALUES ('job-uid-1', 'site-scorecards', '2026-10', '{started}')"
    ));
    let single_out = setup.out("single");
    let single = setup
        .xbrief(
            &single_url,
            server.port,
            &single_out,
            &[
                "run",
                "site-scorecards",
                "--period",
                "2026-10",
                "--transport",
                "file",
                "--shard",
                "1/1",
                "--group",
                "job-uid-1",
            ],
        )
        .output()
        .unwrap();
    assert!(single.status.success(), "{}", stderr(&single));
    let single_folder = single_out.join("site-scorecards/2026-10");
    let (sharded, alone) = (pdfs(&folder), pdfs(&single_folder));
    assert_eq!(sharded.len(), 200);
    assert_eq!(
        sharded.keys().collect::<Vec<_>>(),
        alone.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &sharded {
        assert!(
            bytes == &alone[name],
            "{name} differs from the single run's"
        );
    }
    for csv in ["sites.csv", "data_quality.csv", "drivers.csv"] {
        assert_eq!(
            std::fs::read(folder.join(csv)).unwrap(),
            std::fs::read(single_folder.join(csv)).unwrap(),
            "{csv}"
        );
    }
    let rows = "SELECT recipient, scope, resend, status, artifact_sha256, message_id FROM deliveries ORDER BY 1, 2";
    assert_eq!(pg.psql(rows), psql_single(rows));
}

#[test]
fn postgres_stopped_mid_run_fails_the_run_loudly_and_the_rerun_duplicates_nobody() {
    let pg = Postgres::start();
    let setup = Setup::new(81);
    let managers = setup.managers();
    let mail = setup.out("mail");
    let server = SmtpServer::start(&mail, 0, &["--gate-after", "20"]);
    let out = setup.out("out");
    // a password in the URL (the test cluster trusts any): it is never shown
    let url = pg.url().replace("postgres@", "postgres:s3cret-pw@");
    let run = setup
        .run(&url, server.port, &out, &[])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_until("20 messages", Duration::from_secs(120), || {
        server.total() >= 20
    });
    std::thread::sleep(Duration::from_millis(300));
    pg.stop();
    // the messages held in DATA are taken now, and their outcomes cannot be recorded
    std::fs::write(mail.join("open"), "").unwrap();
    let failed = finished(run);
    assert_eq!(failed.status.code(), Some(6), "{}", stderr(&failed));
    let log = stderr(&failed);
    assert!(
        log.contains(&format!(
            "state store postgres://postgres@127.0.0.1:{}/xbrief",
            pg.port
        )),
        "{log}"
    );
    let taken = server.total();
    assert!(taken > 20 && taken < 80, "the run stopped sending: {taken}");
    pg.start_again();
    let rerun = setup.run(&url, server.port, &out, &[]).output().unwrap();
    let history = Command::new(env!("CARGO_BIN_EXE_xbrief"))
        .current_dir(repo())
        .args(["--config", &setup.config.to_string_lossy(), "history"])
        .env("XBRIEF_STATE_URL", &url)
        .output()
        .unwrap();
    assert!(history.status.success(), "{}", stderr(&history));
    assert!(String::from_utf8_lossy(&history.stdout).contains(": in_doubt after"));
    let manifest =
        std::fs::read_to_string(out.join("site-scorecards/2026-10/manifest.json")).unwrap();
    let shown = [
        log.clone(),
        stderr(&rerun),
        String::from_utf8_lossy(&history.stdout).to_string(),
        stderr(&history),
        manifest,
    ];
    for text in &shown {
        assert!(!text.contains("s3cret-pw"), "the password shown: {text}");
    }
    let in_doubt: Vec<String> = pg
        .psql("SELECT recipient FROM deliveries WHERE status = 'in_doubt' ORDER BY 1")
        .lines()
        .map(str::to_string)
        .collect();
    assert!(!in_doubt.is_empty() && in_doubt.len() <= 8, "{in_doubt:?}");
    assert_eq!(rerun.status.code(), Some(5), "{}", stderr(&rerun));
    // nobody twice, nobody lost: those in doubt did arrive, the rest came with the rerun
    assert_eq!(server.received(), all_once(&managers));
    let received = server.received();
    assert!(in_doubt.iter().all(|r| received.get(r) == Some(&1)));
}

/// A runner config of site-scorecards on `schedule`, over the SMTP server, its state in
/// PostgreSQL with a short lease.
fn replicated(
    sites: usize,
    pg: &Postgres,
    smtp: u16,
    schedule: &str,
    lease: &str,
) -> runner::Runner {
    replicated_with(sites, pg, smtp, (schedule, lease), |text| text)
}

/// The same, with `edit` applied to the config text after.
fn replicated_with(
    sites: usize,
    pg: &Postgres,
    smtp: u16,
    (schedule, lease): (&str, &str),
    edit: impl Fn(String) -> String,
) -> runner::Runner {
    let (url, schedule, lease) = (pg.url(), schedule.to_string(), lease.to_string());
    runner::Runner::new(sites, move |text| {
        let text = text.replace(
            "  transport: file",
            &format!("  transport: smtp\n  smtp: {{ host: localhost, port: {smtp}, tls: none }}"),
        );
        let text = runner::only("site-scorecards", &schedule, "40d")(text);
        edit(format!("{text}\nstate:\n  url: {url}\n  lease: {lease}\n"))
    })
}

/// The replicas' names and their runners.
fn replicas(runner: &runner::Runner, names: &[&str]) -> BTreeMap<String, runner::Served> {
    names
        .iter()
        .map(|name| {
            let replica = format!("replica-{name}");
            let served = runner.serve_as(&[], &[("XBRIEF_REPLICA", &replica)]);
            (replica, served)
        })
        .collect()
}

/// The replica part of an owner (`replica-a:4242` → `replica-a`).
fn replica_of(owner: &str) -> String {
    owner.rsplit_once(':').unwrap().0.to_string()
}

fn parse_time(text: &str) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(text)
        .unwrap_or_else(|e| panic!("{text:?}: {e}"))
        .with_timezone(&chrono::Utc)
}

#[test]
fn three_replicas_run_each_of_twenty_fires_once_and_send_each_briefing_once() {
    let pg = Postgres::start();
    let mail = tempfile::tempdir().unwrap();
    let server = SmtpServer::start(&mail.path().join("mail"), 0, &[]);
    let runner = replicated(9, &pg, server.port, "* * * * * *", "5s");
    let replicas: Vec<runner::Served> = ["a", "b", "c"]
        .into_iter()
        .map(|name| runner.serve_as(&[], &[("XBRIEF_REPLICA", &format!("replica-{name}"))]))
        .collect();
    wait_until("20 fires done", Duration::from_secs(90), || {
        pg.psql("SELECT to_regclass('fires') IS NOT NULL") == "t"
            && pg
                .psql("SELECT count(*) FROM fires WHERE done = 1 AND fire_at NOT LIKE 'resume:%'")
                .parse::<u32>()
                .is_ok_and(|n| n >= 20)
    });
    let logs: Vec<String> = replicas.into_iter().map(runner::stop).collect();
    // every fire was claimed by one replica and run once
    assert_eq!(
        pg.psql("SELECT count(*) FROM (SELECT fire_at FROM runs WHERE fire_at IS NOT NULL GROUP BY fire_at HAVING count(*) > 1) twice"),
        "0"
    );
    assert_eq!(
        pg.psql("SELECT count(*) FROM fires f WHERE f.done = 1 AND NOT EXISTS (SELECT 1 FROM runs r WHERE r.fire_at = f.fire_at)"),
        "0",
        "a fire done without its run"
    );
    // the three competed for the fires: each saw most of them, as its own or another's
    for log in &logs {
        let seen = log
            .lines()
            .filter(|l| l.contains("starting (scheduled") || l.contains("not run here (scheduled"))
            .count();
        assert!(seen >= 15, "{log}");
    }
    let runners = pg.psql("SELECT count(DISTINCT owner) FROM runs");
    println!("fires run by {runners} replica(s)");
    // one period, sent by whichever replica ran its first fire: each manager once
    let managers: Vec<String> = pg
        .psql("SELECT DISTINCT recipient FROM deliveries ORDER BY 1")
        .lines()
        .map(str::to_string)
        .collect();
    assert!(managers.len() >= 8, "{managers:?}");
    assert_eq!(server.received(), all_once(&managers));
}

#[test]
fn a_replica_killed_mid_send_is_taken_over_within_the_lease_and_nobody_gets_two() {
    let pg = Postgres::start();
    let mail = tempfile::tempdir().unwrap();
    let store = mail.path().join("mail");
    let server = SmtpServer::start(&store, 0, &["--gate-after", "20"]);
    // the job's latest fire is a miss all three catch up at start: one claims it
    let runner = replicated(81, &pg, server.port, "0 6 3 * *", "5s");
    let mut replicas = replicas(&runner, &["a", "b", "c"]);
    wait_until("20 messages", Duration::from_secs(90), || {
        server.total() >= 20
    });
    std::thread::sleep(Duration::from_millis(300));
    let owner = pg.psql("SELECT owner FROM fires WHERE done = 0");
    let mut dead = replicas.remove(&replica_of(&owner)).unwrap();
    dead.child.kill().unwrap();
    dead.child.wait().unwrap();
    let killed = chrono::Utc::now();
    std::fs::write(store.join("open"), "").unwrap();
    wait_until("the takeover", Duration::from_secs(60), || {
        !pg.psql(&format!("SELECT run_id FROM runs WHERE owner <> '{owner}'"))
            .is_empty()
    });
    let started = pg.psql(&format!(
        "SELECT min(started_at) FROM runs WHERE owner <> '{owner}'"
    ));
    let taken = parse_time(&started);
    let seconds = (taken - killed).num_milliseconds() as f64 / 1000.0;
    println!("takeover {seconds:.1} s after the SIGKILL (lease 5 s)");
    assert!(
        seconds <= 15.0,
        "taken over {seconds} s after the kill: more than the lease + 10 s"
    );
    wait_until("the resumed run to end", Duration::from_secs(60), || {
        pg.psql(&format!(
            "SELECT count(*) FROM runs WHERE owner <> '{owner}' AND status <> 'running'"
        )) != "0"
    });
    let logs: Vec<String> = replicas.into_values().map(runner::stop).collect();
    assert!(
        logs.iter().any(|l| l.contains(&format!(
            "resuming a run that died: taking over from {owner}"
        ))),
        "{logs:?}"
    );
    // what the dead replica held in DATA is in doubt (the server dropped it): the operator
    // sends it again
    let in_doubt: usize = pg
        .psql("SELECT count(*) FROM deliveries WHERE status = 'in_doubt'")
        .parse()
        .unwrap();
    assert!(in_doubt <= 8, "{in_doubt}");
    assert_eq!(server.total(), 80 - in_doubt);
    let period = pg.psql("SELECT DISTINCT period FROM runs WHERE job = 'site-scorecards'");
    let decided = Command::new(env!("CARGO_BIN_EXE_xbrief"))
        .current_dir(repo())
        .args([
            "--config",
            &runner.valid.to_string_lossy(),
            "resend",
            "site-scorecards",
            "--period",
            &period,
            "--in-doubt",
        ])
        .output()
        .unwrap();
    assert!(decided.status.success(), "{}", stderr(&decided));
    let received = server.received();
    assert_eq!(received.len(), 80, "every manager");
    assert!(
        received.values().all(|n| *n == 1),
        "exactly one each: {received:?}"
    );
    let history = runner.history();
    assert!(
        history.contains(&format!("on {owner}")) && history.contains(" on replica-"),
        "{history}"
    );
}

#[test]
fn a_replica_killed_while_waiting_for_data_is_taken_over_and_the_wait_keeps_its_deadline() {
    let pg = Postgres::start();
    let mail = tempfile::tempdir().unwrap();
    let server = SmtpServer::start(&mail.path().join("mail"), 0, &[]);
    // one fire, 4 s from now (Paris time, the config's zone); the data is never fresh (its
    // newest response is from October), so the fire waits 20 s, then runs with the banner
    let due = chrono::Utc::now() + chrono::Duration::seconds(4);
    let paris = due.with_timezone(&chrono_tz::Europe::Paris);
    let schedule = paris.format("%-S %-M %-H %-d %-m *").to_string();
    let runner = replicated_with(9, &pg, server.port, (&schedule, "3s"), |text| {
        text.replace(
            "    catch_up_within: 40d",
            "    catch_up_within: 40d\n    wait_for_data: { max_age: 24h, deadline: 20s, then: run }",
        )
    });
    let mut replicas = replicas(&runner, &["a", "b"]);
    wait_until("the fire claimed", Duration::from_secs(30), || {
        pg.psql("SELECT to_regclass('fires') IS NOT NULL") == "t"
            && pg.psql("SELECT count(*) FROM fires WHERE done = 0") == "1"
    });
    std::thread::sleep(Duration::from_millis(1500));
    let owner = pg.psql("SELECT owner FROM fires WHERE done = 0");
    assert_eq!(pg.psql("SELECT count(*) FROM runs"), "0", "still waiting");
    let mut dead = replicas.remove(&replica_of(&owner)).unwrap();
    dead.child.kill().unwrap();
    dead.child.wait().unwrap();
    wait_until("the run after the wait", Duration::from_secs(60), || {
        pg.psql("SELECT count(*) FROM runs WHERE status <> 'running'") == "1"
    });
    let logs: Vec<String> = replicas.into_values().map(runner::stop).collect();
    let survivor = &logs[0];
    assert!(
        survivor.contains(&format!(
            "resuming a run that died: taking over from {owner}"
        )),
        "{survivor}"
    );
    assert!(
        survivor.contains("running with the incomplete-data banner"),
        "{survivor}"
    );
    // the wait's deadline is the fire's (due + 20 s), not restarted by the takeover (at
    // about due + 4 s, which would give due + 24 s)
    let started = parse_time(&pg.psql("SELECT started_at FROM runs"));
    let after_due = (started - due).num_milliseconds() as f64 / 1000.0;
    println!("run started {after_due:.1} s after its fire (deadline 20 s, lease 3 s)");
    assert!(
        (19.0..23.0).contains(&after_due),
        "the run started {after_due} s after its fire"
    );
    assert_eq!(pg.psql("SELECT count(*) FROM runs"), "1", "run once");
    let managers = managers_in(runner.dir.path());
    assert_eq!(server.received(), all_once(&managers));
}

#[test]
fn replicas_reload_an_edit_each_and_the_new_schedule_is_still_run_once_per_fire() {
    let pg = Postgres::start();
    let mail = tempfile::tempdir().unwrap();
    let server = SmtpServer::start(&mail.path().join("mail"), 0, &[]);
    let runner = replicated(4, &pg, server.port, "* * * * * *", "5s");
    let replicas = replicas(&runner, &["a", "b"]);
    let fires_of = |job: &str| -> u32 {
        let sql = format!("SELECT count(*) FROM fires WHERE job = '{job}'");
        pg.psql(&sql).parse().unwrap_or(0)
    };
    wait_until(
        "3 fires of site-scorecards",
        Duration::from_secs(60),
        || {
            pg.psql("SELECT to_regclass('fires') IS NOT NULL") == "t"
                && fires_of("site-scorecards") >= 3
        },
    );
    // the edit both replicas read: site-scorecards never fires again, executive-monthly
    // every second
    let edited = runner::only("executive-monthly", "* * * * * *", "")(
        std::fs::read_to_string(&runner.config).unwrap(),
    );
    std::fs::write(&runner.config, edited).unwrap();
    let logs_so_far = || -> Vec<String> {
        replicas
            .values()
            .map(|s| std::fs::read_to_string(&s.log).unwrap_or_default())
            .collect()
    };
    wait_until("both reloaded", Duration::from_secs(30), || {
        logs_so_far()
            .iter()
            .all(|l| l.contains("config reloaded: 4 job(s)"))
    });
    // a fire claimed just before the reload may still be starting
    std::thread::sleep(Duration::from_secs(2));
    let scorecard_fires = fires_of("site-scorecards");
    wait_until(
        "5 fires of executive-monthly",
        Duration::from_secs(60),
        || fires_of("executive-monthly") >= 5,
    );
    let logs: Vec<String> = replicas.into_values().map(runner::stop).collect();
    assert_eq!(
        fires_of("site-scorecards"),
        scorecard_fires,
        "the old schedule fired after the reload: {logs:?}"
    );
    assert_eq!(
        pg.psql("SELECT count(*) FROM (SELECT fire_at FROM runs WHERE fire_at IS NOT NULL GROUP BY job, fire_at HAVING count(*) > 1) twice"),
        "0",
        "a fire run twice"
    );
    // each briefing once: the managers' of the first fire, the executives' of the new job
    let received = server.received();
    assert!(received.values().all(|n| *n == 1), "{received:?}");
    for executive in ["ceo@example.com", "coo@example.com", "cfo@example.com"] {
        assert_eq!(received.get(executive), Some(&1), "{received:?}");
    }
}
