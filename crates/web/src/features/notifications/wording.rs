//! The wording and the page link of a notification: the store says what is due or what happened,
//! for whom and about which record ([`DueReminder`], [`Event`]); the Chinese title and body and
//! the page to open are written here.

use qingfeng_domain::family::EventKind;
use qingfeng_domain::responsibility::EntryKind;
use qingfeng_domain::voiding::Voidable;
use qingfeng_store::notify::{DueReminder, DueSubject, Event, Message, Reminder, Words};

/// The wording of workflow steps, handed to the store with every request's actor.
#[derive(Debug)]
pub struct Steps;

pub static STEPS: Steps = Steps;

impl Words for Steps {
    fn word(&self, by: &str, event: &Event) -> Message {
        let (title, body, link) = step_message(by, event);
        Message { title, body, link }
    }
}

/// A record voided or restored by `by`: what it was, why, and what follows for the reader.
fn voided_message(
    by: &str,
    kind: Voidable,
    id: i64,
    what: &str,
    reason: &str,
    restored: bool,
) -> (String, String, String) {
    let label = kind.label();
    let link = match kind {
        Voidable::LedgerEntry => format!("/ledger/{id}"),
        Voidable::Finding => format!("/findings/{id}"),
        Voidable::Task => format!("/tasks/{id}"),
        Voidable::Person => format!("/org/people/{id}"),
    };
    let (title, body) = if restored {
        (
            format!("{label}已恢复：{}", short(what, 30)),
            format!("{by}恢复了此前作废的{label}“{}”，它重新计入列表和统计。恢复原因：{reason}。", short(what, 60)),
        )
    } else {
        (
            format!("{label}已作废：{}", short(what, 30)),
            format!(
                "{by}作废了{label}“{}”。作废原因：{reason}。作废的记录不再计入列表和统计；如作废有误，请联系有权限的人员恢复。",
                short(what, 60)
            ),
        )
    };
    (title, body, link)
}

