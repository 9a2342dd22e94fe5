//! The flow of a risk point: proposing and editing it (while a draft or returned), submitting a
//! unit's points of a year for review, accepting or returning each, raising an occurred point's
//! level, and copying last year's register forward as this year's drafts.

use chrono::{DateTime, Months, NaiveDate, Utc};
use qingfeng_domain::access::Permission;
use qingfeng_domain::risk::{acceptance_check, occurred_since, raise_check, RiskLevel, RiskPointDraft, RiskState};
use serde_json::{json, Value};

use crate::notify::{self, Event};
use crate::{args, audit, Actor, Db, StoreError, StoreResult, Tx};

fn stale() -> StoreError {
    StoreError::Refused("风险点状态已被他人改变，请刷新页面后重试".into())
}

async fn check_person(tx: &mut Tx, field: &str, label: &str, id: Option<i64>) -> StoreResult<()> {
    if let Some(id) = id {
        let row: Option<(i64,)> = tx.fetch_optional("SELECT id FROM people WHERE id = $1", args![id]).await?;
        if row.is_none() {
            return Err(StoreError::field(field, format!("{label}（编号 {id}）不存在")));
        }
    }
    Ok(())
}

async fn check_refs(tx: &mut Tx, d: &RiskPointDraft) -> StoreResult<()> {
    let unit: Option<(i64,)> = tx.fetch_optional("SELECT id FROM units WHERE id = $1", args![d.unit_id]).await?;
    if unit.is_none() {
        return Err(StoreError::field("unit_id", format!("单位（编号 {}）不存在", d.unit_id)));
    }
    check_person(tx, "head_id", "部门负责人", d.head_id).await?;
    check_person(tx, "leader_id", "责任领导", d.leader_id).await?;
    for m in &d.measures {
        check_person(tx, "measures", "防控措施的责任人", Some(m.person_id)).await?;
    }
    Ok(())
}

fn draft_json(d: &RiskPointDraft) -> Value {
    let measures: Vec<String> = d.measures.iter().map(|m| m.text.clone()).collect();
    json!({"unit_id": d.unit_id, "year": d.year, "category": d.category.key(), "post": d.post, "power": d.power,
           "point": d.point, "manifestation": d.manifestation, "level": d.level.map(|l| l.key()).unwrap_or(""),
           "head_id": d.head_id, "leader_id": d.leader_id, "measures": measures,
           "measure_people": d.measures.iter().map(|m| m.person_id).collect::<Vec<_>>()})
}

async fn insert_measures(tx: &mut Tx, point_id: i64, d: &RiskPointDraft) -> StoreResult<()> {
    for (i, m) in d.measures.iter().enumerate() {
        tx.execute(
            "INSERT INTO risk_measures (point_id, position, text, person_id, review_on) VALUES ($1, $2, $3, $4, $5)",
            args![point_id, i as i64, m.text.clone(), m.person_id, m.review_on],
        )
        .await?;
    }
    Ok(())
}

/// Inserts a draft point with its measures inside `tx`; `carried_from` names last year's point.
pub(crate) async fn insert(
    tx: &mut Tx,
    actor: &Actor,
    d: &RiskPointDraft,
    carried_from: Option<i64>,
    at: DateTime<Utc>,
) -> StoreResult<i64> {
    check_refs(tx, d).await?;
    let (id,): (i64,) = tx
        .fetch_one(
            "INSERT INTO risk_points (unit_id, year, category, post, power, point, manifestation, level, head_id, \
             leader_id, state, carried_from, account_id, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING id",
            args![
                d.unit_id,
                i64::from(d.year),
                d.category.key(),
                d.post.clone(),
                d.power.clone(),
                d.point.clone(),
                d.manifestation.clone(),
                d.level.map(|l| l.key()).unwrap_or(""),
                d.head_id,
                d.leader_id,
                RiskState::Draft.key(),
                carried_from,
                actor.account_id,
                at
            ],
        )
        .await?;
    insert_measures(tx, id, d).await?;
    let mut diff = audit::diff(&json!({}), &draft_json(d));
    diff["state"] = json!(RiskState::Draft.key());
    if let Some(c) = carried_from {
        diff["carried_from"] = json!(c);
    }
    audit::append(tx, actor, "create", "risk_point", id, &diff).await?;
    Ok(id)
}

