//! The periods one run sums over, each under the key the SQL names it by: the reported
//! period, the one before, the same period a year before, the scorecard's quarter and the
//! one before it, and the trend months.

use crate::data::calendar::NamedPeriod;
use crate::period::{Period, PeriodKind, add_months};
use chrono::NaiveDate;

pub const TREND_MONTHS: usize = 12;
pub const SUSTAINED_MONTHS: usize = 6;
/// Quarters an employee window looks back over, and the previous window after it.
pub const WINDOW_QUARTERS: usize = 4;
/// Candidate quarters summed: a window found in the last of them still has a previous one.
pub const EMPLOYEE_QUARTERS: usize = 2 * WINDOW_QUARTERS;

/// Which of a run's periods a row of sums belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PeriodKey {
    Current,
    Previous,
    LastYear,
    Scorecard,
    ScorecardPrevious,
    /// The trend months, oldest first.
    TrendMonth(usize),
    /// The employee window's candidate quarters (metrics.md §2): 0 is the quarter of the
    /// period's last day, cut at the period's end, then each earlier quarter.
    EmployeeQuarter(usize),
}

impl PeriodKey {
    /// The key as the SQL sees it (`period_intervals.period_key`).
    pub fn name(self) -> String {
        match self {
            PeriodKey::Current => "cur".into(),
            PeriodKey::Previous => "prev".into(),
            PeriodKey::LastYear => "ly".into(),
            PeriodKey::Scorecard => "sc".into(),
            PeriodKey::ScorecardPrevious => "scp".into(),
            PeriodKey::TrendMonth(i) => format!("m{i:02}"),
            PeriodKey::EmployeeQuarter(i) => format!("eq{i}"),
        }
    }

    pub fn parse(name: &str) -> Option<PeriodKey> {
        Some(match name {
            "cur" => PeriodKey::Current,
            "prev" => PeriodKey::Previous,
            "ly" => PeriodKey::LastYear,
            "sc" => PeriodKey::Scorecard,
            "scp" => PeriodKey::ScorecardPrevious,
            _ => match name.strip_prefix("eq") {
                Some(i) => PeriodKey::EmployeeQuarter(i.parse().ok()?),
                None => PeriodKey::TrendMonth(name.strip_prefix('m')?.parse().ok()?),
            },
        })
    }
}

/// The periods of a run, from the reported one.
#[derive(Debug, Clone)]
pub struct RunPeriods {
    pub period: Period,
    pub previous: Period,
    pub last_year: Option<Period>,
    pub scorecard: Period,
    pub scorecard_previous: Period,
    pub months: Vec<Period>,
    /// The employee window's candidate quarters as day ranges `[start, end)`, latest first;
    /// the first ends at the period's end at the latest.
    pub employee_quarters: Vec<(NaiveDate, NaiveDate)>,
}

impl RunPeriods {
    pub fn of(period: Period) -> RunPeriods {
        let last_month = Period::containing(PeriodKind::Month, period.last_day());
        let months = (0..TREND_MONTHS as i32)
            .map(|i| {
                Period::containing(
                    PeriodKind::Month,
                    add_months(last_month.start, i - TREND_MONTHS as i32 + 1),
                )
            })
            .collect();
        // the scorecard uses the job's quarter, or the last complete quarter before the
        // period's end
        let scorecard = match period.kind {
            PeriodKind::Quarter => period,
            _ => Period::last_complete(PeriodKind::Quarter, period.end),
        };
        let last_quarter = Period::containing(PeriodKind::Quarter, period.last_day());
        let employee_quarters = (0..EMPLOYEE_QUARTERS as i32)
            .map(|i| {
                let quarter =
                    Period::containing(PeriodKind::Quarter, add_months(last_quarter.start, -3 * i));
                (quarter.start, quarter.end.min(period.end))
            })
            .collect();
        RunPeriods {
            employee_quarters,
            period,
            previous: period.previous(),
            last_year: match period.kind {
                PeriodKind::Week => None,
                kind => Some(Period::containing(kind, add_months(period.start, -12))),
            },
            scorecard,
            scorecard_previous: scorecard.previous(),
            months,
        }
    }

    /// Every period under its key, for the calendar the SQL joins to. Only the reported
    /// period and the one before carry the briefings' detail (teams, touchpoints).
    pub fn named(&self, detailed: bool) -> Vec<NamedPeriod> {
        let named =
            |key: PeriodKey, period: Period, detailed: bool, trend_only: bool| NamedPeriod {
                key: key.name(),
                start: period.start,
                end: period.end,
                detailed,
                trend_only,
                employee_only: false,
                moments: key == PeriodKey::Current,
            };
        let mut periods = vec![
            named(PeriodKey::Current, self.period, detailed, false),
            named(PeriodKey::Previous, self.previous, detailed, false),
            named(PeriodKey::Scorecard, self.scorecard, false, false),
            named(
                PeriodKey::ScorecardPrevious,
                self.scorecard_previous,
                false,
                false,
            ),
        ];
        if let Some(last_year) = self.last_year {
            periods.push(named(PeriodKey::LastYear, last_year, false, false));
        }
        for (i, month) in self.months.iter().enumerate() {
            periods.push(named(PeriodKey::TrendMonth(i), *month, false, true));
        }
        for (i, &(start, end)) in self.employee_quarters.iter().enumerate() {
            periods.push(NamedPeriod {
                key: PeriodKey::EmployeeQuarter(i).name(),
                start,
                end,
                detailed: false,
                trend_only: false,
                employee_only: true,
                moments: false,
            });
        }
        periods
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_read_back_as_written() {
        for key in [
            PeriodKey::Current,
            PeriodKey::Previous,
            PeriodKey::LastYear,
            PeriodKey::Scorecard,
            PeriodKey::ScorecardPrevious,
            PeriodKey::TrendMonth(0),
            PeriodKey::TrendMonth(11),
            PeriodKey::EmployeeQuarter(0),
            PeriodKey::EmployeeQuarter(7),
        ] {
            assert_eq!(PeriodKey::parse(&key.name()), Some(key));
        }
        assert_eq!(PeriodKey::parse("m07"), Some(PeriodKey::TrendMonth(7)));
        assert_eq!(PeriodKey::parse("later"), None);
    }
}
