//! One pass over the exports: run the SQL of `queries/`, load the sums, derive the figures.

use super::customer::CustomerSums;
use super::distribution::{Distribution, percentile_rank};
use super::employee::{EmployeeSums, Privacy};
use super::figures::*;
use super::funnel::{
    FunnelFlag, mean_limits, proportion_flag, proportion_tau_squared, tau_squared,
};
use super::period::{Period, PeriodKind, add_months};
use super::quadrant::{Quadrant, median, pearson};
use super::quality::{ExcludedRow, Quality};
use super::ratio::Ratio;
use super::scorecard::{self, ScorecardInputs};
use super::trend::{monthly_medians, sustained_low};
use super::voices::{Comment, Voices, VoicesPart};
use crate::config::ScorecardPolicy;
use crate::data::calendar::{self, CalendarError, NamedPeriod};
use crate::data::duplicates;
use crate::data::engine::EngineError;
use crate::data::{ExportName, Exports};
use chrono_tz::Tz;
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, thiserror::Error)]
pub enum MetricsError {
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error(transparent)]
    Calendar(#[from] CalendarError),
}

/// What a run asks of the metrics stage.
#[derive(Debug, Clone)]
pub struct MetricsRequest<'a> {
    pub period: Period,
    pub zone: Tz,
    pub min_group_size: u32,
    pub compare_min_n: u32,
    /// FunnelPlotR-style widening of the funnel limits (compare.overdispersion).
    pub overdispersion: bool,
    pub scorecard: &'a ScorecardPolicy,
    /// Team and touchpoint detail (briefings need it; exports alone do not).
    pub detailed: bool,
}

const TREND_MONTHS: usize = 12;
const SUSTAINED_MONTHS: usize = 6;