/// Proposes a point (a draft of its unit's register).
pub async fn create(db: &Db, actor: &Actor, d: &RiskPointDraft, at: DateTime<Utc>) -> StoreResult<i64> {
    let mut tx = db.begin().await?;
    let id = insert(&mut tx, actor, d, None, at).await?;
    tx.commit().await?;
    Ok(id)
}

/// Changes a draft or returned point (its measures are replaced); `before` is its stored draft.
pub async fn update(
    db: &Db,
    actor: &Actor,
    id: i64,
    before: &RiskPointDraft,
    d: &RiskPointDraft,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    let mut tx = db.begin().await?;
    apply_update(&mut tx, actor, id, before, d, at).await?;
    tx.commit().await
}

/// [`update`] inside `tx`.
pub(crate) async fn apply_update(
    tx: &mut Tx,
    actor: &Actor,
    id: i64,
    before: &RiskPointDraft,
    d: &RiskPointDraft,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    check_refs(tx, d).await?;
    let n = tx
        .execute(
            "UPDATE risk_points SET unit_id = $1, year = $2, category = $3, post = $4, power = $5, point = $6, \
             manifestation = $7, level = $8, head_id = $9, leader_id = $10, updated_at = $11 \
             WHERE id = $12 AND state IN ('draft', 'returned')",
            args![
                d.unit_id,
                i64::from(d.year),
                d.category.key(),
                d.post.clone(),
                d.power.clone(),
                d.point.clone(),
                d.manifestation.clone(),
                d.level.map(|l| l.key()).unwrap_or(""),
                d.head_id,
                d.leader_id,
                at,
                id
            ],
        )
        .await?;
    if n != 1 {
        return Err(StoreError::Refused("风险点已提交审核或已确认，不能再修改".into()));
    }
    tx.execute("DELETE FROM risk_measures WHERE point_id = $1", args![id]).await?;
    insert_measures(tx, id, d).await?;
    audit::append(tx, actor, "update", "risk_point", id, &audit::diff(&draft_json(before), &draft_json(d))).await
}

/// 提交审核: every draft or returned point of the unit's register of `year` goes to the
/// 纪检监察组, who are told. Returns how many were submitted.
pub async fn submit(db: &Db, actor: &Actor, unit_id: i64, year: i32, at: DateTime<Utc>) -> StoreResult<usize> {
    let mut tx = db.begin().await?;
    let ids: Vec<(i64, String)> = tx
        .fetch_all(
            "SELECT id, state FROM risk_points WHERE unit_id = $1 AND year = $2 AND state IN ('draft', 'returned') ORDER BY id",
            args![unit_id, i64::from(year)],
        )
        .await?;
    if ids.is_empty() {
        return Err(StoreError::Refused(format!("该单位 {year} 年度没有待提交审核的风险点（草稿或已退回）")));
    }
    for (id, state) in &ids {
        let n = tx
            .execute(
                "UPDATE risk_points SET state = 'submitted', submitted_at = $1, updated_at = $1 WHERE id = $2 AND state = $3",
                args![at, *id, state.clone()],
            )
            .await?;
        if n != 1 {
            return Err(stale());
        }
        audit::append(&mut tx, actor, "submit", "risk_point", id, &json!({"state": [state, "submitted"]})).await?;
    }
    let (unit_name,): (String,) = tx.fetch_one("SELECT name FROM units WHERE id = $1", args![unit_id]).await?;
    let accounts = notify::group_accounts(&mut tx, unit_id, Permission::RiskReview).await?;
    let event = Event::RiskSubmitted { unit_id, unit_name, year, count: ids.len() };
    notify::tell(&mut tx, actor, &accounts, &event).await?;
    tx.commit().await?;
    Ok(ids.len())
}

