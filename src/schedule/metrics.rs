//! `/metrics`: the Prometheus text format, from one snapshot of the state store, so every
//! replica reading a shared store reports the same counts. Labels come from the config (job
//! names, fixed outcome and status words, export names), never from the data.

use super::snapshot::{JobSnapshot, Snapshot};
use prometheus::{Encoder, GaugeVec, HistogramOpts, HistogramVec, IntCounterVec, Opts};
use prometheus::{Registry, TextEncoder};

/// Run durations, in seconds: from a small test job to a 5,000-site send.
const DURATION_BUCKETS: [f64; 10] = [
    1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0,
];

/// The run outcomes counted (a run in progress is counted when it ends).
const OUTCOMES: [&str; 3] = ["succeeded", "failed", "skipped"];
const STATUSES: [&str; 3] = ["sent", "failed", "pending"];

type Result<T> = std::result::Result<T, prometheus::Error>;

/// A registry made for one scrape.
struct Families(Registry);

impl Families {
    fn gauge(&self, name: &str, help: &str, labels: &[&str]) -> Result<GaugeVec> {
        let vec = GaugeVec::new(Opts::new(name, help), labels)?;
        self.0.register(Box::new(vec.clone()))?;
        Ok(vec)
    }

    fn counter(&self, name: &str, help: &str, labels: &[&str]) -> Result<IntCounterVec> {
        let vec = IntCounterVec::new(Opts::new(name, help), labels)?;
        self.0.register(Box::new(vec.clone()))?;
        Ok(vec)
    }
}

pub fn render(snapshot: &Snapshot) -> Result<String> {
    let families = Families(Registry::new());
    let build = families.gauge(
        "xbrief_build_info",
        "The running xbrief's version (always 1).",
        &["version"],
    )?;
    build
        .with_label_values(&[env!("CARGO_PKG_VERSION")])
        .set(1.0);
    let reload = families.gauge(
        "xbrief_config_last_reload_success",
        "1 when the last config load or reload was valid, 0 when an edit was rejected.",
        &[],
    )?;
    reload
        .with_label_values(&[] as &[&str])
        .set(if snapshot.reload_ok { 1.0 } else { 0.0 });
    job_metrics(&families, &snapshot.jobs)?;
    let newest = families.gauge(
        "xbrief_export_newest_row_timestamp_seconds",
        "The newest row of the export when a run last read it.",
        &["export"],
    )?;
    for (export, at) in &snapshot.freshness {
        if let Some(at) = timestamp(at) {
            newest.with_label_values(&[export.as_str()]).set(at);
        }
    }
    let mut text = Vec::new();
    TextEncoder::new().encode(&families.0.gather(), &mut text)?;
    Ok(String::from_utf8_lossy(&text).into_owned())
}

/// Each job's schedule, hold, runs and deliveries.
fn job_metrics(families: &Families, jobs: &[JobSnapshot]) -> Result<()> {
    let last_success = families.gauge(
        "xbrief_job_last_success_timestamp_seconds",
        "When the job's last successful run finished (absent before the first).",
        &["job"],
    )?;
    let next_fire = families.gauge(
        "xbrief_job_next_fire_timestamp_seconds",
        "When the job fires next.",
        &["job"],
    )?;
    let paused = families.gauge("xbrief_job_paused", "1 while the job is paused.", &["job"])?;
    let in_doubt = families.gauge(
        "xbrief_deliveries_in_doubt",
        "Messages of runs that died mid-send without a recorded outcome: not known to be sent or unsent.",
        &["job"],
    )?;
    let runs = families.counter(
        "xbrief_runs_total",
        "Runs by outcome; skipped: a paused fire.",
        &["job", "outcome"],
    )?;
    let deliveries = families.counter(
        "xbrief_deliveries_total",
        "Deliveries by status, resends included (the ledger's rows).",
        &["job", "status"],
    )?;
    let durations = HistogramVec::new(
        HistogramOpts::new("xbrief_run_duration_seconds", "Wall time of finished runs.")
            .buckets(DURATION_BUCKETS.to_vec()),
        &["job"],
    )?;
    families.0.register(Box::new(durations.clone()))?;
    for job in jobs {
        let name = job.name.as_str();
        if let Some(at) = job.stats.last_success.as_deref().and_then(timestamp) {
            last_success.with_label_values(&[name]).set(at);
        }
        if let Some(at) = job.next_fire {
            next_fire
                .with_label_values(&[name])
                .set(at.timestamp() as f64);
        }
        let held = if job.pause.is_some() { 1.0 } else { 0.0 };
        paused.with_label_values(&[name]).set(held);
        in_doubt.with_label_values(&[name]).set(job.in_doubt as f64);
        for outcome in OUTCOMES {
            let count = job.stats.runs.get(outcome).copied().unwrap_or(0);
            runs.with_label_values(&[name, outcome]).inc_by(count);
        }
        for status in STATUSES {
            let count = job.stats.deliveries.get(status).copied().unwrap_or(0);
            deliveries.with_label_values(&[name, status]).inc_by(count);
        }
        let histogram = durations.with_label_values(&[name]);
        for &seconds in &job.stats.durations {
            histogram.observe(seconds);
        }
    }
    Ok(())
}

fn timestamp(rfc3339: &str) -> Option<f64> {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .ok()
        .map(|t| t.timestamp_millis() as f64 / 1000.0)
}
