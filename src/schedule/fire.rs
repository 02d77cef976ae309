//! When a job fires: its cron schedule read as wall-clock time in the job's own zone, then
//! placed on the time line. In the spring-forward gap a run fires at the first valid instant
//! after the gap; in the repeated fall-back hour it fires once, at the first occurrence.

use chrono::{DateTime, Duration, LocalResult, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;
use croner::Cron;

/// How daylight saving moved or marked a fire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dst {
    /// The scheduled wall time does not exist that day; the run fires when the gap ends.
    Gap { scheduled: NaiveDateTime },
    /// The scheduled wall time happens twice that day; the run fires at the first.
    Repeated,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fire {
    pub at: DateTime<Tz>,
    pub dst: Option<Dst>,
}

/// The first instant after the spring-forward gap that swallows `wall`.
fn gap_end(zone: Tz, wall: NaiveDateTime) -> DateTime<Tz> {
    let before = zone
        .offset_from_utc_datetime(&(wall - Duration::days(1)))
        .fix();
    // `wall` read with the offset from before the gap lies after the transition; walk back
    // to the first minute with the new offset
    let mut instant = (wall - Duration::seconds(before.local_minus_utc().into())).and_utc();
    let after = zone.offset_from_utc_datetime(&instant.naive_utc()).fix();
    while zone
        .offset_from_utc_datetime(&(instant - Duration::minutes(1)).naive_utc())
        .fix()
        == after
    {
        instant -= Duration::minutes(1);
    }
    instant.with_timezone(&zone)
}

/// Where a scheduled wall time lands on the time line.
fn place(zone: Tz, wall: NaiveDateTime) -> Fire {
    match zone.from_local_datetime(&wall) {
        LocalResult::Single(at) => Fire { at, dst: None },
        LocalResult::Ambiguous(first, _) => Fire {
            at: first,
            dst: Some(Dst::Repeated),
        },
        LocalResult::None => Fire {
            at: gap_end(zone, wall),
            dst: Some(Dst::Gap { scheduled: wall }),
        },
    }
}

/// The latest fire at or before `now`.
pub fn previous_fire(cron: &Cron, zone: Tz, now: DateTime<Utc>) -> Option<Fire> {
    let mut cursor = now.with_timezone(&zone).naive_local();
    let mut inclusive = true;
    loop {
        let wall = cron.find_previous_occurrence(&cursor, inclusive).ok()?;
        let fire = place(zone, wall);
        if fire.at.with_timezone(&Utc) <= now {
            return Some(fire);
        }
        cursor = wall;
        inclusive = false;
    }
}

/// The next `count` fires strictly after `after`.
pub fn next_fires(cron: &Cron, zone: Tz, after: DateTime<Utc>, count: usize) -> Vec<Fire> {
    let mut fires: Vec<Fire> = Vec::with_capacity(count);
    let mut cursor = after.with_timezone(&zone).naive_local();
    while fires.len() < count {
        let Ok(wall) = cron.find_next_occurrence(&cursor, false) else {
            break;
        };
        cursor = wall;
        let fire = place(zone, wall);
        // a repeated hour's first occurrence may lie before `after`: it has fired already;
        // several scheduled times in one gap fire once
        if fire.at.with_timezone(&Utc) <= after
            || fires.last().is_some_and(|last| last.at == fire.at)
        {
            continue;
        }
        fires.push(fire);
    }
    fires
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    /// The fires as RFC 3339 in the zone, with a mark for DST.
    fn fires(cron: &str, zone: Tz, after: &str, count: usize) -> Vec<String> {
        next_fires(&Cron::from_str(cron).unwrap(), zone, utc(after), count)
            .iter()
            .map(|f| {
                let mark = match &f.dst {
                    None => "",
                    Some(Dst::Gap { .. }) => " gap",
                    Some(Dst::Repeated) => " repeated",
                };
                format!("{}{mark}", f.at.to_rfc3339())
            })
            .collect()
    }

    #[test]
    fn paris_daily_0230_across_the_2026_and_2027_changes() {
        let paris = chrono_tz::Europe::Paris;
        // 29 March 2026: 02:00 → 03:00, so 02:30 does not exist: fire at 03:00 CEST (01:00Z)
        assert_eq!(
            fires("30 2 * * *", paris, "2026-03-27T12:00:00Z", 3),
            [
                "2026-03-28T02:30:00+01:00",
                "2026-03-29T03:00:00+02:00 gap",
                "2026-03-30T02:30:00+02:00"
            ]
        );
        // 25 October 2026: 03:00 → 02:00, so 02:30 happens twice: fire once, at the first
        assert_eq!(
            fires("30 2 * * *", paris, "2026-10-24T12:00:00Z", 3),
            [
                "2026-10-25T02:30:00+02:00 repeated",
                "2026-10-26T02:30:00+01:00",
                "2026-10-27T02:30:00+01:00"
            ]
        );
        // started during the second 02:00–03:00 of that night: the first 02:30 has fired
        assert_eq!(
            fires("30 2 * * *", paris, "2026-10-25T01:10:00Z", 1),
            ["2026-10-26T02:30:00+01:00"]
        );
        assert_eq!(
            fires("30 2 * * *", paris, "2027-03-27T12:00:00Z", 2),
            ["2027-03-28T03:00:00+02:00 gap", "2027-03-29T02:30:00+02:00"]
        );
        assert_eq!(
            fires("30 2 * * *", paris, "2027-10-30T12:00:00Z", 1),
            ["2027-10-31T02:30:00+02:00 repeated"]
        );
    }

    #[test]
    fn athens_daily_0230_is_outside_its_changes_at_0300_and_0400() {
        let athens = chrono_tz::Europe::Athens;
        assert_eq!(
            fires("30 2 * * *", athens, "2026-03-28T12:00:00Z", 2),
            ["2026-03-29T02:30:00+02:00", "2026-03-30T02:30:00+03:00"]
        );
        assert_eq!(
            fires("30 2 * * *", athens, "2026-10-24T12:00:00Z", 2),
            ["2026-10-25T02:30:00+03:00", "2026-10-26T02:30:00+02:00"]
        );
        // its own gap is 03:00–04:00: a 03:30 job fires at 04:00 EEST (01:00Z)
        assert_eq!(
            fires("30 3 * * *", athens, "2027-03-27T12:00:00Z", 1),
            ["2027-03-28T04:00:00+03:00 gap"]
        );
        assert_eq!(
            fires("30 3 * * *", athens, "2027-10-30T12:00:00Z", 1),
            ["2027-10-31T03:30:00+03:00 repeated"]
        );
    }

    #[test]
    fn new_york_daily_0230_on_its_change_days() {
        let new_york = chrono_tz::America::New_York;
        // 8 March 2026: 02:00 → 03:00
        assert_eq!(
            fires("30 2 * * *", new_york, "2026-03-07T12:00:00Z", 2),
            ["2026-03-08T03:00:00-04:00 gap", "2026-03-09T02:30:00-04:00"]
        );
        // 1 November 2026: 02:00 → 01:00, 02:30 happens once (after the change)
        assert_eq!(
            fires("30 2 * * *", new_york, "2026-10-31T12:00:00Z", 2),
            ["2026-11-01T02:30:00-05:00", "2026-11-02T02:30:00-05:00"]
        );
        assert_eq!(
            fires("30 1 * * *", new_york, "2026-10-31T12:00:00Z", 1),
            ["2026-11-01T01:30:00-04:00 repeated"]
        );
        assert_eq!(
            fires("30 2 * * *", new_york, "2027-03-13T12:00:00Z", 1),
            ["2027-03-14T03:00:00-04:00 gap"]
        );
        assert_eq!(
            fires("30 2 * * *", new_york, "2027-11-06T12:00:00Z", 1),
            ["2027-11-07T02:30:00-05:00"]
        );
    }

    #[test]
    fn the_latest_fire_before_an_instant() {
        let paris = chrono_tz::Europe::Paris;
        let cron = Cron::from_str("0 7 2 * *").unwrap();
        let at = |t: &str| previous_fire(&cron, paris, utc(t)).unwrap().at.to_rfc3339();
        assert_eq!(at("2026-11-23T12:00:00Z"), "2026-11-02T07:00:00+01:00");
        assert_eq!(at("2026-11-02T06:00:00Z"), "2026-11-02T07:00:00+01:00");
        assert_eq!(at("2026-11-02T05:59:59Z"), "2026-10-02T07:00:00+02:00");
        let gap = Cron::from_str("30 2 * * *").unwrap();
        assert_eq!(
            previous_fire(&gap, paris, utc("2026-03-29T05:00:00Z"))
                .unwrap()
                .at
                .to_rfc3339(),
            "2026-03-29T03:00:00+02:00"
        );
    }

    #[test]
    fn monthly_on_the_2nd_at_0700_and_weekly_on_monday_at_0800() {
        let paris = chrono_tz::Europe::Paris;
        assert_eq!(
            fires("0 7 2 * *", paris, "2026-02-15T00:00:00Z", 3),
            [
                "2026-03-02T07:00:00+01:00",
                "2026-04-02T07:00:00+02:00",
                "2026-05-02T07:00:00+02:00"
            ]
        );
        assert_eq!(
            fires("0 7 2 * *", paris, "2027-10-01T00:00:00Z", 2),
            ["2027-10-02T07:00:00+02:00", "2027-11-02T07:00:00+01:00"]
        );
        let new_york = chrono_tz::America::New_York;
        assert_eq!(
            fires("0 8 * * 1", new_york, "2026-03-04T00:00:00Z", 2),
            ["2026-03-09T08:00:00-04:00", "2026-03-16T08:00:00-04:00"]
        );
        let athens = chrono_tz::Europe::Athens;
        assert_eq!(
            fires("0 8 * * 1", athens, "2026-10-20T00:00:00Z", 2),
            ["2026-10-26T08:00:00+02:00", "2026-11-02T08:00:00+02:00"]
        );
    }
}
