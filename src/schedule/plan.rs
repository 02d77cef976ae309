//! `xbrief plan`: the next fires of every job, in its zone and in UTC, with the period each
//! run will report and the daylight-saving changes marked.

use super::fire::{Dst, next_fires};
use crate::config::Job;
use chrono::{DateTime, Utc};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct PlannedRun {
    /// RFC 3339 in the job's zone, with its offset.
    pub local: String,
    /// RFC 3339 in UTC.
    pub utc: String,
    pub period: String,
    /// Why daylight saving matters to this run, if it does.
    pub dst: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct JobPlan {
    pub job: String,
    pub timezone: String,
    pub schedule: String,
    pub runs: Vec<PlannedRun>,
}

/// The next `count` runs of each job after `from`.
pub fn plan(jobs: &[&Job], from: DateTime<Utc>, count: usize) -> Vec<JobPlan> {
    jobs.iter()
        .map(|job| {
            let fires = next_fires(&job.schedule.cron, job.timezone, from, count);
            let mut offset = from.with_timezone(&job.timezone).format("%:z").to_string();
            let runs = fires
                .iter()
                .map(|fire| {
                    let this_offset = fire.at.format("%:z").to_string();
                    let dst = match &fire.dst {
                        Some(Dst::Gap { scheduled }) => Some(format!(
                            "{} does not exist (clocks go forward): fires when the gap ends",
                            scheduled.format("%Y-%m-%d %H:%M")
                        )),
                        Some(Dst::Repeated) => Some(
                            "the hour repeats (clocks go back): fires once, at the first".into(),
                        ),
                        None if this_offset != offset => Some(format!(
                            "offset changed since the previous run: {offset} → {this_offset}"
                        )),
                        None => None,
                    };
                    offset = this_offset;
                    PlannedRun {
                        local: fire.at.to_rfc3339(),
                        utc: fire
                            .at
                            .with_timezone(&Utc)
                            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                        period: job.period_at(fire.at.with_timezone(&Utc)).to_string(),
                        dst,
                    }
                })
                .collect();
            JobPlan {
                job: job.name.clone(),
                timezone: job.timezone.name().to_string(),
                schedule: job.schedule.text.clone(),
                runs,
            }
        })
        .collect()
}
