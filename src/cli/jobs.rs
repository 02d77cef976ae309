//! `xbrief run`: jobs once, now, or a dry run listing what they would send.

use super::*;
use crate::data::DataRoot;
use crate::run::{Shard, ShardRun};

#[derive(clap::Args)]
pub struct RunArgs {
    /// Jobs to run (see `jobs:` in the config).
    #[arg(required_unless_present = "all")]
    pub jobs: Vec<String>,
    /// Run every job of the config.
    #[arg(long, conflicts_with = "jobs")]
    pub all: bool,
    /// Period: `2026-10` (month), `2026-Q3` (quarter) or `2026-W42` (ISO week); default:
    /// the job's last complete period.
    #[arg(long, value_parser = parse_period)]
    pub period: Option<Period>,
    /// Read the exports from this folder or `s3://bucket/prefix` (over `data.dir`).
    #[arg(long, value_parser = DataRoot::parse)]
    pub data: Option<DataRoot>,
    /// Output folder (default: `paths.output` of the config).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Write the CSV exports and the manifest only: no PDFs, no email.
    #[arg(long)]
    pub exports_only: bool,
    /// Send through this transport instead of the config's `delivery.transport`.
    #[arg(long, value_enum)]
    pub transport: Option<Transport>,
    /// List every briefing the run would produce (job, period, audience, scope,
    /// recipient, language), with totals; write and send nothing.
    #[arg(long, conflicts_with_all = ["exports_only", "transport"])]
    pub dry_run: bool,
    #[command(flatten)]
    pub sharding: ShardArgs,
}

/// `--shard I/N`, `--shards N` and `--group` (`run`, and `resend --in-doubt`).
#[derive(clap::Args)]
pub struct ShardArgs {
    /// Render and send only shard I of N (from 1) of the recipients; every shard computes
    /// the figures, one writes the CSV exports and the manifest. Needs a shared state store
    /// and output folder.
    #[arg(long, value_parser = Shard::parse, conflicts_with = "shards")]
    pub shard: Option<Shard>,
    /// As --shard, with the index from Kubernetes' JOB_COMPLETION_INDEX (0 to N-1).
    #[arg(long)]
    pub shards: Option<u32>,
    /// The group of the shards of one run (default: one per job, period and shard count);
    /// on Kubernetes, the Job's uid.
    #[arg(long, env = "XBRIEF_RUN_GROUP")]
    pub group: Option<String>,
}

impl ShardArgs {
    /// `--shard I/N`, or `--shards N` with the pod's completion index.
    pub fn shard_run(self) -> Result<Option<ShardRun>, Failure> {
        let shard = match (self.shard, self.shards) {
            (Some(shard), _) => shard,
            (None, Some(count)) => {
                let index = std::env::var(run::shard::COMPLETION_INDEX_ENV).ok();
                Shard::from_completion_index(count, index.as_deref()).map_err(Failure::config)?
            }
            (None, None) => return Ok(None),
        };
        Ok(Some(ShardRun {
            shard,
            group: self.group,
        }))
    }
}
/// How many jobs `run` names (`--all`: more than one).
fn selected_count(jobs: &[String], all: bool) -> usize {
    if all { usize::MAX } else { jobs.len() }
}

