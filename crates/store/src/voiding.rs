//! 作废: a record made by mistake (a ledger entry, a finding before it is fed back, a task, a
//! person entered twice) is
//! voided with a reason instead of being deleted: hidden from lists and counts, shown with a
//! filter, restorable, and every voiding and restoring is kept in `voidings` and audited.
//!
//! A record that someone else's step depends on is refused, naming the dependency: a finding
//! already fed back or with measures, a task with sub-tasks or progress reports, a person any
//! record names (their own transfer history and generated responsibility list aside). The caller
//! checks the permission and the data scope (it reads the record through its scope first).

use chrono::{DateTime, Utc};
use qingfeng_domain::voiding::Voidable;
use serde::Serialize;
use serde_json::json;

use crate::{args, audit, notify, Actor, Db, StoreError, StoreResult, Tx};

/// One voiding of a record and, once restored, its restoring.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Voiding {
    pub id: i64,
    pub reason: String,
    pub voided_by: Option<String>,
    pub voided_at: DateTime<Utc>,
    pub restored_by: Option<String>,
    pub restored_at: Option<DateTime<Utc>>,
    pub restore_reason: Option<String>,
}

/// The table that holds records of this kind.
fn table(kind: Voidable) -> &'static str {
    match kind {
        Voidable::LedgerEntry => "ledger_entries",
        Voidable::Finding => "findings",
        Voidable::Task => "tasks",
        Voidable::Person => "people",
    }
}

/// Voids a record (already read through the caller's scope) with a reason.
pub async fn void(db: &Db, actor: &Actor, kind: Voidable, id: i64, reason: &str) -> StoreResult<()> {
    let mut tx = db.begin().await?;
    let (voided,): (bool,) =
        tx.fetch_one(&format!("SELECT voided_at IS NOT NULL FROM {} WHERE id = $1", table(kind)), args![id]).await?;
    if voided {
        return Err(StoreError::Refused(format!("这条{}已作废", kind.label())));
    }
    if let Some(dependency) = dependency(&mut tx, kind, id).await? {
        return Err(StoreError::Refused(format!("不能作废：{dependency}")));
    }
    let now = crate::now();
    tx.execute(&format!("UPDATE {} SET voided_at = $1 WHERE id = $2", table(kind)), args![now, id]).await?;
    after_change(&mut tx, actor, kind, id, true).await?;
    tx.execute(
        "INSERT INTO voidings (entity, entity_id, reason, voided_by, voided_at) VALUES ($1, $2, $3, $4, $5)",
        args![kind.key(), id, reason, actor.account_id, now],
    )
    .await?;
    audit::append(&mut tx, actor, "void", kind.key(), id, &json!({ "reason": reason })).await?;
    tell_concerned(&mut tx, actor, kind, id, reason, false).await?;
    tx.commit().await
}

/// Restores a voided record: it is counted and listed again.
pub async fn restore(db: &Db, actor: &Actor, kind: Voidable, id: i64, reason: &str) -> StoreResult<()> {
    let mut tx = db.begin().await?;
    let (voided,): (bool,) =
        tx.fetch_one(&format!("SELECT voided_at IS NOT NULL FROM {} WHERE id = $1", table(kind)), args![id]).await?;
    if !voided {
        return Err(StoreError::Refused(format!("这条{}没有作废，无需恢复", kind.label())));
    }
    let now = crate::now();
    tx.execute(&format!("UPDATE {} SET voided_at = NULL WHERE id = $1", table(kind)), args![id]).await?;
    after_change(&mut tx, actor, kind, id, false).await?;
    tx.execute(
        "UPDATE voidings SET restored_by = $1, restored_at = $2, restore_reason = $3 \
         WHERE entity = $4 AND entity_id = $5 AND restored_at IS NULL",
        args![actor.account_id, now, reason, kind.key(), id],
    )
    .await?;
    audit::append(&mut tx, actor, "restore", kind.key(), id, &json!({ "reason": reason })).await?;
    tell_concerned(&mut tx, actor, kind, id, reason, true).await?;
    tx.commit().await
}

/// What follows from a record leaving or re-entering the counts: a ledger entry's credits, a
/// person's generated responsibility list (its items are deactivated while the person is void,
/// as for someone who has left, and come back on restoring).
async fn after_change(tx: &mut Tx, actor: &Actor, kind: Voidable, id: i64, voided: bool) -> StoreResult<()> {
    match kind {
        Voidable::LedgerEntry if voided => crate::ledger::uncredit(tx, id).await?,
        Voidable::LedgerEntry => crate::ledger::credit_stored(tx, id).await?,
        Voidable::Person => {
            crate::responsibility::regenerate_people(tx, actor, &[id], crate::fulfilment::this_year()).await?;
        }
        Voidable::Finding | Voidable::Task => return Ok(()),
    }
    crate::responsibility::bump_version(tx).await
}

