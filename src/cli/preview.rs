//! Authoring helpers: `preview` (one briefing as a PDF) and `demo` (synthetic exports).

use super::*;
use crate::data::DataRoot;

#[derive(clap::Args)]
pub struct PreviewArgs {
    /// The job whose briefing to render.
    pub job: String,
    /// The site of a manager briefing.
    #[arg(long, conflicts_with = "team")]
    pub site: Option<String>,
    /// The team of a frontline briefing.
    #[arg(long)]
    pub team: Option<String>,
    #[arg(long, value_parser = parse_period)]
    pub period: Option<Period>,
    #[arg(long, value_parser = DataRoot::parse)]
    pub data: Option<DataRoot>,
    /// Where to write the PDF.
    #[arg(long)]
    pub out: PathBuf,
    /// Also write the document model (the template's blocks) as JSON here.
    #[arg(long)]
    pub model: Option<PathBuf>,
}

pub fn preview(config_path: &Path, args: PreviewArgs) -> Result<(), String> {
    let PreviewArgs {
        job,
        site,
        team,
        period,
        data,
        out,
        model,
    } = args;
    let config = Config::load(config_path).map_err(|e| e.to_string())?;
    let job = find_job(&config, &job)?;
    let options = RunOptions {
        data_dir: data,
        ..RunOptions::for_period(period)
    };
    ensure_demo(&config, &options)?;
    let scope = site
        .map(|s| format!("site:{s}"))
        .or(team.map(|t| format!("team:{t}")));
    let run = run::JobRun::new(&config, job, &options, chrono::Utc::now());
    let preview = run::preview(&run, run::Pick::Scope(scope.as_deref()))
        .map_err(|e| format!("job {}: {e}", job.name))?;
    let pdf = preview.rendered.pdf.as_deref().unwrap_or_default();
    std::fs::write(&out, pdf).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    if let Some(model) = model {
        let json = serde_json::to_string_pretty(&preview.document).map_err(|e| e.to_string())?;
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

#[derive(clap::Args)]
pub struct DemoArgs {
    #[arg(long, default_value = "demo-data")]
    pub out: PathBuf,
    #[arg(long, default_value_t = 60)]
    pub sites: usize,
    #[arg(long, default_value_t = 24)]
    pub months: usize,
    /// Customer responses per site-month: `K`, or a range `MIN-MAX`.
    #[arg(long, default_value = "40-400")]
    pub responses_per_site_month: String,
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Last month of data (`2026-10`); default: the current month, up to yesterday.
    #[arg(long, value_parser = parse_period)]
    pub until: Option<Period>,
}

pub fn demo(args: DemoArgs) -> Result<(), String> {
    let DemoArgs {
        out,
        sites,
        months,
        responses_per_site_month,
        seed,
        until,
    } = args;
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
    demo::generate(&options, &QueryDir::new(Path::new("queries"))).map_err(|e| e.to_string())?;
    say!(
        "demo exports written to {} in {:.1} s",
        options.out.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
