//! 公务接待 (official receptions): the host unit, the sending unit's 公函, the guests, the
//! 公务活动项目, the dates and venues, each meal (date, kind, guests, accompanying diners, cost,
//! alcohol, cigarettes or 高档酒水, venue kind), accommodation, transport, the 接待清单 and its
//! signer, and the reimbursement documents. The checks R-REC-1…8 ([`checks`]) are evaluated on
//! every save, on every read and as a dry run, against the local [`ReceptionSettings`].
//!
//! Validation ([`ReceptionFields::validate`]) refuses only what cannot be true of a record
//! (negative numbers, a meal outside the reception's dates, more accompanying diners than people
//! at the table); a record that breaks a rule is kept and its checks say so.

mod checks;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use checks::{
    checks, flag, max_accompanying, rec2_ok, ReceptionSettings, ALCOHOL_SETTING, APPROVAL_SETTING, CEILING_SETTING,
    HOST_CITY_SETTING, SAME_CITY_SETTING,
};

use crate::responsibility::keyed_enum;
use crate::text::{check_max, date_error, parse_ymd, trim_all};
use crate::FieldErrors;

keyed_enum!(
    /// The kind of a meal.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum MealKind {
        Working = ("working", "工作餐"),
        Other = ("other", "其他用餐"),
    }
);

keyed_enum!(
    /// Where a meal was served (R-REC-6: no private clubs or high-consumption venues).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum VenueKind {
        Canteen = ("canteen", "机关食堂"),
        Designated = ("designated", "定点饭店"),
        Restaurant = ("restaurant", "其他餐饮场所"),
        PrivateClub = ("private_club", "私人会所"),
        HighEnd = ("high_end", "高消费餐饮娱乐场所"),
    }
);

impl VenueKind {
    /// A venue R-REC-6 forbids.
    pub fn forbidden(self) -> bool {
        matches!(self, VenueKind::PrivateClub | VenueKind::HighEnd)
    }
}

pub const TEXT_MAX: usize = 200;
pub const LONG_MAX: usize = 1000;
pub const GUESTS_MAX: usize = 200;
pub const MEALS_MAX: usize = 30;
/// The most people one reception or meal may count (a guard against typing errors).
pub const PEOPLE_MAX: i64 = 10_000;
/// The most one amount may be, in cents (1 亿元).
pub const AMOUNT_MAX_CENTS: i64 = 10_000_000_000;

/// A guest (接待对象) as entered.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = ReceptionGuestFields))]
#[serde(default, deny_unknown_fields)]
pub struct GuestFields {
    /// 单位
    pub unit: String,
    pub name: String,
    /// 职务
    pub post: String,
}

/// A meal as entered.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = ReceptionMealFields))]
#[serde(default, deny_unknown_fields)]
pub struct MealFields {
    /// YYYY-MM-DD, within the reception's dates
    pub date: String,
    /// 工作餐 (working, the default) or 其他用餐 (other)
    pub kind: String,
    /// guests at the table (接待对象就餐人数)
    pub guests: Option<i64>,
    /// accompanying diners (陪餐人数)
    pub accompanying: Option<i64>,
    /// 就餐总人数 if recorded; must equal guests + accompanying
    pub diners: Option<i64>,
    /// cost in 元, e.g. "360" or "1,280.50"
    pub cost: String,
    /// 是否饮酒
    pub alcohol: bool,
    /// 是否提供香烟或高档酒水
    pub premium: bool,
    /// 机关食堂 / 定点饭店 / 其他餐饮场所 / 私人会所 / 高消费餐饮娱乐场所 (key or label)
    pub venue_kind: String,
    /// the place's name
    pub venue: String,
}

