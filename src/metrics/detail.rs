//! The briefings' detail, for the reported period and the one before: teams, touchpoints,
//! and what customers said (comments and praise).

use super::customer::CustomerSums;
use super::employee::EmployeeSums;
use super::figures::{Figures, TeamFigures, TeamInfo};
use super::periods::PeriodKey;
use super::voices::{Comment, Voices, VoicesPart};
use crate::data::Exports;
use crate::data::engine::EngineError;
use std::collections::{BTreeMap, HashMap};

/// The items of a DuckDB list of texts or integers.
fn list<T: FromListItem>(value: duckdb::types::Value) -> Vec<T> {
    match value {
        duckdb::types::Value::List(items) => items.into_iter().filter_map(T::from_item).collect(),
        _ => Vec::new(),
    }
}

trait FromListItem: Sized {
    fn from_item(value: duckdb::types::Value) -> Option<Self>;
}

impl FromListItem for String {
    fn from_item(value: duckdb::types::Value) -> Option<String> {
        match value {
            duckdb::types::Value::Text(text) => Some(text),
            _ => None,
        }
    }
}

impl FromListItem for i64 {
    fn from_item(value: duckdb::types::Value) -> Option<i64> {
        match value {
            duckdb::types::Value::BigInt(v) => Some(v),
            _ => None,
        }
    }
}

/// Teams, touchpoints, comments and praise for the current and previous period (briefings only).
pub fn add_detail(exports: &Exports, figures: &mut Figures) -> Result<(), EngineError> {
    let engine = &exports.engine;
    let text = |row: &duckdb::Row<'_>, name: &str| -> duckdb::Result<String> {
        Ok(row.get::<_, Option<String>>(name)?.unwrap_or_default())
    };
    let teams = engine.query("org_teams", [], |row| {
        Ok(TeamInfo {
            team_id: row.get("team_id")?,
            site_id: row.get("site_id")?,
            team_name: text(row, "team_name")?,
            lead_name: text(row, "lead_name")?,
            lead_email: text(row, "lead_email")?,
            headcount: row.get("headcount")?,
        })
    })?;
    let key = |row: &duckdb::Row<'_>| -> duckdb::Result<Option<PeriodKey>> {
        Ok(PeriodKey::parse(&row.get::<_, String>("period_key")?))
    };
    let mut team_customer: HashMap<(PeriodKey, String), CustomerSums> = HashMap::new();
    for (key, team, sums) in engine.query("customer_team_periods", [], |row| {
        Ok((
            key(row)?,
            row.get::<_, String>("team_id")?,
            CustomerSums::from_row(row)?,
        ))
    })? {
        if let Some(key) = key {
            team_customer.insert((key, team), sums);
        }
    }
    let mut team_employee: HashMap<String, EmployeeSums> = HashMap::new();
    for (key, team, sums) in engine.query(
        "employee_team_periods",
        [figures.employee_window.keys()],
        |row| {
            Ok((
                key(row)?,
                row.get::<_, Option<String>>("team_id")?,
                EmployeeSums::from_row(row)?,
            ))
        },
    )? {
        if let Some(team) = team.filter(|_| key == Some(figures.employee_window.current.key)) {
            team_employee.insert(team, sums);
        }
    }
    let mut site_voices: HashMap<String, Vec<VoicesPart>> = HashMap::new();
    let mut team_voices: HashMap<String, Vec<VoicesPart>> = HashMap::new();
    let comments = |row: &duckdb::Row<'_>, at: &str, text: &str| -> duckdb::Result<Vec<Comment>> {
        let times: Vec<i64> = list(row.get(at)?);
        let texts: Vec<String> = list(row.get(text)?);
        Ok(times
            .into_iter()
            .zip(texts)
            .map(|(at, text)| Comment { at, text })
            .collect())
    };
    let current = PeriodKey::Current.name();
    for (site, team, part) in engine.query("customer_comments", [current], |row| {
        Ok((
            row.get::<_, String>("site_id")?,
            row.get::<_, String>("team_id")?,
            VoicesPart {
                recent: comments(row, "recent_at", "recent_text")?,
                positive: comments(row, "positive_at", "positive_text")?,
                praised: list(row.get("praised")?),
            },
        ))
    })? {
        if !team.is_empty() {
            team_voices.entry(team).or_default().push(part.clone());
        }
        site_voices.entry(site).or_default().push(part);
    }
    for site in &mut figures.sites {
        site.voices = Voices::merge(site_voices.get(&site.info.site_id).into_iter().flatten());
    }
    figures.teams = teams
        .into_iter()
        .map(|info| TeamFigures {
            customer: team_customer
                .get(&(PeriodKey::Current, info.team_id.clone()))
                .copied()
                .unwrap_or_default(),
            customer_prev: team_customer
                .get(&(PeriodKey::Previous, info.team_id.clone()))
                .copied()
                .unwrap_or_default(),
            employee: team_employee
                .get(&info.team_id)
                .copied()
                .unwrap_or_default(),
            voices: Voices::merge(team_voices.get(&info.team_id).into_iter().flatten()),
            info,
        })
        .collect();
    let mut company_touchpoints: BTreeMap<String, CustomerSums> = BTreeMap::new();
    let mut site_touchpoints: HashMap<String, Vec<(String, CustomerSums)>> = HashMap::new();
    for (site, touchpoint, sums) in engine
        .query("customer_touchpoint_periods", [], |row| {
            Ok((
                key(row)?,
                row.get::<_, String>("site_id")?,
                row.get::<_, String>("touchpoint")?,
                CustomerSums::from_row(row)?,
            ))
        })?
        .into_iter()
        .filter(|(key, ..)| *key == Some(PeriodKey::Current))
        .map(|(_, site, touchpoint, sums)| (site, touchpoint, sums))
    {
        company_touchpoints
            .entry(touchpoint.clone())
            .or_default()
            .add(&sums);
        site_touchpoints
            .entry(site)
            .or_default()
            .push((touchpoint, sums));
    }
    for site in &mut figures.sites {
        if let Some(mut touchpoints) = site_touchpoints.remove(&site.info.site_id) {
            touchpoints.sort_by(|a, b| a.0.cmp(&b.0));
            site.touchpoints = touchpoints;
        }
    }
    figures.touchpoints = company_touchpoints.into_iter().collect();
    Ok(())
}
