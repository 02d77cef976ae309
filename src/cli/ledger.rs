//! The state store's commands: `history` and `resend`.

use super::*;
use crate::data::DataRoot;

#[derive(clap::Args)]
pub struct HistoryArgs {
    #[arg(long)]
    pub job: Option<String>,
    #[arg(long, value_parser = parse_period)]
    pub period: Option<Period>,
    #[arg(long)]
    pub out: Option<PathBuf>,
}

pub fn history(config_path: &Path, args: HistoryArgs) -> Result<(), String> {
    let HistoryArgs { job, period, out } = args;
    let config = Config::load(config_path).map_err(|e| e.to_string())?;
    let out_dir = out.unwrap_or_else(|| config.paths.output.clone());
    let state = run::state_dir(&config, &out_dir);
    let ledger = crate::deliver::Ledger::open(&state).map_err(|e| e.to_string())?;
    let period = period.map(|p| p.to_string());
    let runs = ledger
        .runs(job.as_deref(), period.as_deref())
        .map_err(|e| e.to_string())?;
    println!("runs ({}):", state.display());
    for r in runs {
        println!(
            "  {} {} {} {} → {} {}: {} sent, {} failed, {} skipped",
            r.run_id,
            r.job,
            r.period,
            r.started_at,
            r.finished_at.unwrap_or_else(|| "(unfinished)".into()),
            r.status,
            r.sent,
            r.failed,
            r.skipped
        );
    }
    println!("deliveries:");
    for d in ledger
        .deliveries(job.as_deref(), period.as_deref())
        .map_err(|e| e.to_string())?
    {
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
    Ok(())
}

#[derive(clap::Args)]
pub struct ResendArgs {
    pub job: String,
    #[arg(long, value_parser = parse_period)]
    pub period: Period,
    #[arg(long)]
    pub to: String,
    /// Which of the recipient's briefings (`site:<id>`, `team:<id>`, `company`, `hr`), for
    /// one who gets several.
    #[arg(long)]
    pub scope: Option<String>,
    #[arg(long, value_parser = DataRoot::parse)]
    pub data: Option<DataRoot>,
    #[arg(long)]
    pub out: Option<PathBuf>,
    #[arg(long, value_enum)]
    pub transport: Option<Transport>,
}

pub fn resend(config_path: &Path, args: ResendArgs) -> Result<(), String> {
    let ResendArgs {
        job,
        period,
        to,
        scope,
        data,
        out,
        transport,
    } = args;
    let config = Config::load(config_path).map_err(|e| e.to_string())?;
    let job = find_job(&config, &job)?;
    let options = RunOptions {
        data_dir: data,
        out_dir: out,
        transport,
        ..RunOptions::for_period(Some(period))
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
