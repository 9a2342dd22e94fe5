//! The append-only, keyed hash chain of the audit trail, and the chain heads published outside
//! the database.
//!
//! Each record's hash is HMAC-SHA256, under the installation's audit key ([`AuditKey`], kept
//! outside the database), over the previous record's hash and the record's own content.
//! Appending bumps the single `audit_head` row inside the caller's write transaction: on
//! PostgreSQL that row lock, and on SQLite the IMMEDIATE transaction, serialize appenders,
//! so replicas writing at once still produce one unbroken chain.
//!
//! Why a database writer cannot forge the chain: a changed, inserted or deleted record changes
//! the hash that record and every later one must carry, and computing a hash needs the key, which
//! is not in the database. A plain SHA-256 chain could simply be recomputed; an HMAC cannot be
//! without the key (HMAC-SHA256 is a pseudo-random function: outputs for new inputs cannot be
//! predicted from any number of observed ones).
//!
//! What the key alone does not stop is cutting the tail off: delete the last records and rewind
//! `audit_head` to the last remaining one, and what is left is still a valid chain. So the head
//! (last id and hash) is published regularly outside the database — a line in the append-only
//! file `audit-heads.log` in the data directory, the log, and the webhook — each line signed with
//! the key ([`PublishedHead`]). [`verify_with_heads`] then requires every published record to be
//! in the database with the published hash.
//!
//! Transition from unkeyed chains (databases of versions before migration 0005): the records
//! already written keep their plain SHA-256 hashes and still verify as such; the first start with
//! a key records in `audit_head.keyed_from` the id from which the chain is keyed, sealed by an
//! HMAC of that id ([`seal`]), so the boundary cannot be moved later to pass keyed records off as
//! unkeyed ones. The boundary is also part of every published head.

use std::io::Write;
use std::path::Path;

use chrono::{DateTime, FixedOffset, Utc};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

pub use crate::audit_key::AuditKey;
use crate::{args, Actor, Db, StoreResult, Tx};

pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";
/// The file of published heads in the data directory.
pub const HEADS_FILE: &str = "audit-heads.log";

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
    fn content(&self) -> String {
        json!([
            self.id,
            self.at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(),
            self.account_id,
            self.username,
            self.address,
            self.action,
            self.entity,
            self.entity_id,
            self.diff,
        ])
        .to_string()
    }

    /// The hash of records written before the chain was keyed: SHA-256(prev_hash ‖ content).
    pub fn unkeyed_hash(&self) -> String {
        let mut h = Sha256::new();
        h.update(self.prev_hash.as_bytes());
        h.update(self.content().as_bytes());
        hex::encode(h.finalize())
    }

    /// The hash of a keyed record: HMAC-SHA256(key, prev_hash ‖ content).
    pub fn keyed_hash(&self, key: &AuditKey) -> String {
        key.mac_hex(&[self.prev_hash.as_bytes(), self.content().as_bytes()])
    }

    fn hash_matches(&self, key: &AuditKey, keyed: bool) -> bool {
        if keyed {
            key.mac_matches(&[self.prev_hash.as_bytes(), self.content().as_bytes()], &self.hash)
        } else {
            self.unkeyed_hash() == self.hash
        }
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

/// Appends one record on its own, for an event that writes nothing else (a reminder pass).
pub async fn record(
    db: &Db,
    actor: &Actor,
    action: &str,
    entity: &str,
    entity_id: impl ToString,
    diff: &Value,
) -> StoreResult<()> {
    let mut tx = db.begin().await?;
    append(&mut tx, actor, action, entity, entity_id, diff).await?;
    tx.commit().await
}

/// Records that someone asked for a record they may not see, answered as if it did not exist
/// (the 纪检组 sees who tried).
pub async fn refused_view(db: &Db, actor: &Actor, entity: &str, entity_id: i64) -> StoreResult<()> {
    record(db, actor, "view_refused", entity, entity_id, &json!({})).await
}

/// Appends one record inside `tx`, signed with the key of the [`Db`] that began `tx`.
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
    // every record from the sealed boundary on is keyed, and `seal` puts the boundary at the
    // next id before anything is appended with a key
    rec.hash = rec.keyed_hash(tx.audit_key());
    tx.execute(
        "INSERT INTO audit_log (id, at, account_id, username, address, action, entity, entity_id, diff, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        args![rec.id, rec.at, rec.account_id, rec.username, rec.address, rec.action, rec.entity, rec.entity_id, rec.diff, rec.prev_hash, rec.hash.clone()],
    )
    .await?;
    tx.execute("UPDATE audit_head SET last_hash = $1 WHERE singleton = 1", args![rec.hash]).await?;
    Ok(())
}

