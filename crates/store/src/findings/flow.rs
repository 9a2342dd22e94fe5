//! The flow of a finding: recording and editing it, then the steps of the state machine —
//! feedback, measures, progress updates, sign-off requests, sign-off, return and look-back
//! (with the recurrence it may reopen).

use chrono::{DateTime, NaiveDate, Utc};
use qingfeng_domain::findings::{
    look_back_due, look_back_months, transition, Action, Category, Facts, FindingDraft, FindingState, LookBackResult,
    MeasureDraft, Origin, Severity, Source, Step, Transition, UpdateDraft, LOOK_BACK_MONTHS_SETTING,
};
use serde_json::{json, Value};

use super::cst_date;
use crate::{args, audit, Actor, Arg, Db, StoreError, StoreResult, Tx};

fn refused(r: qingfeng_domain::findings::Refusal) -> StoreError {
    StoreError::Refused(r.0)
}

#[derive(sqlx::FromRow)]
struct FlowRow {
    state: String,
    look_back_result: Option<String>,
    found_on: NaiveDate,
    measures: i64,
    open_measures: i64,
}

/// The facts of a finding as the transaction sees them.
async fn load_facts(tx: &mut Tx, id: i64) -> StoreResult<(Facts, NaiveDate)> {
    let row: FlowRow = tx
        .fetch_one(
            "SELECT f.state, f.look_back_result, f.found_on, \
             (SELECT COUNT(*) FROM rectification_measures m WHERE m.finding_id = f.id) AS measures, \
             (SELECT COUNT(*) FROM rectification_measures m WHERE m.finding_id = f.id AND m.completed_on IS NULL) AS open_measures \
             FROM findings f WHERE f.id = $1",
            args![id],
        )
        .await?;
    let facts = Facts {
        state: FindingState::from_key(&row.state).unwrap_or(FindingState::Recorded),
        measures: row.measures.max(0) as usize,
        open_measures: row.open_measures.max(0) as usize,
        look_back: row.look_back_result.as_deref().and_then(LookBackResult::from_key),
    };
    Ok((facts, row.found_on))
}

/// Asks the state machine; a refusal writes nothing.
async fn step_allowed(tx: &mut Tx, id: i64, action: Action) -> StoreResult<(Facts, Transition, NaiveDate)> {
    let (facts, found_on) = load_facts(tx, id).await?;
    let t = transition(&facts, action).map_err(refused)?;
    Ok((facts, t, found_on))
}

/// Keeps `findings.next_deadline` (the earliest deadline of the finding's open measures, what
/// the 已逾期 filter reads from the list's index) true after a measure is added or completed.
async fn refresh_next_deadline(tx: &mut Tx, finding_id: i64) -> StoreResult<()> {
    tx.execute(
        "UPDATE findings SET next_deadline = (SELECT MIN(m.deadline) FROM rectification_measures m \
         WHERE m.finding_id = $1 AND m.completed_on IS NULL) WHERE id = $1",
        args![finding_id],
    )
    .await?;
    Ok(())
}

/// Moves the state, only if nobody moved it meanwhile.
async fn move_state(tx: &mut Tx, id: i64, from: FindingState, to: FindingState, at: DateTime<Utc>) -> StoreResult<()> {
    let n = tx
        .execute(
            "UPDATE findings SET state = $1, updated_at = $2 WHERE id = $3 AND state = $4",
            args![to.key(), at, id, from.key()],
        )
        .await?;
    if n != 1 {
        return Err(StoreError::Refused("问题状态已被他人改变，请刷新页面后重试".into()));
    }
    Ok(())
}

async fn record_step(
    tx: &mut Tx,
    actor: &Actor,
    finding_id: i64,
    step: Step,
    note: &str,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO finding_steps (finding_id, step, note, account_id, username, at) VALUES ($1, $2, $3, $4, $5, $6)",
        args![finding_id, step.key(), note, actor.account_id, actor.username.clone(), at],
    )
    .await?;
    Ok(())
}

pub(super) async fn exists(tx: &mut Tx, sql: &str, id: i64) -> StoreResult<bool> {
    let row: Option<(i64,)> = tx.fetch_optional(sql, args![id]).await?;
    Ok(row.is_some())
}

async fn check_person(tx: &mut Tx, field: &str, label: &str, id: Option<i64>) -> StoreResult<()> {
    if let Some(id) = id {
        if !exists(tx, "SELECT id FROM people WHERE id = $1", id).await? {
            return Err(StoreError::field(field, format!("{label}（编号 {id}）不存在")));
        }
    }
    Ok(())
}

