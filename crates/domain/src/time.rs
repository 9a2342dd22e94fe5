//! The office's calendar: which day it is for the county office. Deadlines, look-back dates and
//! the year of a responsibility list are calendar days of the office, not of UTC.
//!
//! The office keeps China Standard Time (the `Asia/Shanghai` zone), UTC+8 all year round: China
//! has had no summer time since 1991, so a fixed offset is exact for every date the system holds.
//!
//! [`date_in`] is pure; [`today`] and [`office_today`] read the system clock.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

/// Seconds east of UTC of the office's time zone (`Asia/Shanghai`, UTC+8).
pub const OFFICE_UTC_OFFSET_SECONDS: i32 = 8 * 3600;

/// The office's time zone: `Asia/Shanghai` as the fixed offset UTC+8.
pub fn office_tz() -> FixedOffset {
    FixedOffset::east_opt(OFFICE_UTC_OFFSET_SECONDS).expect("UTC+8 is a valid offset")
}

/// The calendar day of an instant in the time zone `tz`.
pub fn date_in(tz: FixedOffset, at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&tz).date_naive()
}

/// The office's calendar day of an instant.
pub fn office_date(at: DateTime<Utc>) -> NaiveDate {
    date_in(office_tz(), at)
}

/// Today in the time zone `tz`, from the system clock.
pub fn today(tz: FixedOffset) -> NaiveDate {
    date_in(tz, Utc::now())
}

/// Today in the office's time zone ([`office_tz`]), from the system clock.
pub fn office_today() -> NaiveDate {
    today(office_tz())
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, s).unwrap()
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn the_office_day_turns_at_16_00_utc() {
        assert_eq!(office_date(utc(2026, 3, 31, 15, 59, 59)), day(2026, 3, 31));
        assert_eq!(office_date(utc(2026, 3, 31, 16, 0, 0)), day(2026, 4, 1));
        // the year turns for the office eight hours before it does in UTC
        assert_eq!(office_date(utc(2025, 12, 31, 16, 0, 0)), day(2026, 1, 1));
    }

    #[test]
    fn other_zones_are_honoured() {
        let utc_zone = FixedOffset::east_opt(0).unwrap();
        assert_eq!(date_in(utc_zone, utc(2026, 3, 31, 16, 0, 0)), day(2026, 3, 31));
        assert_eq!(office_tz().local_minus_utc(), 8 * 3600);
    }

    #[test]
    fn today_is_the_day_of_now() {
        let before = office_date(Utc::now());
        let t = office_today();
        let after = office_date(Utc::now());
        assert!(before <= t && t <= after);
    }
}
