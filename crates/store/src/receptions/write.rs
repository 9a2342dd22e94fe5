//! Saving receptions (their checks evaluated against the local settings on every save, the
//! failed rules kept on the reception and the 纪检组 told of newly failing ones) and turning a
//! failed check into a finding.

use chrono::{DateTime, Utc};
use qingfeng_domain::access::Permission;
use qingfeng_domain::decisions::format_amount;
use qingfeng_domain::findings::FindingDraft;
use qingfeng_domain::receptions::{checks, ReceptionDraft, ReceptionSettings};
use serde_json::{json, Value};

use super::read::{settings_in, Reception};
use crate::findings::CheckLink;
use crate::notify::{self, Event};
use crate::{args, audit, Actor, Db, StoreError, StoreResult, Tx};

fn failed_rules(d: &ReceptionDraft, s: &ReceptionSettings) -> Vec<String> {
    checks(d, s).into_iter().filter(|c| !c.ok).map(|c| c.rule).collect()
}

fn yes(b: bool) -> &'static str {
    if b {
        "有"
    } else {
        "无"
    }
}

/// The record for the audit trail, in words: guests and meals as sentences, amounts in 元.
fn draft_json(d: &ReceptionDraft) -> Value {
    let guests: Vec<String> = d.guests.iter().map(|g| format!("{} {} {}", g.unit, g.name, g.post)).collect();
    let meals: Vec<String> = d
        .meals
        .iter()
        .map(|m| {
            format!(
                "{} {}：接待对象{}人，陪餐{}人，{}元，{}饮酒，{}烟酒，{}{}",
                m.date,
                m.kind.label(),
                m.guests,
                m.accompanying,
                format_amount(m.cost_cents),
                if m.alcohol { "" } else { "未" },
                if m.premium { "有" } else { "无" },
                m.venue_kind.map_or("", |v| v.label()),
                m.venue
            )
        })
        .collect();
    json!({
        "unit_id": d.unit_id, "公函": if d.has_letter() { format!("{}（{}）", d.letter_ref, d.letter_unit) } else { "无公函".into() },
        "letter_date": d.letter_date, "guest_city": d.guest_city, "guest_count": d.guest_count, "guests": guests,
        "purpose": d.purpose, "dates": format!("{} 至 {}", d.starts_on, d.ends_on), "venues": d.venues,
        "meals": meals,
        "住宿": format!("{}（{}元）", d.accommodation, format_amount(d.accommodation_cents)),
        "交通": format!("{}（{}元）", d.transport, format_amount(d.transport_cents)),
        "审签人": d.list_signed_by,
        "报销凭证": format!("票据{}，公函{}，清单{}，事前审批单{}", yes(d.has_invoice), yes(d.has_letter_copy), yes(d.has_list), yes(d.has_approval)),
        "合计（元）": format_amount(d.total_cents()),
    })
}

async fn check_unit(tx: &mut Tx, d: &ReceptionDraft) -> StoreResult<String> {
    let unit: Option<(String,)> = tx.fetch_optional("SELECT name FROM units WHERE id = $1", args![d.unit_id]).await?;
    unit.map(|u| u.0).ok_or_else(|| StoreError::field("unit_id", format!("单位（编号 {}）不存在", d.unit_id)))
}

fn record_args(d: &ReceptionDraft, failed: &[String]) -> Vec<crate::Arg> {
    args![
        d.unit_id,
        d.letter_ref.clone(),
        d.letter_date,
        d.letter_unit.clone(),
        d.guest_city.clone(),
        d.guest_count,
        d.purpose.clone(),
        d.starts_on,
        d.ends_on,
        d.venues.clone(),
        d.accommodation.clone(),
        d.accommodation_cents,
        d.transport.clone(),
        d.transport_cents,
        d.list_signed_by.clone(),
        d.has_invoice,
        d.has_letter_copy,
        d.has_list,
        d.has_approval,
        d.total_cents(),
        failed.join(",")
    ]
}

/// The guests and meals of a reception (replacing what it had).
async fn write_parts(tx: &mut Tx, id: i64, d: &ReceptionDraft) -> StoreResult<()> {
    for table in ["reception_guests", "reception_meals"] {
        tx.execute(&format!("DELETE FROM {table} WHERE reception_id = $1"), args![id]).await?;
    }
    for (i, g) in d.guests.iter().enumerate() {
        tx.execute(
            "INSERT INTO reception_guests (reception_id, position, unit_name, name, post) VALUES ($1, $2, $3, $4, $5)",
            args![id, i as i64, g.unit.clone(), g.name.clone(), g.post.clone()],
        )
        .await?;
    }
    for (i, m) in d.meals.iter().enumerate() {
        tx.execute(
            "INSERT INTO reception_meals (reception_id, position, served_on, kind, guests, accompanying, cost_cents, \
             alcohol, premium, venue_kind, venue) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            args![
                id,
                i as i64,
                m.date,
                m.kind.key(),
                m.guests,
                m.accompanying,
                m.cost_cents,
                m.alcohol,
                m.premium,
                m.venue_kind.map_or("", |v| v.key()),
                m.venue.clone()
            ],
        )
        .await?;
    }
    Ok(())
}

