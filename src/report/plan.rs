//! Fan-out: one briefing per recipient scope of a job. Scope and privacy are decided here,
//! once, so the renderer never sees data its reader must not see.

use super::catalog::Catalogs;
use super::context::{
    BriefingContext, Common, ExecutiveContext, FrontlineContext, HrContext, ManagerContext,
};
use crate::config::{Audience, Job};
use crate::metrics::Figures;
use crate::metrics::employee::Privacy;
use sha2::Digest;

/// The template folder of HR's message, which goes with any audience's job.
pub const HR_TEMPLATE: &str = "hr";

/// Whose figures a briefing shows (indices into the run's figures).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Company,
    Site(usize),
    Team { site: usize, team: usize },
    Payroll,
}

#[derive(Debug, Clone)]
pub struct Briefing {
    /// Template folder under `reports/`.
    pub template: &'static str,
    /// `company`, `site:<id>`, `team:<id>` or `hr`.
    pub scope: String,
    pub subject: Subject,
    pub recipients: Vec<String>,
    /// The language of the briefing (a catalog under `reports/i18n/`).
    pub locale: String,
    /// File name of the PDF (without extension), unique within the run.
    pub file_stem: String,
    pub with_pdf: bool,
    pub attach_scorecard_csv: bool,
}

/// What building a briefing's context needs; contexts are built when the briefing is
/// rendered, so a run of thousands holds one per worker, not all of them.
pub struct Contexts<'a> {
    pub figures: &'a Figures,
    pub catalogs: &'a Catalogs,
    pub privacy: Privacy,
    /// The data was not fresh by the runner's deadline: every briefing says so.
    pub data_incomplete: bool,
}

impl<'a> Contexts<'a> {
    pub fn of(&self, briefing: &Briefing) -> BriefingContext<'a> {
        let (language, catalog) = self.catalogs.get(&briefing.locale);
        let figures = self.figures;
        let common = Common::new(figures, language, catalog, self.data_incomplete);
        match briefing.subject {
            Subject::Company => BriefingContext::Executive(Box::new(ExecutiveContext::new(
                figures,
                self.privacy,
                common,
                catalog,
            ))),
            Subject::Site(site) => BriefingContext::Manager(Box::new(ManagerContext::new(
                figures,
                &figures.sites[site],
                self.privacy,
                common,
                catalog,
            ))),
            Subject::Team { site, team } => {
                BriefingContext::Frontline(Box::new(FrontlineContext::new(
                    figures,
                    &figures.sites[site],
                    &figures.teams[team],
                    self.privacy,
                    common,
                    catalog,
                )))
            }
            Subject::Payroll => BriefingContext::Hr(Box::new(HrContext::new(figures, common))),
        }
    }
}

/// The longest encoded id kept whole in a file name: file systems allow 255 bytes.
const FILE_ID_BYTES: usize = 160;

/// An id from the data as part of a file name: letters, digits, `_` and `-` as they are,
/// every other byte as `%XX`, so no id is ever a path (`/`, `..`, NUL) and two ids never
/// share a name. An id whose encoding is longer than [`FILE_ID_BYTES`] keeps its start and
/// ends in `~` and 16 hex digits of its SHA-256 (`~` is never in an encoding, so no short id
/// looks the same). The document keeps the id itself.
fn file_safe(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    for byte in id.bytes() {
        if byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'-' {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    if out.len() > FILE_ID_BYTES {
        let hash = hex::encode(sha2::Sha256::digest(id.as_bytes()));
        out.truncate(FILE_ID_BYTES - 17);
        out.push('~');
        out.push_str(&hash[..16]);
    }
    out
}

/// The briefings of a job: executives read the configured language, managers and teams
/// their site's locale.
pub fn plan(job: &Job, figures: &Figures, catalogs: &Catalogs, language: &str) -> Vec<Briefing> {
    let mut briefings = Vec::new();
    let language = catalogs.get(language).0;
    match job.audience {
        Audience::Executive => briefings.push(Briefing {
            template: Audience::Executive.as_str(),
            scope: "company".into(),
            subject: Subject::Company,
            recipients: job.recipients.clone(),
            locale: language.to_string(),
            file_stem: "executive".into(),
            with_pdf: true,
            attach_scorecard_csv: false,
        }),
        Audience::Manager => {
            for (index, site) in figures.sites.iter().enumerate() {
                if job.eligible_sites_only && site.scorecard.is_none() {
                    continue;
                }
                briefings.push(Briefing {
                    template: Audience::Manager.as_str(),
                    scope: format!("site:{}", site.info.site_id),
                    subject: Subject::Site(index),
                    recipients: vec![site.info.manager_email.clone()],
                    locale: catalogs.get(&site.info.locale).0.to_string(),
                    file_stem: format!("site-{}", file_safe(&site.info.site_id)),
                    with_pdf: true,
                    attach_scorecard_csv: false,
                });
            }
        }
        Audience::Frontline => {
            for (team_index, team) in figures.teams.iter().enumerate() {
                let Some(site_index) = figures
                    .sites
                    .iter()
                    .position(|s| s.info.site_id == team.info.site_id)
                else {
                    continue;
                };
                briefings.push(Briefing {
                    template: Audience::Frontline.as_str(),
                    scope: format!("team:{}", team.info.team_id),
                    subject: Subject::Team {
                        site: site_index,
                        team: team_index,
                    },
                    recipients: vec![team.info.lead_email.clone()],
                    locale: catalogs
                        .get(&figures.sites[site_index].info.locale)
                        .0
                        .to_string(),
                    file_stem: format!("team-{}", file_safe(&team.info.team_id)),
                    with_pdf: true,
                    attach_scorecard_csv: false,
                });
            }
        }
    }
    if !job.hr_recipients.is_empty() {
        briefings.push(Briefing {
            template: HR_TEMPLATE,
            scope: "hr".into(),
            subject: Subject::Payroll,
            recipients: job.hr_recipients.clone(),
            locale: language.to_string(),
            file_stem: "hr".into(),
            with_pdf: false,
            attach_scorecard_csv: true,
        });
    }
    briefings
}

#[cfg(test)]
mod tests {
    use super::{FILE_ID_BYTES, file_safe};

    #[test]
    fn ids_become_file_names_that_are_never_paths() {
        assert_eq!(file_safe("S001-T2"), "S001-T2");
        assert_eq!(
            file_safe("S001-T2/../../../../outside"),
            "S001-T2%2F%2E%2E%2F%2E%2E%2F%2E%2E%2F%2E%2E%2Foutside"
        );
        assert_eq!(file_safe(".."), "%2E%2E");
        assert_eq!(file_safe("a\0b"), "a%00b");
        assert_eq!(file_safe("Café"), "Caf%C3%A9");
        // distinct ids, distinct names
        assert_ne!(file_safe("a/b"), file_safe("a%2Fb"));
        // a long id is cut to a name a file system takes, and stays unique
        let long = "é".repeat(40_000);
        let named = file_safe(&long);
        assert_eq!(named.len(), FILE_ID_BYTES);
        assert!(named.starts_with("%C3%A9") && named.contains('~'));
        assert_ne!(named, file_safe(&format!("{long}x")));
    }
}
