//! The ledger suite, run on both stores: SQLite in a temporary folder, and a throwaway
//! PostgreSQL cluster (Debian's server, started by the test, stopped after).

mod common;

use common::postgres::Postgres;
use std::time::Duration;
use xbrief::deliver::{
    Claim, Claimed, Ledger, Outcome, RunFailure, RunStart, StateUrl, Status, TestSend,
};

/// A store for one case; the folder or cluster lives as long as it.
enum Store {
    Sqlite(tempfile::TempDir),
    Postgres(Postgres),
}

impl Store {
    fn url(&self) -> StateUrl {
        match self {
            Store::Sqlite(dir) => StateUrl::Sqlite(dir.path().join("state/xbrief.sqlite")),
            Store::Postgres(pg) => StateUrl::from_env(&pg.url()).unwrap(),
        }
    }
}

fn start(ledger: &Ledger, run_id: &str, lease: Duration) {
    ledger
        .start_run(&RunStart {
            run_id,
            job: "monthly",
            period: "2026-10",
            owner: "test-host:1",
            shard: None,
            group_id: None,
            lease,
            fire_at: None,
        })
        .unwrap();
}

fn claim(recipient: &str, run_id: &str) -> Claim {
    Claim {
        job: "monthly".into(),
        period: "2026-10".into(),
        recipient: recipient.into(),
        scope: "site:S1".into(),
        resend: 0,
        artifact_sha256: "ab".into(),
        message_id: format!("<{recipient}@xbrief>"),
        run_id: run_id.into(),
        in_doubt_too: false,
    }
}

fn sent(recipient: &str, run_id: &str) -> Outcome {
    Outcome {
        job: "monthly".into(),
        period: "2026-10".into(),
        recipient: recipient.into(),
        scope: "site:S1".into(),
        resend: 0,
        artifact_sha256: "ab".into(),
        status: Status::Sent,
        attempts: 1,
        last_error: None,
        message_id: format!("<{recipient}@xbrief>"),
        run_id: run_id.into(),
    }
}

const LIVE: Duration = Duration::from_secs(60);

/// A run claims, sends and finishes; the store lists it as the CLI shows it.
fn a_run_and_its_deliveries_round_trip(url: &StateUrl) {
    let ledger = Ledger::open(url).unwrap();
    start(&ledger, "r1", LIVE);
    let (record, writer) = ledger.writer(indicatif::ProgressBar::hidden());
    assert_eq!(
        record.claim_blocking(claim("a@example.fr", "r1")),
        Claimed::Yours
    );
    record.record(sent("a@example.fr", "r1"));
    drop(record);
    let ledger = writer.join().unwrap().unwrap();
    ledger.finish_run("r1", [1, 1, 0, 0], None).unwrap();
    let runs = ledger.runs(Some("monthly"), None).unwrap();
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    assert_eq!(
        (run.status.as_str(), run.sent, run.failed),
        ("succeeded", 1, 0)
    );
    assert_eq!(run.owner.as_deref(), Some("test-host:1"));
    let deliveries = ledger.deliveries(None, Some("2026-10")).unwrap();
    assert_eq!(deliveries.len(), 1);
    assert_eq!(
        (deliveries[0].status.as_str(), deliveries[0].attempts),
        ("sent", 1)
    );
    assert!(deliveries[0].sent_at.is_some());
    let settled = ledger.settled("monthly", "2026-10").unwrap();
    assert_eq!(
        settled
            .get(&("a@example.fr".to_string(), "site:S1".to_string()))
            .map(String::as_str),
        Some("sent")
    );
    assert!(ledger.succeeded("monthly", "2026-10").unwrap());
    assert_eq!(
        ledger
            .next_resend("monthly", "2026-10", "A@example.fr", "site:S1")
            .unwrap(),
        1
    );
    // a sent briefing cannot be claimed again
    let (record, writer) = ledger.writer(indicatif::ProgressBar::hidden());
    assert_eq!(
        record.claim_blocking(claim("a@example.fr", "r2")),
        Claimed::Taken
    );
    drop(record);
    writer.join().unwrap().unwrap();
}

/// Two runs (two connections, two threads) claim the same 60 briefings: each is claimed by
/// exactly one of them.
fn each_briefing_is_claimed_once(url: &StateUrl) {
    let first = Ledger::open(url).unwrap();
    start(&first, "ra", LIVE);
    start(&first, "rb", LIVE);
    let claimers: Vec<_> = ["ra", "rb"]
        .into_iter()
        .map(|run_id| {
            let url = url.clone();
            std::thread::spawn(move || {
                let ledger = Ledger::open(&url).unwrap();
                let (record, writer) = ledger.writer(indicatif::ProgressBar::hidden());
                let mine: Vec<usize> = (0..60)
                    .filter(|i| {
                        record.claim_blocking(claim(&format!("m{i}@example.fr"), run_id))
                            == Claimed::Yours
                    })
                    .collect();
                drop(record);
                writer.join().unwrap().unwrap();
                mine
            })
        })
        .collect();
    let mut claimed: Vec<usize> = claimers
        .into_iter()
        .flat_map(|c| c.join().unwrap())
        .collect();
    claimed.sort();
    assert_eq!(claimed, (0..60).collect::<Vec<_>>());
}

