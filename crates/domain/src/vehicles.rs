//! 公务用车: vehicles (plate, kind, unit, designated parking place) and their trips (派车单 /
//! 用车登记), with the checks R-CAR-1…4 of RULES.md. Every check names its rule and source; a
//! trip that fails one is saved and flagged (the register holds what happened), never refused.
//!
//! Times are the office's wall-clock time: a day and `HH:MM`. A trip ending exactly at the
//! cut-off is not late; a 调休 Saturday is a working day (the holiday calendar decides).

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Deserializer, Serialize};

use crate::calendar::{Calendar, DayKind};
use crate::decisions::{parse_amount, Check};
use crate::responsibility::keyed_enum;
use crate::text::{check_max, check_required, date_error, parse_ymd, trim_all};
use crate::FieldErrors;

/// The setting holding the time after which a returning vehicle is late (R-CAR-3).
pub const CUTOFF_SETTING: &str = "vehicle.return_cutoff";
pub const CUTOFF_DEFAULT: &str = "22:00";
/// The setting holding the private-use keywords (R-CAR-4), separated by commas.
pub const KEYWORDS_SETTING: &str = "vehicle.private_keywords";
pub const KEYWORDS_DEFAULT: &str =
    "接送孩子,接送子女,上学,购物,超市,商场,旅游,景区,度假,农家乐,钓鱼,婚宴,喜宴,寿宴,回家,老家,私事,KTV,洗浴,高尔夫";

const SOURCE_2017: &str = "《党政机关公务用车管理办法》（中办发〔2017〕71号）";
const SOURCE_FIELDS: &str = "《党政机关公务用车管理办法》（中办发〔2017〕71号）；登记项目见2011年办法第十六条";
const SOURCE_CUTOFF: &str = "《党政机关公务用车管理办法》（中办发〔2017〕71号）定点停放；本单位收车时限（参数设置）";
const SOURCE_KEYWORDS: &str = "《党政机关公务用车管理办法》（中办发〔2017〕71号）；本单位私用关键词（参数设置）";

keyed_enum!(
    /// The kinds of official vehicle (2017 办法).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum VehicleKind {
        Confidential = ("confidential", "机要通信用车"),
        Emergency = ("emergency", "应急保障用车"),
        Enforcement = ("enforcement", "执法执勤用车"),
        Special = ("special", "特种专业技术用车"),
        General = ("general", "其他公务用车"),
    }
);

keyed_enum!(
    /// What the cost of a trip paid for.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum CostKind {
        Fuel = ("fuel", "加油"),
        Charging = ("charging", "充电"),
    }
);

/// Accepts a JSON string or number as text (mileage and costs arrive both ways).
pub fn text_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum V {
        S(String),
        I(i64),
        F(f64),
        Nothing(()),
    }
    Ok(match V::deserialize(d)? {
        V::S(s) => s,
        V::I(n) => n.to_string(),
        V::F(n) => n.to_string(),
        V::Nothing(()) => String::new(),
    })
}

/// A vehicle as entered.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct VehicleFields {
    pub unit_id: Option<i64>,
    /// 号牌, e.g. 赣C·A1234
    pub plate: String,
    /// 机要通信用车 … 其他公务用车 (key or label)
    pub kind: String,
    /// 定点停放地点
    pub parking: String,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VehicleDraft {
    pub unit_id: i64,
    pub plate: String,
    pub kind: VehicleKind,
    pub parking: String,
    pub note: String,
}

impl VehicleFields {
    pub fn validate(&self) -> Result<VehicleDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        if self.unit_id.is_none() {
            e.push("unit_id", "使用单位不能为空");
        }
        let plate: String = trim_all(&self.plate).chars().filter(|c| !c.is_whitespace()).collect();
        check_required(&mut e, "plate", "号牌", &plate, 20);
        let kind = match trim_all(&self.kind) {
            "" => Some(VehicleKind::General),
            k => VehicleKind::parse(k).or_else(|| {
                e.push("kind", format!("车辆类型“{k}”应为{}之一", VehicleKind::label_list()));
                None
            }),
        };
        check_required(&mut e, "parking", "定点停放地点", &self.parking, 100);
        check_max(&mut e, "note", "备注", trim_all(&self.note), 500);
        e.into_result()?;
        Ok(VehicleDraft {
            unit_id: self.unit_id.expect("checked"),
            plate: plate.to_uppercase(),
            kind: kind.expect("checked"),
            parking: trim_all(&self.parking).to_string(),
            note: trim_all(&self.note).to_string(),
        })
    }
}

