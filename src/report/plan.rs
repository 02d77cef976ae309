//! Fan-out: one briefing per recipient scope of a job. Scope and privacy are decided here,
//! once, so the renderer never sees data its reader must not see.

use super::catalog::Catalogs;
use super::context;
use crate::config::{Audience, Job};
use crate::metrics::Figures;
use crate::metrics::employee::Privacy;

#[derive(Debug, Clone)]
pub struct Briefing {
    /// Template folder under `reports/`.
    pub template: &'static str,
    /// `company`, `site:<id>`, `team:<id>` or `hr`.
    pub scope: String,
    pub recipients: Vec<String>,
    pub locale: String,
    pub context: serde_json::Value,
    /// File name of the PDF (without extension), unique within the run.
    pub file_stem: String,
    pub with_pdf: bool,
    pub attach_scorecard_csv: bool,
}

/// The briefings of a job: executives read the configured language, managers and teams
/// their site's locale.
pub fn plan(job: &Job, figures: &Figures, catalogs: &Catalogs, language: &str, privacy: Privacy) -> Vec<Briefing> {
    let mut briefings = Vec::new();
    let (language, executive_catalog) = catalogs.get(language);
    match job.audience {
        Audience::Executive => briefings.push(Briefing {
            template: "executive",
            scope: "company".into(),
            recipients: job.recipients.clone(),
            locale: language.to_string(),
            context: context::executive(figures, privacy, language, executive_catalog),
            file_stem: "executive".into(),
            with_pdf: true,
            attach_scorecard_csv: false,
        }),
        Audience::Manager => {
            for site in &figures.sites {
                if job.eligible_sites_only && site.scorecard.is_none() {
                    continue;
                }
                let (locale, catalog) = catalogs.get(&site.info.locale);
                briefings.push(Briefing {
                    template: "manager",
                    scope: format!("site:{}", site.info.site_id),
                    recipients: vec![site.info.manager_email.clone()],
                    locale: locale.to_string(),
                    context: context::manager(figures, site, privacy, locale, catalog),
                    file_stem: format!("site-{}", site.info.site_id),
                    with_pdf: true,
                    attach_scorecard_csv: false,
                });
            }
        }
        Audience::Frontline => {
            for team in &figures.teams {
                let Some(site) = figures
                    .sites
                    .iter()
                    .find(|s| s.info.site_id == team.info.site_id)
                else {
                    continue;
                };
                let (locale, catalog) = catalogs.get(&site.info.locale);
                briefings.push(Briefing {
                    template: "frontline",
                    scope: format!("team:{}", team.info.team_id),
                    recipients: vec![team.info.lead_email.clone()],
                    locale: locale.to_string(),
                    context: context::frontline(figures, site, team, privacy, locale, catalog),
                    file_stem: format!("team-{}", team.info.team_id),
                    with_pdf: true,
                    attach_scorecard_csv: false,
                });
            }
        }
    }
    if !job.hr_recipients.is_empty() {
        briefings.push(Briefing {
            template: "hr",
            scope: "hr".into(),
            recipients: job.hr_recipients.clone(),
            locale: language.to_string(),
            context: context::hr(figures, language, executive_catalog),
            file_stem: "hr".into(),
            with_pdf: false,
            attach_scorecard_csv: true,
        });
    }
    briefings
}
