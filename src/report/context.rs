//! Template contexts: the figures of one scope, written the reader's way (indices to one
//! decimal, shares to whole percent, the language's decimal separator), privacy already
//! applied, plus the chart data and the message catalog as `t`. A context only ever holds
//! its own scope's figures and company or region aggregates.

use super::catalog::{Catalog, Format};
use crate::metrics::customer::{CustomerSums, Dimension, RootCause};
use crate::metrics::employee::{Element, Privacy};
use crate::metrics::funnel::{FunnelFlag, proportion_limits, proportion_limits_overdispersed};
use crate::metrics::quadrant::Quadrant;
use crate::metrics::ratio::{Ratio, round_f64_text};
use crate::metrics::voices::{Comment, Voices};
use crate::metrics::{Figures, SiteFigures, TeamFigures};
use serde_json::{Value, json};

const DASH: &str = "–";

/// Writes figures for one reader, in the numbers and words of their catalog.
struct Writer<'a> {
    catalog: &'a Catalog,
}

impl Writer<'_> {
    fn format(&self) -> &Format {
        &self.catalog.format
    }

    fn figure(&self, text: String) -> String {
        self.format().figure(&text)
    }

    fn index(&self, value: Option<Ratio>) -> String {
        value
            .map(|v| self.figure(v.round_text(1)))
            .unwrap_or_else(|| DASH.into())
    }

    fn percent(&self, share: Option<Ratio>) -> String {
        share
            .map(|v| format!("{} %", v.scale(100).round_text(0)))
            .unwrap_or_else(|| DASH.into())
    }

    fn change(&self, now: Option<Ratio>, before: Option<Ratio>) -> String {
        match (now, before) {
            (Some(n), Some(b)) => {
                let text = n.minus(b).round_text(1);
                let text = if text.starts_with('-') || text == "0.0" {
                    text
                } else {
                    format!("+{text}")
                };
                self.figure(text)
            }
            _ => DASH.into(),
        }
    }

    fn count(&self, n: impl Into<i128>) -> String {
        self.format().count(n.into())
    }

    fn f64_text(&self, value: Option<f64>, decimals: u32) -> String {
        value
            .map(|v| self.figure(round_f64_text(v, decimals)))
            .unwrap_or_else(|| DASH.into())
    }

    /// A catalog message by path (`dimension.pride`); the key itself when missing, so a
    /// gap shows instead of failing the run (the catalog test keeps the languages aligned).
    fn word(&self, path: &str) -> String {
        let mut value = Some(&self.catalog.messages);
        let mut parts = path.split('.').peekable();
        while let Some(part) = parts.next() {
            let Some(map) = value else { break };
            match map.get(part) {
                Some(Value::Object(inner)) if parts.peek().is_some() => value = Some(inner),
                Some(Value::String(text)) if parts.peek().is_none() => return text.clone(),
                _ => break,
            }
        }
        path.to_string()
    }

    fn comments(&self, comments: &[Comment]) -> Vec<Value> {
        comments
            .iter()
            .map(|c| {
                let day = chrono::DateTime::from_timestamp_micros(c.at)
                    .map(|t| self.format().date(t.date_naive()));
                json!({"text": c.text, "date": day.unwrap_or_default()})
            })
            .collect()
    }

    fn praised(&self, voices: &Voices) -> Vec<Value> {
        voices
            .praised
            .iter()
            .map(|(name, n)| json!({"name": name, "count": n}))
            .collect()
    }
}

fn num(value: Option<Ratio>) -> Option<f64> {
    value.map(Ratio::to_f64)
}

fn common(w: &Writer, figures: &Figures, language: &str) -> Value {
    json!({
        "language": language,
        "decimal": w.format().decimal,
        "t": w.catalog.messages,
        "period": figures.period.to_string(),
        "period_kind": match figures.period.kind {
            crate::metrics::period::PeriodKind::Week => "week",
            crate::metrics::period::PeriodKind::Month => "month",
            crate::metrics::period::PeriodKind::Quarter => "quarter",
        },
        "period_label": w.format().period(&figures.period),
        "period_start": w.format().date(figures.period.start),
        "period_end": w.format().date(figures.period.last_day()),
        "previous_period": w.format().period(&figures.previous),
        "scorecard_period": w.format().period(&figures.scorecard_period),
    })
}

