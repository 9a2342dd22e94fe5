//! Pure text normalizers shared by the reader (and usable by callers).

use chrono::{Days, NaiveDate};

/// Spaces users (and copy-paste from Word/web pages) leave around values.
fn is_space(c: char) -> bool {
    // `char::is_whitespace` already covers U+3000 and U+00A0.
    c.is_whitespace() || matches!(c, '\u{200B}' | '\u{FEFF}')
}

/// Full-width form U+FF01..U+FF5E → its ASCII counterpart.
fn fullwidth_to_ascii(c: char) -> Option<char> {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0),
        _ => None,
    }
}

/// Text-column normalization: trims ASCII/full-width/non-breaking spaces and
/// converts full-width digits and letters to ASCII, keeping Chinese (and other
/// full-width) punctuation such as "，" and "（）".
pub fn normalize_text(s: &str) -> String {
    s.trim_matches(is_space)
        .chars()
        .map(|c| match fullwidth_to_ascii(c) {
            Some(a) if a.is_ascii_alphanumeric() => a,
            _ => c,
        })
        .collect()
}

/// Normalization for dates and numbers: trims spaces and converts every
/// full-width form (U+FF01..U+FF5E, digits, letters and punctuation) to ASCII;
/// inner full-width spaces become ASCII spaces.
pub fn to_halfwidth(s: &str) -> String {
    s.trim_matches(is_space)
        .chars()
        .map(|c| if c == '\u{3000}' { ' ' } else { fullwidth_to_ascii(c).unwrap_or(c) })
        .collect()
}

/// Key used to match header cells: drops all whitespace (including line
/// breaks inside the cell), converts full-width forms to ASCII, strips "*"
/// required markers at either end and lowercases ASCII letters.
pub fn normalize_header(s: &str) -> String {
    let compact: String = to_halfwidth(s).chars().filter(|&c| !is_space(c)).collect();
    compact.trim_matches('*').to_ascii_lowercase()
}

/// Parses dates as users type them: "2026-03-01", "2026/3/1", "2026.3.1",
/// "2026年3月1日", "2026年3月" (day 1), "20260301". Full-width digits and
/// surrounding spaces are accepted; a trailing time ("2026-03-01 08:30",
/// "2026-03-01T08:30:00") is ignored.
pub fn parse_date_text(s: &str) -> Option<NaiveDate> {
    let s = to_halfwidth(s);
    let compact: String = s.chars().filter(|&c| !is_space(c)).collect();
    parse_date_compact(&compact).or_else(|| {
        let first = s.split(|c: char| is_space(c) || c == 'T').next()?;
        parse_date_compact(first)
    })
}

fn parse_date_compact(s: &str) -> Option<NaiveDate> {
    fn num(part: &str, min_len: usize, max_len: usize) -> Option<u32> {
        let ok = (min_len..=max_len).contains(&part.len()) && part.bytes().all(|b| b.is_ascii_digit());
        if ok {
            part.parse().ok()
        } else {
            None
        }
    }
    let ymd = |y: &str, m: &str, d: &str| NaiveDate::from_ymd_opt(num(y, 4, 4)? as i32, num(m, 1, 2)?, num(d, 1, 2)?);

    if let Some((year, rest)) = s.split_once('年') {
        let (month, day) = rest.split_once('月')?;
        let day = day.strip_suffix('日').or_else(|| day.strip_suffix('号')).unwrap_or(day);
        return ymd(year, month, if day.is_empty() { "1" } else { day });
    }
    if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        return ymd(&s[0..4], &s[4..6], &s[6..8]);
    }
    let sep = s.chars().find(|c| matches!(c, '-' | '/' | '.'))?;
    let mut parts = s.split(sep);
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    ymd(y, m, d)
}

/// Largest serial Excel accepts (9999-12-31).
const MAX_SERIAL: f64 = 2_958_465.0;

/// Converts an Excel serial day number (1900 date system) to a date, ignoring
/// any time-of-day fraction. Excel counts the non-existent 1900-02-29 as day
/// 60, so serials from 61 on are offset by one day; 60 itself gives `None`.
pub fn excel_serial_to_date(serial: f64) -> Option<NaiveDate> {
    if !serial.is_finite() || !(1.0..MAX_SERIAL + 1.0).contains(&serial) {
        return None;
    }
    let days = serial.floor() as u64;
    let epoch = match days {
        60 => return None,
        0..=59 => NaiveDate::from_ymd_opt(1899, 12, 31)?,
        _ => NaiveDate::from_ymd_opt(1899, 12, 30)?,
    };
    epoch.checked_add_days(Days::new(days))
}

