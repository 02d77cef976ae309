//! The state store's commands: `history` and `resend`.

use super::*;

#[derive(clap::Args)]
pub struct HistoryArgs {
    #[arg(long)]
    pub job: Option<String>,
    #[arg(long, value_parser = parse_period)]
    pub period: Option<Period>,
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Only what failed: each failed run with its stage, class, error and next step, and
    /// each recipient not delivered.
    #[arg(long)]
    pub failed: bool,
}

pub fn history(config_path: &Path, args: HistoryArgs) -> Result<(), String> {
    let HistoryArgs {
        job,
        period,
        out,
        failed,
    } = args;
    let config = Config::load(config_path).map_err(|e| e.to_string())?;
    let out_dir = out.unwrap_or_else(|| config.paths.output.clone());
    let state = run::state_url(&config, &out_dir);
    let ledger = crate::deliver::Ledger::open(&state).map_err(|e| e.to_string())?;
    let period = period.map(|p| p.to_string());
    let (job, period) = (job.as_deref(), period.as_deref());
    if failed {
        return print_failures(&ledger, job, period);
    }
    print_pauses(&ledger)?;
    let runs = ledger.runs(job, period).map_err(|e| e.to_string())?;
    println!("runs ({state}):");
    for r in runs {
        println!(
            "  {} {} {} {} → {} {}: {} sent, {} failed, {} skipped{}{}",
            r.run_id,
            r.job,
            r.period,
            r.started_at,
            r.finished_at.unwrap_or_else(|| "(unfinished)".into()),
            r.status,
            r.sent,
            r.failed,
            r.skipped,
            where_it_ran(r.owner.as_deref(), r.shard.as_deref()),
            r.error.map(|e| format!(" ({e})")).unwrap_or_default()
        );
    }
    println!("deliveries:");
    for d in ledger.deliveries(job, period).map_err(|e| e.to_string())? {
        let resend = if d.resend > 0 {
            format!(" (resend {})", d.resend)
        } else {
            String::new()
        };
        let scope = if d.scope.is_empty() {
            String::new()
        } else {
            format!(" [{}]", d.scope)
        };
        println!(
            "  {} {} {}{}{}: {} after {} attempt(s){}{}",
            d.job,
            d.period,
            d.recipient,
            scope,
            resend,
            d.status,
            d.attempts,
            d.sent_at.map(|t| format!(", sent {t}")).unwrap_or_default(),
            d.last_error
                .map(|e| format!(", last error: {e}"))
                .unwrap_or_default()
        );
    }
    let tests = ledger.test_sends(job, period).map_err(|e| e.to_string())?;
    if !tests.is_empty() {
        println!("test sends (not deliveries):");
        for [job, period, scope, to, status, error, by, at] in tests {
            let text = |v: Option<String>| v.unwrap_or_default();
            println!(
                "  {} {} {} [{}] by {} at {}: {}{}",
                text(job),
                text(period),
                text(to),
                text(scope),
                text(by),
                text(at),
                text(status),
                error.map(|e| format!(", {e}")).unwrap_or_default()
            );
        }
    }
    Ok(())
}

fn print_pauses(ledger: &crate::deliver::Ledger) -> Result<(), String> {
    let now = chrono::Utc::now();
    let pauses = ledger.pauses().map_err(|e| e.to_string())?;
    let holding: Vec<_> = pauses.0.iter().filter(|p| p.holds(now)).collect();
    if !holding.is_empty() {
        println!("paused:");
        for p in holding {
            println!("  {}", pause_text(p));
        }
    }
    Ok(())
}

/// A hold in one line: what, why, who, since and until when.
pub fn pause_text(p: &crate::deliver::Pause) -> String {
    let what = if p.job == crate::deliver::ALL_JOBS {
        "every job"
    } else {
        p.job.as_str()
    };
    let until = p.until.map_or_else(
        || "until resumed".to_string(),
        |t| format!("until {}", t.to_rfc3339()),
    );
    format!(
        "{what}: {} (by {}, since {}, {until})",
        p.reason, p.paused_by, p.paused_at
    )
}

