//! Text limits and normalization shared by forms, the API and imports.

/// Trims ASCII, full-width (U+3000) and non-breaking spaces.
pub fn trim_all(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}' || c == '\u{a0}')
}

/// A person's name as it is kept and matched: trimmed; inside it, a run of spaces (ASCII,
/// full-width U+3000, non-breaking, tabs) is dropped when it stands between two CJK characters
/// ("张\u{3000}三" → "张三": Chinese names are written without spaces, and offices pad two-character
/// names to the width of three) and becomes one ASCII space otherwise ("Li  Ming" → "Li Ming",
/// "买买提 · 艾力" keeps its spaces around the dot).
pub fn normalize_name(s: &str) -> String {
    let is_space = |c: char| c.is_whitespace() || c == '\u{3000}' || c == '\u{a0}';
    let is_cjk = |c: char| matches!(c, '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{f900}'..='\u{faff}' | '\u{20000}'..='\u{3134f}');
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in trim_all(s).chars() {
        if is_space(c) {
            pending_space = true;
            continue;
        }
        if pending_space && !(out.chars().next_back().is_some_and(is_cjk) && is_cjk(c)) {
            out.push(' ');
        }
        pending_space = false;
        out.push(c);
    }
    out
}

/// Number of characters (not bytes): limits are stated to users in characters.
pub fn char_len(s: &str) -> usize {
    s.chars().count()
}

/// Checks a required text field: not empty after trimming and at most `max` characters.
pub fn check_required(errors: &mut crate::FieldErrors, field: &str, label: &str, value: &str, max: usize) {
    let v = trim_all(value);
    if v.is_empty() {
        errors.push(field, format!("{label}不能为空"));
    } else {
        check_max(errors, field, label, v, max);
    }
}

/// Checks an optional text field's length.
pub fn check_max(errors: &mut crate::FieldErrors, field: &str, label: &str, value: &str, max: usize) {
    if char_len(value) > max {
        errors.push(field, format!("{label}不能超过{max}个字"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_full_width_spaces() {
        assert_eq!(trim_all("\u{3000} 秘书科\u{a0} "), "秘书科");
    }

    #[test]
    fn names_lose_the_spaces_between_chinese_characters() {
        assert_eq!(normalize_name(" 张\u{3000}三\u{3000}"), "张三");
        assert_eq!(normalize_name("欧阳 \u{3000} 修文"), "欧阳修文");
        assert_eq!(normalize_name("Li \u{3000}\tMing"), "Li Ming");
        assert_eq!(normalize_name("买买提 · 艾力"), "买买提 · 艾力");
        assert_eq!(normalize_name("王五"), "王五");
    }

    #[test]
    fn limits_count_characters_not_bytes() {
        let mut e = crate::FieldErrors::default();
        check_max(&mut e, "name", "名称", "一二三", 3);
        assert!(e.is_empty());
        check_max(&mut e, "name", "名称", "一二三四", 3);
        assert_eq!(e.for_field("name"), Some("名称不能超过3个字"));
    }
}

/// Why a date could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateError {
    /// not `YYYY-MM-DD` at all
    Format,
    /// well-formed, but no such day ("1980-02-30")
    NoSuchDay,
}

/// A date written `YYYY-MM-DD` (month and day may have one digit), telling a wrong format from a
/// day that does not exist.
pub fn parse_ymd(v: &str) -> Result<chrono::NaiveDate, DateError> {
    let parts: Vec<&str> = v.split('-').collect();
    let numeric =
        |s: &str, max_len: usize| !s.is_empty() && s.len() <= max_len && s.bytes().all(|b| b.is_ascii_digit());
    match parts[..] {
        [y, m, d] if y.len() == 4 && numeric(y, 4) && numeric(m, 2) && numeric(d, 2) => {
            let (y, m, d) = (y.parse().unwrap_or(0), m.parse().unwrap_or(0), d.parse().unwrap_or(0));
            chrono::NaiveDate::from_ymd_opt(y, m, d).ok_or(DateError::NoSuchDay)
        }
        _ => Err(DateError::Format),
    }
}

/// The message for a date that could not be read: "出生日期“1980-02-30”日期不存在", or its
/// format with an example.
pub fn date_error(label: &str, v: &str, err: DateError, example: &str) -> String {
    match err {
        DateError::NoSuchDay => format!("{label}“{v}”日期不存在"),
        DateError::Format => format!("{label}“{v}”格式不对，请填写如 {example}"),
    }
}

/// Checks a required date that cannot lie in the future (the day something happened).
pub fn check_past_date(
    errors: &mut crate::FieldErrors,
    field: &str,
    label: &str,
    value: &str,
    today: chrono::NaiveDate,
) -> Option<chrono::NaiveDate> {
    let v = trim_all(value);
    match parse_ymd(v) {
        Ok(d) if d > today => errors.push(field, format!("{label}不能晚于今天")),
        Ok(d) => return Some(d),
        Err(_) if v.is_empty() => errors.push(field, format!("{label}不能为空")),
        Err(err) => errors.push(field, date_error(label, v, err, "2026-03-01")),
    }
    None
}

#[cfg(test)]
mod date_tests {
    use super::*;

    #[test]
    fn a_day_that_does_not_exist_is_told_apart_from_a_bad_format() {
        assert_eq!(parse_ymd("1980-02-29"), Ok(chrono::NaiveDate::from_ymd_opt(1980, 2, 29).unwrap()));
        assert_eq!(parse_ymd("2026-3-1"), Ok(chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()));
        for bad in ["1980-02-30", "2026-02-29", "2026-13-01", "2026-04-31", "2026-00-10", "2026-01-00"] {
            assert_eq!(parse_ymd(bad), Err(DateError::NoSuchDay), "{bad}");
        }
        for bad in ["1980/02/03", "80-02-03", "2026-1", "明天", "", "2026-01-01x", "+2026-01-01", "2026-001-01"] {
            assert_eq!(parse_ymd(bad), Err(DateError::Format), "{bad}");
        }
        assert_eq!(
            date_error("出生日期", "1980-02-30", DateError::NoSuchDay, "1980-05-01"),
            "出生日期“1980-02-30”日期不存在"
        );
    }
}
