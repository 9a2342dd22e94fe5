//! Attachments of 个人有关事项 and 婚丧喜庆 reports: kept as ledger attachments are (the bytes in
//! the database, append-only, audited), readable only through the record they belong to — the
//! caller checks that the reader may open the record first.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::json;

use crate::{args, audit, Actor, Db, StoreResult, Tx};

#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PrivateFile {
    pub id: i64,
    /// `personal_report` or `family_event`
    pub record_kind: String,
    pub record_id: i64,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub created_at: DateTime<Utc>,
}

const COLS: &str =
    "SELECT id, record_kind, record_id, filename, content_type, size, created_at FROM private_attachments";

pub async fn list(db: &Db, record_kind: &str, record_id: i64) -> StoreResult<Vec<PrivateFile>> {
    db.fetch_all(
        &format!("{COLS} WHERE record_kind = $1 AND record_id = $2 ORDER BY id"),
        args![record_kind, record_id],
    )
    .await
}

/// One attachment's description (the caller then checks its record).
pub async fn meta(db: &Db, id: i64) -> StoreResult<PrivateFile> {
    db.fetch_one(&format!("{COLS} WHERE id = $1"), args![id]).await
}

pub async fn content(db: &Db, id: i64) -> StoreResult<Vec<u8>> {
    let (c,): (Vec<u8>,) = db.fetch_one("SELECT content FROM private_attachments WHERE id = $1", args![id]).await?;
    Ok(c)
}

/// Adds a file to a record; audited with its name and size.
pub async fn add(
    db: &Db,
    actor: &Actor,
    record_kind: &str,
    record_id: i64,
    filename: &str,
    content_type: &str,
    content: Vec<u8>,
) -> StoreResult<PrivateFile> {
    let mut tx = db.begin().await?;
    let id = insert_in(&mut tx, actor, record_kind, record_id, filename, content_type, content).await?;
    tx.commit().await?;
    meta(db, id).await
}

/// Adds a file to a record inside the caller's transaction (with the record itself); audited.
pub async fn insert_in(
    tx: &mut Tx,
    actor: &Actor,
    record_kind: &str,
    record_id: i64,
    filename: &str,
    content_type: &str,
    content: Vec<u8>,
) -> StoreResult<i64> {
    let size = content.len() as i64;
    let (id,): (i64,) = tx
        .fetch_one(
            "INSERT INTO private_attachments (record_kind, record_id, filename, content_type, size, content, account_id, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            args![record_kind, record_id, filename, content_type, size, content, actor.account_id, crate::now()],
        )
        .await?;
    let facts = json!({"record": record_kind, "record_id": record_id, "filename": filename, "size": size});
    audit::append(tx, actor, "create", "private_attachment", id, &facts).await?;
    Ok(id)
}
