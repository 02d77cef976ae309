//! The pay scorecard as a manager reads it: every number comes from the site's computed
//! `Scorecard`, and so from the very policy `scorecard.csv` was computed with — the values,
//! the attainments, the payout, the cap, the payout points of the curves and of the rules.

use crate::metrics::SiteFigures;
use crate::metrics::scorecard::{ComponentResult, Scorecard};
use crate::plot::{AttainmentPanel, Marker, Plot};
use crate::report::writer::{DASH, Writer};
use rust_decimal::Decimal;
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct ScorecardSection {
    pub components: Vec<ComponentRow>,
    pub weighted_attainment: String,
    /// `None` with insufficient data: no payout, manual review.
    pub payout: Option<String>,
    pub bonus_target: String,
    pub status: &'static str,
    pub flags: Vec<&'static str>,
    pub cap: String,
    /// The attainment at a component's threshold, target and maximum, for the rules.
    pub payout_points: PayoutPointsText,
    pub ce_n: String,
    pub ee_n: String,
    pub excluded_staff_invites: String,
    /// Whether the change component's change is beyond chance (metrics.md §10).
    pub change_flag: &'static str,
}

#[derive(Debug, Serialize)]
pub struct ComponentRow {
    pub name: &'static str,
    pub value: String,
    pub threshold: String,
    pub target: String,
    pub maximum: String,
    pub min_n: u32,
    /// `None` when the component does not count.
    pub attainment: Option<String>,
    pub weight: String,
}

#[derive(Debug, Serialize)]
pub struct PayoutPointsText {
    pub threshold: String,
    pub target: String,
    pub maximum: String,
}

impl ScorecardSection {
    pub fn new(w: &Writer, site: &SiteFigures, card: &Scorecard) -> ScorecardSection {
        ScorecardSection {
            change_flag: site.scorecard_change_flag.as_str(),
            components: card
                .components
                .iter()
                .map(|k| ComponentRow::new(w, k))
                .collect(),
            weighted_attainment: card
                .weighted_attainment
                .map(|v| w.decimal(v, 3))
                .unwrap_or_else(|| DASH.into()),
            payout: card.payout_amount.map(|p| w.money(p)),
            bonus_target: w.money(card.bonus_target),
            status: card.status(),
            flags: card.flags.clone(),
            cap: w.policy_number(card.cap),
            payout_points: PayoutPointsText {
                threshold: w.policy_number(card.payout.threshold),
                target: w.policy_number(card.payout.target),
                maximum: w.policy_number(card.payout.maximum),
            },
            ce_n: w.count(site.scorecard_ce_n),
            ee_n: w.count(site.scorecard_ee_n),
            excluded_staff_invites: w.count(site.excluded_staff_invites),
        }
    }
}

impl ComponentRow {
    fn new(w: &Writer, k: &ComponentResult) -> ComponentRow {
        let policy = &k.policy;
        ComponentRow {
            name: k.name.as_str(),
            value: k
                .value
                .map(|v| w.decimal(v, 1))
                .unwrap_or_else(|| DASH.into()),
            threshold: w.decimal(policy.threshold, 1),
            target: w.decimal(policy.target, 1),
            maximum: w.decimal(policy.maximum, 1),
            min_n: policy.min_n,
            attainment: k.attainment.map(|a| w.decimal(a, 2)),
            weight: w.decimal(policy.weight, 2),
        }
    }
}

/// The attainment curve of each component, drawn from the points the pay used, with the
/// site's own point where the component counts.
pub fn attainment_chart(w: &Writer, card: Option<&Scorecard>) -> Plot {
    // the shortest text of the decimal, read as a float: what is drawn is what is printed
    let f = |d: Decimal| d.to_string().parse::<f64>().unwrap_or(0.0);
    let panels = card
        .into_iter()
        .flat_map(|card| card.components.iter().map(move |k| (card, k)))
        .map(|(card, k)| {
            let policy = &k.policy;
            let marker = |key: &str, value: Decimal| Marker {
                label: w.word(&format!("chart.marker_{key}")),
                value: f(value),
            };
            AttainmentPanel {
                title: w.word(&format!("component.{}", k.name.as_str())),
                curve: policy
                    .curve(&card.payout)
                    .iter()
                    .map(|(v, a)| [f(*v), f(*a)])
                    .collect(),
                markers: vec![
                    marker("threshold", policy.threshold),
                    marker("target", policy.target),
                    marker("maximum", policy.maximum),
                ],
                point: match (k.value, k.attainment) {
                    (Some(v), Some(a)) => Some([f(v), f(a)]),
                    _ => None,
                },
                note: w.word("scorecard.does_not_count"),
            }
        })
        .collect();
    Plot::Attainment { panels }
}
