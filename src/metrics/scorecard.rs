//! The experience-linked scorecard (metrics.md §7): gated, capped and computed in decimals,
//! because its output is pay.

use super::ratio::Ratio;
use crate::config::{ComponentName, ComponentPolicy, PayoutPoints, ScorecardPolicy};
use rust_decimal::Decimal;
use std::str::FromStr;

/// The measured inputs of one eligible site's scorecard.
#[derive(Debug, Clone, PartialEq)]
pub struct ScorecardInputs {
    /// System-invited complete responses in the period, and the previous period.
    pub ce_n: i64,
    pub ce_index: Option<Ratio>,
    pub prev_ce_n: i64,
    pub prev_ce_index: Option<Ratio>,
    pub ee_n: i128,
    /// `None` when hidden by the privacy rule.
    pub ee_index: Option<Ratio>,
    pub top_box: i64,
    /// Valid staff-invited and all valid responses of the site in the period.
    pub staff_invited: i64,
    pub all_valid: i64,
    pub bonus_target: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ComponentResult {
    pub name: ComponentName,
    pub value: Option<Decimal>,
    /// `None` when the component does not count (gate failed or no value).
    pub attainment: Option<Decimal>,
    /// The component's policy, shown beside its value: weight, threshold, target, maximum
    /// and the responses it needs to count.
    pub policy: ComponentPolicy,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Scorecard {
    pub components: Vec<ComponentResult>,
    /// ce_index − previous ce_index rounded to 6 decimals (the component value) and exact
    /// (for printing with 4 decimals without double rounding).
    pub ce_change: Option<Decimal>,
    pub ce_change_exact: Option<Ratio>,
    /// `None` with status `insufficient_data`.
    pub weighted_attainment: Option<Decimal>,
    pub payout_amount: Option<Decimal>,
    pub bonus_target: Decimal,
    /// The cap on the weighted attainment (`scorecard.cap`), for the rules in words.
    pub cap: Decimal,
    /// The payout points the attainments were computed with, for the curves and the rules.
    pub payout: PayoutPoints,
    pub flags: Vec<&'static str>,
}

impl Scorecard {
    pub fn status(&self) -> &'static str {
        if self.weighted_attainment.is_some() {
            "ok"
        } else {
            "insufficient_data"
        }
    }

    pub fn component(&self, name: ComponentName) -> Option<&ComponentResult> {
        self.components.iter().find(|c| c.name == name)
    }
}

/// A decimal written with exactly `decimals` places, rounded half away from zero, never
/// `-0`: how the payroll file writes every number, and the briefing every amount of money.
pub fn fixed_decimal(value: Decimal, decimals: u32) -> String {
    let rounded = value.round_dp_with_strategy(
        decimals,
        rust_decimal::RoundingStrategy::MidpointAwayFromZero,
    );
    let text = format!("{rounded:.prec$}", prec = decimals as usize);
    if rounded.is_zero() {
        text.trim_start_matches('-').to_string()
    } else {
        text
    }
}

/// A bonus target as a decimal, from its shortest round-trip text (2000.26, not 2000.2599…).
pub fn money(value: f64) -> Decimal {
    Decimal::from_str(&value.to_string())
        .or_else(|_| Decimal::from_scientific(&format!("{value:e}")))
        .unwrap_or(Decimal::ZERO)
}

pub fn compute(inputs: &ScorecardInputs, policy: &ScorecardPolicy) -> Scorecard {
    let ce_value = inputs.ce_index.map(|r| r.round_decimal(6));
    let ce_change_ratio = match (inputs.ce_index, inputs.prev_ce_index) {
        (Some(now), Some(before)) => Some(now.minus(before)),
        _ => None,
    };
    let ce_change = ce_change_ratio.map(|r| r.round_decimal(6));
    let mut components = Vec::new();
    for c in &policy.components {
        let (value, gate) = match c.name {
            ComponentName::CeIndex => (ce_value, inputs.ce_n >= c.min_n as i64),
            ComponentName::EeIndex => (
                inputs.ee_index.map(|r| r.round_decimal(6)),
                inputs.ee_n >= c.min_n as i128,
            ),
            ComponentName::CeChange => (
                ce_change,
                inputs.ce_n >= c.min_n as i64 && inputs.prev_ce_n >= c.min_n as i64,
            ),
        };
        let attainment = value
            .filter(|_| gate)
            .map(|v| c.attainment(v, &policy.payout));
        components.push(ComponentResult {
            name: c.name,
            value,
            attainment,
            policy: c.clone(),
        });
    }
    let counting: Vec<&ComponentResult> = components
        .iter()
        .filter(|c| c.attainment.is_some())
        .collect();
    let total_weight: Decimal = counting.iter().map(|c| c.policy.weight).sum();
    let weighted_attainment = (!counting.is_empty()).then(|| {
        counting
            .iter()
            .filter_map(|c| Some(c.policy.weight * c.attainment?))
            .sum::<Decimal>()
            / total_weight
    });
    let bonus_target = money(inputs.bonus_target);
    let payout_amount = weighted_attainment.map(|w| {
        (w.min(policy.cap) * bonus_target)
            .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
    });
    let mut flags = Vec::new();
    if inputs.ce_n >= 30 && 10 * inputs.top_box > 9 * inputs.ce_n {
        flags.push("top_box_spike");
    }
    if 10 * inputs.staff_invited > 3 * inputs.all_valid {
        flags.push("staff_invites");
    }
    if inputs.ce_n >= 30
        && inputs.prev_ce_n >= 30
        && ce_change.is_some_and(|c| c.abs() > Decimal::from(15))
    {
        flags.push("jump");
    }
    Scorecard {
        components,
        ce_change,
        ce_change_exact: ce_change_ratio,
        weighted_attainment,
        payout_amount,
        bonus_target,
        cap: policy.cap,
        payout: policy.payout,
        flags,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    fn policy() -> ScorecardPolicy {
        let component = |name, w: &str, t: &str, g: &str, m: &str, min_n| ComponentPolicy {
            name,
            weight: dec(w),
            threshold: dec(t),
            target: dec(g),
            maximum: dec(m),
            min_n,
        };
        ScorecardPolicy {
            cap: dec("1.5"),
            payout: PayoutPoints {
                threshold: dec("0.5"),
                target: dec("1.0"),
                maximum: dec("1.5"),
            },
            components: vec![
                component(ComponentName::CeIndex, "0.5", "60", "70", "80", 30),
                component(ComponentName::EeIndex, "0.3", "55", "65", "75", 5),
                component(ComponentName::CeChange, "0.2", "0", "3", "6", 30),
            ],
        }
    }

    fn inputs(ce: i128, prev: i128, ee: Option<i128>) -> ScorecardInputs {
        ScorecardInputs {
            ce_n: 40,
            ce_index: Some(Ratio::integer(ce)),
            prev_ce_n: 40,
            prev_ce_index: Some(Ratio::integer(prev)),
            ee_n: if ee.is_some() { 8 } else { 3 },
            ee_index: ee.map(Ratio::integer),
            top_box: 0,
            staff_invited: 0,
            all_valid: 40,
            bonus_target: 2000.0,
        }
    }

    #[test]
    fn attainment_at_threshold_target_maximum_and_between() {
        let p = policy();
        let ce = &p.components[0];
        assert_eq!(ce.attainment(dec("59.999999"), &p.payout), dec("0"));
        assert_eq!(ce.attainment(dec("60"), &p.payout), dec("0.5"));
        assert_eq!(ce.attainment(dec("65"), &p.payout), dec("0.75"));
        assert_eq!(ce.attainment(dec("70"), &p.payout), dec("1.0"));
        assert_eq!(ce.attainment(dec("75"), &p.payout), dec("1.25"));
        assert_eq!(ce.attainment(dec("80"), &p.payout), dec("1.5"));
        assert_eq!(ce.attainment(dec("95"), &p.payout), dec("1.5"));
    }

    #[test]
    fn weighted_attainment_and_payout() {
        // ce 70 → 1.0; ee 60 → 0.75; change 70 − 66 = 4 → 1 + 0.5 × 1/3 = 1.1666…
        let card = compute(&inputs(70, 66, Some(60)), &policy());
        assert_eq!(card.ce_change, Some(dec("4")));
        let w = card.weighted_attainment.unwrap();
        // (0.5 × 1 + 0.3 × 0.75 + 0.2 × 1.1666…) / 1.0 = 0.958333…
        assert_eq!(w.round_dp(6), dec("0.958333"));
        assert_eq!(card.payout_amount, Some(dec("1916.67")));
        assert_eq!(card.status(), "ok");
    }

    #[test]
    fn weights_renormalise_when_a_gate_fails() {
        // ee hidden (3 respondents): W = (0.5 × 1.0 + 0.2 × 1.5) / 0.7 = 1.142857…
        let card = compute(&inputs(70, 60, None), &policy());
        assert_eq!(
            card.component(ComponentName::EeIndex).unwrap().attainment,
            None
        );
        assert_eq!(
            card.weighted_attainment.unwrap().round_dp(6),
            dec("1.142857")
        );
        assert_eq!(card.payout_amount, Some(dec("2285.71")));
    }

    #[test]
    fn cap_and_rounding_half_away_from_zero() {
        let mut p = policy();
        p.cap = dec("1.25");
        let mut i = inputs(90, 60, Some(90)); // everything at maximum: W = 1.5, capped to 1.25
        i.bonus_target = 2000.26;
        let card = compute(&i, &p);
        assert_eq!(card.weighted_attainment, Some(dec("1.5")));
        // 1.25 × 2000.26 = 2500.325 → 2500.33
        assert_eq!(card.payout_amount, Some(dec("2500.33")));
        assert_eq!(card.flags, vec!["jump"]);
    }

    #[test]
    fn insufficient_data_without_any_counting_component() {
        let mut i = inputs(70, 60, None);
        i.ce_n = 29;
        let card = compute(&i, &policy());
        assert_eq!(card.status(), "insufficient_data");
        assert_eq!(card.payout_amount, None);
        // the change is printed even though its gate failed
        assert_eq!(card.ce_change, Some(dec("10")));
        assert_eq!(
            card.component(ComponentName::CeChange).unwrap().attainment,
            None
        );
    }

    #[test]
    fn integrity_flags_compare_counts_exactly() {
        let mut i = inputs(70, 69, Some(60));
        i.top_box = 36; // 36/40 = 0.9 is not above 0.90
        i.staff_invited = 12;
        i.all_valid = 40; // 0.30 is not above 0.30
        assert!(compute(&i, &policy()).flags.is_empty());
        i.top_box = 37;
        i.staff_invited = 13;
        assert_eq!(
            compute(&i, &policy()).flags,
            vec!["top_box_spike", "staff_invites"]
        );
    }

    #[test]
    fn a_value_exactly_on_a_threshold_counts_as_on_it() {
        // 60 written as 59.9999999 + noise: rounded to 6 decimals it is 60.000000
        let mut i = inputs(70, 60, Some(60));
        i.ce_index = Some(Ratio::new(599_999_999_999, 10_000_000_000).unwrap());
        let card = compute(&i, &policy());
        assert_eq!(
            card.component(ComponentName::CeIndex).unwrap().attainment,
            Some(dec("0.5"))
        );
        assert_eq!(money(2000.26).to_string(), "2000.26");
    }
}