#[derive(sqlx::FromRow)]
struct Facts {
    unit_id: i64,
    unit_name: String,
    point: String,
    state: String,
    level: String,
    account_id: Option<i64>,
    measures: i64,
}

async fn facts(tx: &mut Tx, id: i64) -> StoreResult<Facts> {
    tx.fetch_optional(
        "SELECT r.unit_id, u.name AS unit_name, r.point, r.state, r.level, r.account_id, \
         (SELECT COUNT(*) FROM risk_measures m WHERE m.point_id = r.id) AS measures \
         FROM risk_points r JOIN units u ON u.id = r.unit_id WHERE r.id = $1",
        args![id],
    )
    .await?
    .ok_or(StoreError::NotFound)
}

fn must_be_submitted(f: &Facts, what: &str) -> StoreResult<()> {
    if f.state == RiskState::Submitted.key() {
        return Ok(());
    }
    let now = RiskState::from_key(&f.state).map(RiskState::label).unwrap_or("");
    Err(StoreError::Refused(format!("只有待审核的风险点可以{what}（该风险点当前为“{now}”）")))
}

async fn review(tx: &mut Tx, id: i64, to: RiskState, reason: &str, at: DateTime<Utc>) -> StoreResult<()> {
    let n = tx
        .execute(
            "UPDATE risk_points SET state = $1, return_reason = $2, reviewed_at = $3, updated_at = $3 \
             WHERE id = $4 AND state = 'submitted'",
            args![to.key(), reason, at, id],
        )
        .await?;
    if n == 1 {
        Ok(())
    } else {
        Err(stale())
    }
}

/// 确认: the 纪检监察组 accepts a submitted point into the year's register; refused, naming
/// what is missing, without a level or a control measure. The unit is told.
pub async fn accept(db: &Db, actor: &Actor, id: i64, at: DateTime<Utc>) -> StoreResult<()> {
    let mut tx = db.begin().await?;
    let f = facts(&mut tx, id).await?;
    must_be_submitted(&f, "确认")?;
    acceptance_check(RiskLevel::from_key(&f.level), f.measures.max(0) as usize).map_err(StoreError::Refused)?;
    review(&mut tx, id, RiskState::Accepted, "", at).await?;
    audit::append(&mut tx, actor, "accept", "risk_point", id, &json!({"state": [f.state, "accepted"]})).await?;
    let people = notify::unit_heads(&mut tx, f.unit_id).await?;
    let accounts = notify::accounts_of(&mut tx, &people).await?;
    let event = Event::RiskAccepted { point_id: id, unit_name: f.unit_name, point: f.point };
    notify::tell(&mut tx, actor, &accounts, &event).await?;
    tx.commit().await
}

/// 退回: back to the unit with a reason; whoever proposed the point is told.
pub async fn return_point(db: &Db, actor: &Actor, id: i64, reason: &str, at: DateTime<Utc>) -> StoreResult<()> {
    let mut tx = db.begin().await?;
    let f = facts(&mut tx, id).await?;
    must_be_submitted(&f, "退回")?;
    review(&mut tx, id, RiskState::Returned, reason, at).await?;
    audit::append(&mut tx, actor, "return", "risk_point", id, &json!({"state": [f.state, "returned"], "note": reason}))
        .await?;
    let mut accounts: Vec<i64> = f.account_id.into_iter().collect();
    if accounts.is_empty() {
        let people = notify::unit_heads(&mut tx, f.unit_id).await?;
        accounts = notify::accounts_of(&mut tx, &people).await?;
    }
    let event = Event::RiskReturned { point_id: id, unit_name: f.unit_name, point: f.point, reason: reason.into() };
    notify::tell(&mut tx, actor, &accounts, &event).await?;
    tx.commit().await
}

