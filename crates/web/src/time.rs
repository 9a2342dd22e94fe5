//! Times as offices read them.

use chrono::{DateTime, FixedOffset, Utc};
use qingfeng_domain::time::office_tz;

/// Offices read times in China Standard Time: the office's time zone
/// ([`qingfeng_domain::time::office_tz`]).
pub fn cst() -> FixedOffset {
    office_tz()
}

pub fn local_time(t: DateTime<Utc>) -> String {
    t.with_timezone(&office_tz()).format("%Y-%m-%d %H:%M:%S").to_string()
}
