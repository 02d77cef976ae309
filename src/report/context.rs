//! Template contexts: the figures of one scope, formatted for display (indices to one
//! decimal, shares to whole percent), privacy already applied.

use crate::metrics::customer::{CustomerSums, Dimension};
use crate::metrics::employee::{Element, EmployeeSums, Privacy};
use crate::metrics::funnel::FunnelFlag;
use crate::metrics::quadrant::Quadrant;
use crate::metrics::ratio::{Ratio, round_f64_text};
use crate::metrics::{Figures, SiteFigures, TeamFigures};
use serde_json::{Value, json};

fn index(value: Option<Ratio>) -> String {
    value.map(|v| v.round_text(1)).unwrap_or_else(|| "–".into())
}

fn percent(share: Option<Ratio>) -> String {
    share
        .map(|v| format!("{} %", v.scale(100).round_text(0)))
        .unwrap_or_else(|| "–".into())
}

fn change(now: Option<Ratio>, before: Option<Ratio>) -> String {
    match (now, before) {
        (Some(n), Some(b)) => {
            let text = n.sub(b).round_text(1);
            if text.starts_with('-') || text == "0.0" {
                text
            } else {
                format!("+{text}")
            }
        }
        _ => "–".into(),
    }
}

fn customer_row(now: &CustomerSums, before: &CustomerSums) -> Value {
    json!({
        "ce_n": now.ce_n,
        "ce_index": index(now.ce_index()),
        "ce_change": change(now.ce_index(), before.ce_index()),
        "nps": index(now.nps()),
        "fully_engaged": percent(now.share(now.fully_engaged)),
    })
}

fn ratio_text(value: Option<Ratio>) -> Option<String> {
    value.map(|r| r.round_text(2))
}

/// The headline figures by key, each now, before, a year before and the changes; the
/// templates give them their names.
fn headline(
    now: &CustomerSums,
    prev: &CustomerSums,
    last_year: &CustomerSums,
    ee: [&EmployeeSums; 2],
    privacy: Privacy,
) -> Value {
    let row = |n: Option<Ratio>, p: Option<Ratio>, y: Option<Ratio>| {
        json!({"now": index(n), "previous": index(p), "change": change(n, p),
               "last_year": index(y), "change_last_year": change(n, y)})
    };
    let share = |c: &CustomerSums| percent(c.share(c.fully_engaged));
    json!({
        "ce_index": row(now.ce_index(), prev.ce_index(), last_year.ce_index()),
        "ee_index": row(privacy.ee_index(ee[0]), privacy.ee_index(ee[1]), None),
        "nps": row(now.nps(), prev.nps(), last_year.nps()),
        "share_fully_engaged": {"now": share(now), "previous": share(prev), "last_year": share(last_year)},
        // absent (null) when nobody is actively disengaged
        "ce_ratio": {"now": ratio_text(now.ce_ratio()), "previous": ratio_text(prev.ce_ratio()),
                     "last_year": ratio_text(last_year.ce_ratio())},
    })
}

fn common(figures: &Figures) -> Value {
    json!({
        "period": figures.period.to_string(),
        "period_start": figures.period.start.to_string(),
        "period_end": figures.period.last_day().to_string(),
        "previous_period": figures.previous.to_string(),
        "scorecard_period": figures.scorecard_period.to_string(),
    })
}

fn merge(mut base: Value, extra: Value) -> Value {
    if let (Value::Object(base), Value::Object(extra)) = (&mut base, extra) {
        base.extend(extra);
    }
    base
}