pub fn compute(exports: &Exports, request: &MetricsRequest<'_>) -> Result<Figures, MetricsError> {
    let engine = &exports.engine;
    let period = request.period;
    let previous = period.previous();
    let last_month = Period::containing(PeriodKind::Month, period.last_day());
    let months: Vec<Period> = (0..TREND_MONTHS as i32)
        .map(|i| {
            Period::containing(
                PeriodKind::Month,
                add_months(last_month.start, i - TREND_MONTHS as i32 + 1),
            )
        })
        .collect();
    let last_year = match period.kind {
        PeriodKind::Week => None,
        kind => Some(Period::containing(kind, add_months(period.start, -12))),
    };
    // The scorecard uses the job's quarter, or the last complete quarter before the period's end.
    let scorecard_period = match period.kind {
        PeriodKind::Quarter => period,
        _ => Period::last_complete(PeriodKind::Quarter, period.end),
    };
    let scorecard_previous = scorecard_period.previous();

    let mut periods = vec![
        named("cur", period, request.detailed),
        named("prev", previous, request.detailed),
        named("sc", scorecard_period, false),
        named("scp", scorecard_previous, false),
    ];
    if let Some(ly) = last_year {
        periods.push(named("ly", ly, false));
    }
    for (i, month) in months.iter().enumerate() {
        periods.push(trend_month(&format!("m{i:02}"), *month));
    }
    calendar::install(engine.connection(), request.zone, &periods)?;

    for prefix in ["customer", "employee"] {
        engine.run(&format!("{prefix}_typed"))?;
        duplicates::find_repeated_ids(engine, prefix)?;
        engine.run(&format!("{prefix}_later_copies"))?;
        engine.run(&format!("{prefix}_checked"))?;
        engine.run(&format!("{prefix}_intervals"))?;
    }
    let mut excluded = Vec::new();
    for (query, export) in [
        ("customer_quality", "customer_responses"),
        ("employee_quality", "employee_responses"),
    ] {
        excluded.extend(engine.query(query, [], |row| {
            Ok(ExcludedRow {
                export,
                row_id: row.get(0)?,
                reason: row.get(1)?,
            })
        })?);
    }
    excluded.extend(engine.query("org_quality", [], |row| {
        let export: String = row.get(0)?;
        let export = if export == "teams" {
            "teams"
        } else {
            "financials"
        };
        Ok(ExcludedRow {
            export,
            row_id: row.get(1)?,
            reason: row.get(2)?,
        })
    })?);
    let freshness = |name: &str| -> Result<Option<String>, EngineError> {
        Ok(engine
            .query(name, [], |row| row.get::<_, Option<String>>(1))?
            .into_iter()
            .next()
            .flatten())
    };
    let newest = vec![
        ("customer_responses", freshness("customer_freshness")?),
        ("employee_responses", freshness("employee_freshness")?),
    ];
    let rows_read = ExportName::ALL
        .iter()
        .map(|export| {
            let rows = exports
                .files
                .iter()
                .filter(|f| f.export == *export)
                .map(|f| f.rows)
                .sum();
            (export.as_str(), rows)
        })
        .collect();
    let quality = Quality::new(excluded, rows_read, newest);

    // (period key, site) → sums of system-invited [0] and staff-invited [1] responses
    let mut customer: HashMap<(String, String), [CustomerSums; 2]> = HashMap::new();
    for (key, site, system, sums) in engine.query("customer_site_periods", [], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, bool>(2)?,
            CustomerSums::from_row(row, 3)?,
        ))
    })? {
        customer.entry((key, site)).or_default()[usize::from(!system)] = sums;
    }
    // Trend months carry only complete responses and attachment.
    let trend_sums: HashMap<(String, String), CustomerSums> = engine
        .query("customer_site_months", [], |row| {
            Ok((
                (row.get::<_, String>(0)?, row.get::<_, String>(1)?),
                CustomerSums {
                    ce_n: row.get(2)?,
                    attachment_x168: row.get(3)?,
                    ..Default::default()
                },
            ))
        })?
        .into_iter()
        .collect();
    let employee: HashMap<(String, String), EmployeeSums> = engine
        .query("employee_site_periods", [], |row| {
            Ok((
                (row.get::<_, String>(0)?, row.get::<_, String>(1)?),
                EmployeeSums::from_row(row, 2)?,
            ))
        })?
        .into_iter()
        .collect();
    let financials: HashMap<(String, String), Financials> = engine
        .query("financial_site_periods", [], |row| {
            Ok((
                (row.get::<_, String>(0)?, row.get::<_, String>(1)?),
                Financials {
                    revenue: row.get::<_, Option<f64>>(2)?.unwrap_or(0.0),
                    budget: row.get::<_, Option<f64>>(3)?.unwrap_or(0.0),
                    transactions: row.get::<_, Option<i64>>(4)?.unwrap_or(0),
                },
            ))
        })?
        .into_iter()
        .collect();
    let infos = engine.query("org_sites", [], |row| {
        Ok(SiteInfo {
            site_id: row.get(0)?,
            site_name: row.get::<_, Option<String>>(1)?.unwrap_or_default(),
            region: row.get::<_, Option<String>>(2)?.unwrap_or_default(),
            country: row.get::<_, Option<String>>(3)?.unwrap_or_default(),
            locale: row
                .get::<_, Option<String>>(4)?
                .unwrap_or_else(|| "en".into()),
            manager_id: row.get::<_, Option<String>>(5)?.unwrap_or_default(),
            manager_name: row.get::<_, Option<String>>(6)?.unwrap_or_default(),
            manager_email: row.get::<_, Option<String>>(7)?.unwrap_or_default(),
            bonus_target: row.get(8)?,
        })
    })?;

    let both = |key: &str, site: &str| -> [CustomerSums; 2] {
        customer
            .get(&(key.to_string(), site.to_string()))
            .copied()
            .unwrap_or_default()
    };
    let all = |key: &str, site: &str| -> CustomerSums {
        let [system, staff] = both(key, site);
        CustomerSums::sum([&system, &staff])
    };
    let ee = |key: &str, site: &str| -> EmployeeSums {
        employee
            .get(&(key.to_string(), site.to_string()))
            .copied()
            .unwrap_or_default()
    };
    let privacy = Privacy {
        min_group_size: request.min_group_size.into(),
    };
    let min_n = i64::from(request.compare_min_n);

    let mut sites: Vec<SiteFigures> = infos
        .into_iter()
        .map(|info| {
            let id = info.site_id.as_str();
            let sums = GroupSums {
                customer: all("cur", id),
                customer_prev: all("prev", id),
                customer_last_year: all("ly", id),
                employee: ee("cur", id),
                employee_prev: ee("prev", id),
            };
            let trend = (0..TREND_MONTHS)
                .map(|m| {
                    let month = trend_sums
                        .get(&(format!("m{m:02}"), id.to_string()))
                        .copied()
                        .unwrap_or_default();
                    (month.ce_n, month.ce_index())
                })
                .collect();
            let [sc_system, sc_staff] = both("sc", id);
            let [scp_system, _] = both("scp", id);
            let sc_employee = ee("sc", id);
            SiteFigures {
                financials: financials
                    .get(&("cur".to_string(), info.site_id.clone()))
                    .cloned(),
                sums,
                percentile_rank: None,
                funnel_flag: FunnelFlag::InsufficientSample,
                ee_funnel_flag: None,
                quadrant: None,
                sustained_low: false,
                trend,
                scorecard: info.bonus_target.map(|bonus_target| {
                    scorecard::compute(
                        &ScorecardInputs {
                            ce_n: sc_system.ce_n,
                            ce_index: sc_system.ce_index(),
                            prev_ce_n: scp_system.ce_n,
                            prev_ce_index: scp_system.ce_index(),
                            ee_n: sc_employee.ee_n,
                            ee_index: privacy.ee_index(&sc_employee),
                            top_box: sc_system.top_box,
                            staff_invited: sc_staff.n_valid,
                            all_valid: sc_system.n_valid + sc_staff.n_valid,
                            bonus_target,
                        },
                        request.scorecard,
                    )
                }),
                scorecard_ce_n: sc_system.ce_n,
                scorecard_ee_n: sc_employee.ee_n,
                excluded_staff_invites: sc_staff.n_valid,
                scorecard_ce_index: sc_system.ce_index(),
                scorecard_ee_index: privacy.ee_index(&sc_employee),
                touchpoints: Vec::new(),
                voices: Voices::default(),
                info,
            }
        })
        .collect();

    // The distribution of sites and the funnels (§3).
    let eligible_ce: Vec<Ratio> = sites
        .iter()
        .filter(|s| s.sums.customer.ce_n >= min_n)
        .filter_map(|s| s.sums.customer.ce_index())
        .collect();
    let eligible_ee: Vec<Ratio> = sites
        .iter()
        .filter_map(|s| privacy.ee_index(&s.sums.employee))
        .collect();
    let (fe_total, n_total) = sites
        .iter()
        .filter(|s| s.sums.customer.ce_n >= min_n)
        .fold((0i64, 0i64), |(f, n), s| {
            (f + s.sums.customer.fully_engaged, n + s.sums.customer.ce_n)
        });
    let funnel_centre = (n_total > 0).then(|| fe_total as f64 / n_total as f64);
    let company_employee = EmployeeSums::sum(sites.iter().map(|s| &s.sums.employee));
    let ee_funnel = company_employee.ee_spread();
    // The optional overdispersion adjustment (compare.overdispersion) widens every limit.
    let proportion_tau2 = match (request.overdispersion, funnel_centre) {
        (true, Some(p0)) => {
            let eligible: Vec<(i64, i64)> = sites
                .iter()
                .filter(|s| s.sums.customer.ce_n >= min_n)
                .map(|s| (s.sums.customer.fully_engaged, s.sums.customer.ce_n))
                .collect();
            Some(proportion_tau_squared(&eligible, p0))
        }
        _ => None,
    };
    let ee_tau2 = match (request.overdispersion, ee_funnel) {
        (true, Some((centre, sd))) => {
            let points: Vec<(f64, f64)> = sites
                .iter()
                .filter_map(|s| {
                    Some((
                        privacy.ee_index(&s.sums.employee)?.to_f64(),
                        sd / (s.sums.employee.ee_n as f64).sqrt(),
                    ))
                })
                .collect();
            tau_squared(&points, centre)
        }
        _ => 0.0,
    };
    for site in &mut sites {
        let c = &site.sums.customer;
        if c.ce_n >= min_n {
            site.percentile_rank = c.ce_index().and_then(|v| percentile_rank(v, &eligible_ce));
        }
        site.funnel_flag = match funnel_centre {
            Some(p0) => proportion_flag(c.fully_engaged, c.ce_n, p0, min_n, proportion_tau2),
            None => FunnelFlag::InsufficientSample,
        };
        site.ee_funnel_flag = match (privacy.ee_index(&site.sums.employee), ee_funnel) {
            (Some(value), Some((centre, sd))) => Some(
                mean_limits(centre, sd, site.sums.employee.ee_n as f64, ee_tau2)
                    .flag(value.to_f64()),
            ),
            _ => None,
        };
    }

    // The quadrant (§4) over sites eligible on both.
    let both_eligible: Vec<(usize, Ratio, Ratio)> = sites
        .iter()
        .enumerate()
        .filter(|(_, s)| s.sums.customer.ce_n >= min_n)
        .filter_map(|(i, s)| {
            Some((
                i,
                privacy.ee_index(&s.sums.employee)?,
                s.sums.customer.ce_index()?,
            ))
        })
        .collect();
    let mut quadrants = QuadrantSummary {
        ee_median: median(&both_eligible.iter().map(|x| x.1).collect::<Vec<_>>()),
        ce_median: median(&both_eligible.iter().map(|x| x.2).collect::<Vec<_>>()),
        sites: both_eligible.len(),
        ..Default::default()
    };
    if let (Some(ee_median), Some(ce_median)) = (quadrants.ee_median, quadrants.ce_median) {
        let mut ce_revenue = Vec::new();
        for &(i, ee_index, ce_index) in &both_eligible {
            let quadrant = Quadrant::of(ee_index, ce_index, ee_median, ce_median);
            sites[i].quadrant = Some(quadrant);
            let row = &mut quadrants.rows[Quadrant::ALL
                .iter()
                .position(|q| *q == quadrant)
                .expect("listed")];
            row.sites += 1;
            if let Some(f) = &sites[i].financials {
                row.revenue += f.revenue;
                row.budget += f.budget;
                row.transactions += f.transactions;
                if f.budget > 0.0 {
                    ce_revenue.push((ce_index.to_f64(), f.revenue / f.budget - 1.0));
                }
            }
        }
        quadrants.r_ee_ce = pearson(
            &both_eligible
                .iter()
                .map(|x| (x.1.to_f64(), x.2.to_f64()))
                .collect::<Vec<_>>(),
        );
        quadrants.r_ce_revenue = pearson(&ce_revenue);
        quadrants.revenue_per_transaction_ratio = match (
            quadrants.rows[0].revenue_per_transaction(),
            quadrants.rows[3].revenue_per_transaction(),
        ) {
            (Some(high), Some(low)) if low > 0.0 => Some(high / low),
            _ => None,
        };
    }

    // Trends and sustained problems (§6).
    let eligible_months: Vec<Vec<Option<Ratio>>> = sites
        .iter()
        .map(|s| {
            s.trend
                .iter()
                .map(|(n, v)| if *n >= min_n { *v } else { None })
                .collect()
        })
        .collect();
    let views: Vec<&[Option<Ratio>]> = eligible_months.iter().map(Vec::as_slice).collect();
    let company_trend = monthly_medians(&views, TREND_MONTHS);
    for (site, months) in sites.iter_mut().zip(&eligible_months) {
        site.sustained_low = sustained_low(months, &company_trend, SUSTAINED_MONTHS);
    }

    // Regions and the company are sums of their sites.
    let mut by_region: BTreeMap<String, Vec<&SiteFigures>> = BTreeMap::new();
    for site in &sites {
        by_region
            .entry(site.info.region.clone())
            .or_default()
            .push(site);
    }
    let regions = by_region
        .into_iter()
        .map(|(region, members)| RegionFigures {
            sums: sum_groups(members.iter().map(|s| &s.sums)),
            sites: members.len(),
            sites_flagged_low: members
                .iter()
                .filter(|s| {
                    matches!(s.funnel_flag, FunnelFlag::AlarmLow | FunnelFlag::AlertLow)
                        || s.sustained_low
                })
                .count(),
            region,
        })
        .collect();
    let company = sum_groups(sites.iter().map(|s| &s.sums));

    let mut figures = Figures {
        period,
        previous,
        last_year,
        scorecard_period,
        scorecard_previous,
        months,
        ce_distribution: Distribution::of(&eligible_ce),
        ee_distribution: Distribution::of(&eligible_ee),
        funnel_centre,
        funnel_tau2: proportion_tau2,
        min_n,
        ee_funnel,
        quadrants,
        company_trend,
        quality,
        company,
        regions,
        teams: Vec::new(),
        touchpoints: Vec::new(),
        sites,
    };
    if request.detailed {
        add_detail(exports, &mut figures)?;
    }
    Ok(figures)
}

