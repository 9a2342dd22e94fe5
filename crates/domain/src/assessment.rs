//! 考核 (同部署同考核): the yearly assessment of each unit and each 班子成员, scored from what
//! the system already holds — responsibility fulfilment, task completion, rectification (rate
//! and overdue), findings by severity and collective-decision checks — with weights and scoring
//! rules as settings, plus the assessors' deductions and additions, each with its reason.
//!
//! # No activity ranking
//!
//! Nothing here counts logins, time online, uploads, page views or any other activity: the
//! 整治形式主义为基层减负若干规定 (中办、国办 2024) forbid ranking people or units by activity
//! (积分排名, online-time statistics). Only substance is scored: requirements met, tasks done,
//! problems fixed. Do not add an activity indicator.
//!
//! # Scoring, exactly
//!
//! Scores are integer hundredths of a point (`8750` is 87.50); nothing compared uses floats.
//!
//! - a rate indicator (fulfilment, tasks, rectification, decisions) scores
//!   `weight × 100 × done / due`, rounded down to the hundredth; with nothing due it scores its
//!   full weight (nothing was asked, nothing was missed);
//! - a count indicator (overdue rectification, findings by severity) scores its weight less the
//!   points each counted record costs, never below zero;
//! - the total is the sum of the indicators plus the adjustments (each ±, with a reason);
//! - the grade follows the thresholds: 好 at or above `good`, 较好 at or above `fair`, 一般 at or
//!   above `pass`, else 差.

use serde::{Deserialize, Serialize};

use crate::responsibility::keyed_enum;
use crate::FieldErrors;

keyed_enum!(
    /// An indicator of the assessment.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Indicator {
        Fulfilment = ("fulfilment", "责任落实"),
        Tasks = ("tasks", "任务完成"),
        Rectification = ("rectification", "问题整改率"),
        Overdue = ("overdue", "整改逾期"),
        Severity = ("severity", "发现问题"),
        Decisions = ("decisions", "集体决策"),
    }
);

impl Indicator {
    /// The setting holding the indicator's weight (points out of 100).
    pub const fn weight_setting(self) -> &'static str {
        match self {
            Indicator::Fulfilment => "assessment.weight.fulfilment",
            Indicator::Tasks => "assessment.weight.tasks",
            Indicator::Rectification => "assessment.weight.rectification",
            Indicator::Overdue => "assessment.weight.overdue",
            Indicator::Severity => "assessment.weight.severity",
            Indicator::Decisions => "assessment.weight.decisions",
        }
    }

    /// The default weight; the defaults sum to 100.
    pub fn default_weight(self) -> i64 {
        match self {
            Indicator::Fulfilment => 30,
            Indicator::Tasks => 20,
            Indicator::Rectification => 20,
            Indicator::Overdue => 10,
            Indicator::Severity => 10,
            Indicator::Decisions => 10,
        }
    }
}

keyed_enum!(
    /// 考核等次.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Grade {
        Good = ("good", "好"),
        Fair = ("fair", "较好"),
        Pass = ("pass", "一般"),
        Poor = ("poor", "差"),
    }
);

/// Points an overdue finding costs (the 整改逾期 indicator).
pub const OVERDUE_EACH_SETTING: &str = "assessment.deduct.overdue";
/// Points a finding of each severity costs (the 发现问题 indicator).
pub const GENERAL_SETTING: &str = "assessment.deduct.general";
pub const SERIOUS_SETTING: &str = "assessment.deduct.serious";
pub const GRAVE_SETTING: &str = "assessment.deduct.grave";
/// Grade thresholds (points).
pub const GOOD_SETTING: &str = "assessment.grade.good";
pub const FAIR_SETTING: &str = "assessment.grade.fair";
pub const PASS_SETTING: &str = "assessment.grade.pass";
/// The largest deduction or addition one adjustment may make (points).
pub const ADJUST_MAX_SETTING: &str = "assessment.adjust_max";

