//! 工作要点 and 任务分解: a yearly work plan breaks down into tasks, and tasks into sub-tasks down
//! the unit tree to any depth (一级抓一级). This module holds the pure rules: input validation,
//! the derived task state, hierarchical numbers (1, 1.2, 1.2.3) and when a progress update is late.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::responsibility::keyed_enum;
use crate::text::{check_max, check_required, trim_all};
use crate::FieldErrors;

pub const PLAN_TITLE_MAX: usize = 100;
pub const TASK_TITLE_MAX: usize = 500;
pub const BUSINESS_WORK_MAX: usize = 200;
pub const UPDATE_TEXT_MAX: usize = 2000;
pub const EVIDENCE_MAX: usize = 500;
pub const LATE_REASON_MAX: usize = 500;
pub const MIN_YEAR: i64 = 2000;
pub const MAX_YEAR: i64 = 2100;

keyed_enum!(
    /// The state of a task, derived (never stored) from its deadline, completion and updates.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum TaskState {
        NotStarted = ("not_started", "未开始"),
        InProgress = ("in_progress", "进行中"),
        Completed = ("completed", "已完成"),
        Overdue = ("overdue", "逾期"),
    }
);

/// The state of a task on `today`, first matching rule wins:
/// 已完成 when it has a completion date; 逾期 when `today` is after the deadline (the deadline
/// day itself is still in time); 进行中 when it has any progress update; else 未开始.
pub fn task_state(
    deadline: NaiveDate,
    completed_on: Option<NaiveDate>,
    has_updates: bool,
    today: NaiveDate,
) -> TaskState {
    if completed_on.is_some() {
        TaskState::Completed
    } else if today > deadline {
        TaskState::Overdue
    } else if has_updates {
        TaskState::InProgress
    } else {
        TaskState::NotStarted
    }
}

/// Whether a progress update is dated after the deadline (while the task is not completed, such an
/// update must state why).
pub fn update_is_late(deadline: NaiveDate, update_date: NaiveDate) -> bool {
    update_date > deadline
}

/// Whether a sub-task's deadline fits its parent's: a sub-task may not end after its parent.
pub fn deadline_within_parent(deadline: NaiveDate, parent_deadline: NaiveDate) -> bool {
    deadline <= parent_deadline
}

/// Parses a hierarchical number as offices write it: "1", "1.2", "1.2.3"; full-width digits and
/// dots, "、" or "." at the end and surrounding spaces are accepted. Every part is 1 or more.
pub fn parse_number(s: &str) -> Option<Vec<u32>> {
    let s: String = trim_all(s)
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '．' | '。' => '.',
            _ => c,
        })
        .collect();
    let s = s.trim_end_matches(['.', '、']);
    if s.is_empty() {
        return None;
    }
    let mut parts = Vec::new();
    for p in s.split('.') {
        if p.is_empty() || p.len() > 4 || !p.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let n: u32 = p.parse().ok()?;
        if n == 0 {
            return None;
        }
        parts.push(n);
    }
    Some(parts)
}

/// "1.2.3" from [1, 2, 3].
pub fn format_number(parts: &[u32]) -> String {
    parts.iter().map(u32::to_string).collect::<Vec<_>>().join(".")
}

/// Parses "YYYY-MM-DD" for a field, pushing a field error naming it when it cannot.
fn parse_date(e: &mut FieldErrors, field: &str, label: &str, value: &str) -> Option<NaiveDate> {
    let v = trim_all(value);
    if v.is_empty() {
        e.push(field, format!("{label}不能为空"));
        return None;
    }
    match crate::text::parse_ymd(v) {
        Ok(d) if (MIN_YEAR..=MAX_YEAR).contains(&i64::from(chrono::Datelike::year(&d))) => Some(d),
        Ok(_) => {
            e.push(field, format!("{label}应在 {MIN_YEAR} 年至 {MAX_YEAR} 年之间"));
            None
        }
        Err(err) => {
            e.push(field, crate::text::date_error(label, v, err, "2026-06-30"));
            None
        }
    }
}

/// A work plan (工作要点) as entered.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct PlanFields {
    pub year: Option<i64>,
    pub unit_id: Option<i64>,
    pub title: String,
}

/// A validated work plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanDraft {
    pub year: i64,
    pub unit_id: i64,
    pub title: String,
}

impl PlanFields {
    pub fn validate(&self) -> Result<PlanDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        match self.year {
            None => e.push("year", "年度不能为空"),
            Some(y) if !(MIN_YEAR..=MAX_YEAR).contains(&y) => {
                e.push("year", format!("年度应在 {MIN_YEAR} 至 {MAX_YEAR} 之间"))
            }
            _ => {}
        }
        if self.unit_id.is_none() {
            e.push("unit_id", "部署单位不能为空");
        }
        check_required(&mut e, "title", "工作要点名称", &self.title, PLAN_TITLE_MAX);
        e.into_result()?;
        Ok(PlanDraft {
            year: self.year.expect("checked"),
            unit_id: self.unit_id.expect("checked"),
            title: trim_all(&self.title).to_string(),
        })
    }
}

