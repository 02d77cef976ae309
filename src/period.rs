//! Reporting periods: half-open ranges of local calendar days (metrics.md, "A period").

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    Week,
    Month,
    Quarter,
}

/// `[start, end)` in local calendar days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Period {
    pub kind: PeriodKind,
    pub start: NaiveDate,
    pub end: NaiveDate,
}

#[derive(Debug, thiserror::Error, PartialEq)]
#[error(
    "invalid period `{text}`: expected a month `2026-10`, a quarter `2026-Q3` or an ISO week `2026-W42`"
)]
pub struct PeriodParseError {
    pub text: String,
}

impl Period {
    pub fn month(year: i32, month: u32) -> Option<Period> {
        let start = NaiveDate::from_ymd_opt(year, month, 1)?;
        let end = add_months(start, 1);
        Some(Period {
            kind: PeriodKind::Month,
            start,
            end,
        })
    }

    pub fn quarter(year: i32, quarter: u32) -> Option<Period> {
        if !(1..=4).contains(&quarter) {
            return None;
        }
        let start = NaiveDate::from_ymd_opt(year, 3 * quarter - 2, 1)?;
        Some(Period {
            kind: PeriodKind::Quarter,
            start,
            end: add_months(start, 3),
        })
    }

    pub fn iso_week(year: i32, week: u32) -> Option<Period> {
        let start = NaiveDate::from_isoywd_opt(year, week, Weekday::Mon)?;
        Some(Period {
            kind: PeriodKind::Week,
            start,
            end: start + Duration::days(7),
        })
    }

    /// The period of `kind` that contains `day`.
    pub fn containing(kind: PeriodKind, day: NaiveDate) -> Period {
        let period = match kind {
            PeriodKind::Month => Period::month(day.year(), day.month()),
            PeriodKind::Quarter => Period::quarter(day.year(), (day.month() - 1) / 3 + 1),
            PeriodKind::Week => {
                let week = day.iso_week();
                Period::iso_week(week.year(), week.week())
            }
        };
        period.expect("a valid date lies in a valid period")
    }

    /// The last complete period of `kind` before `today` (the default of a run).
    pub fn last_complete(kind: PeriodKind, today: NaiveDate) -> Period {
        Period::containing(kind, today).previous()
    }

    /// The previous period of the same kind (September for October, Q2 for Q3).
    pub fn previous(self) -> Period {
        Period::containing(self.kind, self.start - Duration::days(1))
    }

    /// The last day, as exports print `period_end`.
    pub fn last_day(self) -> NaiveDate {
        self.end - Duration::days(1)
    }

    pub fn parse(text: &str) -> Result<Period, PeriodParseError> {
        let error = || PeriodParseError {
            text: text.to_string(),
        };
        let (year, rest) = text.split_once('-').ok_or_else(error)?;
        if year.len() != 4 {
            return Err(error());
        }
        let year: i32 = year.parse().map_err(|_| error())?;
        let number = |digits: &str| -> Result<u32, PeriodParseError> {
            if digits.len() != 2 && !(digits.len() == 1 && rest.starts_with('Q')) {
                return Err(error());
            }
            digits.parse().map_err(|_| error())
        };
        let period = if let Some(q) = rest.strip_prefix('Q') {
            Period::quarter(year, number(q)?)
        } else if let Some(w) = rest.strip_prefix('W') {
            Period::iso_week(year, number(w)?)
        } else {
            Period::month(year, number(rest)?)
        };
        period.ok_or_else(error)
    }
}

impl fmt::Display for Period {
    /// The period's name as `run --period` takes it: `2026-10`, `2026-Q3`, `2026-W42`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            PeriodKind::Month => write!(f, "{}-{:02}", self.start.year(), self.start.month()),
            PeriodKind::Quarter => write!(
                f,
                "{}-Q{}",
                self.start.year(),
                (self.start.month() - 1) / 3 + 1
            ),
            PeriodKind::Week => {
                let week = self.start.iso_week();
                write!(f, "{}-W{:02}", week.year(), week.week())
            }
        }
    }
}

pub fn add_months(day: NaiveDate, months: i32) -> NaiveDate {
    let index = day.year() * 12 + day.month0() as i32 + months;
    NaiveDate::from_ymd_opt(index.div_euclid(12), index.rem_euclid(12) as u32 + 1, 1)
        .expect("first day of a month in range")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn parses_and_prints_each_kind() {
        let october = Period::parse("2026-10").unwrap();
        assert_eq!(
            (october.start, october.end),
            (day(2026, 10, 1), day(2026, 11, 1))
        );
        assert_eq!(october.last_day(), day(2026, 10, 31));
        let q3 = Period::parse("2026-Q3").unwrap();
        assert_eq!((q3.start, q3.end), (day(2026, 7, 1), day(2026, 10, 1)));
        let w42 = Period::parse("2026-W42").unwrap();
        assert_eq!((w42.start, w42.end), (day(2026, 10, 12), day(2026, 10, 19)));
        for text in ["2026-10", "2026-Q3", "2026-W42", "2027-W01"] {
            assert_eq!(Period::parse(text).unwrap().to_string(), text);
        }
    }

    #[test]
    fn rejects_malformed_periods() {
        for text in [
            "2026", "2026-13", "2026-Q5", "2026-W54", "26-10", "2026-1", "october",
        ] {
            assert!(Period::parse(text).is_err(), "{text}");
        }
    }

    #[test]
    fn previous_and_last_complete() {
        assert_eq!(
            Period::parse("2026-10").unwrap().previous().to_string(),
            "2026-09"
        );
        assert_eq!(
            Period::parse("2026-01").unwrap().previous().to_string(),
            "2025-12"
        );
        assert_eq!(
            Period::parse("2026-Q3").unwrap().previous().to_string(),
            "2026-Q2"
        );
        assert_eq!(
            Period::parse("2026-Q1").unwrap().previous().to_string(),
            "2025-Q4"
        );
        assert_eq!(
            Period::parse("2026-W01").unwrap().previous().to_string(),
            "2025-W52"
        );
        let today = day(2026, 11, 23);
        assert_eq!(
            Period::last_complete(PeriodKind::Month, today).to_string(),
            "2026-10"
        );
        assert_eq!(
            Period::last_complete(PeriodKind::Quarter, today).to_string(),
            "2026-Q3"
        );
        assert_eq!(
            Period::last_complete(PeriodKind::Week, today).to_string(),
            "2026-W47"
        );
    }
}