/// The title, body and page link of a workflow step done by `by`.
pub fn step_message(by: &str, event: &Event) -> (String, String, String) {
    match event {
        Event::FindingFedBack { finding_id, unit_name, description, note } => (
            format!("问题待整改：{}", short(description, 30)),
            format!(
                "纪检监察组（{by}）已将{unit_name}的问题 #{finding_id}“{}”反馈给你们，请制定整改措施并按期整改。{}",
                short(description, 60),
                note_part("反馈意见", note)
            ),
            format!("/findings/{finding_id}"),
        ),
        Event::SignOffRequested { finding_id, unit_name, description, note } => (
            format!("待验收销号：{unit_name}"),
            format!(
                "{unit_name}（{by}）已申请问题 #{finding_id}“{}”验收销号，请核查整改情况。{}",
                short(description, 60),
                note_part("申请内容", note)
            ),
            format!("/findings/{finding_id}"),
        ),
        Event::FindingReturned { finding_id, unit_name, description, reason } => (
            format!("问题被退回整改：{}", short(description, 30)),
            format!(
                "纪检监察组（{by}）退回了{unit_name}问题 #{finding_id}“{}”的销号申请。退回理由：{reason}。请继续整改后再申请销号。",
                short(description, 60)
            ),
            format!("/findings/{finding_id}"),
        ),
        Event::FindingSignedOff { finding_id, unit_name, description, look_back_due } => (
            format!("问题已验收销号：{}", short(description, 30)),
            format!(
                "纪检监察组（{by}）已将{unit_name}问题 #{finding_id}“{}”验收销号。{}",
                short(description, 60),
                look_back_due.map(|d| format!("纪检监察组将于 {d} 前后开展回头看。")).unwrap_or_default()
            ),
            format!("/findings/{finding_id}"),
        ),
        Event::TaskAssigned { task_id, title, deadline, unit_name, parent_title } => {
            let from = parent_title.as_ref().map(|p| format!("由上级任务“{}”分解，", short(p, 40))).unwrap_or_default();
            (
                format!("新任务：{}", short(title, 40)),
                format!("{by}交办任务“{title}”，{from}牵头单位：{unit_name}，完成期限 {deadline}。请牵头推进落实。"),
                format!("/tasks/{task_id}"),
            )
        }
        Event::RiskSubmitted { unit_id, unit_name, year, count } => (
            format!("风险点待审核：{unit_name}"),
            format!("{unit_name}（{by}）提交了 {year} 年度的 {count} 个廉政风险点，请审核：逐项确认或退回。"),
            format!("/risk?year={year}&unit={unit_id}&include_sub=false&state=submitted"),
        ),
        Event::RiskReturned { point_id, unit_name, point, reason } => (
            format!("风险点被退回：{}", short(point, 30)),
            format!("纪检监察组（{by}）退回了{unit_name}的廉政风险点“{}”。退回理由：{reason}。请修改后重新提交审核。", short(point, 60)),
            format!("/risk/{point_id}"),
        ),
        Event::RiskAccepted { point_id, unit_name, point } => (
            format!("风险点已确认：{}", short(point, 30)),
            format!("纪检监察组（{by}）已确认{unit_name}的廉政风险点“{}”，列入本年度风险防控台账。请按防控措施抓好落实。", short(point, 60)),
            format!("/risk/{point_id}"),
        ),
        Event::RiskRaised { point_id, unit_name, point, level, reason } => (
            format!("风险等级提升：{}", short(point, 30)),
            format!("纪检监察组（{by}）将{unit_name}的廉政风险点“{}”提升为{level}风险。理由：{reason}。", short(point, 60)),
            format!("/risk/{point_id}"),
        ),
        Event::ReceptionChecksFailed { reception_id, unit_name, letter_unit, starts_on, rules } => (
            format!("公务接待检查未通过：{unit_name}"),
            format!(
                "{by}登记的{unit_name} {starts_on} 公务接待（{}）未通过检查（{}），请核查，必要时转为问题。",
                if letter_unit.is_empty() { "无派出单位公函" } else { letter_unit },
                rules.join("、")
            ),
            format!("/receptions/{reception_id}#checks"),
        ),
        Event::RecordVoided { kind, id, what, reason, restored } => voided_message(by, *kind, *id, what, reason, *restored),
        Event::AssessmentPublished { round_id, year, unit_id, unit_name, total, grade } => (
            format!("{year} 年度考核结果已发布：{unit_name}"),
            format!("{by}发布了 {year} 年度考核结果：{unit_name}党建考核得分 {total}，等次“{grade}”。点开查看各项得分及其依据。"),
            format!("/assessments/{round_id}/units/{unit_id}"),
        ),
        Event::DecisionChecksFailed { meeting_id, unit_name, body, held_on, rules } => (
            format!("三重一大检查未通过：{unit_name}{body}"),
            format!(
                "{by}登记的{unit_name} {held_on} {body}记录未通过集体决策规则检查（{}），请核查，必要时转为问题。",
                rules.join("、")
            ),
            format!("/decisions/{meeting_id}#checks"),
        ),
        Event::DecisionUnrecorded { entry_id, unit_name, matter, amount } => (
            format!("无集体决策记录：{}", short(matter, 30)),
            format!(
                "{by}登记了{unit_name}的“{}”{}，达到集体决策限额或属人事任免，但没有关联集体决策记录（R-DEC-8），请核查。台账记录编号 {entry_id}。",
                short(matter, 60),
                if amount.is_empty() { String::new() } else { format!("（{amount} 元）") }
            ),
            "/decisions/register?flagged=true".to_string(),
        ),
        Event::EntryCorrected { entry_id, kind, date, reason, gained, lost } => {
            let kind = EntryKind::from_key(kind).map(EntryKind::label).unwrap_or(kind.as_str());
            let mut changes = Vec::new();
            if !gained.is_empty() {
                changes.push(format!("新计入：{}", gained.join("、")));
            }
            if !lost.is_empty() {
                changes.push(format!("不再计入：{}", lost.join("、")));
            }
            (
                format!("台账记录已更正：{kind}（{date}）"),
                format!(
                    "{by}更正了 {date} 的{kind}记录（更正原因：{reason}），您的责任事项有变化。{}。",
                    changes.join("；")
                ),
                format!("/ledger/{entry_id}"),
            )
        }
        Event::FamilyEventFlagged { event_id, person_name, kind, flags } => {
            let kind = EventKind::from_key(kind).map(EventKind::label).unwrap_or(kind.as_str());
            (
                format!("婚丧喜庆报告有提示：{person_name}"),
                format!("{person_name}的{kind}报告（{by}提交）：{}。请核查。", flags.join("；")),
                format!("/family-events/{event_id}"),
            )
        }
        Event::MakeupDue { entry_id, kind, date, topic } => {
            let kind = EntryKind::from_key(kind).map(EntryKind::label).unwrap_or(kind.as_str());
            (
                format!("待补学：{}", short(topic, 30)),
                format!("{by}登记您缺席了 {date} 的{kind}“{}”，请及时补学，补学后由组织者登记。", short(topic, 60)),
                format!("/study/{entry_id}"),
            )
        }
        Event::InterferenceRecorded { matter_id, unit_name } => (
            format!("插手干预记录：{unit_name}"),
            format!("{by}登记了一条领导干部插手干预重大事项记录（{unit_name}），请查阅并研判是否需要处置。"),
            format!("/major-matters/{matter_id}"),
        ),
        Event::BudgetWarning { unit_name, year, category, level, spent, budget, percent } => (
            format!("三公经费{level}：{unit_name}{category}"),
            format!(
                "{unit_name} {year} 年{category}经费已支出 {spent} 元，预算 {budget} 元，{}。请严格控制支出，坚持过紧日子。",
                if level.contains("超过") { "已达到或超过预算".to_string() } else { format!("已达到预算的 {percent}%") }
            ),
            format!("/budgets?year={year}"),
        ),
        Event::SupervisionOpened { note_id, title, text, deadline, unit_name } => (
            format!("督办通知：{}", short(title, 30)),
            format!(
                "纪检监察组（{by}）就“{}”向{unit_name}发出督办：{}。请于 {deadline} 前反馈落实情况。",
                short(title, 60),
                short(text, 200)
            ),
            format!("/supervision/notes/{note_id}"),
        ),
        Event::SupervisionAnswered { note_id, title, unit_name, answer } => (
            format!("督办已反馈：{unit_name}"),
            format!("{unit_name}（{by}）已反馈“{}”的督办落实情况：{}。请审核并办结。", short(title, 60), short(answer, 200)),
            format!("/supervision/notes/{note_id}"),
        ),
        Event::SupervisionClosed { note_id, title, note } => (
            format!("督办已办结：{}", short(title, 30)),
            format!("纪检监察组（{by}）已办结“{}”的督办。{}", short(title, 60), note_part("办结意见", note)),
            format!("/supervision/notes/{note_id}"),
        ),
    }
}