pub fn executive(figures: &Figures, privacy: Privacy) -> Value {
    let company = &figures.company;
    let dist = figures.ce_distribution.as_ref();
    let mut flags = std::collections::BTreeMap::new();
    for site in &figures.sites {
        *flags.entry(site.funnel_flag.as_str()).or_insert(0usize) += 1;
    }
    let mut exceptions: Vec<&SiteFigures> = figures
        .sites
        .iter()
        .filter(|s| s.funnel_flag == FunnelFlag::AlarmLow || s.sustained_low)
        .collect();
    exceptions.sort_by(|a, b| a.sums.customer.ce_index().cmp(&b.sums.customer.ce_index()));
    let exception_row = |s: &&SiteFigures| {
        json!({"site": s.info.site_name, "region": s.info.region, "ce_index": index(s.sums.customer.ce_index()),
               "ce_n": s.sums.customer.ce_n, "flag": s.funnel_flag.as_str(), "sustained_low": s.sustained_low})
    };
    let quadrants: Vec<Value> = Quadrant::ALL
        .iter()
        .zip(&figures.quadrants.rows)
        .map(|(q, row)| json!({"name": q.as_str(), "sites": row.sites,
            "revenue_vs_budget": row.revenue_vs_budget().map(|v| format!("{} %", round_f64_text(100.0 * v, 1))).unwrap_or_else(|| "–".into())}))
        .collect();
    let regions: Vec<Value> = figures
        .regions
        .iter()
        .map(|r| json!({"name": r.region, "sites": r.sites, "ce_index": index(r.sums.customer.ce_index()),
            "ee_index": index(privacy.ee_index(&r.sums.employee)), "nps": index(r.sums.customer.nps()),
            "flagged": r.sites_flagged_low}))
        .collect();
    let touchpoints: Vec<Value> = figures
        .touchpoints
        .iter()
        .map(|(name, sums)| touchpoint_row(name, sums))
        .collect();
    let excluded_counts = figures.quality.counts();
    let quality: Vec<Value> = figures
        .quality
        .rows_read
        .iter()
        .map(|(export, rows)| {
            let excluded: usize = excluded_counts.iter().filter(|c| c.0 == *export).map(|c| c.2).sum();
            let newest = figures.quality.newest.iter().find(|n| n.0 == *export).and_then(|n| n.1.clone());
            json!({"export": export, "rows": rows, "excluded": excluded, "newest": newest.unwrap_or_else(|| "–".into())})
        })
        .collect();
    merge(
        common(figures),
        json!({
            "headline": headline(&company.customer, &company.customer_prev, &company.customer_last_year,
                                 [&company.employee, &company.employee_prev], privacy),
            "eligible_sites": dist.map(|d| d.count).unwrap_or(0),
            "p10": dist.map(|d| round_f64_text(d.p10, 1)).unwrap_or_else(|| "–".into()),
            "median": dist.map(|d| round_f64_text(d.median, 1)).unwrap_or_else(|| "–".into()),
            "p90": dist.map(|d| round_f64_text(d.p90, 1)).unwrap_or_else(|| "–".into()),
            "flags": flags,
            "quadrants": quadrants,
            "quadrant_sites": figures.quadrants.sites,
            "r_ee_ce": figures.quadrants.r_ee_ce.map(|r| round_f64_text(r, 2)).unwrap_or_else(|| "–".into()),
            "r_ce_revenue": figures.quadrants.r_ce_revenue.map(|r| round_f64_text(r, 2)).unwrap_or_else(|| "–".into()),
            "regions": regions,
            "alarm_low": exceptions.iter().map(exception_row).collect::<Vec<_>>(),
            "alarm_high": figures.sites.iter().filter(|s| s.funnel_flag == FunnelFlag::AlarmHigh).map(|s| exception_row(&s)).collect::<Vec<_>>(),
            "touchpoints": touchpoints,
            "quality": quality,
        }),
    )
}

fn touchpoint_row(name: &str, sums: &CustomerSums) -> Value {
    json!({"name": name, "ce_n": sums.ce_n,
           "ce_index": index(sums.ce_index()), "nps": index(sums.nps()),
           "policy": percent(sums.root_cause_share(crate::metrics::customer::RootCause::Policy)),
           "people": percent(sums.root_cause_share(crate::metrics::customer::RootCause::People)),
           "dominant": sums.dominant_root_cause().map(|c| c.as_str())})
}