/// A task as entered (form, JSON or Excel row). `deadline` is "YYYY-MM-DD".
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct TaskFields {
    pub plan_id: Option<i64>,
    /// The task this one breaks down; None for a task directly under the plan.
    pub parent_id: Option<i64>,
    pub title: String,
    /// 牵头单位
    pub lead_unit_id: Option<i64>,
    /// 责任人 (optional)
    pub lead_person_id: Option<i64>,
    /// 配合单位
    pub support_unit_ids: Vec<i64>,
    /// 完成时限
    pub deadline: String,
    /// 同部署的业务工作
    pub business_work: String,
    pub sort_order: i64,
}

/// A validated task.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskDraft {
    pub plan_id: i64,
    pub parent_id: Option<i64>,
    pub title: String,
    pub lead_unit_id: i64,
    pub lead_person_id: Option<i64>,
    /// Sorted, without duplicates.
    pub support_unit_ids: Vec<i64>,
    pub deadline: NaiveDate,
    pub business_work: String,
    pub sort_order: i64,
}

impl TaskFields {
    pub fn validate(&self) -> Result<TaskDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        if self.plan_id.is_none() {
            e.push("plan_id", "所属工作要点不能为空");
        }
        check_required(&mut e, "title", "工作任务", &self.title, TASK_TITLE_MAX);
        if self.lead_unit_id.is_none() {
            e.push("lead_unit_id", "牵头单位不能为空");
        }
        let mut support = self.support_unit_ids.clone();
        support.sort_unstable();
        support.dedup();
        if self.lead_unit_id.is_some_and(|l| support.contains(&l)) {
            e.push("support_unit_ids", "配合单位不能与牵头单位相同");
        }
        let deadline = parse_date(&mut e, "deadline", "完成时限", &self.deadline);
        check_max(&mut e, "business_work", "同部署业务工作", trim_all(&self.business_work), BUSINESS_WORK_MAX);
        if !(0..=1_000_000).contains(&self.sort_order) {
            e.push("sort_order", "排序号应在 0 到 1000000 之间");
        }
        e.into_result()?;
        Ok(TaskDraft {
            plan_id: self.plan_id.expect("checked"),
            parent_id: self.parent_id,
            title: trim_all(&self.title).to_string(),
            lead_unit_id: self.lead_unit_id.expect("checked"),
            lead_person_id: self.lead_person_id,
            support_unit_ids: support,
            deadline: deadline.expect("checked"),
            business_work: trim_all(&self.business_work).to_string(),
            sort_order: self.sort_order,
        })
    }
}

/// A progress update (进展情况) as entered. `update_date` is "YYYY-MM-DD".
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = TaskUpdateFields))]
#[serde(default, deny_unknown_fields)]
pub struct UpdateFields {
    pub update_date: String,
    pub text: String,
    /// 佐证材料: what shows the work was done (文号, 会议纪要, 台账记录…)
    pub evidence: String,
    /// This update reports the task completed.
    pub completes: bool,
    /// Why the update comes after the deadline; required then.
    pub late_reason: String,
}

/// A validated progress update.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UpdateDraft {
    pub update_date: NaiveDate,
    pub text: String,
    pub evidence: String,
    pub completes: bool,
    pub late_reason: String,
}

