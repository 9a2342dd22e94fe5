//! 考核 (同部署同考核): a round per year, computed from what the system holds ([`gather`]) and
//! scored by the pure rules of `qingfeng_domain::assessment`; assessors add or deduct points
//! with a reason; publishing freezes the results (the breakdown and the business score are
//! stored, so later changes to findings, tasks or scores do not alter a published result) and
//! tells the units' heads. Every write is audited in its own transaction.
//!
//! Other features read a person's or a unit's published results through [`for_person`] and
//! [`for_unit`] (the integrity file, the reports).

pub mod gather;
mod read;

use chrono::{DateTime, NaiveDate, Utc};
use qingfeng_domain::assessment::{score, Rules};
use serde_json::json;

use crate::imports::Written;
use crate::notify::{self, Event};
use crate::{args, audit, Actor, Db, StoreError, StoreResult, Tx};

pub use gather::RecordRef;
pub use read::{
    adjustments, business_scores, for_person, for_unit, result, results, round, rounds, Adjustment, BusinessScore,
    PublishedResult, ResultRow, Round,
};

pub const DRAFT: &str = "draft";
pub const PUBLISHED: &str = "published";

/// The rules in force: the settings of the 考核 group, defaults where unset.
pub async fn rules(db: &Db) -> StoreResult<Rules> {
    let all: std::collections::HashMap<String, String> = crate::settings::all(db).await?.into_iter().collect();
    Ok(Rules::from_settings(|k| all.get(k).cloned()))
}

/// Creates the round of a year (one per year).
pub async fn create_round(db: &Db, actor: &Actor, year: i32, title: &str) -> StoreResult<i64> {
    let mut tx = db.begin().await?;
    let taken: Option<(i64,)> =
        tx.fetch_optional("SELECT id FROM assessment_rounds WHERE year = $1", args![i64::from(year)]).await?;
    if taken.is_some() {
        return Err(StoreError::field("year", format!("{year} 年度的考核已经创建")));
    }
    let now = crate::now();
    let (id,): (i64,) = tx
        .fetch_one(
            "INSERT INTO assessment_rounds (year, title, state, account_id, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
            args![i64::from(year), title.to_string(), DRAFT, actor.account_id, now],
        )
        .await?;
    audit::append(&mut tx, actor, "create", "assessment_round", id, &json!({"年度": year, "名称": title})).await?;
    tx.commit().await?;
    Ok(id)
}

/// The round's state, locked for the write; refused once published.
async fn draft_round(tx: &mut Tx, round_id: i64) -> StoreResult<(i64, String)> {
    let row: Option<(i64, String, String)> =
        tx.fetch_optional("SELECT year, state, rules FROM assessment_rounds WHERE id = $1", args![round_id]).await?;
    match row {
        None => Err(StoreError::NotFound),
        Some((_, state, _)) if state != DRAFT => Err(StoreError::Refused("考核结果已发布，不能再计算或加减分".into())),
        Some((year, _, rules)) => Ok((year, rules)),
    }
}

fn rules_of(text: &str) -> Rules {
    serde_json::from_str(text).unwrap_or_default()
}