/// Every numeric setting of the assessment with its default (points).
pub const NUMBER_SETTINGS: &[(&str, i64)] = &[
    (OVERDUE_EACH_SETTING, 2),
    (GENERAL_SETTING, 1),
    (SERIOUS_SETTING, 3),
    (GRAVE_SETTING, 5),
    (GOOD_SETTING, 90),
    (FAIR_SETTING, 80),
    (PASS_SETTING, 60),
    (ADJUST_MAX_SETTING, 10),
];

/// The weights and scoring rules in force (whole points), as the settings hold them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rules {
    /// weight of each indicator, in [`Indicator::ALL`] order
    pub weights: Vec<i64>,
    pub overdue_each: i64,
    pub general_each: i64,
    pub serious_each: i64,
    pub grave_each: i64,
    pub good: i64,
    pub fair: i64,
    pub pass: i64,
    pub adjust_max: i64,
}

impl Default for Rules {
    fn default() -> Self {
        Rules::from_settings(|_| None)
    }
}

impl Rules {
    /// The rules from a settings lookup; a missing or unreadable value takes its default.
    pub fn from_settings(get: impl Fn(&str) -> Option<String>) -> Rules {
        let num = |key: &str, default: i64| get(key).and_then(|v| v.trim().parse().ok()).unwrap_or(default);
        let d = |key: &str| NUMBER_SETTINGS.iter().find(|(k, _)| *k == key).map_or(0, |(_, v)| *v);
        Rules {
            weights: Indicator::ALL.iter().map(|i| num(i.weight_setting(), i.default_weight())).collect(),
            overdue_each: num(OVERDUE_EACH_SETTING, d(OVERDUE_EACH_SETTING)),
            general_each: num(GENERAL_SETTING, d(GENERAL_SETTING)),
            serious_each: num(SERIOUS_SETTING, d(SERIOUS_SETTING)),
            grave_each: num(GRAVE_SETTING, d(GRAVE_SETTING)),
            good: num(GOOD_SETTING, d(GOOD_SETTING)),
            fair: num(FAIR_SETTING, d(FAIR_SETTING)),
            pass: num(PASS_SETTING, d(PASS_SETTING)),
            adjust_max: num(ADJUST_MAX_SETTING, d(ADJUST_MAX_SETTING)),
        }
    }

    pub fn weight(&self, i: Indicator) -> i64 {
        let at = Indicator::ALL.iter().position(|x| *x == i).unwrap_or(0);
        self.weights.get(at).copied().unwrap_or(0)
    }

    /// The grade of a total (hundredths).
    pub fn grade(&self, total: i64) -> Grade {
        if total >= self.good * 100 {
            Grade::Good
        } else if total >= self.fair * 100 {
            Grade::Fair
        } else if total >= self.pass * 100 {
            Grade::Pass
        } else {
            Grade::Poor
        }
    }
}

/// Checks the weights and thresholds as they would stand after a change (`get` answers the
/// value in force, the change applied): the weights must sum to 100 and the thresholds descend.
/// Each error names the setting it is about.
pub fn check_rules(get: impl Fn(&str) -> Option<String>) -> FieldErrors {
    let r = Rules::from_settings(get);
    let mut e = FieldErrors::default();
    let sum: i64 = r.weights.iter().sum();
    if sum != 100 {
        let parts: Vec<String> = Indicator::ALL.iter().map(|i| format!("{}{}", i.label(), r.weight(*i))).collect();
        e.push(
            Indicator::Fulfilment.weight_setting(),
            format!("考核指标权重之和应为 100，现为 {sum}（{}）", parts.join("、")),
        );
    }
    if !(r.good > r.fair && r.fair > r.pass) {
        e.push(FAIR_SETTING, format!("考核等次分数线应依次降低：好 {} ＞ 较好 {} ＞ 一般 {}", r.good, r.fair, r.pass));
    }
    e
}