/// A trip as entered (form, JSON, a row of a 派车单 sheet).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct TripFields {
    pub vehicle_id: Option<i64>,
    /// 出车日期, YYYY-MM-DD
    pub departed_on: String,
    /// 出车时间, HH:MM
    pub departed_time: String,
    /// 收车日期 (empty: the day it left)
    pub returned_on: String,
    /// 收车时间, HH:MM
    pub returned_time: String,
    /// 事由
    pub purpose: String,
    /// 目的地
    pub destination: String,
    /// 出车里程表读数 (km)
    #[serde(deserialize_with = "text_or_number")]
    pub mileage_start: String,
    /// 收车里程表读数 (km)
    #[serde(deserialize_with = "text_or_number")]
    pub mileage_end: String,
    /// 行驶里程 (km), when the odometer readings are not kept
    #[serde(deserialize_with = "text_or_number")]
    pub distance_km: String,
    /// 加油 or 充电
    pub cost_kind: String,
    /// 油费或充电费 (元)
    #[serde(deserialize_with = "text_or_number")]
    pub cost: String,
    /// 驾驶员
    pub driver: String,
    /// 审批人 (派车审批)
    pub approver: String,
    /// 特殊审批: who approved use on a holiday or a late return, and why
    pub special_approval: String,
    pub note: String,
}

/// A checked trip.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TripDraft {
    pub vehicle_id: i64,
    pub departed: NaiveDateTime,
    pub returned: Option<NaiveDateTime>,
    pub purpose: String,
    pub destination: String,
    pub mileage_start: Option<i64>,
    pub mileage_end: Option<i64>,
    pub distance_km: Option<i64>,
    pub cost_kind: Option<CostKind>,
    pub cost_cents: Option<i64>,
    pub driver: String,
    pub approver: String,
    pub special_approval: String,
    pub note: String,
}

/// `HH:MM` (or `H:MM`, `HH:MM:SS` as a spreadsheet writes it).
pub fn parse_clock(v: &str) -> Option<NaiveTime> {
    let v = trim_all(v).replace('：', ":");
    NaiveTime::parse_from_str(&v, "%H:%M").or_else(|_| NaiveTime::parse_from_str(&v, "%H:%M:%S")).ok()
}

fn day(e: &mut FieldErrors, field: &str, label: &str, v: &str) -> Option<NaiveDate> {
    let v = trim_all(v);
    match parse_ymd(v) {
        Ok(d) if (crate::calendar::MIN_YEAR..=crate::calendar::MAX_YEAR).contains(&d.year()) => Some(d),
        Ok(_) => {
            e.push(field, format!("{label}“{v}”超出范围"));
            None
        }
        Err(err) => {
            e.push(field, date_error(label, v, err, "2026-03-01"));
            None
        }
    }
}

fn clock(e: &mut FieldErrors, field: &str, label: &str, v: &str) -> Option<NaiveTime> {
    if trim_all(v).is_empty() {
        e.push(field, format!("{label}不能为空"));
        return None;
    }
    let t = parse_clock(v);
    if t.is_none() {
        e.push(field, format!("{label}“{}”格式不对，请填写如 08:30", trim_all(v)));
    }
    t
}

/// A whole number of kilometres, or None when empty; negative or unreadable is an error.
fn km(e: &mut FieldErrors, field: &str, label: &str, v: &str) -> Option<i64> {
    let v = trim_all(v).trim_end_matches("公里").trim_end_matches("km").trim();
    if v.is_empty() {
        return None;
    }
    match v.parse::<f64>() {
        Ok(n) if n < 0.0 => e.push(field, format!("{label}不能为负数")),
        Ok(n) if n.is_finite() && n <= 10_000_000.0 => return Some(n.round() as i64),
        _ => e.push(field, format!("{label}“{v}”应为公里数，如 12345")),
    }
    None
}