/// The references of a finding exist, and its unit is within the campaign's units (if any).
async fn check_refs(tx: &mut Tx, d: &FindingDraft) -> StoreResult<()> {
    let unit: Option<(String,)> = tx.fetch_optional("SELECT path FROM units WHERE id = $1", args![d.unit_id]).await?;
    let Some((unit_path,)) = unit else {
        return Err(StoreError::field("unit_id", format!("责任单位（编号 {}）不存在", d.unit_id)));
    };
    check_person(tx, "responsible_leader_id", "责任领导", d.responsible_leader_id).await?;
    check_person(tx, "responsible_person_id", "责任人", d.responsible_person_id).await?;
    if let Some(c) = d.campaign_id {
        if !exists(tx, "SELECT id FROM campaigns WHERE id = $1", c).await? {
            return Err(StoreError::field("campaign_id", format!("专项整治（编号 {c}）不存在")));
        }
        let paths: Vec<(String,)> = tx
            .fetch_all(
                "SELECT u.path FROM campaign_units cu JOIN units u ON u.id = cu.unit_id WHERE cu.campaign_id = $1",
                args![c],
            )
            .await?;
        if !paths.is_empty() && !paths.iter().any(|(p,)| unit_path.starts_with(p.as_str())) {
            return Err(StoreError::field("campaign_id", "责任单位不在该专项整治的范围内"));
        }
    }
    if let Some(r) = d.risk_point_id {
        let point: Option<(i64,)> =
            tx.fetch_optional("SELECT unit_id FROM risk_points WHERE id = $1", args![r]).await?;
        match point {
            None => return Err(StoreError::field("risk_point_id", format!("廉政风险点（编号 {r}）不存在"))),
            Some((u,)) if u != d.unit_id => {
                return Err(StoreError::field("risk_point_id", "所选廉政风险点不属于该责任单位"));
            }
            Some(_) => {}
        }
    }
    Ok(())
}

fn draft_json(d: &FindingDraft) -> Value {
    json!({"unit_id": d.unit_id, "source": d.source.key(), "category": d.category.key(), "description": d.description,
           "severity": d.severity.key(), "found_on": d.found_on, "responsible_leader_id": d.responsible_leader_id,
           "responsible_person_id": d.responsible_person_id, "campaign_id": d.campaign_id,
           "risk_point_id": d.risk_point_id})
}

/// Inserts a finding (in its initial state) with its first step, inside `tx`.
pub async fn insert(
    tx: &mut Tx,
    actor: &Actor,
    d: &FindingDraft,
    origin: Origin,
    recurrence_of: Option<i64>,
    note: &str,
    at: DateTime<Utc>,
) -> StoreResult<i64> {
    check_refs(tx, d).await?;
    let state = FindingState::initial(origin);
    let fed_back_on = (state == FindingState::FedBack).then(|| cst_date(at));
    let (id,): (i64,) = tx
        .fetch_one(
            "INSERT INTO findings (unit_id, source, category, description, severity, found_on, responsible_leader_id, \
             responsible_person_id, campaign_id, recurrence_of, origin, state, fed_back_on, account_id, created_at, updated_at, \
             risk_point_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15, $16) RETURNING id",
            args![d.unit_id, d.source.key(), d.category.key(), d.description.clone(), d.severity.key(), d.found_on,
                  d.responsible_leader_id, d.responsible_person_id, d.campaign_id, recurrence_of, origin.key(),
                  state.key(), fed_back_on, actor.account_id, at, d.risk_point_id],
        )
        .await?;
    let step = if recurrence_of.is_some() { Step::Reopened } else { Step::Recorded };
    record_step(tx, actor, id, step, note, at).await?;
    let mut diff = audit::diff(&json!({}), &draft_json(d));
    diff["origin"] = json!(origin.key());
    diff["state"] = json!(state.key());
    if let Some(r) = recurrence_of {
        diff["recurrence_of"] = json!(r);
    }
    audit::append(tx, actor, "create", "finding", id, &diff).await?;
    Ok(id)
}