/// What the system holds about one unit or one leader for the year, counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Facts {
    /// responsibility items assessed, and their windows due and fulfilled
    pub items: i64,
    pub items_due: i64,
    pub items_done: i64,
    /// tasks due by the day assessed (or completed), and those completed
    pub tasks_due: i64,
    pub tasks_done: i64,
    /// findings found in the year, and those signed off
    pub findings: i64,
    pub findings_closed: i64,
    /// findings of the year not signed off with a rectification measure past its deadline
    pub overdue: i64,
    /// findings of the year by severity
    pub general: i64,
    pub serious: i64,
    pub grave: i64,
    /// collective-decision meetings of the year, and those whose checks all passed
    pub meetings: i64,
    pub meetings_passed: i64,
}

/// One indicator's line of a breakdown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Line {
    /// the indicator's key
    pub indicator: String,
    pub label: String,
    /// weight, whole points
    pub weight: i64,
    /// what was counted, in words ("应完成 8 次，已完成 6 次")
    pub counted: String,
    /// how the score follows, in words
    pub rule: String,
    /// hundredths
    pub score: i64,
}

/// The score of one subject: the indicators' lines and their sum (hundredths).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Breakdown {
    pub lines: Vec<Line>,
    pub base: i64,
}

/// `weight × 100 × done / due`, rounded down; the full weight when nothing is due.
pub fn rate_score(weight: i64, done: i64, due: i64) -> i64 {
    if due <= 0 {
        return weight * 100;
    }
    weight * 100 * done.clamp(0, due) / due
}

/// The weight less `count × each` points, never below zero (hundredths).
pub fn count_score(weight: i64, cost: i64) -> i64 {
    (weight * 100 - cost * 100).max(0)
}

/// Hundredths as text: `8750` → "87.5", `-200` → "-2", `1` → "0.01".
pub fn points(h: i64) -> String {
    let sign = if h < 0 { "-" } else { "" };
    let (whole, frac) = (h.abs() / 100, h.abs() % 100);
    match frac {
        0 => format!("{sign}{whole}"),
        f if f % 10 == 0 => format!("{sign}{whole}.{}", f / 10),
        f => format!("{sign}{whole}.{f:02}"),
    }
}

fn rate_line(i: Indicator, weight: i64, done: i64, due: i64, counted: String) -> Line {
    let rule =
        if due > 0 { format!("{weight} × {done} / {due}") } else { "无应考核事项，按满分计".to_string() };
    Line {
        indicator: i.key().into(),
        label: i.label().into(),
        weight,
        counted,
        rule,
        score: rate_score(weight, done, due),
    }
}

/// Scores the facts by the rules: one line per indicator, in [`Indicator::ALL`] order.
pub fn score(facts: &Facts, r: &Rules) -> Breakdown {
    let f = facts;
    let lines: Vec<Line> = Indicator::ALL
        .iter()
        .map(|&i| {
            let w = r.weight(i);
            match i {
                Indicator::Fulfilment => rate_line(
                    i,
                    w,
                    f.items_done,
                    f.items_due,
                    format!("责任事项 {} 项，到期应完成 {} 次，已完成 {} 次", f.items, f.items_due, f.items_done),
                ),
                Indicator::Tasks => rate_line(
                    i,
                    w,
                    f.tasks_done,
                    f.tasks_due,
                    format!("到期任务 {} 项，已完成 {} 项", f.tasks_due, f.tasks_done),
                ),
                Indicator::Rectification => rate_line(
                    i,
                    w,
                    f.findings_closed,
                    f.findings,
                    format!("本年度问题 {} 个，已验收销号 {} 个", f.findings, f.findings_closed),
                ),
                Indicator::Decisions => rate_line(
                    i,
                    w,
                    f.meetings_passed,
                    f.meetings,
                    format!("决策会议 {} 次，检查全部通过 {} 次", f.meetings, f.meetings_passed),
                ),
                Indicator::Overdue => Line {
                    indicator: i.key().into(),
                    label: i.label().into(),
                    weight: w,
                    counted: format!("整改措施逾期未完成的问题 {} 个", f.overdue),
                    rule: format!("每个扣 {} 分，扣完为止", r.overdue_each),
                    score: count_score(w, f.overdue * r.overdue_each),
                },
                Indicator::Severity => Line {
                    indicator: i.key().into(),
                    label: i.label().into(),
                    weight: w,
                    counted: format!("一般 {} 个，较重 {} 个，严重 {} 个", f.general, f.serious, f.grave),
                    rule: format!(
                        "一般每个扣 {}，较重每个扣 {}，严重每个扣 {}，扣完为止",
                        r.general_each, r.serious_each, r.grave_each
                    ),
                    score: count_score(
                        w,
                        f.general * r.general_each + f.serious * r.serious_each + f.grave * r.grave_each,
                    ),
                },
            }
        })
        .collect();
    let base = lines.iter().map(|l| l.score).sum();
    Breakdown { lines, base }
}

