//! The operator's commands: `pause`, `resume` and `send-test`.

use super::*;
use crate::deliver::{ALL_JOBS, Ledger, Status};

#[derive(clap::Args)]
pub struct PauseArgs {
    /// The job to hold.
    #[arg(required_unless_present = "all", conflicts_with = "all")]
    pub job: Option<String>,
    /// Hold every job.
    #[arg(long)]
    pub all: bool,
    /// Why, for whoever looks at `plan`, `history` or the status page.
    #[arg(long)]
    pub reason: String,
    /// The hold ends at this instant (RFC 3339); without it, at `xbrief resume`.
    #[arg(long, value_parser = parse_instant)]
    pub until: Option<chrono::DateTime<chrono::Utc>>,
    #[arg(long)]
    pub out: Option<PathBuf>,
}

#[derive(clap::Args)]
pub struct ResumeArgs {
    #[arg(required_unless_present = "all", conflicts_with = "all")]
    pub job: Option<String>,
    /// Lift the hold of every job (`pause --all`).
    #[arg(long)]
    pub all: bool,
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// The state store of the config (or of `--out`).
fn ledger(config: &Config, out: Option<PathBuf>) -> Result<Ledger, String> {
    let out_dir = out.unwrap_or_else(|| config.paths.output.clone());
    Ledger::open(&run::state_url(config, &out_dir)).map_err(|e| e.to_string())
}

/// The job named, checked against the config, or every job.
fn held_name(config: &Config, job: Option<String>) -> Result<String, String> {
    match job {
        Some(name) => find_job(config, &name).map(|job| job.name.clone()),
        None => Ok(ALL_JOBS.to_string()),
    }
}

pub fn pause(config_path: &Path, args: PauseArgs) -> Result<(), String> {
    let PauseArgs {
        job,
        all: _,
        reason,
        until,
        out,
    } = args;
    let config = Config::load(config_path).map_err(|e| e.to_string())?;
    let name = held_name(&config, job)?;
    if until.is_some_and(|until| until <= chrono::Utc::now()) {
        return Err("--until is in the past: the hold would be over already".into());
    }
    let by = os_user();
    ledger(&config, out)?
        .pause(&name, &reason, &by, until)
        .map_err(|e| e.to_string())?;
    let what = if name == ALL_JOBS {
        "every job".to_string()
    } else {
        name
    };
    let end = until.map_or_else(
        || "until `xbrief resume`".to_string(),
        |t| format!("until {}", t.to_rfc3339()),
    );
    say!("{what} paused by {by} ({reason}), {end}: serve skips its fires");
    Ok(())
}

pub fn resume(config_path: &Path, args: ResumeArgs) -> Result<(), String> {
    let ResumeArgs { job, all: _, out } = args;
    let config = Config::load(config_path).map_err(|e| e.to_string())?;
    let name = held_name(&config, job)?;
    if !ledger(&config, out)?
        .resume(&name)
        .map_err(|e| e.to_string())?
    {
        return Err(format!("{name} is not paused"));
    }
    say!("{name} resumed: serve runs its next fire, and catches up a recent miss");
    Ok(())
}

#[derive(clap::Args)]
pub struct SendTestArgs {
    pub job: String,
    /// The site of a manager briefing.
    #[arg(long, conflicts_with = "team")]
    pub site: Option<String>,
    /// The team of a frontline briefing.
    #[arg(long)]
    pub team: Option<String>,
    /// The address to send the test to (delivery.allowed_domains applies).
    #[arg(long)]
    pub to: String,
    #[arg(long, value_parser = parse_period)]
    pub period: Option<Period>,
    #[command(flatten)]
    pub sending: SendingArgs,
}

pub fn send_test(config_path: &Path, args: SendTestArgs) -> Result<(), Failure> {
    let SendTestArgs {
        job,
        site,
        team,
        to,
        period,
        sending,
    } = args;
    let config = Config::load(config_path).map_err(Failure::config)?;
    let job = find_job(&config, &job)?;
    let options = sending.options(period);
    let run = run::JobRun::new(&config, job, &options, chrono::Utc::now());
    let scope = site
        .map(|s| format!("site:{s}"))
        .or_else(|| team.map(|t| format!("team:{t}")));
    let sent = run::send_test(&run, run::Pick::Scope(scope.as_deref()), &to, &os_user())
        .map_err(|e| Failure::of_run(&job.name, &e))?;
    match sent.status {
        Status::Sent => {
            say!(
                "{} {} [{}]: test sent to {to} (not counted as a delivery)",
                job.name,
                sent.period,
                sent.scope
            );
            Ok(())
        }
        _ => Err(Failure {
            message: format!(
                "test send to {to} failed: {}",
                sent.error.unwrap_or_default()
            ),
            code: run::failure::FailureClass::DeliveryFailed.exit_code(),
        }),
    }
}

/// Who is at the keyboard, for the record of a pause or a test send.
pub fn os_user() -> String {
    // SAFETY: getpwuid returns a pointer into static storage or null; it is read at once,
    // on this thread, before anything else can call it.
    let name = unsafe {
        let entry = libc::getpwuid(libc::geteuid());
        (!entry.is_null() && !(*entry).pw_name.is_null()).then(|| {
            std::ffi::CStr::from_ptr((*entry).pw_name)
                .to_string_lossy()
                .into_owned()
        })
    };
    name.or_else(|| std::env::var("USER").ok())
        .unwrap_or_else(|| format!("uid {}", unsafe { libc::geteuid() }))
}