/// Records a finding: by the discipline-inspection group (origin supervision, starts recorded)
/// or by the unit itself (origin self, starts fed back).
pub async fn create(db: &Db, actor: &Actor, d: &FindingDraft, origin: Origin, at: DateTime<Utc>) -> StoreResult<i64> {
    let mut tx = db.begin().await?;
    let id = insert(&mut tx, actor, d, origin, None, "", at).await?;
    tx.commit().await?;
    Ok(id)
}

/// Changes a finding's fields inside `tx` (only while it is recorded).
pub async fn apply_update(
    tx: &mut Tx,
    actor: &Actor,
    id: i64,
    before: &FindingDraft,
    d: &FindingDraft,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    step_allowed(tx, id, Action::Edit).await?;
    check_refs(tx, d).await?;
    let n = tx
        .execute(
            "UPDATE findings SET unit_id = $1, source = $2, category = $3, description = $4, severity = $5, found_on = $6, \
             responsible_leader_id = $7, responsible_person_id = $8, campaign_id = $9, updated_at = $10, risk_point_id = $12 \
             WHERE id = $11 AND state = 'recorded'",
            args![d.unit_id, d.source.key(), d.category.key(), d.description.clone(), d.severity.key(), d.found_on,
                  d.responsible_leader_id, d.responsible_person_id, d.campaign_id, at, id, d.risk_point_id],
        )
        .await?;
    if n != 1 {
        return Err(StoreError::Refused("问题状态已被他人改变，请刷新页面后重试".into()));
    }
    let diff = audit::diff(&draft_json(before), &draft_json(d));
    let changed: Vec<&str> = diff.as_object().map(|o| o.keys().map(String::as_str).collect()).unwrap_or_default();
    record_step(tx, actor, id, Step::Edited, &format!("修改了：{}", field_names(&changed)), at).await?;
    audit::append(tx, actor, "update", "finding", id, &diff).await?;
    Ok(())
}

fn field_names(keys: &[&str]) -> String {
    let names: Vec<&str> = keys
        .iter()
        .map(|k| match *k {
            "unit_id" => "责任单位",
            "source" => "问题来源",
            "category" => "问题类别",
            "description" => "问题描述",
            "severity" => "严重程度",
            "found_on" => "发现日期",
            "responsible_leader_id" => "责任领导",
            "responsible_person_id" => "责任人",
            "campaign_id" => "专项整治",
            "risk_point_id" => "廉政风险点",
            other => other,
        })
        .collect();
    if names.is_empty() {
        "无变化".into()
    } else {
        names.join("、")
    }
}

pub async fn update(
    db: &Db,
    actor: &Actor,
    id: i64,
    before: &FindingDraft,
    d: &FindingDraft,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    let mut tx = db.begin().await?;
    apply_update(&mut tx, actor, id, before, d, at).await?;
    tx.commit().await
}

fn audit_action(a: Action) -> &'static str {
    match a {
        Action::Edit => "update",
        Action::Feedback => "feedback",
        Action::AddMeasure | Action::ReportProgress => "create",
        Action::RequestSignOff => "sign_off_request",
        Action::SignOff => "sign_off",
        Action::Return => "return",
        Action::LookBack(_) => "look_back",
    }
}

/// A simple move: check, move the state, record the step, audit.
async fn simple_step(
    db: &Db,
    actor: &Actor,
    id: i64,
    action: Action,
    note: &str,
    at: DateTime<Utc>,
    extra: Option<(&str, Vec<Arg>)>,
) -> StoreResult<Transition> {
    let mut tx = db.begin().await?;
    let (facts, t, _) = step_allowed(&mut tx, id, action).await?;
    move_state(&mut tx, id, facts.state, t.to, at).await?;
    if let Some((sql, a)) = extra {
        tx.execute(sql, a).await?;
    }
    record_step(&mut tx, actor, id, t.step, note, at).await?;
    audit::append(
        &mut tx,
        actor,
        audit_action(action),
        "finding",
        id,
        &json!({"state": [facts.state.key(), t.to.key()], "note": note}),
    )
    .await?;
    super::notices::after_step(&mut tx, actor, id, action, note).await?;
    tx.commit().await?;
    Ok(t)
}

/// 反馈: the group hands a recorded finding to the unit.
pub async fn feedback(db: &Db, actor: &Actor, id: i64, note: &str, at: DateTime<Utc>) -> StoreResult<()> {
    let extra = ("UPDATE findings SET fed_back_on = $1 WHERE id = $2", args![cst_date(at), id]);
    simple_step(db, actor, id, Action::Feedback, note, at, Some(extra)).await.map(|_| ())
}

