//! The admin's checks: `validate` (every problem at once) and `plan` (the next fires).

use super::*;

#[derive(clap::Args)]
pub struct PlanArgs {
    /// How many runs per job.
    #[arg(long, default_value_t = 5)]
    pub next: usize,
    /// Plan from this instant (RFC 3339) instead of now.
    #[arg(long, value_parser = parse_instant)]
    pub from: Option<chrono::DateTime<chrono::Utc>>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

pub fn plan(config_path: &Path, args: PlanArgs) -> Result<(), String> {
    let PlanArgs { next, from, format } = args;
    let config = Config::load(config_path).map_err(|e| e.to_string())?;
    let jobs: Vec<&crate::config::Job> = config.jobs.values().collect();
    let from = from.unwrap_or_else(chrono::Utc::now);
    let plans = crate::schedule::plan::plan(&jobs, from, next);
    // the holds in the state store, when there is one (plan never creates it)
    let state = run::state_url(&config, &config.paths.output);
    let exists = match &state {
        crate::deliver::StateUrl::Sqlite(path) => path.exists(),
        crate::deliver::StateUrl::Postgres(_) => true,
    };
    // the schedule is the config's: a store that does not answer only hides the holds
    let pauses = match exists {
        true => crate::deliver::Ledger::open(&state)
            .and_then(|l| l.pauses())
            .unwrap_or_else(|error| {
                tracing::warn!(%error, "the holds are not shown");
                crate::deliver::Pauses::default()
            }),
        false => crate::deliver::Pauses::default(),
    };
    match format {
        Format::Json => {
            // each job's plan with its hold, when it has one
            let mut value = serde_json::to_value(&plans).map_err(|e| e.to_string())?;
            for plan in value.as_array_mut().into_iter().flatten() {
                let job = plan["job"].as_str().unwrap_or_default().to_string();
                plan["paused"] = pauses.of(&job, from).map_or(serde_json::Value::Null, |p| {
                    super::ledger::pause_text(p).into()
                });
            }
            println!(
                "{}",
                serde_json::to_string_pretty(&value).map_err(|e| e.to_string())?
            );
        }
        Format::Text => {
            for plan in plans {
                println!("{} ({}, \"{}\")", plan.job, plan.timezone, plan.schedule);
                if let Some(pause) = pauses.of(&plan.job, from) {
                    println!("  paused: {}", super::ledger::pause_text(pause));
                }
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

#[derive(clap::Args)]
pub struct ValidateArgs {
    #[arg(long, value_enum, default_value = "human")]
    pub format: ProblemFormat,
    /// Check the files only (config, template and query syntax, catalogs): no data is
    /// read and templates are not rendered. For a quick check on every save.
    #[arg(long)]
    pub files_only: bool,
}

pub fn validate(config_path: &Path, args: ValidateArgs) -> Result<(), String> {
    let ValidateArgs { format, files_only } = args;
    let started = std::time::Instant::now();
    let depth = if files_only {
        crate::validate::Depth::FilesOnly
    } else {
        crate::validate::Depth::Everything
    };
    let found = crate::validate::validate(config_path, depth);
    for problem in &found.problems {
        match format {
            ProblemFormat::Human => println!("{}", problem.fancy()),
            ProblemFormat::Short => println!("{}", problem.short()),
            ProblemFormat::Json => println!("{}", problem.json()),
        }
    }
    let checked = format!(
        "{}, in {:.2} s",
        found.checked,
        started.elapsed().as_secs_f64()
    );
    if found.problems.is_empty() {
        say!("{}: no problems ({checked})", config_path.display());
        Ok(())
    } else {
        Err(format!(
            "{} problem(s) in {} and the files it names ({checked})",
            found.problems.len(),
            config_path.display()
        ))
    }
}
