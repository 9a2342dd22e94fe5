//! The office's calendar: which day it is for the county office. Deadlines, look-back dates and
//! the year of a responsibility list are calendar days of the office, not of UTC.
//!
//! The office's time zone is the setting `office.time_zone` (an IANA name, default
//! `Asia/Shanghai`). The process keeps the zone in force here: the server sets it from the
//! setting at start and at every job pass (so all replicas follow a change within a pass), and
//! whoever saves the setting sets it at once. Everything that asks for "today" or shows a time
//! reads [`office_tz`], so one value decides the calendar everywhere.
//!
//! [`date_in`] is pure; [`today`] and [`office_today`] read the system clock.

use std::sync::RwLock;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
pub use chrono_tz::Tz;

/// The setting that names the office's time zone.
pub const TIME_ZONE_SETTING: &str = "office.time_zone";

/// The office's time zone until the setting says otherwise: China Standard Time.
pub const DEFAULT_TIME_ZONE: Tz = Tz::Asia__Shanghai;

static OFFICE_TZ: RwLock<Tz> = RwLock::new(DEFAULT_TIME_ZONE);

/// The office's time zone in force in this process.
pub fn office_tz() -> Tz {
    *OFFICE_TZ.read().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Puts `tz` in force as the office's time zone for this process.
pub fn set_office_tz(tz: Tz) {
    *OFFICE_TZ.write().unwrap_or_else(|poisoned| poisoned.into_inner()) = tz;
}

/// Reads a time-zone setting: an IANA name such as `Asia/Shanghai`; empty means the default.
pub fn parse_time_zone(name: &str) -> Result<Tz, String> {
    let name = name.trim();
    if name.is_empty() {
        return Ok(DEFAULT_TIME_ZONE);
    }
    name.parse::<Tz>().map_err(|_| format!("时区“{name}”无法识别，请填写 IANA 时区名，如 Asia/Shanghai"))
}

/// The calendar day of an instant in the time zone `tz`.
pub fn date_in<Z: TimeZone>(tz: &Z, at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(tz).date_naive()
}

/// The office's calendar day of an instant.
pub fn office_date(at: DateTime<Utc>) -> NaiveDate {
    date_in(&office_tz(), at)
}

/// Today in the time zone `tz`, from the system clock.
pub fn today<Z: TimeZone>(tz: &Z) -> NaiveDate {
    date_in(tz, Utc::now())
}

/// Today in the office's time zone ([`office_tz`]), from the system clock.
pub fn office_today() -> NaiveDate {
    today(&office_tz())
}

/// An instant as the office reads it: `2026-12-01 10:02`.
pub fn office_minute(at: DateTime<Utc>) -> String {
    at.with_timezone(&office_tz()).format("%Y-%m-%d %H:%M").to_string()
}

/// The first instant of a calendar day of the office (midnight; the earliest, should a zone
/// ever repeat or skip that hour).
pub fn office_day_start(day: NaiveDate) -> DateTime<Utc> {
    let midnight = day.and_hms_opt(0, 0, 0).expect("midnight exists");
    let tz = office_tz();
    tz.from_local_datetime(&midnight)
        .earliest()
        .or_else(|| tz.from_local_datetime(&(midnight + chrono::Duration::hours(1))).earliest())
        .map_or_else(|| midnight.and_utc(), |t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use chrono::FixedOffset;

    use super::*;

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, s).unwrap()
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn the_office_day_turns_at_16_00_utc() {
        let china = DEFAULT_TIME_ZONE;
        assert_eq!(date_in(&china, utc(2026, 3, 31, 15, 59, 59)), day(2026, 3, 31));
        assert_eq!(date_in(&china, utc(2026, 3, 31, 16, 0, 0)), day(2026, 4, 1));
        // the year turns for the office eight hours before it does in UTC
        assert_eq!(date_in(&china, utc(2025, 12, 31, 16, 0, 0)), day(2026, 1, 1));
    }

    #[test]
    fn other_zones_are_honoured() {
        let utc_zone = FixedOffset::east_opt(0).unwrap();
        assert_eq!(date_in(&utc_zone, utc(2026, 3, 31, 16, 0, 0)), day(2026, 3, 31));
        let urumqi = parse_time_zone("Asia/Urumqi").unwrap();
        assert_eq!(date_in(&urumqi, utc(2026, 3, 31, 16, 0, 0)), day(2026, 3, 31));
        assert_eq!(date_in(&urumqi, utc(2026, 3, 31, 18, 0, 0)), day(2026, 4, 1));
    }

    #[test]
    fn the_setting_is_read_with_a_clear_error() {
        assert_eq!(parse_time_zone(" Asia/Shanghai "), Ok(Tz::Asia__Shanghai));
        assert_eq!(parse_time_zone(""), Ok(DEFAULT_TIME_ZONE));
        let e = parse_time_zone("Beijing").unwrap_err();
        assert!(e.contains("Beijing") && e.contains("Asia/Shanghai"), "{e}");
    }

    #[test]
    fn a_day_starts_at_the_office_midnight() {
        // the only test that reads the process-wide zone: it keeps the default
        assert_eq!(office_day_start(day(2026, 4, 1)), utc(2026, 3, 31, 16, 0, 0));
        assert_eq!(office_minute(utc(2026, 3, 31, 16, 2, 0)), "2026-04-01 00:02");
        let before = office_date(Utc::now());
        let t = office_today();
        let after = office_date(Utc::now());
        assert!(before <= t && t <= after);
    }
}
