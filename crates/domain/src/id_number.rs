//! 居民身份证号码 (the 18-character citizen identity number of GB 11643-1999): validation with
//! its check character, the birth date it carries, and the masked form shown to those who do
//! not manage people.
//!
//! Layout: 6 digits of address code, 8 digits of birth date (YYYYMMDD), 3 digits of sequence
//! (odd for men, even for women), 1 check character computed per ISO 7064 MOD 11-2.

use chrono::NaiveDate;

/// The weights of the first 17 digits (2^(18-i) mod 11).
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// The check character for each remainder of the weighted sum mod 11.
const CHECK: &[u8; 11] = b"10X98765432";

/// A valid identity number: 18 characters, upper-case X.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdNumber {
    pub number: String,
    pub birth_date: NaiveDate,
}

/// The check character of the first 17 digits (`None` unless they are 17 ASCII digits).
pub fn check_char(first17: &str) -> Option<char> {
    if first17.len() != 17 || !first17.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let sum: u32 = first17.bytes().zip(WEIGHTS).map(|(b, w)| u32::from(b - b'0') * w).sum();
    Some(char::from(CHECK[(sum % 11) as usize]))
}

/// Reads an identity number as people type it: surrounding spaces, full-width digits and a
/// lower-case x are accepted. The error is a Chinese sentence naming 身份证号.
pub fn parse(input: &str) -> Result<IdNumber, String> {
    let number: String = crate::text::trim_all(input)
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            'x' | 'ｘ' | 'Ｘ' => 'X',
            _ => c,
        })
        .collect();
    if number.contains('*') {
        return Err("身份证号为脱敏显示（含 *），请填写完整的18位号码".into());
    }
    let count = number.chars().count();
    if count != 18 {
        return Err(format!("身份证号应为18位，现为{count}位（如以数字填写会丢失末尾数字，请以文本格式填写）"));
    }
    let (body, last) = number.split_at(17);
    let well_formed = body.bytes().all(|b| b.is_ascii_digit())
        && (last == "X" || last.bytes().all(|b| b.is_ascii_digit()))
        && !body.starts_with('0');
    if !well_formed {
        return Err("身份证号格式不对：前17位应为数字（首位不为0），最后一位为数字或X".into());
    }
    let birth = &body[6..14];
    let birth_date = NaiveDate::parse_from_str(birth, "%Y%m%d")
        .ok()
        .filter(|d| *d >= NaiveDate::from_ymd_opt(1900, 1, 1).expect("valid") && *d <= crate::time::office_today())
        .ok_or_else(|| format!("身份证号中的出生日期“{birth}”不存在或不在 1900 年到今天之间"))?;
    if check_char(body) != last.chars().next() {
        return Err("身份证号校验位不正确，请核对号码".into());
    }
    Ok(IdNumber { number, birth_date })
}

/// The masked form: the first 3 and last 4 characters, the rest as `*`
/// (`110***********123X`). A value too short to keep both ends is masked whole.
pub fn mask(number: &str) -> String {
    let chars: Vec<char> = number.chars().collect();
    if chars.len() <= 7 {
        return "*".repeat(chars.len());
    }
    let hidden = chars.len() - 7;
    chars[..3].iter().chain(std::iter::repeat_n(&'*', hidden)).chain(&chars[chars.len() - 4..]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of GB 11643-1999.
    const STANDARD: &str = "11010519491231002X";

    /// A number with the right check character, for tests: `prefix17` are the first 17 digits.
    fn valid(prefix17: &str) -> String {
        format!("{prefix17}{}", check_char(prefix17).unwrap())
    }

    #[test]
    fn the_standard_example_is_valid() {
        let id = parse(STANDARD).unwrap();
        assert_eq!(id.number, STANDARD);
        assert_eq!(id.birth_date, NaiveDate::from_ymd_opt(1949, 12, 31).unwrap());
        assert_eq!(check_char("11010519491231002"), Some('X'));
        assert_eq!(parse(&valid("44030119900307123")).unwrap().birth_date.to_string(), "1990-03-07");
    }

    #[test]
    fn lower_case_x_full_width_digits_and_spaces_are_accepted() {
        assert_eq!(parse(" 11010519491231002x\u{3000}").unwrap().number, STANDARD);
        assert_eq!(parse("１１０１０５１９４９１２３１００２Ｘ").unwrap().number, STANDARD);
    }

    #[test]
    fn a_wrong_check_character_is_refused() {
        for last in ['0', '1', '9'] {
            let bad = format!("{}{last}", &STANDARD[..17]);
            assert_eq!(parse(&bad).unwrap_err(), "身份证号校验位不正确，请核对号码");
        }
    }

    #[test]
    fn malformed_numbers_are_told_apart() {
        assert!(parse("11010519491231002").unwrap_err().contains("应为18位，现为17位"));
        assert!(parse("1.10105194912E+17").unwrap_err().contains("18位"));
        assert!(parse("1101051949123100AX").unwrap_err().contains("格式不对"));
        assert!(parse("01010519491231002X").unwrap_err().contains("格式不对"));
        assert!(parse("110105194912310X2X").unwrap_err().contains("格式不对"));
        // 1990-02-30 does not exist, whatever the check character
        let no_day = valid("11010519900230123");
        assert!(parse(&no_day).unwrap_err().contains("出生日期“19900230”不存在"));
        assert!(parse(&valid("11010518991231123")).unwrap_err().contains("出生日期"));
        assert!(parse("110***********002X").unwrap_err().contains("脱敏"));
    }

    #[test]
    fn masking_keeps_three_and_four() {
        assert_eq!(mask(STANDARD), "110***********002X");
        assert_eq!(mask("1101051949"), "110***1949");
        assert_eq!(mask("1234567"), "*******");
        assert_eq!(mask(""), "");
    }
}