/// Tells those a record concerns that it was voided or restored: a ledger entry's recorder and
/// participants (their items lose or regain its credit), a finding's recorder, a task's lead
/// (its responsible person, or else the heads of its lead unit), a person's own account. The
/// actor is never told of their own step.
async fn tell_concerned(
    tx: &mut Tx,
    actor: &Actor,
    kind: Voidable,
    id: i64,
    reason: &str,
    restored: bool,
) -> StoreResult<()> {
    if actor.words.is_none() {
        return Ok(());
    }
    let (what, mut accounts, people) = concerned(tx, kind, id).await?;
    accounts.extend(notify::accounts_of(tx, &people).await?);
    let event = notify::Event::RecordVoided { kind, id, what, reason: reason.to_string(), restored };
    notify::tell(tx, actor, &accounts, &event).await?;
    Ok(())
}

/// The record's own words (content, description, title or name), the accounts and the people it
/// concerns.
async fn concerned(tx: &mut Tx, kind: Voidable, id: i64) -> StoreResult<(String, Vec<i64>, Vec<i64>)> {
    Ok(match kind {
        Voidable::LedgerEntry => {
            let (content, account): (String, Option<i64>) =
                tx.fetch_one("SELECT content, account_id FROM ledger_entries WHERE id = $1", args![id]).await?;
            let people: Vec<(i64,)> =
                tx.fetch_all("SELECT person_id FROM ledger_participants WHERE entry_id = $1", args![id]).await?;
            (content, account.into_iter().collect(), people.into_iter().map(|r| r.0).collect())
        }
        Voidable::Finding => {
            let (description, account): (String, Option<i64>) =
                tx.fetch_one("SELECT description, account_id FROM findings WHERE id = $1", args![id]).await?;
            (description, account.into_iter().collect(), vec![])
        }
        Voidable::Task => {
            let (title, unit, person): (String, i64, Option<i64>) =
                tx.fetch_one("SELECT title, lead_unit_id, lead_person_id FROM tasks WHERE id = $1", args![id]).await?;
            (title, vec![], notify::person_or_heads(tx, unit, person).await?)
        }
        Voidable::Person => {
            let (name,): (String,) = tx.fetch_one("SELECT name FROM people WHERE id = $1", args![id]).await?;
            (name, vec![], vec![id])
        }
    })
}

/// Every voiding of a record, oldest first.
pub async fn history(db: &Db, kind: Voidable, id: i64) -> StoreResult<Vec<Voiding>> {
    db.fetch_all(
        "SELECT v.id, v.reason, va.username AS voided_by, v.voided_at, ra.username AS restored_by, v.restored_at, \
         v.restore_reason FROM voidings v LEFT JOIN accounts va ON va.id = v.voided_by \
         LEFT JOIN accounts ra ON ra.id = v.restored_by WHERE v.entity = $1 AND v.entity_id = $2 ORDER BY v.id",
        args![kind.key(), id],
    )
    .await
}

/// What depends on the record, in words, or None when it may be voided.
async fn dependency(tx: &mut Tx, kind: Voidable, id: i64) -> StoreResult<Option<String>> {
    Ok(match kind {
        Voidable::LedgerEntry => ledger_entry_dependency(tx, id).await?,
        Voidable::Finding => finding_dependency(tx, id).await?,
        Voidable::Task => task_dependency(tx, id).await?,
        Voidable::Person => person_dependency(tx, id).await?,
    })
}

async fn ledger_entry_dependency(tx: &mut Tx, id: i64) -> StoreResult<Option<String>> {
    let (superseded,): (bool,) = tx.fetch_one("SELECT superseded FROM ledger_entries WHERE id = $1", args![id]).await?;
    Ok(superseded.then(|| "这是已被更正的历史版本，请作废最新版本".to_string()))
}

async fn finding_dependency(tx: &mut Tx, id: i64) -> StoreResult<Option<String>> {
    let (state,): (String,) = tx.fetch_one("SELECT state FROM findings WHERE id = $1", args![id]).await?;
    if state != "recorded" {
        return Ok(Some("问题已反馈给责任单位，整改流程已经开始；反馈前登记错误的问题才能作废".into()));
    }
    let counts = [
        ("SELECT COUNT(*) FROM rectification_measures WHERE finding_id = $1", "整改措施"),
        ("SELECT COUNT(*) FROM findings WHERE recurrence_of = $1 AND voided_at IS NULL", "复发问题"),
        ("SELECT COUNT(*) FROM discipline_records WHERE finding_id = $1", "“四种形态”或处分记录"),
    ];
    count_dependencies(tx, id, &counts).await
}