/// The `audit_head` row.
#[derive(Debug, Clone, sqlx::FromRow)]
struct HeadRow {
    last_id: i64,
    last_hash: String,
    keyed_from: i64,
    keyed_from_mac: String,
}

async fn head_row(db: &Db) -> StoreResult<HeadRow> {
    db.fetch_one("SELECT last_id, last_hash, keyed_from, keyed_from_mac FROM audit_head WHERE singleton = 1", vec![])
        .await
}

fn seal_mac(key: &AuditKey, keyed_from: i64) -> String {
    key.mac_hex(&[b"qingfeng-audit-keyed-from\n", keyed_from.to_string().as_bytes()])
}

fn seal_matches(key: &AuditKey, keyed_from: i64, mac: &str) -> bool {
    key.mac_matches(&[b"qingfeng-audit-keyed-from\n", keyed_from.to_string().as_bytes()], mac)
}

/// Seals the start of the keyed chain, once per database: when no key has sealed it yet (a new
/// database, or one of a version before keyed chains), sets `keyed_from` to the id the next
/// record takes and stores the HMAC of it. The records before it stay plain SHA-256. A sealed
/// database is left as it is, even when sealed with another key ([`key_matches`] tells).
/// [`Db::connect_with_key`] calls it before anything else is written.
pub async fn seal(db: &Db) -> StoreResult<()> {
    if !head_row(db).await?.keyed_from_mac.is_empty() {
        return Ok(());
    }
    let mut tx = db.begin().await?;
    // the no-op update takes the row lock on PostgreSQL (SQLite's IMMEDIATE transaction has the
    // database), so two replicas starting at once seal it once
    let (last_id, mac): (i64, String) = tx
        .fetch_one(
            "UPDATE audit_head SET keyed_from_mac = keyed_from_mac WHERE singleton = 1 RETURNING last_id, keyed_from_mac",
            vec![],
        )
        .await?;
    if !mac.is_empty() {
        return Ok(());
    }
    let keyed_from = last_id + 1;
    let mac = seal_mac(tx.audit_key(), keyed_from);
    tx.execute(
        "UPDATE audit_head SET keyed_from = $1, keyed_from_mac = $2 WHERE singleton = 1",
        args![keyed_from, mac],
    )
    .await?;
    tx.commit().await?;
    if last_id > 0 {
        tracing::warn!(
            keyed_from,
            "audit chain: records 1..{last_id} were written without a key; the chain is keyed from record {keyed_from}"
        );
    }
    Ok(())
}

/// Whether the database was sealed with this Db's key. False means the key is not the one the
/// chain was written with (or the seal was tampered with): new records would not verify.
pub async fn key_matches(db: &Db) -> StoreResult<bool> {
    let head = head_row(db).await?;
    Ok(seal_matches(db.audit_key(), head.keyed_from, &head.keyed_from_mac))
}

/// Outcome of walking the chain.
#[derive(Debug, PartialEq, Eq)]
pub enum Verification {
    Intact {
        records: i64,
    },
    Broken {
        record_id: i64,
        reason: String,
    },
    /// The key does not open this chain: not the installation's key, or the seal of the keyed
    /// boundary was altered. Nothing after the boundary can be checked.
    WrongKey {
        reason: String,
    },
}

/// Walks the whole chain in id order and reports the first record that does not fit.
pub async fn verify(db: &Db) -> StoreResult<Verification> {
    verify_with_heads(db, &[]).await
}