impl UpdateFields {
    /// Checks the update on its own and against the task as of `today`: the date may not be in
    /// the future, and while the task is not completed an update dated after its deadline needs a
    /// late reason.
    pub fn validate(
        &self,
        deadline: NaiveDate,
        completed_on: Option<NaiveDate>,
        today: NaiveDate,
    ) -> Result<UpdateDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        let date = parse_date(&mut e, "update_date", "进展日期", &self.update_date);
        if date.is_some_and(|d| d > today) {
            e.push("update_date", "进展日期不能晚于今天");
        }
        check_required(&mut e, "text", "进展情况", &self.text, UPDATE_TEXT_MAX);
        check_max(&mut e, "evidence", "佐证材料", trim_all(&self.evidence), EVIDENCE_MAX);
        let reason = trim_all(&self.late_reason);
        check_max(&mut e, "late_reason", "逾期原因", reason, LATE_REASON_MAX);
        if completed_on.is_none() && date.is_some_and(|d| update_is_late(deadline, d)) && reason.is_empty() {
            e.push("late_reason", format!("进展日期晚于完成时限（{deadline}），请填写逾期原因"));
        }
        e.into_result()?;
        Ok(UpdateDraft {
            update_date: date.expect("checked"),
            text: trim_all(&self.text).to_string(),
            evidence: trim_all(&self.evidence).to_string(),
            completes: self.completes,
            late_reason: reason.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn sub_task_not_after_parent() {
        assert!(deadline_within_parent(d("2026-03-01"), d("2026-03-01")));
        assert!(deadline_within_parent(d("2026-02-28"), d("2026-03-01")));
        assert!(!deadline_within_parent(d("2026-03-02"), d("2026-03-01")));
    }

    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn state_rules_in_order() {
        let deadline = d("2026-06-30");
        // completed wins, even after the deadline
        assert_eq!(task_state(deadline, Some(d("2026-07-05")), true, d("2026-08-01")), TaskState::Completed);
        assert_eq!(task_state(deadline, Some(d("2026-05-01")), false, d("2026-05-02")), TaskState::Completed);
        // the deadline day is still in time, the day after is overdue
        assert_eq!(task_state(deadline, None, false, d("2026-06-30")), TaskState::NotStarted);
        assert_eq!(task_state(deadline, None, false, d("2026-07-01")), TaskState::Overdue);
        assert_eq!(task_state(deadline, None, true, d("2026-07-01")), TaskState::Overdue);
        // an update makes it in progress
        assert_eq!(task_state(deadline, None, true, d("2026-06-01")), TaskState::InProgress);
        assert_eq!(task_state(deadline, None, false, d("2026-06-01")), TaskState::NotStarted);
        assert_eq!(TaskState::Overdue.label(), "逾期");
        assert_eq!(TaskState::parse("已完成"), Some(TaskState::Completed));
        assert_eq!(TaskState::parse("in_progress"), Some(TaskState::InProgress));
    }

    #[test]
    fn numbers_parse_as_offices_write_them() {
        assert_eq!(parse_number("1"), Some(vec![1]));
        assert_eq!(parse_number(" 1.2.3 "), Some(vec![1, 2, 3]));
        assert_eq!(parse_number("２．１"), Some(vec![2, 1]));
        assert_eq!(parse_number("3、"), Some(vec![3]));
        assert_eq!(parse_number("1."), Some(vec![1]));
        for bad in ["", "a", "1..2", "0", "1.0", "一", "1.2a", "-1"] {
            assert_eq!(parse_number(bad), None, "{bad}");
        }
        assert_eq!(format_number(&[1, 10, 2]), "1.10.2");
    }

    #[test]
    fn late_update_needs_a_reason() {
        let fields =
            UpdateFields { update_date: "2026-07-02".into(), text: "已召开会议".into(), ..Default::default() };
        let e = fields.validate(d("2026-06-30"), None, d("2026-07-03")).unwrap_err();
        assert!(e.for_field("late_reason").unwrap().contains("2026-06-30"));
        let ok = UpdateFields { late_reason: "等待上级文件".into(), ..fields.clone() };
        assert!(ok.validate(d("2026-06-30"), None, d("2026-07-03")).is_ok());
        // on the deadline day it is in time
        let on_time = UpdateFields { update_date: "2026-06-30".into(), ..fields.clone() };
        assert!(on_time.validate(d("2026-06-30"), None, d("2026-07-03")).is_ok());
        // a note on a task completed in time needs no reason
        assert!(fields.validate(d("2026-06-30"), Some(d("2026-06-20")), d("2026-07-03")).is_ok());
        // no future dates
        let future = UpdateFields { update_date: "2026-07-04".into(), late_reason: "x".into(), ..fields };
        assert!(future
            .validate(d("2026-06-30"), None, d("2026-07-03"))
            .unwrap_err()
            .for_field("update_date")
            .is_some());
    }

    #[test]
    fn task_fields_are_checked() {
        let f = TaskFields {
            plan_id: Some(1),
            title: "  落实谈心谈话制度 ".into(),
            lead_unit_id: Some(2),
            support_unit_ids: vec![4, 3, 4],
            deadline: "2026-06-30".into(),
            ..Default::default()
        };
        let draft = f.validate().unwrap();
        assert_eq!(draft.title, "落实谈心谈话制度");
        assert_eq!(draft.support_unit_ids, vec![3, 4]);
        let bad = TaskFields { support_unit_ids: vec![2], deadline: "6/30".into(), title: " ".into(), ..f };
        let e = bad.validate().unwrap_err();
        for field in ["support_unit_ids", "deadline", "title"] {
            assert!(e.for_field(field).is_some(), "{field}: {e:?}");
        }
        let e = PlanFields { year: Some(1999), unit_id: None, title: String::new() }.validate().unwrap_err();
        for field in ["year", "unit_id", "title"] {
            assert!(e.for_field(field).is_some(), "{field}");
        }
    }
}