/// Tells the 纪检组 over the unit of the rules that newly fail.
async fn tell_failed(
    tx: &mut Tx,
    actor: &Actor,
    id: i64,
    d: &ReceptionDraft,
    unit_name: String,
    newly: Vec<String>,
) -> StoreResult<()> {
    if newly.is_empty() {
        return Ok(());
    }
    let accounts = notify::group_accounts(tx, d.unit_id, Permission::ReceptionConvert).await?;
    let event = Event::ReceptionChecksFailed {
        reception_id: id,
        unit_name,
        letter_unit: d.letter_unit.clone(),
        starts_on: d.starts_on,
        rules: newly,
    };
    notify::tell(tx, actor, &accounts, &event).await.map(|_| ())
}

async fn insert(
    tx: &mut Tx,
    actor: &Actor,
    d: &ReceptionDraft,
    s: &ReceptionSettings,
    at: DateTime<Utc>,
) -> StoreResult<i64> {
    let unit_name = check_unit(tx, d).await?;
    let failed = failed_rules(d, s);
    let mut a = record_args(d, &failed);
    a.extend(args![actor.account_id, at]);
    let (id,): (i64,) = tx
        .fetch_one(
            "INSERT INTO receptions (unit_id, letter_ref, letter_date, letter_unit, guest_city, guest_count, purpose, \
             starts_on, ends_on, venues, accommodation, accommodation_cents, transport, transport_cents, list_signed_by, \
             has_invoice, has_letter_copy, has_list, has_approval, total_cents, failed_rules, account_id, created_at, \
             updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, \
             $20, $21, $22, $23, $23) RETURNING id",
            a,
        )
        .await?;
    write_parts(tx, id, d).await?;
    let mut diff = audit::diff(&json!({}), &draft_json(d));
    diff["failed_rules"] = json!(failed);
    audit::append(tx, actor, "create", "reception", id, &diff).await?;
    tell_failed(tx, actor, id, d, unit_name, failed).await?;
    Ok(id)
}

/// Records a reception; returns its id.
pub async fn create(db: &Db, actor: &Actor, d: &ReceptionDraft, at: DateTime<Utc>) -> StoreResult<i64> {
    let mut tx = db.begin().await?;
    let s = settings_in(&mut tx).await?;
    let id = insert(&mut tx, actor, d, &s, at).await?;
    tx.commit().await?;
    Ok(id)
}

/// Records several receptions in one transaction (an import); returns their ids.
pub async fn create_many(db: &Db, actor: &Actor, rows: &[ReceptionDraft], at: DateTime<Utc>) -> StoreResult<Vec<i64>> {
    let mut tx = db.begin().await?;
    let s = settings_in(&mut tx).await?;
    let mut ids = Vec::with_capacity(rows.len());
    for d in rows {
        ids.push(insert(&mut tx, actor, d, &s, at).await?);
    }
    tx.commit().await?;
    Ok(ids)
}

/// Changes a reception's record; `before` is the stored reception.
pub async fn update(
    db: &Db,
    actor: &Actor,
    before: &Reception,
    d: &ReceptionDraft,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    let mut tx = db.begin().await?;
    let s = settings_in(&mut tx).await?;
    let unit_name = check_unit(&mut tx, d).await?;
    let failed = failed_rules(d, &s);
    let mut a = record_args(d, &failed);
    a.extend(args![at, before.id, before.updated_at]);
    let n = tx
        .execute(
            "UPDATE receptions SET unit_id = $1, letter_ref = $2, letter_date = $3, letter_unit = $4, guest_city = $5, \
             guest_count = $6, purpose = $7, starts_on = $8, ends_on = $9, venues = $10, accommodation = $11, \
             accommodation_cents = $12, transport = $13, transport_cents = $14, list_signed_by = $15, has_invoice = $16, \
             has_letter_copy = $17, has_list = $18, has_approval = $19, total_cents = $20, failed_rules = $21, \
             updated_at = $22 WHERE id = $23 AND updated_at = $24",
            a,
        )
        .await?;
    if n != 1 {
        return Err(StoreError::Refused("接待记录已被他人修改，请刷新页面后重试".into()));
    }
    write_parts(&mut tx, before.id, d).await?;
    let old = before.draft();
    let mut diff = audit::diff(&draft_json(&old), &draft_json(d));
    let old_failed: Vec<String> = before.failed_rules.split(',').filter(|r| !r.is_empty()).map(String::from).collect();
    if old_failed != failed {
        diff["failed_rules"] = json!([old_failed, failed]);
    }
    audit::append(&mut tx, actor, "update", "reception", before.id, &diff).await?;
    let newly: Vec<String> = failed.into_iter().filter(|r| !old_failed.contains(r)).collect();
    tell_failed(&mut tx, actor, before.id, d, unit_name, newly).await?;
    tx.commit().await
}

/// Where receptions keep the findings their failed checks became.
pub(super) const LINK: CheckLink =
    CheckLink { table: "reception_findings", record_col: "reception_id", entity: "reception", what: "该接待" };

/// Records a finding for a failed check of a reception (once per reception and rule); returns
/// the finding's id.
pub async fn link_finding(
    db: &Db,
    actor: &Actor,
    reception_id: i64,
    rule: &str,
    finding: &FindingDraft,
    at: DateTime<Utc>,
) -> StoreResult<i64> {
    crate::findings::link_check(db, actor, &LINK, reception_id, rule, finding, at).await
}