/// [`verify`], and also checks the chain against heads published earlier: every published
/// record must be in the database with the published hash, so a chain whose tail was cut off and
/// whose head was rewound, or that was rewritten, fails even though it is consistent in itself.
pub async fn verify_with_heads(db: &Db, heads: &[PublishedHead]) -> StoreResult<Verification> {
    let key = db.audit_key();
    let head = head_row(db).await?;
    if !seal_matches(key, head.keyed_from, &head.keyed_from_mac) {
        return Ok(Verification::WrongKey {
            reason: format!(
                "审计密钥与本数据库不符（密钥指纹 {}）：不是写入审计链时所用的密钥，或第 {} 条起启用密钥的标记被改动",
                key.fingerprint(),
                head.keyed_from
            ),
        });
    }
    for h in heads {
        if h.keyed_from != head.keyed_from {
            return Ok(broken(
                h.keyed_from.min(head.keyed_from),
                format!(
                    "{} 发布的链头记载审计链自第 {} 条起使用密钥，数据库中却是第 {} 条：启用位置被改动",
                    h.at_text(),
                    h.keyed_from,
                    head.keyed_from
                ),
            ));
        }
    }
    let mut published: std::collections::HashMap<i64, Vec<&PublishedHead>> = Default::default();
    for h in heads.iter().filter(|h| h.last_id > 0) {
        published.entry(h.last_id).or_default().push(h);
    }
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
            if !rec.hash_matches(key, rec.id >= head.keyed_from) {
                return Ok(broken(rec.id, "记录内容与哈希不符（被修改）".into()));
            }
            for h in published.get(&rec.id).into_iter().flatten() {
                if h.last_hash != rec.hash {
                    return Ok(broken(
                        rec.id,
                        format!("哈希与 {} 发布的链头不符（该记录或它之前的记录被改写）", h.at_text()),
                    ));
                }
            }
            prev_hash = rec.hash;
            expected_id += 1;
        }
    }
    let records = expected_id - 1;
    if head.last_id != records || head.last_hash != prev_hash {
        return Ok(broken(expected_id, format!("链尾不符：应有 {} 条记录，实际 {records}", head.last_id)));
    }
    if let Some(h) = heads.iter().filter(|h| h.last_id > records).max_by_key(|h| h.last_id) {
        return Ok(broken(
            records + 1,
            format!(
                "数据库只有 {records} 条记录，但 {} 发布的链头已到第 {} 条：第 {}–{} 条记录被删除（链尾被截断）",
                h.at_text(),
                h.last_id,
                records + 1,
                h.last_id
            ),
        ));
    }
    Ok(Verification::Intact { records })
}

fn broken(record_id: i64, reason: String) -> Verification {
    Verification::Broken { record_id, reason }
}

// ------------------------------------------------------------------ published heads

/// The chain's head at one moment, as published outside the database. One line of
/// `audit-heads.log`:
///
/// `2026-12-01T08:00:00+08:00 last_id=1234 last_hash=<64 hex> keyed_from=1 mac=<64 hex>`
///
/// where `mac` is HMAC-SHA256 under the audit key of everything before ` mac=`, so a line cannot
/// be forged or altered without the key.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PublishedHead {
    pub at: DateTime<Utc>,
    pub last_id: i64,
    pub last_hash: String,
    pub keyed_from: i64,
}

const HEAD_DOMAIN: &[u8] = b"qingfeng-audit-head\n";

