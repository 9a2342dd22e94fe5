//! The append-only, hash-chained audit trail.
//!
//! Each record's hash is SHA-256 over the previous record's hash and the record's own content.
//! Appending bumps the single `audit_head` row inside the caller's write transaction: on
//! PostgreSQL that row lock, and on SQLite the IMMEDIATE transaction, serialize appenders,
//! so replicas writing at once still produce one unbroken chain.

use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::{args, Actor, Db, StoreResult, Tx};

pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct AuditRecord {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub account_id: Option<i64>,
    pub username: String,
    pub address: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub diff: String,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditRecord {
    fn content_hash(&self) -> String {
        let content = json!([
            self.id,
            self.at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(),
            self.account_id,
            self.username,
            self.address,
            self.action,
            self.entity,
            self.entity_id,
            self.diff,
        ]);
        let mut h = Sha256::new();
        h.update(self.prev_hash.as_bytes());
        h.update(content.to_string().as_bytes());
        hex::encode(h.finalize())
    }
}

/// Field-level before/after diff of two JSON objects: {"field": [before, after]} for changed fields.
pub fn diff(before: &Value, after: &Value) -> Value {
    let empty = serde_json::Map::new();
    let b = before.as_object().unwrap_or(&empty);
    let a = after.as_object().unwrap_or(&empty);
    let mut out = serde_json::Map::new();
    for (k, av) in a {
        let bv = b.get(k).unwrap_or(&Value::Null);
        if bv != av {
            out.insert(k.clone(), json!([bv, av]));
        }
    }
    for (k, bv) in b {
        if !a.contains_key(k) {
            out.insert(k.clone(), json!([bv, Value::Null]));
        }
    }
    Value::Object(out)
}

/// Appends one record inside `tx`.
pub async fn append(
    tx: &mut Tx,
    actor: &Actor,
    action: &str,
    entity: &str,
    entity_id: impl ToString,
    diff: &Value,
) -> StoreResult<()> {
    let (id, prev_hash): (i64, String) = tx
        .fetch_one(
            "UPDATE audit_head SET last_id = last_id + 1 WHERE singleton = 1 RETURNING last_id, last_hash",
            vec![],
        )
        .await?;
    let mut rec = AuditRecord {
        id,
        at: crate::now(),
        account_id: actor.account_id,
        username: actor.username.clone(),
        address: actor.address.clone(),
        action: action.to_string(),
        entity: entity.to_string(),
        entity_id: entity_id.to_string(),
        diff: diff.to_string(),
        prev_hash,
        hash: String::new(),
    };
    rec.hash = rec.content_hash();
    tx.execute(
        "INSERT INTO audit_log (id, at, account_id, username, address, action, entity, entity_id, diff, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        args![rec.id, rec.at, rec.account_id, rec.username, rec.address, rec.action, rec.entity, rec.entity_id, rec.diff, rec.prev_hash, rec.hash.clone()],
    )
    .await?;
    tx.execute("UPDATE audit_head SET last_hash = $1 WHERE singleton = 1", args![rec.hash]).await?;
    Ok(())
}

/// Outcome of walking the chain.
#[derive(Debug, PartialEq, Eq)]
pub enum Verification {
    Intact { records: i64 },
    Broken { record_id: i64, reason: String },
}

/// Walks the whole chain in id order and reports the first record that does not fit.
pub async fn verify(db: &Db) -> StoreResult<Verification> {
    let mut expected_id = 1i64;
    let mut prev_hash = GENESIS_HASH.to_string();
    loop {
        let batch: Vec<AuditRecord> = db
            .fetch_all(
                "SELECT id, at, account_id, username, address, action, entity, entity_id, diff, prev_hash, hash \
                 FROM audit_log WHERE id >= $1 ORDER BY id LIMIT 5000",
                args![expected_id],
            )
            .await?;
        if batch.is_empty() {
            break;
        }
        for rec in batch {
            if rec.id != expected_id {
                return Ok(broken(expected_id, format!("缺少第 {expected_id} 条记录（下一条是第 {} 条）", rec.id)));
            }
            if rec.prev_hash != prev_hash {
                return Ok(broken(rec.id, "与上一条记录的哈希不衔接".into()));
            }
            if rec.content_hash() != rec.hash {
                return Ok(broken(rec.id, "记录内容与哈希不符（被修改）".into()));
            }
            prev_hash = rec.hash;
            expected_id += 1;
        }
    }
    let (last_id, last_hash): (i64, String) =
        db.fetch_one("SELECT last_id, last_hash FROM audit_head WHERE singleton = 1", vec![]).await?;
    if last_id != expected_id - 1 || last_hash != prev_hash {
        return Ok(broken(expected_id, format!("链尾不符：应有 {last_id} 条记录，实际 {}", expected_id - 1)));
    }
    Ok(Verification::Intact { records: expected_id - 1 })
}

fn broken(record_id: i64, reason: String) -> Verification {
    Verification::Broken { record_id, reason }
}

/// Filters of the 操作日志 page.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub username: Option<String>,
    pub entity: Option<String>,
    pub action: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

fn audit_query(f: &AuditFilter) -> crate::QueryBuilder {
    let mut q = crate::QueryBuilder::new();
    if let Some(u) = &f.username {
        q.and("username = ?", args![u.clone()]);
    }
    if let Some(e) = &f.entity {
        q.and("entity = ?", args![e.clone()]);
    }
    if let Some(a) = &f.action {
        q.and("action = ?", args![a.clone()]);
    }
    if let Some(t) = f.from {
        q.and("at >= ?", args![t]);
    }
    if let Some(t) = f.to {
        q.and("at < ?", args![t]);
    }
    q
}

/// Newest first. `paging` None returns every match (exports).
pub async fn list(db: &Db, f: &AuditFilter, paging: Option<crate::Paging>) -> StoreResult<crate::Page<AuditRecord>> {
    let q = audit_query(f);
    let from = format!("FROM audit_log{}", q.where_clause());
    let cols = "id, at, account_id, username, address, action, entity, entity_id, diff, prev_hash, hash";
    crate::query::fetch_page(db, cols, &from, "id DESC", q.args(), paging).await
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct LoginRecord {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub username: String,
    pub address: String,
    pub result: String,
}

/// 登录日志, newest first, filtered by username, address, result and time.
pub async fn logins(
    db: &Db,
    username: Option<&str>,
    result: Option<&str>,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
    paging: Option<crate::Paging>,
) -> StoreResult<crate::Page<LoginRecord>> {
    let mut q = crate::QueryBuilder::new();
    if let Some(u) = username {
        q.and("username = ?", args![u]);
    }
    if let Some(r) = result {
        q.and("result = ?", args![r]);
    }
    if let Some(t) = from {
        q.and("at >= ?", args![t]);
    }
    if let Some(t) = to {
        q.and("at < ?", args![t]);
    }
    let from = format!("FROM login_log{}", q.where_clause());
    crate::query::fetch_page(db, "id, at, username, address, result", &from, "id DESC", q.args(), paging).await
}