/// Counts and scores every unit and leader of the round's year as of `as_of` (the results of
/// an earlier computation are replaced; the adjustments stay and are added again).
pub async fn compute(db: &Db, actor: &Actor, round_id: i64, rules: &Rules, as_of: NaiveDate) -> StoreResult<usize> {
    let year: Option<(i64,)> =
        db.fetch_optional("SELECT year FROM assessment_rounds WHERE id = $1", args![round_id]).await?;
    let (year,) = year.ok_or(StoreError::NotFound)?;
    let subjects = gather::subjects(db, year as i32, as_of).await?;
    let mut tx = db.begin().await?;
    draft_round(&mut tx, round_id).await?;
    tx.execute("DELETE FROM assessment_results WHERE round_id = $1", args![round_id]).await?;
    let adjusted: Vec<(i64, Option<i64>, i64)> = tx
        .fetch_all(
            "SELECT unit_id, person_id, CAST(SUM(points) AS BIGINT) FROM assessment_adjustments WHERE round_id = $1 \
             GROUP BY unit_id, person_id",
            args![round_id],
        )
        .await?;
    let mut leaders = 0;
    for s in &subjects {
        let b = score(&s.facts, rules);
        let adj = adjusted.iter().find(|a| a.0 == s.unit_id && a.1 == s.person_id).map_or(0, |a| a.2);
        let total = b.base + adj;
        leaders += usize::from(s.person_id.is_some());
        tx.execute(
            "INSERT INTO assessment_results (round_id, subject, unit_id, person_id, facts, breakdown, base_score, \
             adjustment, total_score, grade) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            args![
                round_id,
                if s.person_id.is_some() { "leader" } else { "unit" },
                s.unit_id,
                s.person_id,
                json!({"facts": s.facts, "records": s.records}).to_string(),
                serde_json::to_string(&b).unwrap_or_default(),
                b.base,
                adj,
                total,
                rules.grade(total).key()
            ],
        )
        .await?;
    }
    let now = crate::now();
    tx.execute(
        "UPDATE assessment_rounds SET rules = $1, as_of = $2, computed_at = $3, updated_at = $3 WHERE id = $4",
        args![serde_json::to_string(rules).unwrap_or_default(), as_of, now, round_id],
    )
    .await?;
    let words = format!("计算考核得分：{} 个单位、{leaders} 名班子成员，数据截至 {as_of}", subjects.len() - leaders);
    audit::append(
        &mut tx,
        actor,
        "compute",
        "assessment_round",
        round_id,
        &json!({"说明": words, "权重": rules.weights}),
    )
    .await?;
    tx.commit().await?;
    Ok(subjects.len())
}