async fn task_dependency(tx: &mut Tx, id: i64) -> StoreResult<Option<String>> {
    let counts = [
        ("SELECT COUNT(*) FROM tasks WHERE parent_id = $1 AND voided_at IS NULL", "未作废的子任务"),
        ("SELECT COUNT(*) FROM task_updates WHERE task_id = $1", "进展报告"),
        (
            "SELECT COUNT(*) FROM ledger_task_links l JOIN ledger_entries e ON e.id = l.entry_id \
             WHERE l.task_id = $1 AND e.superseded = FALSE AND e.voided_at IS NULL",
            "关联的台账记录",
        ),
    ];
    count_dependencies(tx, id, &counts).await
}

/// Every column that names a person, with the words for it, and the rows that count ("" for
/// all). The person's own transfer history is theirs and goes with them; their generated
/// responsibility list is deactivated with them, so only items written or edited by hand and
/// a signed pledge count. Kept complete by a test against the schema's foreign keys.
pub const PERSON_REFERENCES: &[(&str, &str, &str, &str)] = &[
    ("accounts", "person_id", "", "登录账号"),
    ("in_charge_of", "person_id", "", "分管单位"),
    ("responsibility_lists", "person_id", "pledge_date IS NOT NULL", "已签订的责任书"),
    ("responsibility_items", "person_id", "(edited = TRUE OR template_id IS NULL)", "手工填写或修改的责任清单条目"),
    ("tasks", "lead_person_id", "voided_at IS NULL", "牵头的任务"),
    ("ledger_participants", "person_id", "", "履职台账记录"),
    ("findings", "responsible_leader_id", "voided_at IS NULL", "问题（责任领导）"),
    ("findings", "responsible_person_id", "voided_at IS NULL", "问题（责任人）"),
    ("rectification_measures", "responsible_leader_id", "", "整改措施（责任领导）"),
    ("rectification_measures", "responsible_person_id", "", "整改措施（责任人）"),
    ("party_branch_members", "person_id", "to_date IS NULL", "党支部成员身份（请先在人员信息中清除所在党支部）"),
    ("party_branch_committee", "person_id", "to_date IS NULL", "支委职务"),
    ("risk_points", "head_id", "", "廉政风险点（责任人）"),
    ("risk_points", "leader_id", "", "廉政风险点（分管领导）"),
    ("risk_measures", "person_id", "", "风险防控措施"),
    ("talk_people", "person_id", "", "谈心谈话记录"),
    ("talk_follow_ups", "person_id", "", "谈话后续跟进"),
    ("study_sessions", "organiser_id", "", "组织的学习"),
    ("study_attendance", "person_id", "", "学习签到"),
    ("study_makeups", "person_id", "", "补学记录"),
    ("decision_meetings", "chair_id", "", "主持的“三重一大”会议"),
    ("decision_meetings", "recorder_id", "", "记录的“三重一大”会议"),
    ("decision_members", "person_id", "", "“三重一大”参会记录"),
    ("decision_speeches", "person_id", "", "“三重一大”发言记录"),
    ("decision_votes", "person_id", "", "“三重一大”表决记录"),
    ("decision_recusals", "person_id", "", "“三重一大”回避记录"),
    ("personal_report_marks", "person_id", "", "个人有关事项报告对象标记"),
    ("personal_reports", "person_id", "", "个人有关事项报告"),
    ("family_events", "person_id", "", "婚丧喜庆事宜报告"),
    ("major_matters", "person_id", "", "重大事项请示报告"),
    ("supervision_notes", "person_id", "", "督办记录"),
    ("discipline_records", "person_id", "", "“四种形态”或处分记录"),
    ("clues", "person_id", "", "问题线索"),
    ("petitions", "person_id", "", "信访举报"),
    ("assessment_results", "person_id", "", "考核结果"),
    ("assessment_adjustments", "person_id", "", "考核加减分"),
    ("integrity_replies", "person_id", "", "党风廉政意见回复"),
];

/// Tables whose rows about a person belong to the person record itself.
pub const PERSON_OWNED: &[&str] = &["person_transfers"];

async fn person_dependency(tx: &mut Tx, id: i64) -> StoreResult<Option<String>> {
    let counts: Vec<(String, &str)> = PERSON_REFERENCES
        .iter()
        .map(|(table, column, only, what)| {
            let only = if only.is_empty() { String::new() } else { format!(" AND {only}") };
            (format!("SELECT COUNT(*) FROM {table} WHERE {column} = $1{only}"), *what)
        })
        .collect();
    for (sql, what) in &counts {
        let (n,): (i64,) = tx.fetch_one(sql, args![id]).await?;
        if n > 0 {
            return Ok(Some(format!("已有 {n} 条{what}关联此人")));
        }
    }
    Ok(None)
}

/// The first dependency with rows, as "已有 N 条X".
async fn count_dependencies(tx: &mut Tx, id: i64, counts: &[(&str, &str)]) -> StoreResult<Option<String>> {
    for (sql, what) in counts {
        let (n,): (i64,) = tx.fetch_one(sql, args![id]).await?;
        if n > 0 {
            return Ok(Some(format!("已有 {n} 条{what}依赖这条记录")));
        }
    }
    Ok(None)
}