/// An assessor's deduction or addition as entered.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdjustmentFields {
    /// the unit assessed (for a leader: the leader's unit may be left out)
    pub unit_id: Option<i64>,
    /// the 班子成员 assessed; none for the unit itself
    pub person_id: Option<i64>,
    /// points, "-2" deducts two points, "1.5" adds one and a half (two decimals at most)
    pub points: String,
    /// why (required, up to 500 characters)
    pub reason: String,
}

/// The reason's longest length.
pub const REASON_MAX: usize = 500;

/// Reads points with at most two decimals into hundredths, exactly ("-2.5" → -250).
pub fn parse_points(s: &str) -> Option<i64> {
    let s = s.trim().replace('－', "-").replace('＋', "+");
    let (neg, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest.to_string()),
        None => (false, s.strip_prefix('+').unwrap_or(&s).to_string()),
    };
    let (whole, frac) = digits.split_once('.').unwrap_or((&digits, ""));
    if whole.is_empty()
        || whole.len() > 4
        || frac.len() > 2
        || !whole.chars().chain(frac.chars()).all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let h = whole.parse::<i64>().ok()? * 100 + format!("{frac:0<2}").parse::<i64>().ok()?;
    Some(if neg { -h } else { h })
}

/// Checks an adjustment: points not zero and within `max` points either way, reason given and
/// bounded. Answers (hundredths, trimmed reason).
pub fn check_adjustment(f: &AdjustmentFields, max: i64) -> Result<(i64, String), FieldErrors> {
    let mut e = FieldErrors::default();
    let points = match parse_points(&f.points) {
        None if f.points.trim().is_empty() => {
            e.push("points", "请填写加减分值，如 -2 或 1.5");
            0
        }
        None => {
            e.push("points", format!("加减分值“{}”应为最多两位小数的数，如 -2 或 1.5", f.points.trim()));
            0
        }
        Some(0) => {
            e.push("points", "加减分值不能为 0");
            0
        }
        Some(p) if p.abs() > max * 100 => {
            e.push("points", format!("每次加减分不能超过 {max} 分"));
            p
        }
        Some(p) => p,
    };
    let reason = f.reason.trim().to_string();
    if reason.is_empty() {
        e.push("reason", "请填写加减分理由");
    } else if reason.chars().count() > REASON_MAX {
        e.push("reason", format!("加减分理由不能超过 {REASON_MAX} 个字"));
    }
    e.into_result().map(|_| (points, reason))
}