impl TripFields {
    pub fn validate(&self) -> Result<TripDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        if self.vehicle_id.is_none() {
            e.push("vehicle_id", "车辆不能为空");
        }
        let out_day = if trim_all(&self.departed_on).is_empty() {
            e.push("departed_on", "出车日期不能为空");
            None
        } else {
            day(&mut e, "departed_on", "出车日期", &self.departed_on)
        };
        let out_time = clock(&mut e, "departed_time", "出车时间", &self.departed_time);
        let departed = out_day.zip(out_time).map(|(d, t)| d.and_time(t));
        let back_day = match trim_all(&self.returned_on) {
            "" => out_day,
            v => day(&mut e, "returned_on", "收车日期", v),
        };
        let returned = match trim_all(&self.returned_time) {
            "" if trim_all(&self.returned_on).is_empty() => None,
            "" => {
                e.push("returned_time", "填写了收车日期，须同时填写收车时间");
                None
            }
            v => back_day.zip(clock(&mut e, "returned_time", "收车时间", v)).map(|(d, t)| d.and_time(t)),
        };
        if let (Some(a), Some(b)) = (departed, returned) {
            if b < a {
                e.push("returned_time", "收车时间不能早于出车时间");
            }
        }
        let start = km(&mut e, "mileage_start", "出车里程", &self.mileage_start);
        let end = km(&mut e, "mileage_end", "收车里程", &self.mileage_end);
        let mut distance = km(&mut e, "distance_km", "行驶里程", &self.distance_km);
        if let (Some(s), Some(x)) = (start, end) {
            if x < s {
                e.push("mileage_end", "收车里程不能小于出车里程");
            } else if distance.is_some_and(|d| d != x - s) {
                e.push("distance_km", format!("行驶里程与起止里程之差（{} 公里）不符", x - s));
            } else {
                distance = Some(x - s);
            }
        }
        let cost_kind = match trim_all(&self.cost_kind) {
            "" => None,
            k => CostKind::parse(k).or_else(|| {
                e.push("cost_kind", format!("费用类别“{k}”应为{}之一", CostKind::label_list()));
                None
            }),
        };
        let cost_cents = if trim_all(&self.cost).starts_with('-') {
            e.push("cost", "油费或充电费不能为负数");
            None
        } else {
            parse_amount(&self.cost).unwrap_or_else(|m| {
                e.push("cost", format!("油费或充电费：{m}"));
                None
            })
        };
        for (field, label, v, max) in [
            ("purpose", "事由", &self.purpose, 300),
            ("destination", "目的地", &self.destination, 200),
            ("driver", "驾驶员", &self.driver, 50),
            ("approver", "审批人", &self.approver, 50),
            ("special_approval", "特殊审批", &self.special_approval, 300),
            ("note", "备注", &self.note, 500),
        ] {
            check_max(&mut e, field, label, trim_all(v), max);
        }
        e.into_result()?;
        let t = |s: &str| trim_all(s).to_string();
        Ok(TripDraft {
            vehicle_id: self.vehicle_id.expect("checked"),
            departed: departed.expect("checked"),
            returned,
            purpose: t(&self.purpose),
            destination: t(&self.destination),
            mileage_start: start,
            mileage_end: end,
            distance_km: distance,
            cost_kind,
            cost_cents,
            driver: t(&self.driver),
            approver: t(&self.approver),
            special_approval: t(&self.special_approval),
            note: t(&self.note),
        })
    }
}

/// What the checks need besides the trip: the holiday calendar and the local settings.
#[derive(Debug, Clone)]
pub struct TripRules {
    pub calendar: Calendar,
    pub cutoff: NaiveTime,
    pub keywords: Vec<String>,
}

impl TripRules {
    /// The rules from the settings' values (the defaults when unset or unreadable).
    pub fn new(calendar: Calendar, cutoff: Option<&str>, keywords: Option<&str>) -> Self {
        let cutoff = cutoff
            .and_then(parse_clock)
            .or_else(|| parse_clock(CUTOFF_DEFAULT))
            .unwrap_or(NaiveTime::from_hms_opt(22, 0, 0).expect("a time"));
        let keywords = keywords
            .filter(|k| !trim_all(k).is_empty())
            .unwrap_or(KEYWORDS_DEFAULT)
            .split([',', '，', '、', ';', '；', '\n'])
            .map(|k| trim_all(k).to_string())
            .filter(|k| !k.is_empty())
            .collect();
        TripRules { calendar, cutoff, keywords }
    }
}