/// 提升等级: the 纪检监察组 raises a point that has occurred (findings in the last 12 months)
/// by one level, keeping the reason and the level it had first. The unit is told.
pub async fn raise(
    db: &Db,
    actor: &Actor,
    id: i64,
    reason: &str,
    today: NaiveDate,
    at: DateTime<Utc>,
) -> StoreResult<RiskLevel> {
    let mut tx = db.begin().await?;
    let f = facts(&mut tx, id).await?;
    let (recent,): (i64,) = tx
        .fetch_one(
            "SELECT COUNT(*) FROM findings WHERE risk_point_id = $1 AND found_on >= $2 AND voided_at IS NULL",
            args![id, occurred_since(today)],
        )
        .await?;
    let from = RiskLevel::from_key(&f.level);
    let to = raise_check(from, recent > 0).map_err(StoreError::Refused)?;
    let n = tx
        .execute(
            "UPDATE risk_points SET level = $1, raise_reason = $2, updated_at = $3, \
             raised_from = CASE WHEN raised_from = '' THEN $4 ELSE raised_from END WHERE id = $5 AND level = $4",
            args![to.key(), reason, at, f.level.clone(), id],
        )
        .await?;
    if n != 1 {
        return Err(stale());
    }
    audit::append(&mut tx, actor, "raise", "risk_point", id, &json!({"level": [f.level, to.key()], "note": reason}))
        .await?;
    let people = notify::unit_heads(&mut tx, f.unit_id).await?;
    let accounts = notify::accounts_of(&mut tx, &people).await?;
    let event = Event::RiskRaised {
        point_id: id,
        unit_name: f.unit_name,
        point: f.point,
        level: to.label().into(),
        reason: reason.into(),
    };
    notify::tell(&mut tx, actor, &accounts, &event).await?;
    tx.commit().await?;
    Ok(to)
}

#[derive(sqlx::FromRow)]
struct Carried {
    id: i64,
    category: String,
    post: String,
    power: String,
    point: String,
    manifestation: String,
    level: String,
    head_id: Option<i64>,
    leader_id: Option<i64>,
}

/// 复制上年度: last year's accepted points of the unit become this year's drafts (measures and
/// their review dates a year on). Refused when the unit already has points this year.
pub async fn carry_forward(db: &Db, actor: &Actor, unit_id: i64, year: i32, at: DateTime<Utc>) -> StoreResult<usize> {
    use qingfeng_domain::risk::{MeasureDraft, RiskCategory};
    let mut tx = db.begin().await?;
    let (existing,): (i64,) = tx
        .fetch_one("SELECT COUNT(*) FROM risk_points WHERE unit_id = $1 AND year = $2", args![unit_id, i64::from(year)])
        .await?;
    if existing > 0 {
        return Err(StoreError::Refused(format!("该单位 {year} 年度已有 {existing} 个风险点，不能再复制上年度台账")));
    }
    let old: Vec<Carried> = tx
        .fetch_all(
            "SELECT id, category, post, power, point, manifestation, level, head_id, leader_id FROM risk_points \
             WHERE unit_id = $1 AND year = $2 AND state = 'accepted' ORDER BY id",
            args![unit_id, i64::from(year - 1)],
        )
        .await?;
    if old.is_empty() {
        return Err(StoreError::Refused(format!("该单位 {} 年度没有已确认的风险点可复制", year - 1)));
    }
    for o in &old {
        let measures: Vec<(String, i64, Option<NaiveDate>)> = tx
            .fetch_all(
                "SELECT text, person_id, review_on FROM risk_measures WHERE point_id = $1 ORDER BY position, id",
                args![o.id],
            )
            .await?;
        let d = RiskPointDraft {
            unit_id,
            year,
            category: RiskCategory::from_key(&o.category).unwrap_or(RiskCategory::Post),
            post: o.post.clone(),
            power: o.power.clone(),
            point: o.point.clone(),
            manifestation: o.manifestation.clone(),
            level: RiskLevel::from_key(&o.level),
            head_id: o.head_id,
            leader_id: o.leader_id,
            measures: measures
                .into_iter()
                .map(|(text, person_id, review_on)| MeasureDraft {
                    text,
                    person_id,
                    review_on: review_on.and_then(|d| d.checked_add_months(Months::new(12))),
                })
                .collect(),
        };
        insert(&mut tx, actor, &d, Some(o.id), at).await?;
    }
    tx.commit().await?;
    Ok(old.len())
}