fn merge(mut base: Value, extra: Value) -> Value {
    if let (Value::Object(base), Value::Object(extra)) = (&mut base, extra) {
        base.extend(extra);
    }
    base
}

/// A customer figure now, before, the change, and a comparison value.
fn tile(w: &Writer, now: Option<Ratio>, before: Option<Ratio>, compare: Option<Ratio>) -> Value {
    json!({"now": w.index(now), "previous": w.index(before), "change": w.change(now, before), "compare": w.index(compare)})
}

fn customer_row(w: &Writer, now: &CustomerSums, before: &CustomerSums) -> Value {
    json!({
        "ce_n": w.count(now.ce_n),
        "ce_index": w.index(now.ce_index()),
        "ce_change": w.change(now.ce_index(), before.ce_index()),
        "nps": w.index(now.nps()),
        "fully_engaged": w.percent(now.share(now.fully_engaged)),
    })
}

fn touchpoint_row(w: &Writer, name: &str, sums: &CustomerSums) -> Value {
    json!({"name": name, "ce_n": w.count(sums.ce_n),
           "ce_index": w.index(sums.ce_index()), "nps": w.index(sums.nps()),
           "policy": w.percent(sums.root_cause_share(RootCause::Policy)),
           "people": w.percent(sums.root_cause_share(RootCause::People)),
           "product": w.percent(sums.root_cause_share(RootCause::Product)),
           "process": w.percent(sums.root_cause_share(RootCause::Process)),
           "dominant": sums.dominant_root_cause().map(|c| c.as_str())})
}

