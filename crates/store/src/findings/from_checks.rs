//! A failed rule check of a record (a 三重一大 meeting, a vehicle trip, …) turned into a finding
//! by the 纪检组: once per record and rule, the finding and its link written in one transaction
//! with the audit record. Each kind of record keeps its links in its own table.

use chrono::{DateTime, Utc};
use qingfeng_domain::findings::{FindingDraft, Origin};
use serde_json::json;

use crate::{args, audit, Actor, Db, StoreError, StoreResult};

/// Where the findings of one kind of record are linked: `table (record_col, rule, finding_id)`.
/// The names are constants of the store, never input.
#[derive(Debug, Clone, Copy)]
pub struct CheckLink {
    pub table: &'static str,
    pub record_col: &'static str,
    /// the audit entity of the record
    pub entity: &'static str,
    /// how a refusal names the record ("该会议")
    pub what: &'static str,
}

/// Records a finding for a failed check of a record (once per record and rule); returns the
/// finding's id.
pub async fn link_check(
    db: &Db,
    actor: &Actor,
    link: &CheckLink,
    record_id: i64,
    rule: &str,
    finding: &FindingDraft,
    at: DateTime<Utc>,
) -> StoreResult<i64> {
    let CheckLink { table, record_col, entity, what } = *link;
    let mut tx = db.begin().await?;
    let done: Option<(i64,)> = tx
        .fetch_optional(
            &format!("SELECT finding_id FROM {table} WHERE {record_col} = $1 AND rule = $2"),
            args![record_id, rule],
        )
        .await?;
    if let Some((fid,)) = done {
        return Err(StoreError::Refused(format!("{what}的 {rule} 问题已转为问题 #{fid}")));
    }
    let fid = crate::findings::insert(&mut tx, actor, finding, Origin::Supervision, None, "", at).await?;
    tx.execute(
        &format!("INSERT INTO {table} ({record_col}, rule, finding_id) VALUES ($1, $2, $3)"),
        args![record_id, rule, fid],
    )
    .await?;
    audit::append(&mut tx, actor, "convert", entity, record_id, &json!({"rule": rule, "finding_id": fid})).await?;
    tx.commit().await?;
    Ok(fid)
}

/// The findings a record's checks became: (rule, finding id), by rule.
pub async fn check_findings(db: &Db, link: &CheckLink, record_id: i64) -> StoreResult<Vec<(String, i64)>> {
    db.fetch_all(
        &format!("SELECT rule, finding_id FROM {} WHERE {} = $1 ORDER BY rule", link.table, link.record_col),
        args![record_id],
    )
    .await
}