/// 制定整改措施: adds one measure; the first one puts the finding into rectification.
pub async fn add_measure(db: &Db, actor: &Actor, id: i64, m: &MeasureDraft, at: DateTime<Utc>) -> StoreResult<i64> {
    let mut tx = db.begin().await?;
    let (facts, t, found_on) = step_allowed(&mut tx, id, Action::AddMeasure).await?;
    if m.deadline < found_on {
        return Err(StoreError::field(
            "deadline",
            format!("整改时限（{}）不能早于问题发现日期（{found_on}）", m.deadline),
        ));
    }
    check_person(&mut tx, "responsible_leader_id", "责任领导", m.responsible_leader_id).await?;
    check_person(&mut tx, "responsible_person_id", "责任人", Some(m.responsible_person_id)).await?;
    if facts.state != t.to {
        move_state(&mut tx, id, facts.state, t.to, at).await?;
    }
    let (mid,): (i64,) = tx
        .fetch_one(
            "INSERT INTO rectification_measures (finding_id, text, responsible_leader_id, responsible_person_id, deadline, \
             created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
            args![id, m.text.clone(), m.responsible_leader_id, m.responsible_person_id, m.deadline, at],
        )
        .await?;
    refresh_next_deadline(&mut tx, id).await?;
    let person: (String,) =
        tx.fetch_one("SELECT name FROM people WHERE id = $1", args![m.responsible_person_id]).await?;
    record_step(
        &mut tx,
        actor,
        id,
        t.step,
        &format!("{}（责任人：{}，整改时限：{}）", m.text, person.0, m.deadline),
        at,
    )
    .await?;
    audit::append(
        &mut tx,
        actor,
        "create",
        "rectification_measure",
        mid,
        &json!({"finding_id": id, "text": m.text, "responsible_leader_id": m.responsible_leader_id,
                "responsible_person_id": m.responsible_person_id, "deadline": m.deadline,
                "state": [facts.state.key(), t.to.key()]}),
    )
    .await?;
    tx.commit().await?;
    Ok(mid)
}

/// 报告整改进展 on a measure; an update that `completes` it closes the measure on its date.
pub async fn add_update(
    db: &Db,
    actor: &Actor,
    measure_id: i64,
    u: &UpdateDraft,
    at: DateTime<Utc>,
) -> StoreResult<i64> {
    let mut tx = db.begin().await?;
    let (finding_id, completed_on, text): (i64, Option<NaiveDate>, String) = tx
        .fetch_one("SELECT finding_id, completed_on, text FROM rectification_measures WHERE id = $1", args![measure_id])
        .await?;
    let (_, t, found_on) = step_allowed(&mut tx, finding_id, Action::ReportProgress).await?;
    if let Some(c) = completed_on {
        return Err(StoreError::Refused(format!("该整改措施已于 {c} 完成，不能再报告进展")));
    }
    if u.update_date < found_on {
        return Err(StoreError::field("update_date", format!("进展日期不能早于问题发现日期（{found_on}）")));
    }
    let (uid,): (i64,) = tx
        .fetch_one(
            "INSERT INTO rectification_updates (measure_id, update_date, text, evidence, completes, account_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            args![measure_id, u.update_date, u.text.clone(), u.evidence.clone(), u.completes, actor.account_id, at],
        )
        .await?;
    if u.completes {
        let n = tx
            .execute(
                "UPDATE rectification_measures SET completed_on = $1, updated_at = $2 WHERE id = $3 AND completed_on IS NULL",
                args![u.update_date, at, measure_id],
            )
            .await?;
        if n != 1 {
            return Err(StoreError::Refused("该整改措施已被他人标记为完成，请刷新页面".into()));
        }
        refresh_next_deadline(&mut tx, finding_id).await?;
    }
    tx.execute("UPDATE findings SET updated_at = $1 WHERE id = $2", args![at, finding_id]).await?;
    let step = if u.completes { Step::MeasureCompleted } else { t.step };
    record_step(&mut tx, actor, finding_id, step, &format!("{}：{}", text, u.text), at).await?;
    audit::append(
        &mut tx,
        actor,
        "create",
        "rectification_update",
        uid,
        &json!({"measure_id": measure_id, "finding_id": finding_id, "update_date": u.update_date, "text": u.text,
                "evidence": u.evidence, "completes": u.completes}),
    )
    .await?;
    tx.commit().await?;
    Ok(uid)
}