/// Adds a deduction (negative) or an addition to one result, with its reason, and re-totals it.
/// `points` are hundredths, checked by the caller.
pub async fn adjust(
    db: &Db,
    actor: &Actor,
    round_id: i64,
    unit_id: i64,
    person_id: Option<i64>,
    points: i64,
    reason: &str,
) -> StoreResult<i64> {
    let mut tx = db.begin().await?;
    let (_, rules) = draft_round(&mut tx, round_id).await?;
    let rules = rules_of(&rules);
    let row: Option<(i64, i64, i64)> = tx
        .fetch_optional(
            "SELECT id, base_score, adjustment FROM assessment_results WHERE round_id = $1 AND unit_id = $2 \
             AND ((person_id IS NULL AND $3 = 0) OR person_id = $3)",
            args![round_id, unit_id, person_id.unwrap_or(0)],
        )
        .await?;
    let Some((result_id, base, before)) = row else {
        let field = if person_id.is_some() { "person_id" } else { "unit_id" };
        return Err(StoreError::field(field, "本轮考核没有这个单位或班子成员的结果，请先计算得分"));
    };
    let now = crate::now();
    let (id,): (i64,) = tx
        .fetch_one(
            "INSERT INTO assessment_adjustments (round_id, unit_id, person_id, points, reason, account_id, username, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            args![
                round_id,
                unit_id,
                person_id,
                points,
                reason.to_string(),
                actor.account_id,
                actor.username.clone(),
                now
            ],
        )
        .await?;
    let (adj, total) = (before + points, base + before + points);
    tx.execute(
        "UPDATE assessment_results SET adjustment = $1, total_score = $2, grade = $3 WHERE id = $4",
        args![adj, total, rules.grade(total).key(), result_id],
    )
    .await?;
    let what = if points < 0 { "扣分" } else { "加分" };
    let words = format!("{what} {}：{reason}", qingfeng_domain::assessment::points(points.abs()));
    audit::append(
        &mut tx,
        actor,
        "adjust",
        "assessment_result",
        result_id,
        &json!({"说明": words, "考核": round_id, "单位": unit_id, "班子成员": person_id}),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Publishes a computed round: its results (with each unit's business score as it stands) are
/// frozen, and each unit's heads are told.
pub async fn publish(db: &Db, actor: &Actor, round_id: i64) -> StoreResult<usize> {
    let mut tx = db.begin().await?;
    let (year, _) = draft_round(&mut tx, round_id).await?;
    let units: Vec<(i64, String, i64, String)> = tx
        .fetch_all(
            "SELECT r.unit_id, u.name, r.total_score, r.grade FROM assessment_results r JOIN units u ON u.id = r.unit_id \
             WHERE r.round_id = $1 AND r.subject = 'unit' ORDER BY u.sort_path",
            args![round_id],
        )
        .await?;
    if units.is_empty() {
        return Err(StoreError::Refused("请先计算考核得分再发布".into()));
    }
    tx.execute(
        "UPDATE assessment_results SET business_score = (SELECT b.score FROM assessment_business_scores b \
         WHERE b.year = $1 AND b.unit_id = assessment_results.unit_id) WHERE round_id = $2 AND subject = 'unit'",
        args![year, round_id],
    )
    .await?;
    let now = crate::now();
    tx.execute(
        "UPDATE assessment_rounds SET state = $1, published_at = $2, updated_at = $2 WHERE id = $3",
        args![PUBLISHED, now, round_id],
    )
    .await?;
    audit::append(
        &mut tx,
        actor,
        "publish",
        "assessment_round",
        round_id,
        &json!({"说明": format!("发布 {year} 年度考核结果（{} 个单位），结果自此不再变动", units.len())}),
    )
    .await?;
    let mut told = 0;
    for (unit_id, unit_name, total, grade) in units {
        let heads = notify::unit_heads(&mut tx, unit_id).await?;
        let accounts = notify::accounts_of(&mut tx, &heads).await?;
        let grade = qingfeng_domain::assessment::Grade::from_key(&grade).map_or("", |g| g.label()).to_string();
        let event = Event::AssessmentPublished {
            round_id,
            year: year as i32,
            unit_id,
            unit_name,
            total: qingfeng_domain::assessment::points(total),
            grade,
        };
        told += notify::tell(&mut tx, actor, &accounts, &event).await?;
    }
    tx.commit().await?;
    Ok(told)
}

/// Enters business scores (unit, hundredths, note) of a year: new ones are added, changed ones
/// replaced, all in one transaction with one audit record each.
pub async fn set_business_scores(
    db: &Db,
    actor: &Actor,
    year: i32,
    rows: &[(i64, i64, String)],
) -> StoreResult<Written> {
    let mut tx = db.begin().await?;
    let mut w = Written { created: 0, updated: 0 };
    let now: DateTime<Utc> = crate::now();
    for (unit_id, score, note) in rows {
        let before: Option<(i64, String)> = tx
            .fetch_optional(
                "SELECT score, note FROM assessment_business_scores WHERE year = $1 AND unit_id = $2",
                args![i64::from(year), *unit_id],
            )
            .await?;
        if before.as_ref().is_some_and(|(s, n)| s == score && n == note) {
            continue;
        }
        tx.execute(
            "INSERT INTO assessment_business_scores (year, unit_id, score, note, updated_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (year, unit_id) DO UPDATE SET score = excluded.score, note = excluded.note, \
             updated_at = excluded.updated_at",
            args![i64::from(year), *unit_id, *score, note.clone(), now],
        )
        .await?;
        let shown = |h: i64| qingfeng_domain::assessment::points(h);
        let words = match &before {
            Some((s, _)) => format!("{year} 年度业务考核得分 {} → {}", shown(*s), shown(*score)),
            None => format!("{year} 年度业务考核得分 {}", shown(*score)),
        };
        audit::append(
            &mut tx,
            actor,
            if before.is_some() { "update" } else { "create" },
            "assessment_business_score",
            format!("{year}:{unit_id}"),
            &json!({"说明": words, "单位": unit_id}),
        )
        .await?;
        if before.is_some() {
            w.updated += 1;
        } else {
            w.created += 1;
        }
    }
    tx.commit().await?;
    Ok(w)
}
