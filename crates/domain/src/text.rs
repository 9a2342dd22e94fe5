//! Text limits and normalization shared by forms, the API and imports.

/// Trims ASCII, full-width (U+3000) and non-breaking spaces.
pub fn trim_all(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}' || c == '\u{a0}')
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
    fn limits_count_characters_not_bytes() {
        let mut e = crate::FieldErrors::default();
        check_max(&mut e, "name", "名称", "一二三", 3);
        assert!(e.is_empty());
        check_max(&mut e, "name", "名称", "一二三四", 3);
        assert_eq!(e.for_field("name"), Some("名称不能超过3个字"));
    }
}