/// What a run whose lease ran out was handing over becomes in doubt: listed, counted, and
/// never claimed again by a later run.
fn a_dead_runs_claims_become_in_doubt(url: &StateUrl) {
    let ledger = Ledger::open(url).unwrap();
    start(&ledger, "dead", Duration::ZERO);
    let (record, writer) = ledger.writer(indicatif::ProgressBar::hidden());
    assert_eq!(
        record.claim_blocking(claim("a@example.fr", "dead")),
        Claimed::Yours
    );
    assert_eq!(
        record.claim_blocking(claim("b@example.fr", "dead")),
        Claimed::Yours
    );
    record.record(sent("b@example.fr", "dead"));
    drop(record);
    let ledger = writer.join().unwrap().unwrap();
    std::thread::sleep(Duration::from_millis(5));
    assert_eq!(
        ledger.unfinished().unwrap(),
        vec![("monthly".to_string(), "2026-10".to_string())]
    );
    assert_eq!(ledger.settle_in_doubt("monthly", "2026-10").unwrap(), 1);
    assert_eq!(
        ledger.settle_in_doubt("monthly", "2026-10").unwrap(),
        0,
        "settled once"
    );
    let statuses: Vec<(String, String)> = ledger
        .deliveries(Some("monthly"), None)
        .unwrap()
        .into_iter()
        .map(|d| (d.recipient, d.status))
        .collect();
    assert_eq!(
        statuses,
        [
            ("a@example.fr".into(), "in_doubt".into()),
            ("b@example.fr".into(), "sent".into())
        ]
    );
    assert_eq!(ledger.in_doubt().unwrap().get("monthly"), Some(&1));
    start(&ledger, "later", LIVE);
    let (record, writer) = ledger.writer(indicatif::ProgressBar::hidden());
    assert_eq!(
        record.claim_blocking(claim("a@example.fr", "later")),
        Claimed::Taken
    );
    drop(record);
    writer.join().unwrap().unwrap();
}

/// Holds, test sends, freshness and the statistics of /metrics.
fn holds_test_sends_and_statistics(url: &StateUrl) {
    let ledger = Ledger::open(url).unwrap();
    ledger.pause("monthly", "audit", "ops", None).unwrap();
    assert_eq!(ledger.pauses().unwrap().0[0].reason, "audit");
    assert!(ledger.resume("monthly").unwrap());
    assert!(!ledger.resume("monthly").unwrap());
    ledger
        .record_test_send(&TestSend {
            job: "monthly".into(),
            period: "2026-10".into(),
            scope: "company".into(),
            recipient: "qa@example.fr".into(),
            message_id: "<t@xbrief>".into(),
            status: "sent".into(),
            error: None,
            sent_by: "ops".into(),
        })
        .unwrap();
    let tests = ledger.test_sends(Some("monthly"), None).unwrap();
    assert_eq!(tests[0][3].as_deref(), Some("qa@example.fr"));
    ledger
        .record_freshness(&[("customer_responses", "2026-10-31T23:00:00+00:00".into())])
        .unwrap();
    assert_eq!(ledger.freshness().unwrap()[0].0, "customer_responses");
    start(&ledger, "f1", LIVE);
    let failure = RunFailure {
        stage: "data",
        class: "data",
        message: "no rows",
    };
    ledger.finish_run("f1", [0; 4], Some(failure)).unwrap();
    ledger
        .skipped_fire("monthly", "2026-11", "paused: audit")
        .unwrap();
    let stats = ledger.job_stats().unwrap();
    let monthly = &stats["monthly"];
    assert_eq!(monthly.runs.get("failed"), Some(&1));
    assert_eq!(monthly.runs.get("skipped"), Some(&1));
    assert_eq!(monthly.durations.len(), 1, "the failed run's duration");
    assert!(monthly.durations[0] >= 0.0 && monthly.durations[0] < 60.0);
    let recent = ledger.recent_runs(5).unwrap();
    assert_eq!(recent.len(), 2);
    assert_eq!(
        recent
            .iter()
            .find(|r| r.run_id == "f1")
            .unwrap()
            .stage
            .as_deref(),
        Some("data")
    );
}

/// Opening again applies nothing; both stores are at the same version.
fn opening_again_migrates_nothing(url: &StateUrl) {
    let first = Ledger::open(url).unwrap().version().unwrap();
    let again = Ledger::open(url).unwrap().version().unwrap();
    assert_eq!((first, again), (4, 4));
}

macro_rules! on_both_stores {
    ($($case:ident),*) => {
        mod sqlite {
            $(#[test]
            fn $case() {
                let store = super::Store::Sqlite(tempfile::tempdir().unwrap());
                super::$case(&store.url());
            })*
        }
        mod postgres {
            $(#[test]
            fn $case() {
                let store = super::Store::Postgres(super::Postgres::start());
                super::$case(&store.url());
            })*
        }
    };
}

on_both_stores!(
    a_run_and_its_deliveries_round_trip,
    each_briefing_is_claimed_once,
    a_dead_runs_claims_become_in_doubt,
    holds_test_sends_and_statistics,
    opening_again_migrates_nothing
);
