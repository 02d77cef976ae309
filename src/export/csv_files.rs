//! `sites.csv`, `scorecard.csv` and `data_quality.csv` (metrics.md §7–§9): UTF-8 without
//! BOM, a header row, LF line ends, RFC 4180 quoting only where needed, sorted by site_id.

use crate::config::ComponentName;
use crate::metrics::Figures;
use crate::metrics::employee::Privacy;
use crate::metrics::ratio::Ratio;
use crate::metrics::scorecard::fixed_decimal;
use crate::period::Period;
use rust_decimal::Decimal;

pub(super) fn writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(Vec::new())
}

pub(super) fn finish(writer: csv::Writer<Vec<u8>>) -> Vec<u8> {
    writer
        .into_inner()
        .expect("writing to memory does not fail")
}

fn fixed(value: Option<Ratio>, decimals: u32) -> String {
    value.map(|v| v.round_text(decimals)).unwrap_or_default()
}

fn decimal(value: Option<Decimal>, decimals: u32) -> String {
    value
        .map(|v| fixed_decimal(v, decimals))
        .unwrap_or_default()
}

/// A text from the data as a spreadsheet cell: one that starts like a formula (`=`, `+`,
/// `-`, `@`, a tab or a carriage return) gets a leading `'`, so a spreadsheet shows it
/// instead of evaluating it (OWASP's rule for CSV injection). Numbers stay as they are.
pub(super) fn text_cell(text: &str) -> String {
    let formula = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if formula && text.trim().parse::<f64>().is_err() {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

pub(super) fn period_fields(period: Period) -> [String; 2] {
    [period.start.to_string(), period.last_day().to_string()]
}

pub fn sites_csv(figures: &Figures, privacy: Privacy) -> Vec<u8> {
    let mut w = writer();
    let header = [
        "period_start",
        "period_end",
        "site_id",
        "site_name",
        "region",
        "ce_n",
        "ce_index",
        "confidence_index",
        "integrity_index",
        "pride_index",
        "passion_index",
        "share_fully_engaged",
        "share_engaged",
        "share_not_engaged",
        "share_actively_disengaged",
        "nps",
        "nps_n",
        "ee_n",
        "ee_index",
        "ambassador_index",
        "percentile_rank",
        "funnel_flag",
        "quadrant",
        "sustained_low",
        "ee_window_start",
        "ee_window_end",
        "ce_change",
        "ce_change_flag",
        "nps_change",
        "nps_change_flag",
        "share_fully_engaged_change",
        "share_fully_engaged_change_flag",
    ];
    w.write_record(header).expect("in memory");
    let [start, end] = period_fields(figures.period);
    let window = figures.employee_window.current;
    let [window_start, window_end] = [window.start, window.last_day()].map(|d| d.to_string());
    use crate::metrics::customer::Dimension::*;
    for site in &figures.sites {
        let c = &site.sums.customer;
        let before = &site.sums.customer_prev;
        let e = &site.sums.employee;
        let flags = site.sums.changes(figures.min_n);
        let change = |now: Option<Ratio>, then: Option<Ratio>, decimals| {
            fixed(now.zip(then).map(|(now, then)| now.minus(then)), decimals)
        };
        // read with the executive briefing's region totals: a site hidden as a part is blank
        let hidden = figures.disclosure.hidden_sites.contains(&site.info.site_id);
        let shown = |value: Option<Ratio>| value.filter(|_| !hidden);
        let record = [
            start.clone(),
            end.clone(),
            text_cell(&site.info.site_id),
            text_cell(&site.info.site_name),
            text_cell(&site.info.region),
            c.ce_n.to_string(),
            fixed(c.ce_index(), 4),
            fixed(c.dimension_index(Confidence), 4),
            fixed(c.dimension_index(Integrity), 4),
            fixed(c.dimension_index(Pride), 4),
            fixed(c.dimension_index(Passion), 4),
            fixed(c.share(c.fully_engaged), 6),
            fixed(c.share(c.engaged), 6),
            fixed(c.share(c.not_engaged), 6),
            fixed(c.share(c.actively_disengaged), 6),
            fixed(c.nps(), 4),
            c.nps_n.to_string(),
            e.ee_n.to_string(),
            fixed(shown(privacy.ee_index(e)), 4),
            fixed(shown(privacy.ambassador_index(e)), 4),
            fixed(site.percentile_rank, 4),
            site.funnel_flag.as_str().to_string(),
            site.quadrant
                .map(|q| q.as_str().to_string())
                .unwrap_or_default(),
            site.sustained_low.to_string(),
            window_start.clone(),
            window_end.clone(),
            change(c.ce_index(), before.ce_index(), 4),
            flags.ce_index.as_str().to_string(),
            change(c.nps(), before.nps(), 4),
            flags.nps.as_str().to_string(),
            change(
                c.share(c.fully_engaged),
                before.share(before.fully_engaged),
                6,
            ),
            flags.share_fully_engaged.as_str().to_string(),
        ];
        w.write_record(&record).expect("in memory");
    }
    finish(w)
}

/// One row per eligible site (its manager), sorted by site_id.
pub fn scorecard_csv(figures: &Figures, config_sha256: &str, data_sha256: &str) -> Vec<u8> {
    let mut w = writer();
    let header = [
        "period_start",
        "period_end",
        "site_id",
        "site_name",
        "manager_id",
        "manager_email",
        "ce_index",
        "ce_n",
        "ee_index",
        "ee_n",
        "ce_change",
        "attainment_ce_index",
        "attainment_ee_index",
        "attainment_ce_change",
        "weighted_attainment",
        "payout_amount",
        "bonus_target",
        "status",
        "integrity_flags",
        "excluded_staff_invites",
        "config_sha256",
        "data_sha256",
        "ce_change_flag",
    ];
    w.write_record(header).expect("in memory");
    let [start, end] = period_fields(figures.scorecard_period);
    for site in &figures.sites {
        let Some(card) = &site.scorecard else {
            continue;
        };
        let attainment = |name| decimal(card.component(name).and_then(|c| c.attainment), 6);
        let record = [
            start.clone(),
            end.clone(),
            text_cell(&site.info.site_id),
            text_cell(&site.info.site_name),
            text_cell(&site.info.manager_id),
            text_cell(&site.info.manager_email),
            fixed(site.scorecard_ce_index, 4),
            site.scorecard_ce_n.to_string(),
            fixed(site.scorecard_ee_index, 4),
            site.scorecard_ee_n.to_string(),
            fixed(card.ce_change_exact, 4),
            attainment(ComponentName::CeIndex),
            attainment(ComponentName::EeIndex),
            attainment(ComponentName::CeChange),
            decimal(card.weighted_attainment, 6),
            decimal(card.payout_amount, 2),
            decimal(Some(card.bonus_target), 2),
            card.status().to_string(),
            card.flags.join(";"),
            site.excluded_staff_invites.to_string(),
            config_sha256.to_string(),
            data_sha256.to_string(),
            site.scorecard_change_flag.as_str().to_string(),
        ];
        w.write_record(&record).expect("in memory");
    }
    finish(w)
}

pub fn data_quality_csv(figures: &Figures) -> Vec<u8> {
    let mut w = writer();
    w.write_record(["export", "row_id", "reason"])
        .expect("in memory");
    for row in &figures.quality.excluded {
        w.write_record([row.export, &text_cell(&row.row_id), row.reason.as_str()])
            .expect("in memory");
    }
    finish(w)
}

#[cfg(test)]
mod tests {
    use super::text_cell;

    #[test]
    fn cells_that_start_like_a_formula_are_shown_not_evaluated() {
        assert_eq!(
            text_cell("=HYPERLINK(\"https://evil.example/x\",\"Paris\")"),
            "'=HYPERLINK(\"https://evil.example/x\",\"Paris\")"
        );
        assert_eq!(text_cell("+cmd|' /C calc'!A0"), "'+cmd|' /C calc'!A0");
        assert_eq!(text_cell("@SUM(1+1)"), "'@SUM(1+1)");
        assert_eq!(text_cell("-2+3"), "'-2+3");
        assert_eq!(text_cell("\tx"), "'\tx");
        assert_eq!(text_cell("\rx"), "'\rx");
        // numbers and ordinary names stay as they are
        assert_eq!(text_cell("-1.5"), "-1.5");
        assert_eq!(text_cell("Boutique Lyon"), "Boutique Lyon");
        assert_eq!(text_cell("S001"), "S001");
    }
}
