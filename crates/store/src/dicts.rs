//! 字典管理: lists an office adapts, kept in `dict_entries` — 职级 (each name mapped to the level
//! the rules need) and 职务 (offered on the person form).

use qingfeng_domain::dict::Rank;
use qingfeng_domain::labels::{self, LabelRow, Labels};
use qingfeng_domain::org::RankName;
use serde::Serialize;
use serde_json::json;

use crate::{args, audit, Actor, Db, StoreError, StoreResult};

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DictEntry {
    pub value: String,
    /// for 职级: the level key (county, township, below_section, staff); "" otherwise
    pub maps_to: String,
    pub sort_order: i64,
}

pub async fn list(db: &Db, dict: &str) -> StoreResult<Vec<DictEntry>> {
    db.fetch_all(
        "SELECT value, maps_to, sort_order FROM dict_entries WHERE dict = $1 ORDER BY sort_order, value",
        args![dict],
    )
    .await
}

/// The 职级 dictionary as the person rules read it.
pub async fn rank_names(db: &Db) -> StoreResult<Vec<RankName>> {
    Ok(list(db, "rank")
        .await?
        .into_iter()
        .filter_map(|e| Rank::from_key(&e.maps_to).map(|level| RankName { name: e.value, level }))
        .collect())
}

/// How many people carry a 职级 name.
async fn rank_users(tx: &mut crate::Tx, name: &str) -> StoreResult<i64> {
    let (n,): (i64,) = tx.fetch_one("SELECT COUNT(*) FROM people WHERE rank_name = $1", args![name]).await?;
    Ok(n)
}

/// Replaces a dictionary with `entries` (already validated, in their order), audited as one
/// record naming what was added, removed and re-mapped. A 职级 that people carry may be neither
/// removed nor mapped to another level (their level would silently change).
pub async fn replace(db: &Db, actor: &Actor, dict: &str, label: &str, entries: &[DictEntry]) -> StoreResult<()> {
    let before = list(db, dict).await?;
    let mut tx = db.begin().await?;
    if dict == "rank" {
        for b in &before {
            let kept = entries.iter().find(|e| e.value == b.value);
            if kept.is_some_and(|e| e.maps_to == b.maps_to) {
                continue;
            }
            let n = rank_users(&mut tx, &b.value).await?;
            if n > 0 {
                let what = if kept.is_some() { "改变其对应层级" } else { "删除" };
                return Err(StoreError::field("entries", format!("职级“{}”已有 {n} 人使用，不能{what}", b.value)));
            }
        }
    }
    tx.execute("DELETE FROM dict_entries WHERE dict = $1", args![dict]).await?;
    for e in entries {
        tx.execute(
            "INSERT INTO dict_entries (dict, value, maps_to, sort_order) VALUES ($1, $2, $3, $4)",
            args![dict, e.value.clone(), e.maps_to.clone(), e.sort_order],
        )
        .await?;
    }
    let shown = |e: &DictEntry| match Rank::from_key(&e.maps_to) {
        Some(level) => format!("{}（{}）", e.value, level.label()),
        None => e.value.clone(),
    };
    let before_list: Vec<String> = before.iter().map(shown).collect();
    let after_list: Vec<String> = entries.iter().map(shown).collect();
    if before_list != after_list {
        audit::append(
            &mut tx,
            actor,
            "update",
            "dict",
            dict,
            &json!({"label": label, "entries": [before_list, after_list]}),
        )
        .await?;
    }
    tx.commit().await
}

/// The office's names and order of the fixed dictionaries (record types, finding categories).
pub async fn labels(db: &Db) -> StoreResult<Labels> {
    let rows: Vec<(String, String, String, i64)> =
        db.fetch_all("SELECT dict, code, label, sort_order FROM dict_labels", args![]).await?;
    Ok(Labels::new(
        &rows
            .into_iter()
            .map(|(dict, key, label, sort_order)| LabelRow { dict, key, label, sort_order })
            .collect::<Vec<_>>(),
    ))
}

/// Replaces the names and order of one fixed dictionary (rows checked by
/// `qingfeng_domain::labels::check`), audited as one record listing the names in order before
/// and after.
pub async fn save_labels(db: &Db, actor: &Actor, dict: &str, label: &str, rows: &[LabelRow]) -> StoreResult<()> {
    let shown = |l: &Labels| -> Vec<String> {
        match dict {
            labels::ENTRY_KINDS => l.kinds().iter().map(|(_, n)| n.clone()).collect(),
            _ => l.categories().iter().map(|(_, n)| n.clone()).collect(),
        }
    };
    let before = shown(&labels(db).await?);
    let mut tx = db.begin().await?;
    tx.execute("DELETE FROM dict_labels WHERE dict = $1", args![dict]).await?;
    for r in rows.iter().filter(|r| r.dict == dict) {
        tx.execute(
            "INSERT INTO dict_labels (dict, code, label, sort_order) VALUES ($1, $2, $3, $4)",
            args![dict, r.key.clone(), r.label.clone(), r.sort_order],
        )
        .await?;
    }
    let after = shown(&Labels::new(rows));
    if before != after {
        audit::append(&mut tx, actor, "update", "dict", dict, &json!({"label": label, "entries": [before, after]}))
            .await?;
    }
    tx.commit().await
}