/// A reception as entered (form, JSON or a spreadsheet row): the body of create, update and the
/// dry-run check.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct ReceptionFields {
    /// the host unit (接待单位)
    pub unit_id: Option<i64>,
    /// 公函文号; empty when there is no 公函 (R-REC-1 fails)
    pub letter_ref: String,
    /// 公函日期, YYYY-MM-DD
    pub letter_date: String,
    /// 派出单位 (the unit that sent the 公函)
    pub letter_unit: String,
    /// the city the guests come from (R-REC-8)
    pub guest_city: String,
    /// 接待对象人数; when empty, the number of guests listed
    pub guest_count: Option<i64>,
    pub guests: Vec<GuestFields>,
    /// 公务活动项目
    pub purpose: String,
    /// YYYY-MM-DD
    pub starts_on: String,
    /// YYYY-MM-DD; when empty, the day it starts
    pub ends_on: String,
    /// 活动场所
    pub venues: String,
    pub meals: Vec<MealFields>,
    /// 住宿安排
    pub accommodation: String,
    /// 住宿费用 in 元
    pub accommodation_cost: String,
    /// 交通安排
    pub transport: String,
    /// 交通费用 in 元
    pub transport_cost: String,
    /// who signed the 接待清单 (审签人)
    pub list_signed_by: String,
    /// 报销凭证: 财务票据
    pub has_invoice: bool,
    /// 报销凭证: 派出单位公函
    pub has_letter_copy: bool,
    /// 报销凭证: 接待清单
    pub has_list: bool,
    /// 报销凭证: 事前审批单
    pub has_approval: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Guest {
    pub unit: String,
    pub name: String,
    pub post: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Meal {
    pub date: NaiveDate,
    pub kind: MealKind,
    pub guests: i64,
    pub accompanying: i64,
    pub cost_cents: i64,
    pub alcohol: bool,
    pub premium: bool,
    pub venue_kind: Option<VenueKind>,
    pub venue: String,
}

impl Meal {
    pub fn diners(&self) -> i64 {
        self.guests + self.accompanying
    }
}

/// A validated reception.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReceptionDraft {
    pub unit_id: i64,
    pub letter_ref: String,
    pub letter_date: Option<NaiveDate>,
    pub letter_unit: String,
    pub guest_city: String,
    pub guest_count: i64,
    pub guests: Vec<Guest>,
    pub purpose: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub venues: String,
    pub meals: Vec<Meal>,
    pub accommodation: String,
    pub accommodation_cents: i64,
    pub transport: String,
    pub transport_cents: i64,
    pub list_signed_by: String,
    pub has_invoice: bool,
    pub has_letter_copy: bool,
    pub has_list: bool,
    pub has_approval: bool,
}

impl ReceptionDraft {
    /// Meals, accommodation and transport together (分).
    pub fn total_cents(&self) -> i64 {
        self.meals.iter().map(|m| m.cost_cents).sum::<i64>() + self.accommodation_cents + self.transport_cents
    }

    /// Whether a 公函 is recorded (R-REC-1).
    pub fn has_letter(&self) -> bool {
        !self.letter_ref.is_empty()
    }
}

/// Reads an amount in 元 as cents, refusing negative amounts by name.
fn amount(e: &mut FieldErrors, field: &str, label: &str, v: &str) -> i64 {
    let t = trim_all(v);
    if t.starts_with('-') || t.starts_with('－') {
        e.push(field, format!("{label}不能为负数"));
        return 0;
    }
    match crate::decisions::parse_amount(t) {
        Ok(Some(c)) if c > AMOUNT_MAX_CENTS => {
            e.push(field, format!("{label}“{t}”超出范围"));
            0
        }
        Ok(c) => c.unwrap_or(0),
        Err(m) => {
            e.push(field, format!("{label}：{}", m.replace("金额", "")));
            0
        }
    }
}

fn count(e: &mut FieldErrors, field: &str, label: &str, v: Option<i64>) -> i64 {
    match v {
        Some(n) if n < 0 => {
            e.push(field, format!("{label}不能为负数"));
            0
        }
        Some(n) if n > PEOPLE_MAX => {
            e.push(field, format!("{label}不能超过 {PEOPLE_MAX}"));
            0
        }
        v => v.unwrap_or(0),
    }
}

