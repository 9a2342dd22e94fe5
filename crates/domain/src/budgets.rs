//! 三公经费 and 过紧日子: each unit's budget of a year for 因公出国（境）, 公务用车购置及运行维护
//! and 公务接待, the spending against it (trips and receptions already recorded, plus the
//! finance office's ledger), and the warning levels: a setting's share of the budget (default
//! 80 %) and the whole budget.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::decisions::parse_amount;
use crate::responsibility::keyed_enum;
use crate::text::{check_max, check_past_date, trim_all};
use crate::vehicles::text_or_number;
use crate::FieldErrors;

/// The setting holding the share of a budget (in percent) at which a unit is warned.
pub const WARN_SETTING: &str = "budget.warn_percent";
pub const WARN_DEFAULT: i64 = 80;
/// Where the rule comes from.
pub const SOURCE: &str =
    "《中共中央 国务院关于党政机关厉行节约反对浪费条例》；“三公”经费预算管理（过紧日子）；本单位预警比例（参数设置）";

keyed_enum!(
    /// The three categories of 三公经费.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum BudgetCategory {
        Abroad = ("abroad", "因公出国（境）"),
        Vehicles = ("vehicles", "公务用车购置及运行维护"),
        Reception = ("reception", "公务接待"),
    }
);

impl BudgetCategory {
    /// Key, label, or a short form a finance sheet uses (出国, 公务用车, 接待).
    pub fn parse_loose(s: &str) -> Option<Self> {
        let s: String = trim_all(s).replace(['(', ')'], "").replace(['（', '）'], "");
        Self::parse(&s).or_else(|| {
            Self::ALL.iter().copied().find(|c| {
                let l = c.label().replace(['（', '）'], "");
                l == s
                    || (s.contains("出国") && *c == Self::Abroad)
                    || (s.contains("车") && *c == Self::Vehicles)
                    || (s.contains("接待") && *c == Self::Reception)
            })
        })
    }
}

/// How far spending has gone into a budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Normal = 0,
    /// at or above the warning share
    Warning = 1,
    /// at or above the whole budget
    Exceeded = 2,
}

impl Level {
    pub fn label(self) -> &'static str {
        match self {
            Level::Normal => "正常",
            Level::Warning => "预警",
            Level::Exceeded => "已达到或超过预算",
        }
    }

    pub fn from_i64(n: i64) -> Level {
        match n {
            2.. => Level::Exceeded,
            1 => Level::Warning,
            _ => Level::Normal,
        }
    }
}

/// The level of `spent` against `budget` (cents) with the warning at `percent` %: exact in
/// integers, so 80 % of 1,000.00 warns at 800.00 and not at 799.99.
pub fn level(spent: i64, budget: i64, percent: i64) -> Level {
    if spent >= budget && spent > 0 {
        Level::Exceeded
    } else if spent > 0 && (spent as i128) * 100 >= (budget as i128) * (percent as i128) {
        Level::Warning
    } else {
        Level::Normal
    }
}

/// The warning share from the setting's value (the default when unset or unreadable).
pub fn warn_percent(setting: Option<&str>) -> i64 {
    setting.and_then(|s| s.trim().parse().ok()).filter(|p| (1..=100).contains(p)).unwrap_or(WARN_DEFAULT)
}

fn amount(e: &mut FieldErrors, field: &str, v: &str) -> Option<i64> {
    if trim_all(v).starts_with('-') {
        e.push(field, "金额不能为负数");
        return None;
    }
    match parse_amount(v) {
        Ok(Some(c)) => Some(c),
        Ok(None) => {
            e.push(field, "金额（元）不能为空");
            None
        }
        Err(m) => {
            e.push(field, m);
            None
        }
    }
}

fn category(e: &mut FieldErrors, v: &str) -> Option<BudgetCategory> {
    let c = BudgetCategory::parse_loose(v);
    if c.is_none() {
        e.push("category", format!("类别“{}”应为{}之一", trim_all(v), BudgetCategory::label_list()));
    }
    c
}