fn root_cause_bars(w: &Writer, touchpoints: &[(String, CustomerSums)]) -> Value {
    let causes = [
        RootCause::Policy,
        RootCause::People,
        RootCause::Product,
        RootCause::Process,
    ];
    json!({
        "kind": "bars",
        "categories": touchpoints.iter().map(|(name, _)| name).collect::<Vec<_>>(),
        "series": causes.iter().take(2).map(|cause| json!({
            "label": w.word(&format!("root_cause.{}", cause.as_str())),
            "values": touchpoints.iter().map(|(_, s)| s.root_cause_share(*cause).map(|r| 100.0 * r.to_f64())).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

/// Funnel limits sampled along n (geometric steps: the curves bend most at small n).
fn funnel_limits(w: &Writer, figures: &Figures, max_n: f64) -> Vec<Value> {
    let Some(p0) = figures.funnel_centre else {
        return Vec::new();
    };
    let start = (figures.min_n.max(1)) as f64;
    let steps = 48;
    let ns: Vec<f64> = (0..=steps)
        .map(|i| start * (max_n.max(start + 1.0) * 1.05 / start).powf(i as f64 / steps as f64))
        .collect();
    let limits: Vec<_> = ns
        .iter()
        .map(|n| match figures.funnel_tau2 {
            Some(tau2) => proportion_limits_overdispersed(p0, *n, tau2),
            None => proportion_limits(p0, *n),
        })
        .collect();
    let branch = |pick: &dyn Fn(&crate::metrics::funnel::Limits) -> f64| -> Vec<[f64; 2]> {
        ns.iter()
            .zip(&limits)
            .map(|(n, l)| [*n, 100.0 * pick(l)])
            .collect()
    };
    vec![
        json!({"label": w.word("chart.limit_95"), "branches": [branch(&|l| l.low_95), branch(&|l| l.high_95)]}),
        json!({"label": w.word("chart.limit_998"), "branches": [branch(&|l| l.low_998), branch(&|l| l.high_998)]}),
    ]
}

pub fn executive(figures: &Figures, privacy: Privacy, language: &str, catalog: &Catalog) -> Value {
    let w = Writer { catalog };
    let company = &figures.company;
    let c = &company.customer;
    let dist = figures.ce_distribution.as_ref();
    // in the order of the funnel, low to high
    let flags: Vec<Value> = FunnelFlag::ALL
        .iter()
        .map(|f| json!({"name": f.as_str(), "sites": figures.sites.iter().filter(|s| s.funnel_flag == *f).count()}))
        .collect();
    let mut exceptions: Vec<&SiteFigures> = figures
        .sites
        .iter()
        .filter(|s| s.funnel_flag == FunnelFlag::AlarmLow || s.sustained_low)
        .collect();
    exceptions.sort_by_key(|s| s.sums.customer.ce_index());
    let exception_row = |s: &SiteFigures| {
        json!({"site": s.info.site_name, "region": s.info.region, "ce_index": w.index(s.sums.customer.ce_index()),
               "ce_n": w.count(s.sums.customer.ce_n), "fully_engaged": w.percent(s.sums.customer.share(s.sums.customer.fully_engaged)),
               "flag": s.funnel_flag.as_str(), "sustained_low": s.sustained_low})
    };
    let compared: Vec<&SiteFigures> = figures
        .sites
        .iter()
        .filter(|s| s.sums.customer.ce_n >= figures.min_n)
        .collect();
    let funnel_points: Vec<[f64; 2]> = compared
        .iter()
        .filter_map(|s| {
            s.sums
                .customer
                .share(s.sums.customer.fully_engaged)
                .map(|r| [s.sums.customer.ce_n as f64, 100.0 * r.to_f64()])
        })
        .collect();
    let max_n = funnel_points.iter().map(|p| p[0]).fold(0.0, f64::max);
    let scatter: Vec<[f64; 2]> = figures
        .sites
        .iter()
        .filter_map(|s| {
            Some([
                privacy.ee_index(&s.sums.employee)?.to_f64(),
                s.sums.customer.ce_index()?.to_f64(),
            ])
        })
        .collect();
    let quadrants: Vec<Value> = Quadrant::ALL
        .iter()
        .zip(&figures.quadrants.rows)
        .map(|(q, row)| json!({"name": q.as_str(), "sites": row.sites,
            "revenue_vs_budget": row.revenue_vs_budget().map(|v| format!("{} %", w.figure(round_f64_text(100.0 * v, 1)))).unwrap_or_else(|| DASH.into())}))
        .collect();
    let regions: Vec<Value> = figures
        .regions
        .iter()
        .map(|r| json!({"name": r.region, "sites": r.sites, "ce_index": w.index(r.sums.customer.ce_index()),
            "ee_index": w.index(privacy.ee_index(&r.sums.employee)), "nps": w.index(r.sums.customer.nps()),
            "flagged": r.sites_flagged_low}))
        .collect();
    let excluded_counts = figures.quality.counts();
    let quality: Vec<Value> = figures
        .quality
        .rows_read
        .iter()
        .map(|(export, rows)| {
            let excluded: usize = excluded_counts.iter().filter(|c| c.0 == *export).map(|c| c.2).sum();
            let newest = figures.quality.newest.iter().find(|n| n.0 == *export).and_then(|n| n.1.clone());
            json!({"export": export, "rows": w.count(*rows as i128), "excluded": w.count(excluded as i128),
                   "newest": newest.unwrap_or_else(|| DASH.into())})
        })
        .collect();
    let reasons: Vec<Value> = excluded_counts
        .iter()
        .map(|(export, reason, n)| json!({"export": export, "reason": reason, "rows": w.count(*n as i128)}))
        .collect();
    let quadrant_labels: Vec<String> = ["both_high", "customer_only", "employee_only", "both_low"]
        .iter()
        .map(|q| w.word(&format!("quadrant.{q}")))
        .collect();
    let median = |v: Option<Ratio>| v.map(Ratio::to_f64);
    merge(
        common(&w, figures, language),
        json!({
            "headline": {
                "ce_index": tile(&w, c.ce_index(), company.customer_prev.ce_index(), company.customer_last_year.ce_index()),
                "ee_index": tile(&w, privacy.ee_index(&company.employee), privacy.ee_index(&company.employee_prev), None),
                "nps": tile(&w, c.nps(), company.customer_prev.nps(), company.customer_last_year.nps()),
                "share_fully_engaged": {
                    "now": w.percent(c.share(c.fully_engaged)),
                    "previous": w.percent(company.customer_prev.share(company.customer_prev.fully_engaged)),
                    "compare": w.percent(company.customer_last_year.share(company.customer_last_year.fully_engaged)),
                    "change": w.change(c.share(c.fully_engaged).map(|r| r.scale(100)), company.customer_prev.share(company.customer_prev.fully_engaged).map(|r| r.scale(100))),
                },
                // absent (–) when nobody is actively disengaged
                "ce_ratio": {"now": c.ce_ratio().map(|r| w.figure(r.round_text(2))).unwrap_or_else(|| DASH.into()),
                             "previous": company.customer_prev.ce_ratio().map(|r| w.figure(r.round_text(2))).unwrap_or_else(|| DASH.into())},
                "ce_n": w.count(c.ce_n),
            },
            "sites": figures.sites.len(),
            "min_n": figures.min_n,
            "eligible_sites": dist.map(|d| d.count).unwrap_or(0),
            "p10": w.f64_text(dist.map(|d| d.p10), 1),
            "median": w.f64_text(dist.map(|d| d.median), 1),
            "p90": w.f64_text(dist.map(|d| d.p90), 1),
            "flags": flags,
            "quadrants": quadrants,
            "quadrant_sites": figures.quadrants.sites,
            "r_ee_ce": w.f64_text(figures.quadrants.r_ee_ce, 2),
            "r_ce_revenue": w.f64_text(figures.quadrants.r_ce_revenue, 2),
            "revenue_per_transaction_ratio": w.f64_text(figures.quadrants.revenue_per_transaction_ratio, 2),
            "regions": regions,
            "alarm_low": exceptions.iter().map(|s| exception_row(s)).collect::<Vec<_>>(),
            "alarm_high": figures.sites.iter().filter(|s| s.funnel_flag == FunnelFlag::AlarmHigh).map(exception_row).collect::<Vec<_>>(),
            "touchpoints": figures.touchpoints.iter().map(|(n, s)| touchpoint_row(&w, n, s)).collect::<Vec<_>>(),
            "quality": quality,
            "excluded_reasons": reasons,
            "charts": {
                "histogram": {
                    "kind": "histogram",
                    "values": compared.iter().filter_map(|s| num(s.sums.customer.ce_index())).collect::<Vec<_>>(),
                    "markers": dist.map(|d| vec![
                        json!({"label": w.word("chart.p10"), "value": d.p10}),
                        json!({"label": w.word("chart.median"), "value": d.median}),
                        json!({"label": w.word("chart.p90"), "value": d.p90}),
                    ]).unwrap_or_default(),
                    "bar_label": w.word("chart.sites"),
                },
                "funnel": {
                    "kind": "funnel",
                    "points": funnel_points,
                    "points_label": w.word("chart.sites"),
                    "centre": figures.funnel_centre.map(|p| json!({"label": w.word("chart.company"), "value": 100.0 * p})),
                    "limits": funnel_limits(&w, figures, max_n),
                    "highlight": null,
                },
                "quadrant": {
                    "kind": "scatter",
                    "points": scatter,
                    "points_label": w.word("chart.sites"),
                    "x_median": median(figures.quadrants.ee_median),
                    "y_median": median(figures.quadrants.ce_median),
                    "quadrants": quadrant_labels,
                    "highlight": null,
                },
                "root_causes": root_cause_bars(&w, &figures.touchpoints),
            },
        }),
    )
}

pub fn manager(
    figures: &Figures,
    site: &SiteFigures,
    privacy: Privacy,
    language: &str,
    catalog: &Catalog,
) -> Value {
    let w = Writer { catalog };
    let c = &site.sums.customer;
    let prev = &site.sums.customer_prev;
    let company = &figures.company.customer;
    let region = figures
        .regions
        .iter()
        .find(|r| r.region == site.info.region);
    let dimensions: Vec<Value> = Dimension::ALL
        .iter()
        .map(|d| json!({"name": d.as_str(), "site": w.index(c.dimension_index(*d)), "company": w.index(company.dimension_index(*d)),
                        "previous": w.index(prev.dimension_index(*d))}))
        .collect();
    let e = &site.sums.employee;
    let elements: Vec<Value> = Element::ALL
        .iter()
        .map(|el| json!({"name": el.as_str(), "site": w.index(privacy.element_index(e, *el))}))
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
            json!({"name": t.info.team_name, "ce_index": w.index(t.customer.ce_index()), "ce_n": w.count(t.customer.ce_n),
                   // null when the privacy rule hides it
                   "ee_index": if shown { privacy.ee_index(&t.employee).map(|r| w.figure(r.round_text(1))) } else { None }})
        })
        .collect();
    let headcount: i64 = teams.iter().filter_map(|t| t.info.headcount).sum();
    let months: Vec<String> = figures
        .months
        .iter()
        .map(|m| w.format().month_short(m))
        .collect();
    let trend: Vec<Value> = months
        .iter()
        .zip(&site.trend)
        .zip(&figures.company_trend)
        .map(|((month, (n, value)), median)| json!({"month": month, "site": w.index(*value), "ce_n": w.count(*n), "company_median": w.index(*median)}))
        .collect();
    let company_touchpoint = |name: &str| {
        figures
            .touchpoints
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, s)| num(s.ce_index()))
    };
    let scorecard = site.scorecard.as_ref().map(|card| {
        let dec = |d: rust_decimal::Decimal, dp: u32| w.figure(d.round_dp(dp).to_string());
        json!({
            "components": card.components.iter().map(|k| json!({
                "name": k.name.as_str(),
                "value": k.value.map(|v| dec(v, 1)).unwrap_or_else(|| DASH.into()),
                "threshold": dec(k.threshold, 1), "target": dec(k.target, 1), "maximum": dec(k.maximum, 1),
                "min_n": k.min_n,
                // null when the component does not count
                "attainment": k.attainment.map(|a| dec(a, 2)),
                "weight": dec(k.weight, 2),
            })).collect::<Vec<_>>(),
            "weighted_attainment": card.weighted_attainment.map(|v| dec(v, 3)).unwrap_or_else(|| DASH.into()),
            // null with insufficient data: no payout, manual review
            "payout": card.payout_amount.map(|p| dec(p, 2)),
            "bonus_target": dec(card.bonus_target, 2),
            "status": card.status(),
            "flags": card.flags,
            "cap": dec(card.cap, 2),
            "ce_n": w.count(site.scorecard_ce_n),
            "ee_n": w.count(site.scorecard_ee_n),
            "excluded_staff_invites": w.count(site.excluded_staff_invites),
        })
    });
    let attainment_panels: Vec<Value> = site
        .scorecard
        .iter()
        .flat_map(|card| &card.components)
        .map(|k| {
            let f = |d: rust_decimal::Decimal| d.to_string().parse::<f64>().unwrap_or(0.0);
            json!({
                "title": w.word(&format!("component.{}", k.name.as_str())),
                "curve": [[f(k.threshold), 0.0], [f(k.threshold), 0.5], [f(k.target), 1.0], [f(k.maximum), 1.5]],
                "markers": [{"label": "T", "value": f(k.threshold)}, {"label": "G", "value": f(k.target)}, {"label": "M", "value": f(k.maximum)}],
                "point": match (k.value, k.attainment) { (Some(v), Some(a)) => Some([f(v), f(a)]), _ => None },
                "note": w.word("scorecard.does_not_count"),
            })
        })
        .collect();
    merge(
        common(&w, figures, language),
        json!({
            "site": {"id": site.info.site_id, "name": site.info.site_name, "region": site.info.region,
                     "manager": site.info.manager_name},
            "kpi": {
                "ce_index": tile(&w, c.ce_index(), prev.ce_index(), company.ce_index()),
                "nps": tile(&w, c.nps(), prev.nps(), company.nps()),
                "fully_engaged": {"now": w.percent(c.share(c.fully_engaged)), "compare": w.percent(company.share(company.fully_engaged)),
                                  "change": w.change(c.share(c.fully_engaged).map(|r| r.scale(100)), prev.share(prev.fully_engaged).map(|r| r.scale(100)))},
                "ce_n": {"now": w.count(c.ce_n), "previous": w.count(prev.ce_n)},
            },
            "figures": {
                "site": customer_row(&w, c, prev),
                "region": region.map(|r| customer_row(&w, &r.sums.customer, &r.sums.customer_prev)),
                "company": customer_row(&w, company, &figures.company.customer_prev),
            },
            "percentile_rank": site.percentile_rank.map(|r| r.round_text(0)),
            "funnel_flag": site.funnel_flag.as_str(),
            "sustained_low": site.sustained_low,
            "dimensions": dimensions,
            "ee_n": w.count(e.ee_n),
            // null when hidden by the privacy rule
            "ee_index": privacy.ee_index(e).map(|r| w.figure(r.round_text(1))),
            "participation": if headcount > 0 && privacy.allows(e.ee_n, e.ee_n) { Some(w.percent(Ratio::new(e.ee_n, headcount.into()))) } else { None },
            "elements": elements,
            "teams": team_rows,
            "touchpoints": site.touchpoints.iter().map(|(n, s)| touchpoint_row(&w, n, s)).collect::<Vec<_>>(),
            "dominant_root_cause": c.dominant_root_cause().map(|r| r.as_str()),
            "trend": trend,
            "scorecard": scorecard,
            "comments": w.comments(&site.voices.recent),
            "praised": w.praised(&site.voices),
            "charts": {
                "dimensions": {
                    "kind": "bars",
                    "categories": Dimension::ALL.iter().map(|d| w.word(&format!("dimension.{}", d.as_str()))).collect::<Vec<_>>(),
                    "series": [
                        {"label": w.word("chart.this_site"), "values": Dimension::ALL.iter().map(|d| num(c.dimension_index(*d))).collect::<Vec<_>>()},
                        {"label": w.word("chart.company"), "values": Dimension::ALL.iter().map(|d| num(company.dimension_index(*d))).collect::<Vec<_>>()},
                    ],
                },
                "elements": {
                    "kind": "bars",
                    "categories": Element::ALL.iter().map(|el| w.word(&format!("element.{}", el.as_str()))).collect::<Vec<_>>(),
                    "series": [{"label": w.word("chart.this_site"), "values": Element::ALL.iter().map(|el| num(privacy.element_index(e, *el))).collect::<Vec<_>>()}],
                },
                "touchpoints": {
                    "kind": "bars",
                    "categories": site.touchpoints.iter().map(|(n, _)| n).collect::<Vec<_>>(),
                    "series": [
                        {"label": w.word("chart.this_site"), "values": site.touchpoints.iter().map(|(_, s)| num(s.ce_index())).collect::<Vec<_>>()},
                        {"label": w.word("chart.company"), "values": site.touchpoints.iter().map(|(n, _)| company_touchpoint(n)).collect::<Vec<_>>()},
                    ],
                },
                "trend": {
                    "kind": "lines",
                    "categories": months,
                    "series": [
                        {"label": w.word("chart.this_site"), "values": site.trend.iter().map(|(_, v)| num(*v)).collect::<Vec<_>>()},
                        {"label": w.word("chart.company_median"), "values": figures.company_trend.iter().map(|v| num(*v)).collect::<Vec<_>>()},
                    ],
                },
                "attainment": {"kind": "attainment", "panels": attainment_panels},
            },
        }),
    )
}

pub fn frontline(
    figures: &Figures,
    site: &SiteFigures,
    team: &TeamFigures,
    privacy: Privacy,
    language: &str,
    catalog: &Catalog,
) -> Value {
    let w = Writer { catalog };
    let c = &team.customer;
    let weakest = Dimension::ALL
        .iter()
        .filter_map(|d| c.dimension_index(*d).map(|v| (v, *d)))
        .min_by(|a, b| a.0.cmp(&b.0))
        .map(|(_, d)| d);
    merge(
        common(&w, figures, language),
        json!({
            "site": {"id": site.info.site_id, "name": site.info.site_name, "ce_index": w.index(site.sums.customer.ce_index())},
            "team": {"id": team.info.team_id, "name": team.info.team_name, "lead": team.info.lead_name},
            "ce_index": w.index(c.ce_index()),
            "ce_index_before": w.index(team.customer_prev.ce_index()),
            "ce_change": w.change(c.ce_index(), team.customer_prev.ce_index()),
            "ce_n": w.count(c.ce_n),
            "focus": weakest.map(|d| json!({"name": d.as_str(), "team": w.index(c.dimension_index(d)),
                                             "company": w.index(figures.company.customer.dimension_index(d))})),
            "praised": w.praised(&team.voices),
            "comments": w.comments(&team.voices.positive),
            // null when the privacy rule hides it
            "ee_index": privacy.ee_index(&team.employee).map(|r| w.figure(r.round_text(1))),
            "charts": {
                "score": {
                    "kind": "bars",
                    "categories": [w.format().period(&figures.previous), w.format().period(&figures.period)],
                    "series": [{"label": w.word("chart.team"), "values": [num(team.customer_prev.ce_index()), num(c.ce_index())]}],
                },
            },
        }),
    )
}

pub fn hr(figures: &Figures, language: &str, catalog: &Catalog) -> Value {
    let w = Writer { catalog };
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
        common(&w, figures, language),
        json!({"eligible": cards.len(), "insufficient": insufficient, "flagged": flagged}),
    )
}
