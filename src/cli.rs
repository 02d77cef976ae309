//! The command line: parse arguments, call the stages, report errors at the edge.

use crate::config::{Config, Transport};
use crate::data::queries::QueryDir;
use crate::demo::{self, DemoOptions};
use crate::metrics::period::Period;
use crate::run::{self, RunOptions};
use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `-q`: summaries and notes on stderr are left out; errors are still printed.
static QUIET: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
/// `--log-format json`: summaries are log events too, so stderr stays one JSON per line.
static JSON_LOGS: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

macro_rules! say {
    ($($arg:tt)*) => {
        if JSON_LOGS.load(std::sync::atomic::Ordering::Relaxed) {
            tracing::info!(target: "xbrief::summary", "{}", format!($($arg)*));
        } else if !QUIET.load(std::sync::atomic::Ordering::Relaxed) {
            eprintln!($($arg)*);
        }
    };
}

#[derive(Parser)]
#[command(
    name = "xbrief",
    version,
    about = "Experience briefings from customer, employee and financial exports"
)]
struct Cli {
    /// The configuration file.
    #[arg(long, global = true, default_value = "config/xbrief.yaml")]
    config: PathBuf,
    /// More log detail: -v info, -vv debug (each query with its time), -vvv trace.
    #[arg(short, long, global = true, action = clap::ArgAction::Count, conflicts_with = "quiet")]
    verbose: u8,
    /// Errors only: no progress bars, no summaries.
    #[arg(short, long, global = true)]
    quiet: bool,
    /// Logs as plain text, or one JSON object per line for machines.
    #[arg(long, global = true, value_enum, default_value = "text")]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run jobs once, now.
    Run {
        /// Jobs to run (see `jobs:` in the config).
        #[arg(required_unless_present = "all")]
        jobs: Vec<String>,
        /// Run every job of the config.
        #[arg(long, conflicts_with = "jobs")]
        all: bool,
        /// Period: `2026-10` (month), `2026-Q3` (quarter) or `2026-W42` (ISO week); default:
        /// the job's last complete period.
        #[arg(long, value_parser = parse_period)]
        period: Option<Period>,
        /// Read the exports by their contract names from this folder.
        #[arg(long)]
        data: Option<PathBuf>,
        /// Output folder (default: `paths.output` of the config).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Write the CSV exports and the manifest only: no PDFs, no email.
        #[arg(long)]
        exports_only: bool,
        /// Send through this transport instead of the config's `delivery.transport`.
        #[arg(long, value_enum)]
        transport: Option<TransportArg>,
        /// List every briefing the run would produce (job, period, audience, scope,
        /// recipient, language), with totals; write and send nothing.
        #[arg(long, conflicts_with_all = ["exports_only", "transport"])]
        dry_run: bool,
    },
    /// Run every job on its schedule until SIGTERM or SIGINT.
    Serve,
    /// The next fires of every job, in its zone and in UTC, with the period each reports.
    Plan {
        /// How many runs per job.
        #[arg(long, default_value_t = 5)]
        next: usize,
        /// Plan from this instant (RFC 3339) instead of now.
        #[arg(long, value_parser = parse_instant)]
        from: Option<chrono::DateTime<chrono::Utc>>,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// Runs and deliveries recorded in the state store, with status, attempts and last error.
    History {
        #[arg(long)]
        job: Option<String>,
        #[arg(long, value_parser = parse_period)]
        period: Option<Period>,
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Sends one (job, period) briefing again to one of its recipients (recorded as a resend).
    Resend {
        job: String,
        #[arg(long, value_parser = parse_period)]
        period: Period,
        #[arg(long)]
        to: String,
        #[arg(long)]
        data: Option<PathBuf>,
        #[arg(long)]
        out: Option<PathBuf>,
        #[arg(long, value_enum)]
        transport: Option<TransportArg>,
    },
    /// Check the config, templates, catalogs, queries and data together; every problem at
    /// once, each with its file, line and column. Exit 0 only when clean.
    Validate {
        #[arg(long, value_enum, default_value = "human")]
        format: ProblemFormat,
        /// Check the files only (config, template and query syntax, catalogs): no data is
        /// read and templates are not rendered. For a quick check on every save.
        #[arg(long)]
        files_only: bool,
    },
    /// Print the JSON Schema of the config file (for editors: completion and inline errors).
    Schema,
    /// Render one briefing to a PDF without sending anything.
    Preview {
        /// The job whose briefing to render.
        job: String,
        /// The site of a manager briefing.
        #[arg(long, conflicts_with = "team")]
        site: Option<String>,
        /// The team of a frontline briefing.
        #[arg(long)]
        team: Option<String>,
        #[arg(long, value_parser = parse_period)]
        period: Option<Period>,
        #[arg(long)]
        data: Option<PathBuf>,
        /// Where to write the PDF.
        #[arg(long)]
        out: PathBuf,
        /// Also write the document model (the template's blocks) as JSON here.
        #[arg(long)]
        model: Option<PathBuf>,
    },
    /// Write deterministic demo exports (same arguments → same bytes).
    Demo {
        #[arg(long, default_value = "demo-data")]
        out: PathBuf,
        #[arg(long, default_value_t = 60)]
        sites: usize,
        #[arg(long, default_value_t = 24)]
        months: usize,
        /// Customer responses per site-month: `K`, or a range `MIN-MAX`.
        #[arg(long, default_value = "40-400")]
        responses_per_site_month: String,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Last month of data (`2026-10`); default: the current month, up to yesterday.
        #[arg(long, value_parser = parse_period)]
        until: Option<Period>,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Text,
    Json,
}

fn parse_instant(text: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&chrono::Utc))
        .map_err(|e| {
            format!(
                "invalid instant `{text}`: {e} (expected RFC 3339, e.g. 2026-03-28T12:00:00+01:00)"
            )
        })
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ProblemFormat {
    /// Each problem with its source line and a pointer under the spot.
    Human,
    /// One `file:line:column: message` line per problem.
    Short,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum TransportArg {
    Smtp,
    File,
}

impl From<TransportArg> for Transport {
    fn from(t: TransportArg) -> Transport {
        match t {
            TransportArg::Smtp => Transport::Smtp,
            TransportArg::File => Transport::File,
        }
    }
}

fn parse_period(text: &str) -> Result<Period, String> {
    Period::parse(text).map_err(|e| e.to_string())
}

fn parse_range(text: &str) -> Result<(usize, usize), String> {
    let error =
        || format!("invalid --responses-per-site-month `{text}`: expected a number or MIN-MAX");
    let (low, high) = text.split_once('-').unwrap_or((text, text));
    let low: usize = low.trim().parse().map_err(|_| error())?;
    let high: usize = high.trim().parse().map_err(|_| error())?;
    if low == 0 || low > high {
        return Err(error());
    }
    Ok((low, high))
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    // Warnings by default; -v/-q or `XBRIEF_LOG` (a tracing filter) say otherwise.
    let json = cli.log_format == LogFormat::Json;
    let level = match (cli.quiet, cli.verbose) {
        (true, _) => "error",
        // JSON logs carry the summaries as info events
        (false, 0) if json => "warn,xbrief::summary=info",
        (false, 0) => "warn",
        (false, 1) => "info",
        (false, 2) => "debug",
        _ => "trace",
    };
    let filter =
        tracing_subscriber::EnvFilter::try_from_env("XBRIEF_LOG").unwrap_or_else(|_| level.into());
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match cli.log_format {
        LogFormat::Json => logs.json().init(),
        LogFormat::Text => logs.init(),
    }
    QUIET.store(cli.quiet, std::sync::atomic::Ordering::Relaxed);
    JSON_LOGS.store(json, std::sync::atomic::Ordering::Relaxed);
    use std::io::IsTerminal;
    crate::progress::show(
        std::io::stderr().is_terminal() && !cli.quiet && cli.log_format == LogFormat::Text,
    );
    match execute(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            if json {
                tracing::error!(target: "xbrief::summary", "{message}");
            } else {
                eprintln!("error: {message}");
            }
            ExitCode::FAILURE
        }
    }
}

fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

/// Generates the demo exports where the configured data folder has none (`demo_if_missing`).
fn ensure_demo(config: &Config, options: &RunOptions) -> Result<(), String> {
    let data_dir = run::data_dir(config, options);
    if config.file.data.demo_if_missing && options.data_dir.is_none() && demo::missing(&data_dir) {
        say!(
            "no exports in {}: generating the demo exports first",
            data_dir.display()
        );
        let demo = DemoOptions::standard(data_dir.clone(), today());
        demo::generate(&demo, &QueryDir::new(Path::new(&config.file.paths.queries)))
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

fn find_job<'c>(config: &'c Config, name: &str) -> Result<&'c crate::config::Job, String> {
    config.job(name).ok_or_else(|| {
        let known: Vec<&str> = config.jobs.keys().map(String::as_str).collect();
        format!("unknown job `{name}`: expected one of {}", known.join(", "))
    })
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
        let (period, planned) =
            run::dry_run(config, job, options).map_err(|e| format!("job {}: {e}", job.name))?;
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

fn execute(cli: Cli) -> Result<(), String> {
    match cli.command {
        Command::Preview {
            job,
            site,
            team,
            period,
            data,
            out,
            model,
        } => {
            let config = Config::load(&cli.config).map_err(|e| e.to_string())?;
            let job = find_job(&config, &job)?;
            let options = RunOptions {
                period,
                data_dir: data,
                out_dir: None,
                exports_only: false,
                transport: None,
                data_incomplete: false,
            };
            ensure_demo(&config, &options)?;
            let scope = site
                .map(|s| format!("site:{s}"))
                .or(team.map(|t| format!("team:{t}")));
            let preview = run::preview(&config, job, &options, run::Pick::Scope(scope.as_deref()))
                .map_err(|e| format!("job {}: {e}", job.name))?;
            let pdf = preview.rendered.pdf.as_deref().unwrap_or_default();
            std::fs::write(&out, pdf)
                .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
            if let Some(model) = model {
                let json =
                    serde_json::to_string_pretty(&preview.document).map_err(|e| e.to_string())?;
                std::fs::write(&model, json)
                    .map_err(|e| format!("cannot write {}: {e}", model.display()))?;
            }
            say!(
                "{} ({}, for {}): {} pages, {} KB written to {}",
                preview.scope,
                preview.locale,
                preview.recipients.join(", "),
                preview.rendered.pages,
                pdf.len() / 1024,
                out.display()
            );
            Ok(())
        }
        Command::Demo {
            out,
            sites,
            months,
            responses_per_site_month,
            seed,
            until,
        } => {
            let (responses_min, responses_max) = parse_range(&responses_per_site_month)?;
            let options = DemoOptions {
                out,
                sites,
                months,
                responses_min,
                responses_max,
                seed,
                until: until.unwrap_or_else(|| demo::default_until(today())),
                cutoff: today(),
            };
            let started = std::time::Instant::now();
            demo::generate(&options, &QueryDir::new(Path::new("queries")))
                .map_err(|e| e.to_string())?;
            say!(
                "demo exports written to {} in {:.1} s",
                options.out.display(),
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Run {
            jobs,
            all,
            period,
            data,
            out,
            exports_only,
            transport,
            dry_run,
        } => {
            let config = Config::load(&cli.config).map_err(|e| e.to_string())?;
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
                period,
                data_dir: data,
                out_dir: out,
                exports_only,
                transport: transport.map(Transport::from),
                data_incomplete: false,
            };
            ensure_demo(&config, &options)?;
            if dry_run {
                return print_dry_run(&config, &selected, &options);
            }
            let mut undelivered = Vec::new();
            for job in selected {
                let summary = run::run_job(&config, job, &options)
                    .map_err(|e| format!("job {}: {e}", job.name))?;
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
            if undelivered.is_empty() {
                Ok(())
            } else {
                Err(format!(
                    "{} message(s) not delivered: {} (see `xbrief history`; the admins were notified)",
                    undelivered.len(),
                    undelivered.join(", ")
                ))
            }
        }
        Command::Validate { format, files_only } => {
            let started = std::time::Instant::now();
            let depth = if files_only {
                crate::validate::Depth::FilesOnly
            } else {
                crate::validate::Depth::Everything
            };
            let found = crate::validate::validate(&cli.config, depth);
            for problem in &found.problems {
                match format {
                    ProblemFormat::Human => println!("{}", problem.fancy()),
                    ProblemFormat::Short => println!("{}", problem.short()),
                }
            }
            let checked = format!(
                "{}, in {:.2} s",
                found.checked,
                started.elapsed().as_secs_f64()
            );
            if found.problems.is_empty() {
                say!("{}: no problems ({checked})", cli.config.display());
                Ok(())
            } else {
                Err(format!(
                    "{} problem(s) in {} and the files it names ({checked})",
                    found.problems.len(),
                    cli.config.display()
                ))
            }
        }
        Command::Schema => {
            let schema = crate::config::json_schema();
            println!(
                "{}",
                serde_json::to_string_pretty(&schema).map_err(|e| e.to_string())?
            );
            Ok(())
        }
        Command::Serve => crate::schedule::serve::serve(&cli.config).map_err(|e| e.to_string()),
        Command::Plan { next, from, format } => {
            let config = Config::load(&cli.config).map_err(|e| e.to_string())?;
            let jobs: Vec<&crate::config::Job> = config.jobs.values().collect();
            let plans =
                crate::schedule::plan::plan(&jobs, from.unwrap_or_else(chrono::Utc::now), next);
            match format {
                Format::Json => println!(
                    "{}",
                    serde_json::to_string_pretty(&plans).map_err(|e| e.to_string())?
                ),
                Format::Text => {
                    for plan in plans {
                        println!("{} ({}, \"{}\")", plan.job, plan.timezone, plan.schedule);
                        for run in plan.runs {
                            println!(
                                "  {}  {}  period {}{}",
                                run.local,
                                run.utc,
                                run.period,
                                run.dst.map(|d| format!("  [DST: {d}]")).unwrap_or_default()
                            );
                        }
                    }
                }
            }
            Ok(())
        }
        Command::History { job, period, out } => {
            let config = Config::load(&cli.config).map_err(|e| e.to_string())?;
            let options = RunOptions {
                period,
                data_dir: None,
                out_dir: out,
                exports_only: false,
                transport: None,
                data_incomplete: false,
            };
            let state = run::state_dir(&config, &run::out_dir(&config, &options));
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
                println!(
                    "  {} {} {}{}: {} after {} attempt(s){}{}",
                    d.job,
                    d.period,
                    d.recipient,
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
        Command::Resend {
            job,
            period,
            to,
            data,
            out,
            transport,
        } => {
            let config = Config::load(&cli.config).map_err(|e| e.to_string())?;
            let job = find_job(&config, &job)?;
            let options = RunOptions {
                period: Some(period),
                data_dir: data,
                out_dir: out,
                exports_only: false,
                transport: transport.map(Transport::from),
                data_incomplete: false,
            };
            let delivered = run::resend(&config, job, &options, &to)
                .map_err(|e| format!("job {}: {e}", job.name))?;
            match delivered.failed.iter().chain(&delivered.pending).next() {
                None => {
                    say!("{} {period}: resent to {to}", job.name);
                    Ok(())
                }
                Some((_, error)) => Err(format!("resend to {to} failed: {error}")),
            }
        }
    }
}