/// `history --failed`: each failed run with where it stopped, what kind of failure, its
/// error and the next step; then each recipient not delivered.
fn print_failures(
    ledger: &crate::deliver::Ledger,
    job: Option<&str>,
    period: Option<&str>,
) -> Result<(), String> {
    use crate::run::failure::FailureClass;
    let runs = ledger.runs(job, period).map_err(|e| e.to_string())?;
    println!("failed runs:");
    for r in runs.iter().filter(|r| r.status == "failed") {
        let class = r.error_class.as_deref().and_then(FailureClass::parse);
        println!(
            "  {} {} {} at {}: stage {}, class {}: {}",
            r.run_id,
            r.job,
            r.period,
            r.finished_at.as_deref().unwrap_or("?"),
            r.stage.as_deref().unwrap_or("?"),
            r.error_class.as_deref().unwrap_or("?"),
            r.error.as_deref().unwrap_or("")
        );
        if let Some(class) = class {
            println!("    next: {}", class.next_step(&r.job, &r.period));
        }
    }
    println!("not delivered:");
    for d in ledger.deliveries(job, period).map_err(|e| e.to_string())? {
        if d.status == "sent" {
            continue;
        }
        let scope = if d.scope.is_empty() {
            String::new()
        } else {
            format!(" [{}]", d.scope)
        };
        println!(
            "  {} {} {}{}: {} after {} attempt(s): {}",
            d.job,
            d.period,
            d.recipient,
            scope,
            d.status,
            d.attempts,
            d.last_error.as_deref().unwrap_or("")
        );
        let next = if d.status == "pending" {
            format!("the next run of {} {} retries it, or", d.job, d.period)
        } else {
            "fix the address or the server's refusal, then".to_string()
        };
        println!(
            "    next: {next} `xbrief resend {} --period {} --to {}`",
            d.job, d.period, d.recipient
        );
    }
    Ok(())
}

#[derive(clap::Args)]
pub struct ResendArgs {
    pub job: String,
    #[arg(long, value_parser = parse_period)]
    pub period: Period,
    #[arg(
        long,
        required_unless_present = "in_doubt",
        conflicts_with = "in_doubt"
    )]
    pub to: Option<String>,
    /// Which of the recipient's briefings (`site:<id>`, `team:<id>`, `company`, `hr`), for
    /// one who gets several.
    #[arg(long)]
    pub scope: Option<String>,
    /// Send again every briefing of the period left in doubt (a run died handing it over),
    /// under its first Message-ID, and record each as the period's delivery.
    #[arg(long)]
    pub in_doubt: bool,
    /// With --in-doubt: only this shard's share (a sharded run's briefings keep its bytes).
    #[command(flatten)]
    pub sharding: super::jobs::ShardArgs,
    #[command(flatten)]
    pub sending: SendingArgs,
}

pub fn resend(config_path: &Path, args: ResendArgs) -> Result<(), String> {
    let ResendArgs {
        job,
        period,
        to,
        scope,
        in_doubt,
        sharding,
        sending,
    } = args;
    let config = Config::load(config_path).map_err(|e| e.to_string())?;
    let job = find_job(&config, &job)?;
    let options = sending.options(Some(period));
    let Some(to) = to.filter(|_| !in_doubt) else {
        let shard = sharding.shard_run().map_err(|f| f.message)?;
        return resend_in_doubt(&config, job, RunOptions { shard, ..options });
    };
    let delivered = run::resend(&config, job, &options, &to, scope.as_deref())
        .map_err(|e| format!("job {}: {e}", job.name))?;
    match delivered.failed.iter().chain(&delivered.pending).next() {
        None => {
            say!("{} {period}: resent to {to}", job.name);
            Ok(())
        }
        Some((_, error)) => Err(format!("resend to {to} failed: {error}")),
    }
}

/// `resend --in-doubt`: the period's run again, sending only what is not settled, the
/// briefings in doubt included.
fn resend_in_doubt(
    config: &Config,
    job: &crate::config::Job,
    options: RunOptions,
) -> Result<(), String> {
    let options = RunOptions {
        resend_in_doubt: true,
        ..options
    };
    let summary =
        run::run_job(config, job, &options).map_err(|e| format!("job {}: {e}", job.name))?;
    let d = &summary.delivered;
    say!(
        "{} {}: {} in doubt or unsent sent again, {} already sent before",
        job.name,
        summary.period,
        d.sent,
        d.skipped
    );
    match d.failed.iter().chain(&d.pending).next() {
        None => Ok(()),
        Some((to, error)) => Err(format!("resend to {to} failed: {error}")),
    }
}

/// ` on host:pid`, ` as shard 2/4`: which replica ran a run.
fn where_it_ran(owner: Option<&str>, shard: Option<&str>) -> String {
    let on = owner.map(|o| format!(" on {o}")).unwrap_or_default();
    let shard = shard.map(|s| format!(" as shard {s}")).unwrap_or_default();
    format!("{on}{shard}")
}