/// Parses an integer as users type it: "12", "１２", " 12 ", "-3", "12.0".
pub fn parse_integer_text(s: &str) -> Option<i64> {
    let s: String = to_halfwidth(s).chars().filter(|&c| !is_space(c)).collect();
    if let Ok(v) = s.parse::<i64>() {
        return Some(v);
    }
    // Only plain decimals such as "12.0"; no exponents, "inf" or "NaN".
    if !s.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+')) {
        return None;
    }
    float_to_i64(s.parse::<f64>().ok()?)
}

/// Integral floats within the exactly representable range.
pub(crate) fn float_to_i64(f: f64) -> Option<i64> {
    (f.is_finite() && f.fract() == 0.0 && f.abs() < 9.0e15).then_some(f as i64)
}

/// Formats a numeric cell the way Excel shows it in a General cell: integral
/// values without ".0" (phone numbers, codes), others rounded to 15
/// significant digits so that 0.30000000000000004 reads "0.3".
pub(crate) fn format_number(f: f64) -> String {
    if let Some(i) = float_to_i64(f) {
        return i.to_string();
    }
    if !f.is_finite() {
        return f.to_string();
    }
    let rounded: f64 = format!("{f:.14e}").parse().unwrap_or(f);
    rounded.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn text_normalization() {
        assert_eq!(normalize_text("\u{3000} 张三\u{a0} "), "张三");
        assert_eq!(normalize_text("１０１室ＡＢｃ"), "101室ABc");
        assert_eq!(normalize_text("党支部（第一），完成！"), "党支部（第一），完成！");
        assert_eq!(to_halfwidth("　２０２６－０３－０１　"), "2026-03-01");
    }

    #[test]
    fn header_normalization() {
        assert_eq!(normalize_header("*姓　名"), "姓名");
        assert_eq!(normalize_header(" ＊出生\n日期 "), "出生日期");
        assert_eq!(normalize_header("联系电话（手机）"), "联系电话(手机)");
    }

    #[test]
    fn dates() {
        for s in [
            "2026-03-01",
            "2026/3/1",
            "2026.3.1",
            "2026年3月1日",
            "2026年3月",
            "2026 年 3 月 1 日",
            "20260301",
            "２０２６－０３－０１",
            " 2026-3-1 ",
            "2026-03-01 08:30:00",
            "2026-03-01T08:30:00",
        ] {
            assert_eq!(parse_date_text(s), Some(d(2026, 3, 1)), "{s}");
        }
        for s in ["", "2026", "2026-13-01", "2026-02-30", "26-3-1", "明天", "2026-3-1-1", "2026.3"] {
            assert_eq!(parse_date_text(s), None, "{s}");
        }
    }

    #[test]
    fn serials() {
        assert_eq!(excel_serial_to_date(46082.0), Some(d(2026, 3, 1)));
        assert_eq!(excel_serial_to_date(46082.75), Some(d(2026, 3, 1)));
        assert_eq!(excel_serial_to_date(1.0), Some(d(1900, 1, 1)));
        assert_eq!(excel_serial_to_date(59.0), Some(d(1900, 2, 28)));
        assert_eq!(excel_serial_to_date(60.0), None);
        assert_eq!(excel_serial_to_date(61.0), Some(d(1900, 3, 1)));
        assert_eq!(excel_serial_to_date(2_958_465.0), Some(d(9999, 12, 31)));
        assert_eq!(excel_serial_to_date(0.5), None);
        assert_eq!(excel_serial_to_date(-3.0), None);
        assert_eq!(excel_serial_to_date(f64::NAN), None);
        assert_eq!(excel_serial_to_date(3_000_000.0), None);
    }

    #[test]
    fn integers_and_numbers() {
        assert_eq!(parse_integer_text("12"), Some(12));
        assert_eq!(parse_integer_text("１２"), Some(12));
        assert_eq!(parse_integer_text(" -3 "), Some(-3));
        assert_eq!(parse_integer_text("12.0"), Some(12));
        assert_eq!(parse_integer_text("12.5"), None);
        assert_eq!(parse_integer_text("1e3"), None);
        assert_eq!(parse_integer_text("inf"), None);
        assert_eq!(parse_integer_text("十二"), None);
        assert_eq!(format_number(101.0), "101");
        assert_eq!(format_number(13_800_138_000.0), "13800138000");
        assert_eq!(format_number(0.1 + 0.2), "0.3");
        assert_eq!(format_number(-2.5), "-2.5");
    }
}
