//! Local-time bucketing without a time-zone extension in DuckDB: the run's window is cut
//! into intervals of local calendar days, and every UTC quarter-hour of the window is mapped
//! to its interval here, with chrono-tz, so SQL buckets a row by one equality join.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use duckdb::{Connection, params};

const SLOT_SECONDS: i64 = 900;

/// A named period of the run (`cur`, `prev`, `m-3` …) over local days `[start, end)`.
#[derive(Debug, Clone)]
pub struct NamedPeriod {
    pub key: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// Whether team and touchpoint detail is wanted for it.
    pub detailed: bool,
    /// A trend month: only complete responses and attachment are read for it.
    pub trend_only: bool,
    /// Summed for the employee export only (the employee window's candidate quarters).
    pub employee_only: bool,
    /// The key-driver profiles are counted over it (the reported period only).
    pub moments: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum CalendarError {
    #[error("time zone {zone}: local midnight of {day} is {instant}, not on a quarter hour")]
    Unaligned {
        zone: Tz,
        day: NaiveDate,
        instant: DateTime<Utc>,
    },
    #[error("cannot build the calendar tables: {0}")]
    Engine(#[from] duckdb::Error),
}

/// The first instant of a local calendar day (midnight, or the end of a DST gap at midnight).
pub fn start_of_day(zone: Tz, day: NaiveDate) -> DateTime<Utc> {
    let midnight = day.and_hms_opt(0, 0, 0).expect("midnight exists");
    let mut local = midnight;
    loop {
        if let Some(instant) = zone.from_local_datetime(&local).earliest() {
            return instant.with_timezone(&Utc);
        }
        local += Duration::minutes(1);
    }
}

/// Creates `calendar_slots(slot, interval_idx, detailed)`, `period_intervals(period_key,
/// interval_idx, detailed, trend_only)` and `period_ranges(period_key, start_day, end_day)`.
pub fn install(
    connection: &Connection,
    zone: Tz,
    periods: &[NamedPeriod],
) -> Result<(), CalendarError> {
    let mut boundaries: Vec<NaiveDate> = periods.iter().flat_map(|p| [p.start, p.end]).collect();
    boundaries.sort();
    boundaries.dedup();
    connection.execute_batch(
        "CREATE OR REPLACE TEMP TABLE calendar_slots (slot BIGINT, interval_idx SMALLINT, detailed BOOLEAN, moments BOOLEAN);
         CREATE OR REPLACE TEMP TABLE period_intervals (period_key VARCHAR, interval_idx SMALLINT, detailed BOOLEAN,
             trend_only BOOLEAN, employee_only BOOLEAN);
         CREATE OR REPLACE TEMP TABLE period_ranges (period_key VARCHAR, start_day DATE, end_day DATE);",
    )?;
    let mut starts = Vec::with_capacity(boundaries.len());
    for &day in &boundaries {
        let instant = start_of_day(zone, day);
        if instant.timestamp().rem_euclid(SLOT_SECONDS) != 0 {
            return Err(CalendarError::Unaligned { zone, day, instant });
        }
        starts.push(instant.timestamp() / SLOT_SECONDS);
    }
    let detailed = |day: NaiveDate| {
        periods
            .iter()
            .any(|p| p.detailed && p.start <= day && day < p.end)
    };
    let moments = |day: NaiveDate| {
        periods
            .iter()
            .any(|p| p.moments && p.start <= day && day < p.end)
    };
    {
        let mut slots = connection.appender("calendar_slots")?;
        for (index, window) in starts.windows(2).enumerate() {
            let interval_detailed = detailed(boundaries[index]);
            let interval_moments = moments(boundaries[index]);
            for slot in window[0]..window[1] {
                slots.append_row(params![
                    slot,
                    index as i16,
                    interval_detailed,
                    interval_moments
                ])?;
            }
        }
    }
    {
        let mut intervals = connection.appender("period_intervals")?;
        let mut ranges = connection.appender("period_ranges")?;
        for period in periods {
            let first = boundaries.binary_search(&period.start).expect("a boundary");
            let last = boundaries.binary_search(&period.end).expect("a boundary");
            for index in first..last {
                intervals.append_row(params![
                    period.key,
                    index as i16,
                    period.detailed,
                    period.trend_only,
                    period.employee_only
                ])?;
            }
            ranges.append_row(params![
                period.key,
                period.start.to_string(),
                period.end.to_string()
            ])?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_midnight_in_utc() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        // Paris is UTC+2 in summer, UTC+1 in winter: 1 November starts at 23:00 UTC on 31 October.
        assert_eq!(
            start_of_day(chrono_tz::Europe::Paris, day(2026, 11, 1)).to_rfc3339(),
            "2026-10-31T23:00:00+00:00"
        );
        assert_eq!(
            start_of_day(chrono_tz::Europe::Paris, day(2026, 10, 1)).to_rfc3339(),
            "2026-09-30T22:00:00+00:00"
        );
        // Santiago springs forward at midnight: the day starts at 01:00 local.
        assert_eq!(
            start_of_day(chrono_tz::America::Santiago, day(2026, 9, 6)).to_rfc3339(),
            "2026-09-06T04:00:00+00:00"
        );
    }
}