/// The trip before this one of the same vehicle (by time out), as the mileage check reads it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PreviousTrip {
    pub departed_on: NaiveDate,
    pub mileage_end: Option<i64>,
}

fn check(rule: &str, ok: bool, message: String, source: &str) -> Check {
    Check { rule: rule.into(), ok, message, source: source.into() }
}

/// Every check of a trip, in rule order.
pub fn checks(t: &TripDraft, prev: Option<PreviousTrip>, rules: &TripRules) -> Vec<Check> {
    vec![
        registered(t, prev),
        holidays(t, &rules.calendar),
        late_return(t, rules.cutoff),
        private_use(t, &rules.keywords),
    ]
}

/// The rules whose checks fail, comma separated (as kept on the trip).
pub fn failed_rules(checks: &[Check]) -> String {
    checks.iter().filter(|c| !c.ok).map(|c| c.rule.as_str()).collect::<Vec<_>>().join(",")
}

/// R-CAR-1: every field of the register filled in, and the odometer continuing from the
/// vehicle's previous trip (a gap is use that was not registered).
fn registered(t: &TripDraft, prev: Option<PreviousTrip>) -> Check {
    let mut missing = Vec::new();
    if t.returned.is_none() {
        missing.push("收车时间");
    }
    for (v, label) in [(&t.purpose, "事由"), (&t.destination, "目的地")] {
        if v.is_empty() {
            missing.push(label);
        }
    }
    if t.distance_km.is_none() && (t.mileage_start.is_none() || t.mileage_end.is_none()) {
        missing.push("里程");
    }
    if t.cost_cents.is_none() {
        missing.push("油耗/费用");
    }
    for (v, label) in [(&t.driver, "驾驶员"), (&t.approver, "审批人")] {
        if v.is_empty() {
            missing.push(label);
        }
    }
    let mut problems = Vec::new();
    if !missing.is_empty() {
        problems.push(format!("未登记{}", missing.join("、")));
    }
    if let (Some(p), Some(end), Some(start)) = (prev, prev.and_then(|p| p.mileage_end), t.mileage_start) {
        if start > end {
            problems.push(format!(
                "出车里程 {start} 公里，上一次出车（{}）收车里程 {end} 公里，相差 {} 公里未登记",
                p.departed_on,
                start - end
            ));
        } else if start < end {
            problems.push(format!(
                "出车里程 {start} 公里小于上一次出车（{}）的收车里程 {end} 公里，里程不衔接",
                p.departed_on
            ));
        }
    }
    if problems.is_empty() {
        check("R-CAR-1", true, "用车登记完整，里程与上一次出车衔接".into(), SOURCE_FIELDS)
    } else {
        check("R-CAR-1", false, format!("{}，待核实", problems.join("；")), SOURCE_FIELDS)
    }
}

fn trip_days(t: &TripDraft) -> Vec<NaiveDate> {
    let last = t.returned.map_or(t.departed.date(), |r| r.date());
    t.departed.date().iter_days().take_while(|d| *d <= last).take(366).collect()
}

fn approved(t: &TripDraft) -> String {
    format!("已登记特殊审批：{}", t.special_approval)
}

/// R-CAR-2: a trip on a day that is not a working day (weekend or 法定节假日; a 调休 上班 day
/// is a working day) needs a recorded special approval.
fn holidays(t: &TripDraft, cal: &Calendar) -> Check {
    let off: Vec<NaiveDate> = trip_days(t).into_iter().filter(|d| !cal.is_working_day(*d)).collect();
    let source = format!("{SOURCE_2017}；{}", crate::calendar::SOURCE);
    if off.is_empty() {
        let shifted = trip_days(t).into_iter().find(|d| cal.kind(*d) == Some(DayKind::Workday));
        let msg = match shifted {
            Some(d) => format!("{d} 为调休上班日，按工作日用车"),
            None => "工作日用车".into(),
        };
        return check("R-CAR-2", true, msg, &source);
    }
    let days: Vec<String> = off
        .iter()
        .map(|d| {
            let what = if cal.kind(*d) == Some(DayKind::Holiday) { "节假日" } else { "周末" };
            format!("{d}（{what}）")
        })
        .collect();
    if t.special_approval.is_empty() {
        let msg = format!("{} 用车，节假日公务用车应封存停驶，未登记特殊审批", days.join("、"));
        check("R-CAR-2", false, msg, &source)
    } else {
        check("R-CAR-2", true, format!("{} 用车，{}", days.join("、"), approved(t)), &source)
    }
}