fn note_part(label: &str, note: &str) -> String {
    let note = note.trim();
    if note.is_empty() {
        String::new()
    } else {
        format!("{label}：{note}")
    }
}

/// The reminder with its notification's title, body and link.
pub fn reminder(r: &DueReminder) -> Reminder {
    let (title, body, link) = message(&r.subject);
    r.with_notification(title, body, link)
}

/// The title, body and page link of a reminder about `subject`.
pub fn message(subject: &DueSubject) -> (String, String, String) {
    match subject {
        DueSubject::Task { task_id, title, deadline, days_left, overdue, unit_name, person_name } => {
            let who = format!("牵头单位：{unit_name}{}", person_part(person_name));
            let link = format!("/tasks/{task_id}");
            if *overdue {
                (
                    format!("任务逾期：{}", short(title, 40)),
                    format!("任务“{title}”的完成期限是 {deadline}，至今未完成，{who}。"),
                    link,
                )
            } else {
                (
                    format!("任务临期：{}", short(title, 40)),
                    format!("任务“{title}”将于 {deadline} 到期（还有 {days_left} 天），{who}。请抓紧推进落实。"),
                    link,
                )
            }
        }
        DueSubject::Measure { finding_id, text, deadline, days_left, overdue, unit_name, person_name, .. } => {
            let who = format!("整改单位：{unit_name}{}", person_part(person_name));
            let link = format!("/findings/{finding_id}");
            if *overdue {
                (
                    format!("整改措施逾期：{}", short(text, 40)),
                    format!("整改措施“{text}”的完成期限是 {deadline}，至今未完成，{who}。"),
                    link,
                )
            } else {
                (
                    format!("整改措施临期：{}", short(text, 40)),
                    format!("整改措施“{text}”将于 {deadline} 到期（还有 {days_left} 天），{who}。请按期完成整改。"),
                    link,
                )
            }
        }
        DueSubject::LookBack { finding_id, unit_name, description, due } => (
            format!("回头看到期：{unit_name}"),
            format!("{unit_name}问题“{}”的回头看应于 {due} 开展，尚未登记回头看结果。", short(description, 60)),
            format!("/findings/{finding_id}"),
        ),
        DueSubject::PreAppointmentTalk { person_id, person_name, post, changed_on } => (
            format!("任前廉政谈话待开展：{person_name}"),
            format!(
                "{person_name}于 {changed_on} 起任{post}，尚未登记任前廉政谈话。请及时开展谈话，讲清新岗位的廉政风险和纪律要求，并在谈心谈话中登记。"
            ),
            format!("/talks/new?kind=pre_appointment&counterpart={person_id}"),
        ),
        DueSubject::RequestUnanswered { matter_id, title, addressee, submitted_on, due } => (
            format!("请示逾期未答复：{}", short(title, 30)),
            format!(
                "{submitted_on} 报送{addressee}的请示“{}”应于 {due} 前得到批复，至今未登记批复。请跟进请示办理情况，收到批复后及时登记。",
                short(title, 60)
            ),
            format!("/major-matters/{matter_id}"),
        ),
        DueSubject::TalkFollowUp { entry_id, talk_date, content, deadline, days_left, person_name } => {
            let when = if *days_left < 0 {
                format!("期限 {deadline} 已过")
            } else {
                format!("将于 {deadline} 到期（还有 {days_left} 天）")
            };
            (
                format!("谈话后续事项到期：{}", short(content, 30)),
                format!("{talk_date} 谈话的后续事项“{content}”（责任人：{person_name}）{when}，请跟进落实情况。"),
                format!("/talks/{entry_id}"),
            )
        }
        DueSubject::PersonalAnnual { person_id, person_name, year, due, days_left, overdue } => {
            if *overdue {
                (
                    format!("个人有关事项逾期未报：{person_name}"),
                    format!("{person_name}应于 {due} 前报告 {year} 年度个人有关事项，至今未报告。"),
                    format!("/personal-reports/obligations?year={year}#p{person_id}"),
                )
            } else {
                (
                    format!("请报告 {year} 年度个人有关事项"),
                    format!("{person_name}：{year} 年度个人有关事项应于 {due} 前集中报告（还有 {days_left} 天）。"),
                    "/personal-reports/new?kind=annual".to_string(),
                )
            }
        }
        DueSubject::FamilyActual { event_id, person_name, kind, event_date } => {
            let kind = EventKind::from_key(kind).map(EventKind::label).unwrap_or(kind.as_str());
            (
                format!("请报告婚丧喜庆实际情况：{kind}"),
                format!(
                    "{person_name}于 {event_date} 操办的{kind}已经结束，请报告实际人数、桌数、车辆和礼金礼品情况。"
                ),
                format!("/family-events/{event_id}"),
            )
        }
        DueSubject::FamilyGifts { event_id, person_name, kind, due } => {
            let kind = EventKind::from_key(kind).map(EventKind::label).unwrap_or(kind.as_str());
            (
                format!("礼金礼品逾期未上交：{person_name}"),
                format!(
                    "{person_name}操办{kind}收受的管理服务对象礼金礼品应于 {due} 前上交，至今未登记上交（R-FAM-4）。"
                ),
                format!("/family-events/{event_id}"),
            )
        }
        DueSubject::ClueDue { clue_id, register_no, what, due, days_left, overdue } => {
            let link = format!("/clues/{clue_id}");
            if *overdue {
                (format!("问题线索逾期：{register_no}"), format!("{register_no}的{what}期限是 {due}，已逾期，请及时办结。"), link)
            } else {
                let when = if *days_left == 0 { "今天到期".to_string() } else { format!("还有 {days_left} 天") };
                (format!("问题线索临期：{register_no}"), format!("{register_no}的{what}应于 {due} 前完成（{when}）。"), link)
            }
        }
        DueSubject::SupervisionNote { note_id, title, text, deadline, days_left, overdue, unit_name, person_name } => {
            let who = format!("督办对象：{unit_name}{}", person_part(person_name));
            let link = format!("/supervision/notes/{note_id}");
            if *overdue {
                (
                    format!("督办逾期未反馈：{}", short(title, 30)),
                    format!("“{title}”的督办（{}）反馈期限是 {deadline}，至今未反馈，{who}。", short(text, 100)),
                    link,
                )
            } else {
                let when = if *days_left == 0 { "今天到期".to_string() } else { format!("还有 {days_left} 天") };
                (
                    format!("督办临期：{}", short(title, 30)),
                    format!(
                        "“{title}”的督办（{}）应于 {deadline} 前反馈（{when}），{who}。请抓紧落实并反馈。",
                        short(text, 100)
                    ),
                    link,
                )
            }
        }
        DueSubject::Item { item_id, text, due, done, required, overdue, unit_name, person_name } => {
            let owner = match person_name {
                Some(n) => format!("{unit_name}{n}"),
                None => unit_name.clone(),
            };
            let link = format!("/responsibility/items/{item_id}");
            if *overdue {
                (
                    format!("责任事项滞后：{}", short(text, 40)),
                    format!(
                        "{owner}的责任事项“{text}”在 {due} 前应完成的次数未完成（已完成 {done}/{required}），已滞后，请尽快补齐并登记履职台账。"
                    ),
                    link,
                )
            } else {
                (
                    format!("责任事项临期：{}", short(text, 40)),
                    format!("{owner}的责任事项“{text}”将于 {due} 到期（已完成 {done}/{required}），请按时开展并登记履职台账。"),
                    link,
                )
            }
        }
    }
}