/// A business assessment score (业务考核得分) as entered: 0–100 with two decimals at most.
pub fn parse_business_score(s: &str) -> Result<i64, String> {
    match parse_points(s) {
        Some(h) if (0..=10_000).contains(&h) => Ok(h),
        _ if s.trim().is_empty() => Err("请填写业务考核得分".into()),
        _ => Err(format!("业务考核得分“{}”应为 0–100 之间、最多两位小数的数", s.trim())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> Facts {
        Facts {
            items: 4,
            items_due: 8,
            items_done: 6,
            tasks_due: 3,
            tasks_done: 2,
            findings: 4,
            findings_closed: 1,
            overdue: 2,
            general: 1,
            serious: 1,
            grave: 0,
            meetings: 0,
            meetings_passed: 0,
        }
    }

    #[test]
    fn default_weights_sum_to_100_and_thresholds_descend() {
        let r = Rules::default();
        assert_eq!(r.weights.iter().sum::<i64>(), 100);
        assert!(check_rules(|_| None).is_empty());
    }

    #[test]
    fn score_is_exact_in_hundredths() {
        let b = score(&facts(), &Rules::default());
        let s: Vec<i64> = b.lines.iter().map(|l| l.score).collect();
        // 30×6/8 = 22.5; 20×2/3 = 13.33 (down); 20×1/4 = 5; 10 − 2×2 = 6; 10 − 1 − 3 = 6; nothing due: 10
        assert_eq!(s, vec![2250, 1333, 500, 600, 600, 1000]);
        assert_eq!(b.base, 6283);
        assert_eq!(points(b.base), "62.83");
        assert_eq!(Rules::default().grade(b.base), Grade::Pass);
        assert_eq!(Rules::default().grade(b.base - 284), Grade::Poor);
        assert_eq!(Rules::default().grade(9000), Grade::Good);
        assert_eq!(Rules::default().grade(8999), Grade::Fair);
    }

    #[test]
    fn count_indicators_stop_at_zero() {
        let f = Facts { overdue: 40, grave: 9, ..Default::default() };
        let b = score(&f, &Rules::default());
        assert_eq!(b.lines[3].score, 0);
        assert_eq!(b.lines[4].score, 0);
        assert_eq!(b.base, 8000);
    }

    #[test]
    fn weights_not_summing_to_100_name_the_field() {
        let e = check_rules(|k| (k == "assessment.weight.tasks").then(|| "25".to_string()));
        let first = e.first().unwrap();
        assert_eq!(first.field, "assessment.weight.fulfilment");
        assert!(first.message.contains("权重之和应为 100，现为 105"), "{}", first.message);
        let e = check_rules(|k| (k == GOOD_SETTING).then(|| "70".to_string()));
        assert_eq!(e.first().unwrap().field, FAIR_SETTING);
    }

    #[test]
    fn points_parse_exactly() {
        assert_eq!(parse_points("-2"), Some(-200));
        assert_eq!(parse_points("1.5"), Some(150));
        assert_eq!(parse_points(" +0.05 "), Some(5));
        assert_eq!(parse_points("－3.25"), Some(-325));
        for bad in ["", "1.234", "abc", "1e2", "--1", ".5", "1."] {
            assert_eq!(parse_points(bad), if bad == "1." { Some(100) } else { None }, "{bad}");
        }
        assert_eq!(points(-250), "-2.5");
        assert_eq!(points(5), "0.05");
        assert_eq!(parse_business_score("95.5"), Ok(9550));
        assert!(parse_business_score("101").is_err());
        assert!(parse_business_score("-1").is_err());
    }

    #[test]
    fn an_adjustment_needs_a_reason_and_stays_within_bounds() {
        let f = |p: &str, r: &str| AdjustmentFields { points: p.into(), reason: r.into(), ..Default::default() };
        assert_eq!(check_adjustment(&f("-2", " 迟报 "), 10).unwrap(), (-200, "迟报".into()));
        let e = check_adjustment(&f("-2", "  "), 10).unwrap_err();
        assert_eq!(e.first().unwrap().field, "reason");
        assert_eq!(check_adjustment(&f("-11", "x"), 10).unwrap_err().first().unwrap().field, "points");
        assert_eq!(check_adjustment(&f("0", "x"), 10).unwrap_err().first().unwrap().field, "points");
        assert!(check_adjustment(&f("1", &"长".repeat(501)), 10).is_err());
    }
}
