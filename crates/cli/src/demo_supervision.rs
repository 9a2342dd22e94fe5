//! Demo 督查督办: a 上级决策部署 broken into three tasks (one done, one overdue, one under way)
//! with an answered 督办 on the overdue one, and the latest passed project or spending topic of the
//! demo meetings broken into two tasks, one led by the demo 一般干部 who has an open 督办 — so that the
//! 纪检组's page, the overdue list, 我的待办 and the reminders have content.

use chrono::{Duration, NaiveDate};
use qingfeng_domain::plans::{TaskDraft, UpdateFields};
use qingfeng_domain::supervision::{ImplementationDraft, NoteDraft, Source};
use qingfeng_store::supervision::{self, Implementation};
use qingfeng_store::{args, plans, Actor, Db, Scope};

/// (lead unit code, title, deadline in days from today, progress: days from today and words,
/// completes)
type TaskSpec = (&'static str, &'static str, i64, Option<(i64, &'static str)>, bool);

const HIGHER_TASKS: &[TaskSpec] = &[
    (
        "XWB-MSK",
        "清理规范各类会议和发文，精简会议文件 30% 以上",
        -20,
        Some((-25, "已完成会议文件清理，印发精简方案")),
        true,
    ),
    ("XWB-ZHK", "建立督查检查考核事项年度计划和备案制度", -10, Some((-30, "已起草备案制度初稿，正在征求意见")), false),
    ("XWB-DCS", "开展基层减负落实情况专项督查并形成报告", 40, Some((-3, "已制定督查方案，下周开始实地督查")), false),
];

/// Finds a unit's id by its code.
async fn unit(db: &Db, code: &str) -> anyhow::Result<Option<i64>> {
    Ok(db.fetch_optional::<(i64,)>("SELECT id FROM units WHERE code = $1", args![code]).await?.map(|r| r.0))
}

async fn add_tasks(
    db: &Db,
    actor: &Actor,
    d: &Implementation,
    specs: &[TaskSpec],
    today: NaiveDate,
    person: Option<(i64, i64)>,
) -> anyhow::Result<Vec<i64>> {
    let mut ids = Vec::new();
    for (n, (code, title, days, progress, completes)) in specs.iter().enumerate() {
        let lead = match (person, *code) {
            (Some((pid, uid)), "") => Some((uid, Some(pid))),
            _ => unit(db, code).await?.map(|u| (u, None)),
        };
        let Some((lead_unit_id, lead_person_id)) = lead else { continue };
        let draft = TaskDraft {
            plan_id: d.plan_id,
            parent_id: None,
            title: (*title).into(),
            lead_unit_id,
            lead_person_id,
            support_unit_ids: vec![],
            deadline: today + Duration::days(*days),
            business_work: String::new(),
            sort_order: n as i64,
        };
        let task = plans::create_task(db, actor, &Scope::all(), &draft).await?;
        if let Some((ago, words)) = progress {
            let f = UpdateFields {
                update_date: (today + Duration::days(*ago)).to_string(),
                text: (*words).into(),
                evidence: if *completes { "会议纪要、印发文件".into() } else { String::new() },
                completes: *completes,
                late_reason: String::new(),
            };
            plans::add_update(db, actor, task.id, &f, today).await?;
        }
        ids.push(task.id);
    }
    Ok(ids)
}

/// Records the demo decisions, their tasks and 督办; answers how many decisions.
pub async fn seed(db: &Db, today: NaiveDate) -> anyhow::Result<usize> {
    let office = Actor { username: "办公室".into(), ..Actor::system() };
    let group = Actor { username: "纪检监察组".into(), ..Actor::system() };
    let Some(root) = unit(db, "XWB").await? else { return Ok(0) };
    let all = Scope::all();
    let mut n = 0;

    let higher = ImplementationDraft {
        source: Source::Higher,
        topic_id: None,
        doc_number: "X委办发〔2026〕9号".into(),
        issuer: "中共XX县委办公室".into(),
        issued_on: today - Duration::days(60),
        title: "关于持续整治形式主义为基层减负的若干措施".into(),
        requirements:
            "精简会议文件，规范督查检查考核，严禁“指尖上的形式主义”；各单位明确牵头科室和完成时限，按月报送落实情况。"
                .into(),
        unit_id: root,
    };
    let id = supervision::create(db, &office, &all, &higher).await?;
    let d = supervision::get(db, &all, id, today).await?;
    let tasks = add_tasks(db, &office, &d, HIGHER_TASKS, today, None).await?;
    if let (Some(overdue_task), Some(zhk)) = (tasks.get(1), unit(db, "XWB-ZHK").await?) {
        let note = NoteDraft {
            implementation_id: id,
            task_id: Some(*overdue_task),
            text: "备案制度逾期未印发，请说明原因并报送推进计划。".into(),
            deadline: today - Duration::days(3),
            unit_id: zhk,
            person_id: None,
        };
        let note_id = supervision::create_note(db, &group, &note, today - Duration::days(8)).await?;
        let n = supervision::get_note(db, &all, note_id, today).await?;
        supervision::answer_note(
            db,
            &office,
            &n,
            "因需征求县直单位意见延期，已于本周完成意见汇总，计划月底前印发。",
            today - Duration::days(4),
        )
        .await?;
    }
    n += 1;

    let topic: Option<(i64, String, NaiveDate, i64)> = db
        .fetch_optional(
            "SELECT t.id, t.title, m.held_on, m.unit_id FROM decision_topics t JOIN decision_meetings m ON m.id = t.meeting_id \
             WHERE t.result = 'passed' AND t.category IN ('project', 'funds') ORDER BY m.held_on DESC, t.id DESC LIMIT 1",
            vec![],
        )
        .await?;
    let Some((topic_id, title, held_on, unit_id)) = topic else { return Ok(n) };
    let draft = ImplementationDraft {
        source: Source::Topic,
        topic_id: Some(topic_id),
        doc_number: String::new(),
        issuer: "党组会".into(),
        issued_on: held_on,
        title,
        requirements: "按会议决定抓好落实，明确责任科室和完成时限。".into(),
        unit_id,
    };
    let id = supervision::create(db, &office, &all, &draft).await?;
    let d = supervision::get(db, &all, id, today).await?;
    // the demo 一般干部 (account ganbu) leads the second task and is pressed on it
    let cadre: Option<(i64, i64)> = match crate::demo_accounts::person_sql("ganbu") {
        Some(sql) => {
            let sql = format!("SELECT id, unit_id FROM people WHERE id = ({sql})");
            db.fetch_optional(&sql, vec![]).await?
        }
        None => None,
    };
    let specs: &[TaskSpec] = &[
        ("XWB-CWS", "落实资金安排，按规定办理支付手续", 15, Some((-2, "已完成预算调整，正在办理支付")), false),
        ("", "完成项目实施方案和采购需求论证", 12, None, false),
    ];
    let tasks = add_tasks(db, &office, &d, specs, today, cadre).await?;
    if let (Some(task), Some((pid, uid))) = (tasks.get(1), cadre) {
        let note = NoteDraft {
            implementation_id: id,
            task_id: Some(*task),
            text: "实施方案尚无进展报告，请于期限前报送进度。".into(),
            deadline: today + Duration::days(3),
            unit_id: uid,
            person_id: Some(pid),
        };
        supervision::create_note(db, &group, &note, today).await?;
    }
    Ok(n + 1)
}