fn date(e: &mut FieldErrors, field: &str, label: &str, v: &str) -> Option<NaiveDate> {
    let v = trim_all(v);
    if v.is_empty() {
        return None;
    }
    match parse_ymd(v) {
        Ok(d) => Some(d),
        Err(err) => {
            e.push(field, date_error(label, v, err, "2026-03-01"));
            None
        }
    }
}

fn text(e: &mut FieldErrors, field: &str, label: &str, v: &str, max: usize) -> String {
    let v = trim_all(v);
    check_max(e, field, label, v, max);
    v.to_string()
}

impl ReceptionFields {
    /// Validates a reception.
    pub fn validate(&self) -> Result<ReceptionDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        if self.unit_id.is_none() {
            e.push("unit_id", "接待单位不能为空");
        }
        let starts_on = date(&mut e, "starts_on", "接待开始日期", &self.starts_on);
        if trim_all(&self.starts_on).is_empty() {
            e.push("starts_on", "接待开始日期不能为空");
        }
        let ends_on = date(&mut e, "ends_on", "接待结束日期", &self.ends_on).or(starts_on);
        if let (Some(s), Some(t)) = (starts_on, ends_on) {
            if t < s {
                e.push("ends_on", "接待结束日期不能早于开始日期");
            }
        }
        let guests = self.guests(&mut e);
        let guest_count = match self.guest_count {
            None => guests.len() as i64,
            v => count(&mut e, "guest_count", "接待对象人数", v),
        };
        let meals = self.meals(&mut e, starts_on.zip(ends_on), guest_count);
        let accommodation_cents = amount(&mut e, "accommodation_cost", "住宿费用", &self.accommodation_cost);
        let transport_cents = amount(&mut e, "transport_cost", "交通费用", &self.transport_cost);
        let d = ReceptionDraft {
            unit_id: self.unit_id.unwrap_or(0),
            letter_ref: text(&mut e, "letter_ref", "公函文号", &self.letter_ref, TEXT_MAX),
            letter_date: date(&mut e, "letter_date", "公函日期", &self.letter_date),
            letter_unit: text(&mut e, "letter_unit", "派出单位", &self.letter_unit, TEXT_MAX),
            guest_city: text(&mut e, "guest_city", "来宾所在城市", &self.guest_city, 50),
            guest_count,
            guests,
            purpose: text(&mut e, "purpose", "公务活动项目", &self.purpose, LONG_MAX),
            starts_on: starts_on.unwrap_or_default(),
            ends_on: ends_on.unwrap_or_default(),
            venues: text(&mut e, "venues", "活动场所", &self.venues, LONG_MAX),
            meals,
            accommodation: text(&mut e, "accommodation", "住宿安排", &self.accommodation, LONG_MAX),
            accommodation_cents,
            transport: text(&mut e, "transport", "交通安排", &self.transport, LONG_MAX),
            transport_cents,
            list_signed_by: text(&mut e, "list_signed_by", "接待清单审签人", &self.list_signed_by, 50),
            has_invoice: self.has_invoice,
            has_letter_copy: self.has_letter_copy,
            has_list: self.has_list,
            has_approval: self.has_approval,
        };
        e.into_result()?;
        Ok(d)
    }

    fn guests(&self, e: &mut FieldErrors) -> Vec<Guest> {
        if self.guests.len() > GUESTS_MAX {
            e.push("guests", format!("接待对象不能超过 {GUESTS_MAX} 人"));
            return Vec::new();
        }
        let mut out = Vec::new();
        for (i, g) in self.guests.iter().enumerate() {
            if g == &GuestFields::default() {
                continue;
            }
            let n = i + 1;
            let f = format!("guests[{i}]");
            let g = Guest {
                unit: text(e, &f, &format!("第 {n} 名接待对象的单位"), &g.unit, TEXT_MAX),
                name: text(e, &f, &format!("第 {n} 名接待对象的姓名"), &g.name, 50),
                post: text(e, &f, &format!("第 {n} 名接待对象的职务"), &g.post, 100),
            };
            if g.name.is_empty() {
                e.push(&format!("guests[{i}].name"), format!("第 {n} 名接待对象的姓名不能为空"));
            }
            out.push(g);
        }
        out
    }

    fn meals(&self, e: &mut FieldErrors, dates: Option<(NaiveDate, NaiveDate)>, guest_count: i64) -> Vec<Meal> {
        if self.meals.len() > MEALS_MAX {
            e.push("meals", format!("用餐记录不能超过 {MEALS_MAX} 次"));
            return Vec::new();
        }
        let mut out = Vec::new();
        for (i, m) in self.meals.iter().enumerate() {
            if m == &MealFields::default() {
                continue;
            }
            if let Some(meal) = meal(e, i, m, dates, guest_count) {
                out.push(meal);
            }
        }
        out
    }
}