/// 申请验收销号 with the evidence of the rectification (every measure must be completed).
pub async fn request_sign_off(
    db: &Db,
    actor: &Actor,
    id: i64,
    evidence: &str,
    note: &str,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    let text = if note.is_empty() {
        format!("佐证材料：{evidence}")
    } else {
        format!("佐证材料：{evidence}；说明：{note}")
    };
    simple_step(db, actor, id, Action::RequestSignOff, &text, at, None).await.map(|_| ())
}

/// The look-back months setting (`finding.look_back_months`, default 6).
pub async fn look_back_setting(db: &Db) -> StoreResult<u32> {
    Ok(look_back_months(crate::settings::get(db, LOOK_BACK_MONTHS_SETTING).await?.as_deref()))
}

/// 验收销号: closes the finding and sets the look-back date N months later.
pub async fn sign_off(db: &Db, actor: &Actor, id: i64, note: &str, at: DateTime<Utc>) -> StoreResult<NaiveDate> {
    let months = look_back_setting(db).await?;
    let day = cst_date(at);
    let due = look_back_due(day, months);
    let extra = ("UPDATE findings SET signed_off_on = $1, look_back_due = $2 WHERE id = $3", args![day, due, id]);
    let text = if note.is_empty() {
        format!("{months} 个月后（{due}）回头看")
    } else {
        format!("{note}（{due} 回头看）")
    };
    simple_step(db, actor, id, Action::SignOff, &text, at, Some(extra)).await?;
    Ok(due)
}

/// 退回整改 with a reason: back to rectification.
pub async fn return_finding(db: &Db, actor: &Actor, id: i64, reason: &str, at: DateTime<Utc>) -> StoreResult<()> {
    simple_step(db, actor, id, Action::Return, reason, at, None).await.map(|_| ())
}

/// 回头看: held, or recurred — then the problem is reopened as a new finding linked to this one
/// (returned), recorded by the group and waiting for its feedback.
pub async fn look_back(
    db: &Db,
    actor: &Actor,
    id: i64,
    result: LookBackResult,
    note: &str,
    at: DateTime<Utc>,
) -> StoreResult<Option<i64>> {
    let mut tx = db.begin().await?;
    let (_, t, _) = step_allowed(&mut tx, id, Action::LookBack(result)).await?;
    let n = tx
        .execute(
            "UPDATE findings SET look_back_result = $1, updated_at = $2 WHERE id = $3 AND state = 'signed_off' \
             AND look_back_result IS NULL",
            args![result.key(), at, id],
        )
        .await?;
    if n != 1 {
        return Err(StoreError::Refused("问题状态已被他人改变，请刷新页面后重试".into()));
    }
    record_step(&mut tx, actor, id, t.step, note, at).await?;
    audit::append(&mut tx, actor, "look_back", "finding", id, &json!({"look_back_result": result.key(), "note": note}))
        .await?;
    let reopened = match result {
        LookBackResult::Held => None,
        LookBackResult::Recurred => {
            #[derive(sqlx::FromRow)]
            struct Old {
                unit_id: i64,
                source: String,
                category: String,
                description: String,
                severity: String,
                responsible_leader_id: Option<i64>,
                responsible_person_id: Option<i64>,
                campaign_id: Option<i64>,
                risk_point_id: Option<i64>,
            }
            let old: Old = tx
                .fetch_one(
                    "SELECT unit_id, source, category, description, severity, responsible_leader_id, responsible_person_id, \
                     campaign_id, risk_point_id FROM findings WHERE id = $1",
                    args![id],
                )
                .await?;
            let d = FindingDraft {
                unit_id: old.unit_id,
                source: Source::from_key(&old.source).unwrap_or(Source::Inspection),
                category: Category::from_key(&old.category).unwrap_or(Category::Conduct),
                description: old.description,
                severity: Severity::from_key(&old.severity).unwrap_or(Severity::General),
                found_on: cst_date(at),
                responsible_leader_id: old.responsible_leader_id,
                responsible_person_id: old.responsible_person_id,
                campaign_id: old.campaign_id,
                risk_point_id: old.risk_point_id,
            };
            let new_id = insert(
                &mut tx,
                actor,
                &d,
                Origin::Supervision,
                Some(id),
                &format!("问题 {id} 回头看发现反弹：{note}"),
                at,
            )
            .await?;
            Some(new_id)
        }
    };
    tx.commit().await?;
    Ok(reopened)
}
