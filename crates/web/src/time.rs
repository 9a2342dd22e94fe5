//! Times as offices read them.

use chrono::{DateTime, FixedOffset, Utc};

/// Offices read times in China Standard Time.
pub fn cst() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

pub fn local_time(t: DateTime<Utc>) -> String {
    t.with_timezone(&cst()).format("%Y-%m-%d %H:%M:%S").to_string()
}