fn meal(
    e: &mut FieldErrors,
    i: usize,
    m: &MealFields,
    dates: Option<(NaiveDate, NaiveDate)>,
    guest_count: i64,
) -> Option<Meal> {
    let n = i + 1;
    let f = |k: &str| format!("meals[{i}].{k}");
    let before = e.0.len();
    let day = date(e, &f("date"), &format!("第 {n} 次用餐的日期"), &m.date);
    match (day, dates) {
        (None, _) if trim_all(&m.date).is_empty() => e.push(&f("date"), format!("第 {n} 次用餐的日期不能为空")),
        (Some(d), Some((s, t))) if d < s || d > t => {
            e.push(&f("date"), format!("第 {n} 次用餐的日期 {d} 不在接待日期（{s} 至 {t}）之内"))
        }
        _ => {}
    }
    let kind = match trim_all(&m.kind) {
        "" => Some(MealKind::Working),
        k => MealKind::parse(k).or_else(|| {
            e.push(&f("kind"), format!("第 {n} 次用餐的类型“{k}”应为{}之一", MealKind::label_list()));
            None
        }),
    };
    let venue_kind = match trim_all(&m.venue_kind) {
        "" => None,
        k => VenueKind::parse(k).or_else(|| {
            e.push(&f("venue_kind"), format!("第 {n} 次用餐的场所类型“{k}”应为{}之一", VenueKind::label_list()));
            None
        }),
    };
    let guests = count(e, &f("guests"), &format!("第 {n} 次用餐的接待对象人数"), m.guests);
    let acc = count(e, &f("accompanying"), &format!("第 {n} 次用餐的陪餐人数"), m.accompanying);
    if guest_count > 0 && guests > guest_count {
        e.push(&f("guests"), format!("第 {n} 次用餐的接待对象人数（{guests}）多于接待对象总人数（{guest_count}）"));
    }
    if let Some(total) = m.diners {
        let total = count(e, &f("diners"), &format!("第 {n} 次用餐的就餐总人数"), Some(total));
        if acc > total {
            e.push(&f("accompanying"), format!("第 {n} 次用餐的陪餐人数（{acc}）多于就餐总人数（{total}）"));
        } else if guests + acc != total {
            e.push(
                &f("diners"),
                format!("第 {n} 次用餐的就餐总人数（{total}）不等于接待对象 {guests} 人加陪餐 {acc} 人"),
            );
        }
    }
    let cost_cents = amount(e, &f("cost"), &format!("第 {n} 次用餐的费用"), &m.cost);
    let venue = text(e, &f("venue"), &format!("第 {n} 次用餐的场所"), &m.venue, TEXT_MAX);
    if e.0.len() > before {
        return None;
    }
    Some(Meal {
        date: day?,
        kind: kind?,
        guests,
        accompanying: acc,
        cost_cents,
        alcohol: m.alcohol,
        premium: m.premium,
        venue_kind,
        venue,
    })
}

#[cfg(test)]
mod tests;
