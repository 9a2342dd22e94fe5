//! Evidence files of the rectification (整改佐证材料): for a measure, its progress, or the
//! request for sign-off. Append-only and audited; added only while the finding is being
//! rectified (`qingfeng_domain::findings::evidence_open`), checked inside the transaction.

use chrono::{DateTime, Utc};
use qingfeng_domain::findings::{evidence_open, EvidencePart, FindingState};
use serde::Serialize;
use serde_json::json;

use crate::{args, audit, Actor, Db, StoreError, StoreResult};

/// An evidence file without its content.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Evidence {
    pub id: i64,
    pub finding_id: i64,
    pub measure_id: Option<i64>,
    /// `measure`, `progress` or `request`
    pub part: String,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub username: String,
    /// who uploaded it: the account's person by name, else the username
    pub uploader: String,
    pub created_at: DateTime<Utc>,
}

const COLS: &str = "e.id, e.finding_id, e.measure_id, e.part, e.filename, e.content_type, e.size, e.username, \
    COALESCE(p.name, e.username) AS uploader, e.created_at \
    FROM finding_evidence e LEFT JOIN accounts a ON a.id = e.account_id LEFT JOIN people p ON p.id = a.person_id";

/// A file to add: what it supports and its content.
pub struct NewEvidence<'a> {
    pub part: EvidencePart,
    pub measure_id: Option<i64>,
    pub filename: &'a str,
    pub content_type: &'a str,
    pub content: Vec<u8>,
}

/// The evidence of a finding, oldest first.
pub async fn evidence(db: &Db, finding_id: i64) -> StoreResult<Vec<Evidence>> {
    let sql = format!("SELECT {COLS} WHERE e.finding_id = $1 ORDER BY e.id");
    db.fetch_all(&sql, args![finding_id]).await
}

/// One file with its content. The caller checks that its finding is in scope.
pub async fn evidence_file(db: &Db, id: i64) -> StoreResult<(Evidence, Vec<u8>)> {
    let meta: Evidence = db.fetch_one(&format!("SELECT {COLS} WHERE e.id = $1"), args![id]).await?;
    let (content,): (Vec<u8>,) = db.fetch_one("SELECT content FROM finding_evidence WHERE id = $1", args![id]).await?;
    Ok((meta, content))
}

/// Adds a file to finding `finding_id` (which the caller has checked is in scope).
pub async fn add_evidence(db: &Db, actor: &Actor, finding_id: i64, file: NewEvidence<'_>) -> StoreResult<Evidence> {
    let mut tx = db.begin().await?;
    let (state,): (String,) = tx.fetch_one("SELECT state FROM findings WHERE id = $1", args![finding_id]).await?;
    if !FindingState::parse(&state).is_some_and(evidence_open) {
        return Err(StoreError::Refused("问题反馈后、销号前才能上传整改佐证材料".into()));
    }
    let measure_id = match (file.part.needs_measure(), file.measure_id) {
        (false, _) => None,
        (true, None) => return Err(StoreError::field("measure_id", "请选择佐证材料对应的整改措施")),
        (true, Some(m)) => {
            let own: Option<(i64,)> = tx
                .fetch_optional(
                    "SELECT id FROM rectification_measures WHERE id = $1 AND finding_id = $2",
                    args![m, finding_id],
                )
                .await?;
            own.ok_or_else(|| StoreError::field("measure_id", "所选整改措施不属于该问题"))?;
            Some(m)
        }
    };
    let size = file.content.len() as i64;
    let (id,): (i64,) = tx
        .fetch_one(
            "INSERT INTO finding_evidence (finding_id, measure_id, part, filename, content_type, size, content, \
             account_id, username, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
            args![
                finding_id,
                measure_id,
                file.part.key(),
                file.filename,
                file.content_type,
                size,
                file.content,
                actor.account_id,
                actor.username.as_str(),
                crate::now()
            ],
        )
        .await?;
    let record = json!({"finding_id": finding_id, "measure_id": measure_id, "part": file.part.key(),
                        "filename": file.filename, "size": size});
    audit::append(&mut tx, actor, "create", "finding_evidence", id, &record).await?;
    tx.commit().await?;
    Ok(evidence_file(db, id).await?.0)
}