pub fn manager(figures: &Figures, site: &SiteFigures, privacy: Privacy) -> Value {
    let c = &site.sums.customer;
    let company = &figures.company.customer;
    let dimensions: Vec<Value> = Dimension::ALL
        .iter()
        .map(|d| json!({"name": d.as_str(), "site": index(c.dimension_index(*d)), "company": index(company.dimension_index(*d))}))
        .collect();
    let e = &site.sums.employee;
    let elements: Vec<Value> = Element::ALL
        .iter()
        .map(|el| json!({"name": el.as_str(), "site": index(privacy.element_index(e, *el))}))
        .collect();
    let teams: Vec<&TeamFigures> = figures
        .teams
        .iter()
        .filter(|t| t.info.site_id == site.info.site_id)
        .collect();
    let unassigned = e.ee_n - teams.iter().map(|t| t.employee.ee_n).sum::<i128>();
    let mut parts: Vec<(Option<&str>, i128)> = teams
        .iter()
        .map(|t| (Some(t.info.team_id.as_str()), t.employee.ee_n))
        .collect();
    parts.push((None, unassigned));
    let hidden = privacy.suppressed_parts(&parts);
    let team_rows: Vec<Value> = teams
        .iter()
        .map(|t| {
            let shown = !hidden.contains(&Some(t.info.team_id.as_str()));
            json!({"name": t.info.team_name, "ce_index": index(t.customer.ce_index()), "ce_n": t.customer.ce_n,
                   "ee_n": t.employee.ee_n,
                   "ee_index": if shown { privacy.ee_index(&t.employee).map(|r| r.round_text(1)) } else { None }})
        })
        .collect();
    let headcount: i64 = teams.iter().filter_map(|t| t.info.headcount).sum();
    let trend: Vec<Value> = figures
        .months
        .iter()
        .zip(&site.trend)
        .zip(&figures.company_trend)
        .map(|((month, (n, value)), median)| json!({"month": month.to_string(), "site": index(*value), "ce_n": n, "company_median": index(*median)}))
        .collect();
    let dominant = c
        .dominant_root_cause()
        .map(|r| r.as_str())
        .unwrap_or("none");
    let scorecard = site.scorecard.as_ref().map(|card| {
        json!({
            "components": card.components.iter().map(|k| json!({
                "name": k.name.as_str(),
                "value": k.value.map(|v| v.round_dp(1).to_string()).unwrap_or_else(|| "–".into()),
                // null when the component does not count
                "attainment": k.attainment.map(|a| a.round_dp(2).to_string()),
                "weight": k.weight.to_string(),
            })).collect::<Vec<_>>(),
            "weighted_attainment": card.weighted_attainment.map(|w| w.round_dp(3).to_string()).unwrap_or_else(|| "–".into()),
            // null with insufficient data: no payout, manual review
            "payout": card.payout_amount.map(|p| p.to_string()),
            "bonus_target": card.bonus_target.round_dp(2).to_string(),
            "status": card.status(),
            "flags": card.flags.join(", "),
            "excluded_staff_invites": site.excluded_staff_invites,
        })
    });
    merge(
        common(figures),
        json!({
            "site": {"id": site.info.site_id, "name": site.info.site_name, "region": site.info.region,
                     "manager": site.info.manager_name},
            "figures": {
                "site": customer_row(c, &site.sums.customer_prev),
                "company": customer_row(company, &figures.company.customer_prev),
            },
            "percentile_rank": site.percentile_rank.map(|r| r.round_text(0)).unwrap_or_else(|| "–".into()),
            "funnel_flag": site.funnel_flag.as_str(),
                "sustained_low": site.sustained_low,
            "dimensions": dimensions,
            "ee_n": e.ee_n,
            // null when hidden by the privacy rule
        "ee_index": privacy.ee_index(e).map(|r| r.round_text(1)),
            "participation": if headcount > 0 && privacy.allows(e.ee_n, e.ee_n) { percent(Ratio::new(e.ee_n, headcount.into())) } else { "–".into() },
            "elements": elements,
            "teams": team_rows,
            "touchpoints": site.touchpoints.iter().map(|(n, s)| touchpoint_row(n, s)).collect::<Vec<_>>(),
            "dominant_root_cause": dominant,
            "trend": trend,
            "scorecard": scorecard,
        }),
    )
}

pub fn frontline(
    figures: &Figures,
    site: &SiteFigures,
    team: &TeamFigures,
    privacy: Privacy,
) -> Value {
    let c = &team.customer;
    let weakest = Dimension::ALL
        .iter()
        .filter_map(|d| c.dimension_index(*d).map(|v| (v, *d)))
        .min_by(|a, b| a.0.cmp(&b.0))
        .map(|(_, d)| d.as_str());
    merge(
        common(figures),
        json!({
            "site": {"id": site.info.site_id, "name": site.info.site_name},
            "team": {"id": team.info.team_id, "name": team.info.team_name, "lead": team.info.lead_name},
            "ce_index": index(c.ce_index()),
            "ce_index_before": index(team.customer_prev.ce_index()),
            "ce_change": change(c.ce_index(), team.customer_prev.ce_index()),
            "ce_n": c.ce_n,
            "focus": weakest,
            "ee_index": privacy.ee_index(&team.employee).map(|r| r.round_text(1)),
            "ee_n": team.employee.ee_n,
        }),
    )
}

pub fn hr(figures: &Figures) -> Value {
    let cards: Vec<&SiteFigures> = figures
        .sites
        .iter()
        .filter(|s| s.scorecard.is_some())
        .collect();
    let insufficient = cards
        .iter()
        .filter(|s| s.scorecard.as_ref().is_some_and(|c| c.status() != "ok"))
        .count();
    let flagged = cards
        .iter()
        .filter(|s| s.scorecard.as_ref().is_some_and(|c| !c.flags.is_empty()))
        .count();
    merge(
        common(figures),
        json!({
            "eligible": cards.len(),
            "insufficient": insufficient,
            "flagged": flagged,
        }),
    )
}