/// One budget line as entered.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct BudgetFields {
    pub unit_id: Option<i64>,
    pub year: Option<i32>,
    /// 因公出国（境）, 公务用车购置及运行维护 or 公务接待 (key or label)
    pub category: String,
    /// 预算金额（元）
    #[serde(deserialize_with = "text_or_number")]
    pub amount: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BudgetDraft {
    pub unit_id: i64,
    pub year: i32,
    pub category: BudgetCategory,
    pub amount_cents: i64,
}

impl BudgetFields {
    pub fn validate(&self) -> Result<BudgetDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        if self.unit_id.is_none() {
            e.push("unit_id", "单位不能为空");
        }
        let year = self.year.filter(|y| (2000..=2100).contains(y));
        if year.is_none() {
            e.push("year", "年度应为 2000 至 2100 之间的年份");
        }
        let category = category(&mut e, &self.category);
        let amount_cents = amount(&mut e, "amount", &self.amount);
        e.into_result()?;
        Ok(BudgetDraft {
            unit_id: self.unit_id.expect("checked"),
            year: year.expect("checked"),
            category: category.expect("checked"),
            amount_cents: amount_cents.expect("checked"),
        })
    }
}

/// A line of the finance office's ledger (支出明细) as entered or imported.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct SpendingFields {
    pub unit_id: Option<i64>,
    /// 支出日期, YYYY-MM-DD
    pub spent_on: String,
    pub category: String,
    /// 金额（元）
    #[serde(deserialize_with = "text_or_number")]
    pub amount: String,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpendingDraft {
    pub unit_id: i64,
    pub spent_on: NaiveDate,
    pub category: BudgetCategory,
    pub amount_cents: i64,
    pub note: String,
}

impl SpendingDraft {
    pub fn year(&self) -> i32 {
        self.spent_on.year()
    }
}

impl SpendingFields {
    pub fn validate(&self, today: NaiveDate) -> Result<SpendingDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        if self.unit_id.is_none() {
            e.push("unit_id", "单位不能为空");
        }
        let spent_on = check_past_date(&mut e, "spent_on", "支出日期", &self.spent_on, today);
        let category = category(&mut e, &self.category);
        let amount_cents = amount(&mut e, "amount", &self.amount);
        check_max(&mut e, "note", "摘要", trim_all(&self.note), 300);
        e.into_result()?;
        Ok(SpendingDraft {
            unit_id: self.unit_id.expect("checked"),
            spent_on: spent_on.expect("checked"),
            category: category.expect("checked"),
            amount_cents: amount_cents.expect("checked"),
            note: trim_all(&self.note).to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_exact_at_the_share_and_at_the_budget() {
        assert_eq!(level(79_999, 100_000, 80), Level::Normal);
        assert_eq!(level(80_000, 100_000, 80), Level::Warning);
        assert_eq!(level(99_999, 100_000, 80), Level::Warning);
        assert_eq!(level(100_000, 100_000, 80), Level::Exceeded);
        assert_eq!(level(0, 0, 80), Level::Normal);
        assert_eq!(level(1, 0, 80), Level::Exceeded);
        assert_eq!(warn_percent(Some("90")), 90);
        assert_eq!(warn_percent(Some("0")), 80);
    }

    #[test]
    fn categories_read_loosely_and_bad_amounts_name_the_field() {
        assert_eq!(BudgetCategory::parse_loose("公务用车运行维护费"), Some(BudgetCategory::Vehicles));
        assert_eq!(BudgetCategory::parse_loose("因公出国(境)"), Some(BudgetCategory::Abroad));
        assert_eq!(BudgetCategory::parse_loose("办公费"), None);
        let f =
            BudgetFields { unit_id: Some(1), year: Some(2026), category: "公务接待".into(), amount: "-3".into() };
        assert_eq!(f.validate().unwrap_err().0[0].field, "amount");
        let f = BudgetFields { amount: "12万".into(), ..f };
        assert_eq!(f.validate().unwrap().amount_cents, 12_000_000);
    }
}