/// At most `n` characters of a text for a title.
pub(crate) fn short(text: &str, n: usize) -> String {
    let t = text.trim();
    if t.chars().count() <= n {
        t.to_string()
    } else {
        format!("{}…", t.chars().take(n).collect::<String>())
    }
}

fn person_part(name: &Option<String>) -> String {
    name.as_ref().map(|n| format!("，责任人：{n}")).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    #[test]
    fn short_cuts_on_characters() {
        assert_eq!(short("落实全面从严治党主体责任", 4), "落实全面…");
        assert_eq!(short(" 短 ", 4), "短");
    }

    #[test]
    fn task_due_soon_names_unit_and_person() {
        let deadline = NaiveDate::from_ymd_opt(2026, 3, 10).unwrap();
        let subject = DueSubject::Task {
            task_id: 7,
            title: "完善制度".into(),
            deadline,
            days_left: 3,
            overdue: false,
            unit_name: "办公室".into(),
            person_name: Some("张三".into()),
        };
        let (title, body, link) = message(&subject);
        assert_eq!(title, "任务临期：完善制度");
        assert_eq!(
            body,
            "任务“完善制度”将于 2026-03-10 到期（还有 3 天），牵头单位：办公室，责任人：张三。请抓紧推进落实。"
        );
        assert_eq!(link, "/tasks/7");
    }
}