/// R-CAR-3: a trip returning after the cut-off (or on a later day) without approval. Returning
/// exactly at the cut-off is on time.
fn late_return(t: &TripDraft, cutoff: NaiveTime) -> Check {
    let limit = cutoff.format("%H:%M");
    let Some(back) = t.returned else {
        return check("R-CAR-3", true, "未登记收车时间，无法判断是否按时收车".into(), SOURCE_CUTOFF);
    };
    let late = back.date() > t.departed.date() || back.time() > cutoff;
    let when = back.format("%Y-%m-%d %H:%M");
    match (late, t.special_approval.is_empty()) {
        (false, _) => check("R-CAR-3", true, format!("{when} 收车，未晚于 {limit}"), SOURCE_CUTOFF),
        (true, true) => check(
            "R-CAR-3",
            false,
            format!("{when} 收车，晚于当日 {limit} 未回定点停放，未登记特殊审批"),
            SOURCE_CUTOFF,
        ),
        (true, false) => {
            check("R-CAR-3", true, format!("{when} 收车，晚于当日 {limit}，{}", approved(t)), SOURCE_CUTOFF)
        }
    }
}

/// R-CAR-4: 事由 or 目的地 containing a private-use keyword is flagged for review (待核实),
/// never judged.
fn private_use(t: &TripDraft, keywords: &[String]) -> Check {
    let text = format!("{} {}", t.purpose, t.destination).to_lowercase();
    let hits: Vec<&str> = keywords.iter().filter(|k| text.contains(&k.to_lowercase())).map(String::as_str).collect();
    if hits.is_empty() {
        check("R-CAR-4", true, "事由和目的地未见私用关键词".into(), SOURCE_KEYWORDS)
    } else {
        let quoted: Vec<String> = hits.iter().map(|h| format!("“{h}”")).collect();
        check("R-CAR-4", false, format!("事由或目的地含{}，待核实是否因公用车", quoted.join("、")), SOURCE_KEYWORDS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        parse_ymd(s).unwrap()
    }

    fn fields() -> TripFields {
        TripFields {
            vehicle_id: Some(1),
            departed_on: "2026-05-08".into(),
            departed_time: "08:30".into(),
            returned_time: "17:00".into(),
            purpose: "到乡镇督查防汛工作".into(),
            destination: "青山镇".into(),
            mileage_start: "1000".into(),
            mileage_end: "1080".into(),
            cost: "120.50".into(),
            cost_kind: "加油".into(),
            driver: "张师傅".into(),
            approver: "李明".into(),
            ..Default::default()
        }
    }

    fn rules() -> TripRules {
        let cal = Calendar::new([(d("2026-05-01"), DayKind::Holiday), (d("2026-05-09"), DayKind::Workday)]);
        TripRules::new(cal, None, None)
    }

    fn rule<'a>(cs: &'a [Check], r: &str) -> &'a Check {
        cs.iter().find(|c| c.rule == r).unwrap()
    }

    #[test]
    fn a_complete_working_day_trip_passes() {
        let t = fields().validate().unwrap();
        assert_eq!(t.distance_km, Some(80));
        assert_eq!(t.cost_cents, Some(12050));
        let prev = PreviousTrip { departed_on: d("2026-05-07"), mileage_end: Some(1000) };
        let cs = checks(&t, Some(prev), &rules());
        assert_eq!(failed_rules(&cs), "", "{cs:?}");
    }

    #[test]
    fn the_cut_off_itself_is_not_late() {
        let mut f = fields();
        f.returned_time = "22:00".into();
        assert!(rule(&checks(&f.validate().unwrap(), None, &rules()), "R-CAR-3").ok);
        f.returned_time = "22:01".into();
        let c = checks(&f.validate().unwrap(), None, &rules());
        assert!(!rule(&c, "R-CAR-3").ok && rule(&c, "R-CAR-3").message.contains("22:00"));
        f.special_approval = "李明批准：夜间应急".into();
        assert!(rule(&checks(&f.validate().unwrap(), None, &rules()), "R-CAR-3").ok);
        // back the next morning: past the cut-off of the day it left
        let mut f = fields();
        f.returned_on = "2026-05-09".into();
        f.returned_time = "07:00".into();
        assert!(!rule(&checks(&f.validate().unwrap(), None, &rules()), "R-CAR-3").ok);
        let r = TripRules::new(Calendar::default(), Some("18:30"), None);
        let mut f = fields();
        f.returned_time = "18:30".into();
        assert!(rule(&checks(&f.validate().unwrap(), None, &r), "R-CAR-3").ok);
        f.returned_time = "18:31".into();
        assert!(!rule(&checks(&f.validate().unwrap(), None, &r), "R-CAR-3").ok);
    }

    #[test]
    fn holidays_and_weekends_need_approval_but_a_shifted_saturday_is_a_working_day() {
        let mut f = fields();
        f.departed_on = "2026-05-01".into(); // 劳动节, a Friday
        let c = checks(&f.validate().unwrap(), None, &rules());
        assert!(!rule(&c, "R-CAR-2").ok && rule(&c, "R-CAR-2").message.contains("节假日"));
        f.departed_on = "2026-05-09".into(); // 调休 上班 Saturday
        let c = checks(&f.validate().unwrap(), None, &rules());
        assert!(rule(&c, "R-CAR-2").ok && rule(&c, "R-CAR-2").message.contains("调休"));
        f.departed_on = "2026-05-10".into(); // Sunday
        let c = checks(&f.validate().unwrap(), None, &rules());
        assert!(!rule(&c, "R-CAR-2").ok && rule(&c, "R-CAR-2").message.contains("周末"));
        f.special_approval = "县委办主任批准：防汛值守".into();
        assert!(rule(&checks(&f.validate().unwrap(), None, &rules()), "R-CAR-2").ok);
    }

    #[test]
    fn keywords_flag_for_review_and_mileage_gaps_are_named() {
        let mut f = fields();
        f.destination = "万达商场".into();
        let c = checks(&f.validate().unwrap(), None, &rules());
        let m = &rule(&c, "R-CAR-4").message;
        assert!(m.contains("商场") && m.contains("待核实"), "{m}");
        let t = fields().validate().unwrap();
        let prev = PreviousTrip { departed_on: d("2026-05-07"), mileage_end: Some(950) };
        let c = checks(&t, Some(prev), &rules());
        assert!(!rule(&c, "R-CAR-1").ok && rule(&c, "R-CAR-1").message.contains("相差 50 公里"));
        let prev = PreviousTrip { departed_on: d("2026-05-07"), mileage_end: Some(1010) };
        assert!(!rule(&checks(&t, Some(prev), &rules()), "R-CAR-1").ok);
        let mut f = fields();
        f.driver = String::new();
        f.cost = String::new();
        let c = checks(&f.validate().unwrap(), None, &rules());
        assert!(rule(&c, "R-CAR-1").message.contains("油耗/费用、驾驶员"));
    }

    #[test]
    fn bad_input_names_the_field() {
        let fields_of =
            |f: TripFields| -> Vec<String> { f.validate().unwrap_err().0.into_iter().map(|e| e.field).collect() };
        let mut f = fields();
        f.returned_time = "08:00".into();
        assert_eq!(fields_of(f), ["returned_time"]);
        let mut f = fields();
        f.mileage_start = "-5".into();
        f.cost = "-1".into();
        assert_eq!(fields_of(f), ["mileage_start", "cost"]);
        let mut f = fields();
        f.mileage_end = "900".into();
        assert_eq!(fields_of(f), ["mileage_end"]);
        let mut f = fields();
        f.distance_km = "70".into();
        assert_eq!(fields_of(f), ["distance_km"]);
        let mut f = fields();
        f.departed_on = "2026-02-30".into();
        f.departed_time = "25:00".into();
        assert_eq!(fields_of(f), ["departed_on", "departed_time"]);
        let v = VehicleFields {
            unit_id: Some(1),
            plate: " 赣c a1234 ".into(),
            parking: "机关大院".into(),
            ..Default::default()
        };
        assert_eq!(v.validate().unwrap().plate, "赣CA1234");
    }
}
