//! Notifications (通知中心), reminders that fire once across replicas, job leases and outbound
//! deliveries.
//!
//! Every replica runs the reminder job. Two things keep a reminder from firing twice:
//!
//! 1. a pass first takes the row of its job in `job_leases` (an upsert that only replaces an
//!    expired lease or one the caller already holds), so one replica works at a time;
//! 2. each reminder inserts its `(reminder_key, due_date)` into `reminders_sent` in the same
//!    transaction as its notification and its outbound deliveries. The insert does nothing when
//!    the pair exists, and then nothing else is written: a reminder fires once even if two passes
//!    overlap (an expired lease, a clock step) or a pass is restarted halfway.
//!
//! The key names the reminder and its recipient (`task:12:soon:a5`), the due date the deadline it
//! is about, so a moved deadline reminds again and a recipient added later is still reminded.
//!
//! The parts: `notifications` (the 通知中心 of an account), `leases` (job leases), `reminders`
//! (firing a reminder once), `due` (which reminders are due and who receives them, as typed
//! facts: the message wording and the page link are the web layer's) and
//! `deliveries` (outbound deliveries), `steps` (notifications of workflow steps, written in the
//! step's transaction: who is told is decided here, the wording comes from the web layer). Everything public is re-exported here, so callers write
//! `notify::fire`, `notify::Directory`.

mod deliveries;
mod due;
mod due_matters;
mod due_supervision;
mod due_talks;
mod leases;
mod notifications;
mod reminders;
mod reports;
mod steps;

pub use deliveries::{
    claim_delivery, delivery, delivery_counts, delivery_failed, delivery_succeeded, due_deliveries, outbound_waiting,
    Delivery,
};
pub use due::{due_reminders, Directory, DueReminder, DueSubject};
pub use due_talks::pre_talk_holders;
pub use leases::{release_lease, renew_lease, take_lease};
pub use notifications::{
    created_between, get, list, mark_all_read, mark_read, unread_count, NewNotification, Notification,
};
pub use reminders::{already_fired, fire, Channel, Reminder};
pub use reports::{annual_month_day, family_limits, report_reminders};
pub use steps::{
    accounts_of, group_accounts, heads_unit, person_or_heads, sign_off_accounts, tell, unit_heads, Event, Message,
    Outbound, Words,
};

pub const LEVEL_YELLOW: &str = "yellow";
pub const LEVEL_RED: &str = "red";
/// A workflow step: something to act on, not a deadline.
pub const LEVEL_INFO: &str = "info";

/// Kinds of notification with the label users see, in the order the digest shows them.
pub const KINDS: &[(&str, &str)] = &[
    ("task_overdue", "任务逾期"),
    ("rectification_overdue", "整改措施逾期"),
    ("item_overdue", "责任事项滞后"),
    ("look_back_due", "回头看到期"),
    ("task_due_soon", "任务临期"),
    ("rectification_due_soon", "整改措施临期"),
    ("item_due_soon", "责任事项临期"),
    ("finding_fed_back", "问题反馈"),
    ("sign_off_requested", "申请验收销号"),
    ("finding_returned", "退回整改"),
    ("finding_signed_off", "验收销号"),
    ("task_assigned", "任务交办"),
    ("entry_corrected", "台账更正"),
    ("risk_submitted", "风险点待审核"),
    ("risk_returned", "风险点被退回"),
    ("risk_accepted", "风险点已确认"),
    ("risk_raised", "风险等级提升"),
    ("makeup_due", "待补学"),
    ("pre_talk_due", "任前廉政谈话待开展"),
    ("talk_follow_up", "谈话后续事项到期"),
    ("decision_checks_failed", "三重一大检查未通过"),
    ("decision_unrecorded", "大额支出无集体决策"),
    ("family_event_flagged", "婚丧喜庆提示"),
    ("personal_report_due", "个人有关事项待报告"),
    ("personal_report_overdue", "个人有关事项逾期未报"),
    ("family_actual_due", "婚丧喜庆待报告实际情况"),
    ("family_gifts_overdue", "礼金礼品逾期未上交"),
    ("interference_recorded", "插手干预记录"),
    ("request_unanswered", "请示逾期未答复"),
    ("budget_warning", "三公经费预警"),
    ("supervision_opened", "督办通知"),
    ("supervision_answered", "督办已反馈"),
    ("supervision_closed", "督办已办结"),
    ("supervision_due_soon", "督办临期"),
    ("supervision_overdue", "督办逾期未反馈"),
    ("reception_checks_failed", "公务接待检查未通过"),
    ("assessment_published", "考核结果发布"),
    ("record_voided", "记录作废"),
    ("record_restored", "作废记录恢复"),
    ("clue_due_soon", "问题线索临期"),
    ("clue_overdue", "问题线索逾期"),
];

/// The Chinese label of a kind (the key itself when unknown).
pub fn kind_label(kind: &str) -> &str {
    KINDS.iter().find(|(k, _)| *k == kind).map(|(_, l)| *l).unwrap_or(kind)
}

/// The Chinese label of a level.
pub fn level_label(level: &str) -> &str {
    match level {
        LEVEL_RED => "红色（已逾期）",
        LEVEL_YELLOW => "黄色（临期）",
        LEVEL_INFO => "待办理",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_have_labels() {
        assert_eq!(kind_label("task_overdue"), "任务逾期");
        assert_eq!(kind_label("other"), "other");
    }
}
