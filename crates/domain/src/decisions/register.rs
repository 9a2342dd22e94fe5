//! R-DEC-8: the register of spending and appointments above the local threshold (大额度资金
//! and 重要人事任免 as the finance and personnel offices record them). An entry linked to the
//! topic of a collective decision is covered; an entry above the threshold with no link is
//! flagged for the 纪检组.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::parse_amount;
use crate::responsibility::keyed_enum;
use crate::text::{check_max, check_past_date, check_required, trim_all};
use crate::FieldErrors;

/// The setting holding the threshold in 元 above which spending needs a collective decision.
pub const THRESHOLD_SETTING: &str = "decision.funds_threshold";
/// Its default: 50 万元.
pub const THRESHOLD_DEFAULT: &str = "500000";

/// The threshold in cents from the setting's value (the default when unset or unreadable).
pub fn threshold_cents(setting: Option<&str>) -> i64 {
    let read = |s: &str| parse_amount(s).ok().flatten();
    setting.and_then(read).or_else(|| read(THRESHOLD_DEFAULT)).unwrap_or(50_000_000)
}

keyed_enum!(
    /// What a register entry records.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum EntryKind {
        Spending = ("spending", "资金支出"),
        Appointment = ("appointment", "人事任免"),
    }
);

/// Whether an entry needs a collective decision: every appointment; spending at or above the
/// threshold.
pub fn needs_decision(kind: EntryKind, amount_cents: Option<i64>, threshold_cents: i64) -> bool {
    match kind {
        EntryKind::Appointment => true,
        EntryKind::Spending => amount_cents.is_some_and(|a| a >= threshold_cents),
    }
}

/// A register entry as entered (form, JSON or a row of the finance office's sheet).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct RegisterFields {
    pub unit_id: Option<i64>,
    /// 资金支出 / 人事任免 (key or label); 资金支出 when empty
    pub kind: String,
    /// the day of the payment or appointment, YYYY-MM-DD
    pub occurred_on: String,
    /// 事项 (what was paid or who was appointed)
    pub matter: String,
    /// amount in 元 (spending)
    pub amount: String,
    /// 收款方 / 凭证号 or other reference
    pub reference: String,
    /// the decision topic that covers it
    pub topic_id: Option<i64>,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RegisterDraft {
    pub unit_id: i64,
    pub kind: EntryKind,
    pub occurred_on: NaiveDate,
    pub matter: String,
    pub amount_cents: Option<i64>,
    pub reference: String,
    pub topic_id: Option<i64>,
    pub note: String,
}

impl RegisterFields {
    pub fn validate(&self, today: NaiveDate) -> Result<RegisterDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        if self.unit_id.is_none() {
            e.push("unit_id", "单位不能为空");
        }
        let kind = match trim_all(&self.kind) {
            "" => Some(EntryKind::Spending),
            k => EntryKind::parse(k).or_else(|| {
                e.push("kind", format!("类别“{k}”应为{}之一", EntryKind::label_list()));
                None
            }),
        };
        let occurred_on = check_past_date(&mut e, "occurred_on", "发生日期", &self.occurred_on, today);
        check_required(&mut e, "matter", "事项", &self.matter, 300);
        let amount_cents = parse_amount(&self.amount).unwrap_or_else(|m| {
            e.push("amount", m);
            None
        });
        if kind == Some(EntryKind::Spending) && amount_cents.is_none() && trim_all(&self.amount).is_empty() {
            e.push("amount", "资金支出须填写金额（元）");
        }
        check_max(&mut e, "reference", "收款方或凭证号", trim_all(&self.reference), 200);
        check_max(&mut e, "note", "备注", trim_all(&self.note), 1000);
        e.into_result()?;
        Ok(RegisterDraft {
            unit_id: self.unit_id.expect("checked"),
            kind: kind.expect("checked"),
            occurred_on: occurred_on.expect("checked"),
            matter: trim_all(&self.matter).to_string(),
            amount_cents,
            reference: trim_all(&self.reference).to_string(),
            topic_id: self.topic_id,
            note: trim_all(&self.note).to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_threshold_is_a_setting_and_appointments_always_need_a_decision() {
        assert_eq!(threshold_cents(None), 50_000_000);
        assert_eq!(threshold_cents(Some("30万")), 30_000_000);
        assert_eq!(threshold_cents(Some("abc")), 50_000_000);
        let t = threshold_cents(Some("300000"));
        assert!(needs_decision(EntryKind::Spending, Some(30_000_000), t), "exactly the threshold");
        assert!(!needs_decision(EntryKind::Spending, Some(29_999_999), t));
        assert!(needs_decision(EntryKind::Appointment, None, t));
    }

    #[test]
    fn entries_name_their_bad_fields() {
        let today = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
        let f = RegisterFields {
            unit_id: Some(1),
            occurred_on: "2026-07-01".into(),
            amount: "x".into(),
            ..Default::default()
        };
        let e = f.validate(today).unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|x| x.field.as_str()).collect();
        assert_eq!(fields, ["occurred_on", "matter", "amount"]);
        let ok = RegisterFields {
            unit_id: Some(1),
            kind: "人事任免".into(),
            occurred_on: "2026-06-01".into(),
            matter: "任命张三为信息科科长".into(),
            ..Default::default()
        };
        assert_eq!(ok.validate(today).unwrap().kind, EntryKind::Appointment);
    }
}