/// Heads are written in China Standard Time (UTC+8) whatever the office time-zone setting:
/// the line is signed, so its text must not change with a setting.
fn china(t: DateTime<Utc>) -> DateTime<FixedOffset> {
    t.with_timezone(&FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset"))
}

impl PublishedHead {
    /// The head of the chain now.
    pub async fn current(db: &Db) -> StoreResult<PublishedHead> {
        let head = head_row(db).await?;
        use chrono::SubsecRound;
        Ok(PublishedHead {
            at: Utc::now().trunc_subsecs(0),
            last_id: head.last_id,
            last_hash: head.last_hash,
            keyed_from: head.keyed_from,
        })
    }

    /// The publication time in China time, as the line has it.
    pub fn at_text(&self) -> String {
        china(self.at).to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
    }

    /// The signed line (without a line break).
    pub fn line(&self, key: &AuditKey) -> String {
        let body = format!(
            "{} last_id={} last_hash={} keyed_from={}",
            self.at_text(),
            self.last_id,
            self.last_hash,
            self.keyed_from
        );
        let mac = key.mac_hex(&[HEAD_DOMAIN, body.as_bytes()]);
        format!("{body} mac={mac}")
    }

    /// Reads a signed line; an error names what is wrong (in Chinese).
    pub fn parse_line(key: &AuditKey, line: &str) -> Result<PublishedHead, String> {
        let line = line.trim();
        let Some((body, mac)) = line.rsplit_once(" mac=") else { return Err("缺少校验码（mac=）".into()) };
        if !key.mac_matches(&[HEAD_DOMAIN, body.as_bytes()], mac.trim()) {
            return Err("校验码不符：这一行被改动过，或审计密钥不是发布时所用的密钥".into());
        }
        let mut parts = body.split_whitespace();
        let at =
            parts.next().and_then(|t| DateTime::parse_from_rfc3339(t).ok()).ok_or("时间无法识别")?.with_timezone(&Utc);
        let (mut last_id, mut last_hash, mut keyed_from) = (None, None, None);
        for p in parts {
            match p.split_once('=') {
                Some(("last_id", v)) => last_id = v.parse::<i64>().ok(),
                Some(("last_hash", v)) => last_hash = Some(v.to_string()),
                Some(("keyed_from", v)) => keyed_from = v.parse::<i64>().ok(),
                _ => return Err(format!("无法识别的字段“{p}”")),
            }
        }
        match (last_id, last_hash, keyed_from) {
            (Some(last_id), Some(last_hash), Some(keyed_from)) => {
                Ok(PublishedHead { at, last_id, last_hash, keyed_from })
            }
            _ => Err("缺少 last_id、last_hash 或 keyed_from".into()),
        }
    }
}

/// A line of a heads file that does not check out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeadsError {
    /// 1-based line number.
    pub line: usize,
    pub reason: String,
}

impl std::fmt::Display for HeadsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "第 {} 行：{}", self.line, self.reason)
    }
}

/// Every head of a heads file's text, each line checked with `key`. Blank lines and lines
/// starting with `#` are skipped; any other line that does not check out is an error, since a
/// copy that was tampered with cannot be trusted for the rest either.
pub fn parse_heads(key: &AuditKey, text: &str) -> Result<Vec<PublishedHead>, HeadsError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        out.push(PublishedHead::parse_line(key, t).map_err(|reason| HeadsError { line: i + 1, reason })?);
    }
    Ok(out)
}

/// Publishes the current head to the file `path` (appended as one line; the file and its
/// directory are created when missing) and returns it with its line. The caller also logs the
/// line and sends it on (see `qingfeng_web::jobs::audit_heads`).
pub async fn publish_head(db: &Db, path: &Path) -> Result<(PublishedHead, String), String> {
    let head = PublishedHead::current(db).await.map_err(|e| format!("无法读取审计链头：{e}"))?;
    let line = head.line(db.audit_key());
    append_line(path, &line).map_err(|e| format!("无法写入链头文件 {}：{e}", path.display()))?;
    Ok((head, line))
}

/// Appends `line` and a line break in one write to a file opened for appending only, so lines of
/// processes sharing the file never interleave.
fn append_line(path: &Path, line: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut f = std::fs::OpenOptions::new().append(true).create(true).open(path)?;
    f.write_all(format!("{line}\n").as_bytes())?;
    f.sync_data()
}