/// Runs the jobs; the exit code tells the worst failure's class (README, Exit codes).
pub fn run(config_path: &Path, args: RunArgs) -> Result<(), Failure> {
    let RunArgs {
        jobs,
        all,
        period,
        data,
        out,
        exports_only,
        transport,
        dry_run,
        sharding,
    } = args;
    if sharding.shard.is_some() || sharding.shards.is_some() {
        if selected_count(&jobs, all) != 1 {
            return Err(Failure::config("--shard and --shards run one job: name it"));
        }
        if dry_run {
            return Err(Failure::config(
                "--dry-run lists every briefing: leave out --shard",
            ));
        }
    }
    let shard = sharding.shard_run()?;
    let config = Config::load(config_path).map_err(Failure::config)?;
    let names: Vec<String> = if all {
        config.jobs.keys().cloned().collect()
    } else {
        jobs
    };
    let selected = names
        .iter()
        .map(|name| find_job(&config, name))
        .collect::<Result<Vec<_>, _>>()?;
    let options = RunOptions {
        data_dir: data,
        out_dir: out,
        exports_only,
        transport,
        shard,
        ..RunOptions::for_period(period)
    };
    ensure_demo(&config, &options)?;
    if dry_run {
        return Ok(print_dry_run(&config, &selected, &options)?);
    }
    let mut undelivered = Vec::new();
    let mut worst: Option<run::failure::FailureClass> = None;
    for job in selected {
        let summary =
            run::run_job(&config, job, &options).map_err(|e| Failure::of_run(&job.name, &e))?;
        worst = worst.max(run::failure::delivery_class(&summary.delivered));
        let d = &summary.delivered;
        say!(
            "{} {}: {} sent in {:.2} s ({:.0}/s), {} already sent before, {} refused, {} still failing after retries",
            summary.job,
            summary.period,
            d.sent,
            d.seconds,
            d.sent as f64 / d.seconds.max(1e-9),
            d.skipped,
            d.failed.len(),
            d.pending.len()
        );
        if d.in_doubt > 0 {
            say!(
                "{} {}: {} in doubt (an earlier run died handing them over; each may or may not have arrived): `xbrief resend {} --period {} --in-doubt` sends them again under the same Message-ID",
                summary.job,
                summary.period,
                d.in_doubt,
                summary.job,
                summary.period
            );
        }
        for (to, error) in d.failed.iter().chain(&d.pending) {
            say!("  not delivered to {to}: {error}");
            undelivered.push(format!("{} → {to}", summary.job));
        }
        say!(
            "{} {}: {} briefings, {} messages, outputs in {} ({:.2} s, peak RSS {:.0} MiB)",
            summary.job,
            summary.period,
            summary.briefings,
            summary.messages,
            summary.folder.display(),
            summary.seconds,
            run::peak_rss_mib()
        );
        if let Some(render) = summary.render {
            say!(
                "  rendering: {:.2} s, per PDF p50 {:.1} ms, p99 {:.1} ms",
                render.seconds,
                render.p50 * 1e3,
                render.p99 * 1e3
            );
        }
    }
    match worst {
        None => Ok(()),
        Some(class) => Err(Failure {
            message: format!(
                "{} message(s) not delivered: {} (see `xbrief history --failed`; the admins were notified)",
                undelivered.len(),
                undelivered.join(", ")
            ),
            code: class.exit_code(),
        }),
    }
}

/// `run --dry-run`: one line per (briefing, recipient), then the totals.
fn print_dry_run(
    config: &Config,
    jobs: &[&crate::config::Job],
    options: &RunOptions,
) -> Result<(), String> {
    println!("job\tperiod\taudience\tscope\trecipient\tlanguage\tattachment");
    let (mut briefings, mut messages) = (0, 0);
    for job in jobs {
        let run = run::JobRun::new(config, job, options, chrono::Utc::now());
        let period = run.period;
        let planned = run::dry_run(&run).map_err(|e| format!("job {}: {e}", job.name))?;
        let job_messages: usize = planned.iter().map(|b| b.recipients.len()).sum();
        for briefing in &planned {
            let attachment = if briefing.attach_scorecard_csv {
                "scorecard.csv"
            } else {
                "PDF"
            };
            for recipient in &briefing.recipients {
                println!(
                    "{}\t{period}\t{}\t{}\t{recipient}\t{}\t{attachment}",
                    job.name, briefing.template, briefing.scope, briefing.locale
                );
            }
        }
        say!(
            "{} {period}: {} briefing(s), {job_messages} message(s)",
            job.name,
            planned.len()
        );
        briefings += planned.len();
        messages += job_messages;
    }
    say!(
        "dry run: {briefings} briefing(s), {messages} message(s) in all; nothing was written or sent"
    );
    Ok(())
}