fn named(key: &str, period: Period, detailed: bool) -> NamedPeriod {
    NamedPeriod {
        key: key.into(),
        start: period.start,
        end: period.end,
        detailed,
        trend_only: false,
    }
}

fn trend_month(key: &str, period: Period) -> NamedPeriod {
    NamedPeriod {
        trend_only: true,
        ..named(key, period, false)
    }
}

fn sum_groups<'a>(groups: impl Iterator<Item = &'a GroupSums>) -> GroupSums {
    let mut total = GroupSums::default();
    for g in groups {
        total.customer.add(&g.customer);
        total.customer_prev.add(&g.customer_prev);
        total.customer_last_year.add(&g.customer_last_year);
        total.employee.add(&g.employee);
        total.employee_prev.add(&g.employee_prev);
    }
    total
}

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
fn add_detail(exports: &Exports, figures: &mut Figures) -> Result<(), MetricsError> {
    let engine = &exports.engine;
    let teams = engine.query("org_teams", [], |row| {
        Ok(TeamInfo {
            team_id: row.get(0)?,
            site_id: row.get(1)?,
            team_name: row.get::<_, Option<String>>(2)?.unwrap_or_default(),
            lead_name: row.get::<_, Option<String>>(3)?.unwrap_or_default(),
            lead_email: row.get::<_, Option<String>>(4)?.unwrap_or_default(),
            headcount: row.get(5)?,
        })
    })?;
    let mut team_customer: HashMap<(String, String), CustomerSums> = HashMap::new();
    for (key, team, sums) in engine.query("customer_team_periods", [], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, String>(2)?,
            CustomerSums::from_row(row, 3)?,
        ))
    })? {
        team_customer.insert((key, team), sums);
    }
    let mut team_employee: HashMap<String, EmployeeSums> = HashMap::new();
    for (key, team, sums) in engine.query("employee_team_periods", [], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, Option<String>>(2)?,
            EmployeeSums::from_row(row, 3)?,
        ))
    })? {
        if let (Some(team), true) = (team, key == "cur") {
            team_employee.insert(team, sums);
        }
    }
    let mut site_voices: HashMap<String, Vec<VoicesPart>> = HashMap::new();
    let mut team_voices: HashMap<String, Vec<VoicesPart>> = HashMap::new();
    let comments =
        |row: &duckdb::Row<'_>, at: usize, text: usize| -> duckdb::Result<Vec<Comment>> {
            let times: Vec<i64> = list(row.get(at)?);
            let texts: Vec<String> = list(row.get(text)?);
            Ok(times
                .into_iter()
                .zip(texts)
                .map(|(at, text)| Comment { at, text })
                .collect())
        };
    for (site, team, part) in engine.query("customer_comments", ["cur"], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, String>(1)?,
            VoicesPart {
                recent: comments(row, 2, 3)?,
                positive: comments(row, 4, 5)?,
                praised: list(row.get(6)?),
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
                .get(&("cur".into(), info.team_id.clone()))
                .copied()
                .unwrap_or_default(),
            customer_prev: team_customer
                .get(&("prev".into(), info.team_id.clone()))
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
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                CustomerSums::from_row(row, 3)?,
            ))
        })?
        .into_iter()
        .filter(|(key, ..)| key == "cur")
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