/// Filters of the 操作日志 page.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub username: Option<String>,
    /// The person who acted: the name of the person linked to the account, or a username.
    pub person: Option<String>,
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
    if let Some(p) = &f.person {
        q.and(
            "(username = ? OR account_id IN (SELECT a.id FROM accounts a JOIN people p ON p.id = a.person_id WHERE p.name = ?))",
            args![p.clone(), p.clone()],
        );
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
    let cols = "id, at, account_id, username, address, action, entity, entity_id, diff, prev_hash, hash";
    let order = crate::query::SeekOrder { keys: &["id"], desc: true };
    crate::query::fetch_seek_page(db, crate::query::ListSql { cols, from: "FROM audit_log", q, order }, paging).await
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

/// The id of the last record in the published-head row; `None` before the chain is set up.
pub async fn head_last_id(db: &Db) -> StoreResult<Option<i64>> {
    let row: Option<(i64,)> = db.fetch_optional("SELECT last_id FROM audit_head WHERE singleton = 1", vec![]).await?;
    Ok(row.map(|r| r.0))
}

/// Queues the publication of an audit head for the webhook at `url` (an outbound delivery
/// belonging to no notification, due at `now`).
pub async fn queue_head_webhook(db: &Db, url: &str, payload: &str, now: DateTime<Utc>) -> StoreResult<()> {
    db.execute(
        "INSERT INTO outbound_deliveries (notification_id, channel, target, payload, attempts, next_attempt_at, last_error, delivered_at, created_at) \
         VALUES (NULL, 'webhook', $1, $2, 0, $3, '', NULL, $3)",
        args![url, payload, now],
    )
    .await?;
    Ok(())
}

/// What the readable audit trail names: people who acted (by account), units and people named
/// in the changes, and the titles of the records acted on.
#[derive(Debug, Clone, Default)]
pub struct Names {
    /// account id → the name of its person, or its username
    pub accounts: std::collections::HashMap<i64, String>,
    pub units: std::collections::HashMap<i64, String>,
    pub people: std::collections::HashMap<i64, String>,
    /// (entity, id) → the record's title
    pub objects: std::collections::HashMap<(String, i64), String>,
}

/// The table and title column of each entity the audit trail names (constants, never input).
const OBJECT_TITLES: &[(&str, &str, &str)] = &[
    ("finding", "findings", "description"),
    ("task", "tasks", "title"),
    ("work_plan", "work_plans", "title"),
    ("person", "people", "name"),
    ("unit", "units", "name"),
    ("campaign", "campaigns", "name"),
    ("risk_point", "risk_points", "point"),
    ("ledger_entry", "ledger_entries", "content"),
    ("responsibility_item", "responsibility_items", "text"),
    ("responsibility_template", "responsibility_templates", "text"),
    ("rectification_measure", "rectification_measures", "text"),
    ("account", "accounts", "username"),
    ("warning_case", "warning_cases", "title"),
];

/// `SELECT id, <col> FROM <table> WHERE id IN (…)` over `ids`, 400 at a time.
async fn titles_of(db: &Db, table: &str, col: &str, ids: &[i64]) -> StoreResult<Vec<(i64, String)>> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let mut out = Vec::new();
    for chunk in ids.chunks(400) {
        let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let rows: Vec<(i64, String)> = db
            .fetch_all(
                &format!("SELECT id, {col} FROM {table} WHERE id IN ({})", marks.join(", ")),
                chunk.iter().map(|&i| crate::Arg::from(i)).collect(),
            )
            .await?;
        out.extend(rows);
    }
    Ok(out)
}

/// The names and titles the given ids stand for (ids that no longer exist are left out).
pub async fn names(
    db: &Db,
    accounts: &[i64],
    units: &[i64],
    people: &[i64],
    objects: &[(String, i64)],
) -> StoreResult<Names> {
    let mut n = Names::default();
    let persons: Vec<(i64, Option<String>, String)> = {
        let mut out = Vec::new();
        for chunk in accounts.chunks(400) {
            let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let rows: Vec<(i64, Option<String>, String)> = db
                .fetch_all(
                    &format!(
                        "SELECT a.id, p.name, a.username FROM accounts a LEFT JOIN people p ON p.id = a.person_id \
                         WHERE a.id IN ({})",
                        marks.join(", ")
                    ),
                    chunk.iter().map(|&i| crate::Arg::from(i)).collect(),
                )
                .await?;
            out.extend(rows);
        }
        out
    };
    n.accounts = persons.into_iter().map(|(id, name, user)| (id, name.unwrap_or(user))).collect();
    n.units = titles_of(db, "units", "name", units).await?.into_iter().collect();
    n.people = titles_of(db, "people", "name", people).await?.into_iter().collect();
    for (entity, table, col) in OBJECT_TITLES {
        let ids: Vec<i64> = objects.iter().filter(|(e, _)| e == entity).map(|(_, id)| *id).collect();
        if ids.is_empty() {
            continue;
        }
        for (id, title) in titles_of(db, table, col, &ids).await? {
            n.objects.insert((entity.to_string(), id), title);
        }
    }
    Ok(n)
}
