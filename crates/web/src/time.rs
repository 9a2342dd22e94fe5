//! Times as offices read them.

use chrono::{DateTime, Utc};
use qingfeng_domain::time::office_tz;

/// An instant in the office's time zone, to the second.
pub fn local_time(t: DateTime<Utc>) -> String {
    t.with_timezone(&office_tz()).format("%Y-%m-%d %H:%M:%S").to_string()
}
