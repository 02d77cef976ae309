//! The command line: parse arguments, call the stages, report errors at the edge. One file
//! per group of commands; this one holds the arguments, logging and the dispatch.

use crate::config::{Config, Transport};
use crate::data::DataRoot;
use crate::data::queries::QueryDir;
use crate::demo::{self, DemoOptions};
use crate::period::Period;
use crate::run::{self, RunOptions};
use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// A summary sentence on stderr (see `logs`).
macro_rules! say {
    ($($arg:tt)*) => {
        tracing::info!(target: "xbrief::summary", $($arg)*)
    };
}

mod admin;
mod jobs;
mod ledger;
mod logs;
mod operate;
mod preview;
mod state;

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
    Run(jobs::RunArgs),
    /// Run every job on its schedule until SIGTERM or SIGINT.
    Serve,
    /// The next fires of every job, in its zone and in UTC, with the period each reports.
    Plan(admin::PlanArgs),
    /// Runs and deliveries recorded in the state store, with status, attempts and last error.
    History(ledger::HistoryArgs),
    /// Sends one (job, period) briefing again to one of its recipients (recorded as a resend).
    Resend(ledger::ResendArgs),
    /// Check the config, templates, catalogs, queries and data together; every problem at
    /// once, each with its file, line and column. Exit 0 only when clean.
    Validate(admin::ValidateArgs),
    /// Print the JSON Schema of the configuration (for editors: completion and inline errors).
    Schema,
    /// Render one briefing to a PDF without sending anything.
    Preview(preview::PreviewArgs),
    /// Write deterministic demo exports (same arguments → same bytes).
    Demo(preview::DemoArgs),
    /// Hold a job (or every job): a running `serve` skips its fires until `resume` or
    /// `--until`, recording each as skipped with the reason.
    Pause(operate::PauseArgs),
    /// Lift a hold; `serve` catches up the latest miss within `catch_up_within`.
    Resume(operate::ResumeArgs),
    /// Render one briefing from the real data and send it to one address, marked as a
    /// test; recorded as a test send, never as a delivery.
    SendTest(operate::SendTestArgs),
    /// The state store: `state migrate` applies its schema migrations ahead of a rollout.
    State(state::StateArgs),
}

/// Where a one-off send reads and writes, and through what (`resend`, `send-test`).
#[derive(clap::Args)]
pub struct SendingArgs {
    #[arg(long, value_parser = DataRoot::parse)]
    pub data: Option<DataRoot>,
    #[arg(long)]
    pub out: Option<PathBuf>,
    #[arg(long, value_enum)]
    pub transport: Option<Transport>,
}

impl SendingArgs {
    fn options(self, period: Option<Period>) -> RunOptions {
        RunOptions {
            data_dir: self.data,
            out_dir: self.out,
            transport: self.transport,
            ..RunOptions::for_period(period)
        }
    }
}

/// A command's failure: its words and `xbrief`'s exit code (README, Exit codes).
pub struct Failure {
    pub message: String,
    pub code: u8,
}

impl From<String> for Failure {
    fn from(message: String) -> Failure {
        Failure { message, code: 1 }
    }
}

impl Failure {
    fn config(error: impl std::fmt::Display) -> Failure {
        Failure {
            message: error.to_string(),
            code: run::failure::FailureClass::Config.exit_code(),
        }
    }

    fn of_run(job: &str, error: &run::RunError) -> Failure {
        let text = error.to_string();
        let named = text.starts_with(&format!("job {job}:"));
        Failure {
            message: if named {
                text
            } else {
                format!("job {job}: {text}")
            },
            code: error.class().exit_code(),
        }
    }
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
    /// One JSON object per line: file, line, column, message, help (for editors and CI).
    Json,
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
    logs::init(cli.log_format == LogFormat::Json, cli.quiet, cli.verbose);
    use std::io::IsTerminal;
    crate::progress::show(
        std::io::stderr().is_terminal() && !cli.quiet && cli.log_format == LogFormat::Text,
    );
    match execute(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure { message, code }) => {
            tracing::error!(target: "xbrief::summary", "error: {message}");
            ExitCode::from(code)
        }
    }
}

fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

/// Generates the demo exports where the configured data folder has none (`demo_if_missing`).
fn ensure_demo(config: &Config, options: &RunOptions) -> Result<(), String> {
    let DataRoot::Dir(data_dir) = &config.data.dir else {
        return Ok(()); // a bucket is never written to
    };
    if config.data.demo_if_missing && options.data_dir.is_none() && demo::missing(data_dir) {
        if !demo::is_empty_folder(data_dir) {
            return Err(format!(
                "{} holds files but no sites.parquet: demo_if_missing generates the demo exports into an empty folder only, never beside other files (set data.dir to the exports, or to an empty folder for the demo)",
                data_dir.display()
            ));
        }
        say!(
            "no exports in {}: generating the demo exports first",
            data_dir.display()
        );
        let demo = DemoOptions::standard(data_dir.clone(), today());
        demo::generate(&demo, &QueryDir::new(&config.paths.queries)).map_err(|e| e.to_string())?;
    }
    Ok(())
}

fn find_job<'c>(config: &'c Config, name: &str) -> Result<&'c crate::config::Job, String> {
    config.job(name).ok_or_else(|| {
        let known: Vec<&str> = config.jobs.keys().map(String::as_str).collect();
        format!("unknown job `{name}`: expected one of {}", known.join(", "))
    })
}

fn execute(cli: Cli) -> Result<(), Failure> {
    let config = cli.config.as_path();
    match cli.command {
        Command::Run(args) => jobs::run(config, args),
        Command::Plan(args) => Ok(admin::plan(config, args)?),
        Command::History(args) => Ok(ledger::history(config, args)?),
        Command::Resend(args) => Ok(ledger::resend(config, args)?),
        Command::Validate(args) => Ok(admin::validate(config, args)?),
        Command::Preview(args) => Ok(preview::preview(config, args)?),
        Command::Demo(args) => Ok(preview::demo(args)?),
        Command::Pause(args) => Ok(operate::pause(config, args)?),
        Command::Resume(args) => Ok(operate::resume(config, args)?),
        Command::SendTest(args) => operate::send_test(config, args),
        Command::State(args) => state::state(config, args),
        Command::Schema => {
            let schema = crate::config::json_schema();
            println!(
                "{}",
                serde_json::to_string_pretty(&schema).map_err(|e| e.to_string())?
            );
            Ok(())
        }
        Command::Serve => Ok(crate::schedule::serve::serve(config).map_err(|e| e.to_string())?),
    }
}
