//! The employee window (metrics.md §2): employee surveys run in waves, so the employee
//! figures of a period are those of the latest quarter's wave, cut at the period's end, and
//! their changes are against the wave before.

use super::periods::{EMPLOYEE_QUARTERS, PeriodKey, RunPeriods, WINDOW_QUARTERS};
use crate::data::engine::{Engine, EngineError};
use chrono::NaiveDate;
use std::collections::HashMap;

/// Days `[start, end)` whose employee responses make a run's employee figures, and the
/// period key they were summed under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EmployeeWindow {
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub key: PeriodKey,
}

impl EmployeeWindow {
    pub fn last_day(&self) -> NaiveDate {
        self.end.pred_opt().unwrap_or(self.end)
    }
}

/// The window of a run and the one its employee changes are measured against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EmployeeWindows {
    pub current: EmployeeWindow,
    pub previous: EmployeeWindow,
}

impl EmployeeWindows {
    /// Both windows' period keys, as a bound list for the SQL.
    pub fn keys(&self) -> duckdb::types::Value {
        duckdb::types::Value::List(
            [self.current.key, self.previous.key]
                .map(|k| duckdb::types::Value::Text(k.name()))
                .to_vec(),
        )
    }
}

/// Valid employee responses of every site per candidate quarter, from the one pass.
pub fn quarter_responses(engine: &Engine) -> Result<HashMap<PeriodKey, i128>, EngineError> {
    let rows = engine.query("employee_quarter_responses", [], |row| {
        Ok((
            PeriodKey::parse(&row.get::<_, String>("period_key")?),
            row.get::<_, i64>("responses")?,
        ))
    })?;
    Ok(rows
        .into_iter()
        .filter_map(|(key, n)| Some((key?, i128::from(n))))
        .collect())
}

/// Chooses the windows from the company-wide count of valid employee responses of each
/// candidate quarter (`responses(i)` for [`PeriodKey::EmployeeQuarter`] `i`): the first of
/// the latest four holding any; without one, the period itself (and the period before).
/// The previous window is the first quarter holding any among the four before the window's,
/// taken whole (candidate quarters after the first are whole).
pub fn choose(periods: &RunPeriods, responses: impl Fn(usize) -> i128) -> EmployeeWindows {
    let quarter = |i: usize| {
        let (start, end) = periods.employee_quarters[i];
        EmployeeWindow {
            start,
            end,
            key: PeriodKey::EmployeeQuarter(i),
        }
    };
    let found = |from: usize| (from..from + WINDOW_QUARTERS).find(|&i| responses(i) > 0);
    match found(0) {
        Some(window) => {
            // the quarter before the window's, summed even when it holds no response
            let previous = found(window + 1).unwrap_or(window + 1);
            debug_assert!(previous < EMPLOYEE_QUARTERS);
            EmployeeWindows {
                current: quarter(window),
                previous: quarter(previous),
            }
        }
        None => EmployeeWindows {
            current: EmployeeWindow {
                start: periods.period.start,
                end: periods.period.end,
                key: PeriodKey::Current,
            },
            previous: EmployeeWindow {
                start: periods.previous.start,
                end: periods.previous.end,
                key: PeriodKey::Previous,
            },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::period::Period;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    /// The windows of `period` when the quarters starting on `waves` hold responses.
    fn windows(period: &str, waves: &[&str]) -> (NaiveDate, NaiveDate, NaiveDate, NaiveDate) {
        let periods = RunPeriods::of(Period::parse(period).unwrap());
        let chosen = choose(&periods, |i| {
            let start = periods.employee_quarters[i].0;
            i128::from(waves.iter().any(|w| day(w) == start))
        });
        (
            chosen.current.start,
            chosen.current.last_day(),
            chosen.previous.start,
            chosen.previous.last_day(),
        )
    }

    #[test]
    fn a_month_after_the_wave_month_reads_the_wave_cut_at_its_end() {
        assert_eq!(
            windows("2026-11", &["2026-10-01", "2026-07-01"]),
            (
                day("2026-10-01"),
                day("2026-11-30"),
                day("2026-07-01"),
                day("2026-09-30")
            )
        );
    }

    #[test]
    fn a_month_before_its_quarter_has_a_wave_falls_back_one_quarter() {
        // an August run: its quarter's wave is yet to come
        assert_eq!(
            windows("2026-08", &["2026-04-01", "2026-01-01"]),
            (
                day("2026-04-01"),
                day("2026-06-30"),
                day("2026-01-01"),
                day("2026-03-31")
            )
        );
    }

    #[test]
    fn a_week_reads_its_quarter_up_to_the_week_end() {
        assert_eq!(
            windows("2026-W43", &["2026-10-01", "2026-04-01"]),
            (
                day("2026-10-01"),
                day("2026-10-25"),
                day("2026-04-01"),
                day("2026-06-30")
            )
        );
    }

    #[test]
    fn a_quarter_without_a_wave_reads_the_one_before_and_without_any_the_period() {
        assert_eq!(
            windows("2026-Q3", &["2026-04-01"]),
            (
                day("2026-04-01"),
                day("2026-06-30"),
                day("2026-01-01"),
                day("2026-03-31")
            )
        );
        assert_eq!(
            windows("2026-Q3", &[]),
            (
                day("2026-07-01"),
                day("2026-09-30"),
                day("2026-04-01"),
                day("2026-06-30")
            )
        );
        // a wave five quarters back is too old
        assert_eq!(windows("2026-Q3", &["2025-04-01"]).0, day("2026-07-01"));
    }

    #[test]
    fn the_first_candidate_ends_with_the_period() {
        // a response after the period's end is outside every candidate
        let periods = RunPeriods::of(Period::parse("2026-10").unwrap());
        assert_eq!(
            periods.employee_quarters[0],
            (day("2026-10-01"), day("2026-11-01"))
        );
        assert_eq!(
            periods.employee_quarters[1],
            (day("2026-07-01"), day("2026-10-01"))
        );
        assert_eq!(periods.employee_quarters.len(), EMPLOYEE_QUARTERS);
    }
}
