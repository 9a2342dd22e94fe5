//! 履职台账: entries are immutable once submitted; a correction is a new version with a reason.
//! Each current entry is credited to every item it serves: each participant's items that accept
//! its kind, the unit's own items that accept it, and items linked to it by hand.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use qingfeng_domain::ledger::EntryDraft;
use qingfeng_domain::responsibility::MEETING_RULES;
use serde::Serialize;
use serde_json::json;

use crate::query::like_contains;
use crate::responsibility::{bump_version, refresh_month_summary};
use crate::{args, audit, Actor, Arg, Db, Page, Paging, QueryBuilder, Scope, StoreError, StoreResult, Tx};

#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Entry {
    pub id: i64,
    pub entry_key: i64,
    pub version: i64,
    pub kind: String,
    /// 会议类型 key of a 会议研究 entry (党员大会 …); "" for other kinds and older meetings
    pub meeting_type: String,
    pub entry_date: NaiveDate,
    pub place: String,
    pub content: String,
    pub unit_id: i64,
    pub unit_name: String,
    #[serde(skip)]
    pub unit_path: String,
    pub reason: String,
    pub author: Option<String>,
    pub created_at: DateTime<Utc>,
    pub participant_count: i64,
    /// a later version exists: this one is history
    pub superseded: bool,
    /// voided (作废): hidden from lists and counts until restored
    pub voided: bool,
}

const COLS: &str =
    "e.id, e.entry_key, e.version, e.kind, e.meeting_type, e.entry_date, e.place, e.content, e.unit_id, u.name AS unit_name, \
    u.path AS unit_path, e.reason, a.username AS author, e.created_at, \
    (SELECT COUNT(*) FROM ledger_participants lp WHERE lp.entry_id = e.id) AS participant_count, \
    e.superseded, e.voided_at IS NOT NULL AS voided";
/// `LEFT JOIN units`: every entry has its unit (`unit_id` NOT NULL, a foreign key), so this is
/// the inner join in effect; written so, a key query that names no unit column leaves it out
/// (`query::prune_joins`): page 2,000 by offset read 100,000 units for nothing (0.5 s warm, far
/// more cold; 6 ms without).
const FROM: &str =
    " FROM ledger_entries e LEFT JOIN units u ON u.id = e.unit_id LEFT JOIN accounts a ON a.id = e.account_id";
/// Newest first: the order of the list and of its export.
const ORDER: crate::query::SeekOrder = crate::query::SeekOrder { keys: &["e.entry_date", "e.id"], desc: true };
/// A ledger entry `e` that counts: the current version of its record, not voided (作废). Every
/// list and count of entries, here and in the talks, study and responsibility code, tests this.
pub(crate) const LIVE: &str = "(e.superseded = FALSE AND e.voided_at IS NULL)";
const SELF_COND: &str = "e.id IN (SELECT entry_id FROM ledger_participants WHERE person_id = ?)";

#[derive(Debug, Clone, Default)]
pub struct EntryFilter {
    pub year: Option<i64>,
    pub unit_id: Option<i64>,
    pub include_sub: bool,
    pub person_id: Option<i64>,
    pub kind: Option<String>,
    pub item_id: Option<i64>,
    pub task_id: Option<i64>,
    /// entries that used this 典型案例
    pub case_id: Option<i64>,
    pub q: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// live (the default), voided (作废) or both; superseded versions are never listed
    pub voided: crate::query::Voided,
}

async fn entry_query(db: &Db, scope: &Scope, f: &EntryFilter) -> StoreResult<QueryBuilder> {
    let mut q = QueryBuilder::new();
    q.and("e.superseded = FALSE", vec![]);
    f.voided.restrict(&mut q, "e.voided_at");
    scope.restrict_with(&mut q, "u.path", "u.id", Some(SELF_COND));
    if let Some(y) = f.year {
        q.and("e.entry_year = ?", args![y]);
    }
    if let Some(u) = f.unit_id {
        crate::query::restrict_to_unit(db, &mut q, "u.path", "e.unit_id", u, f.include_sub).await?;
    }
    if let Some(p) = f.person_id {
        q.and("e.id IN (SELECT entry_id FROM ledger_participants WHERE person_id = ?)", args![p]);
    }
    if let Some(k) = &f.kind {
        q.and("e.kind = ?", args![k.clone()]);
    }
    if let Some(i) = f.item_id {
        q.and("e.id IN (SELECT entry_id FROM ledger_credits WHERE item_id = ?)", args![i]);
    }
    if let Some(t) = f.task_id {
        q.and("e.id IN (SELECT entry_id FROM ledger_task_links WHERE task_id = ?)", args![t]);
    }
    if let Some(c) = f.case_id {
        q.and("e.id IN (SELECT entry_id FROM ledger_case_links WHERE case_id = ?)", args![c]);
    }
    if let Some(text) = f.q.as_deref().filter(|s| !s.is_empty()) {
        let pat = like_contains(text);
        q.and("(e.content LIKE ? ESCAPE '\\' OR e.place LIKE ? ESCAPE '\\')", args![pat.clone(), pat]);
    }
    if let Some(d) = f.from {
        q.and("e.entry_date >= ?", args![d]);
    }
    if let Some(d) = f.to {
        q.and("e.entry_date <= ?", args![d]);
    }
    Ok(q)
}

/// Current versions, newest first. `paging` None returns every match (exports).
pub async fn list(db: &Db, scope: &Scope, f: &EntryFilter, paging: Option<Paging>) -> StoreResult<Page<Entry>> {
    let q = entry_query(db, scope, f).await?;
    crate::query::fetch_seek_page(db, crate::query::ListSql { cols: COLS, from: FROM, q, order: ORDER }, paging).await
}

/// A batch of [`list`] (same order) after the row `after` names: exports read the list so.
pub async fn list_batch(
    db: &Db,
    scope: &Scope,
    f: &EntryFilter,
    after: crate::query::After,
) -> StoreResult<Vec<Entry>> {
    let q = entry_query(db, scope, f).await?;
    crate::query::fetch_batch(db, crate::query::ListSql { cols: COLS, from: FROM, q, order: ORDER }, after).await
}

/// One row of the 履职台账 export: what its sheet shows of an entry, with its participants and
/// its credited items folded into one text each (see [`unfold`]).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ExportEntry {
    pub id: i64,
    pub entry_date: NaiveDate,
    pub kind: String,
    pub meeting_type: String,
    pub unit_name: String,
    pub place: String,
    pub content: String,
    pub version: i64,
    pub author: Option<String>,
    /// participants, folded, by id
    pub people: String,
    /// credited items ("责任人或单位：事项"), folded, by id
    pub items: String,
}

/// `"id:length:name"` of each row of a subquery, concatenated in id order: names may hold any
/// character, so each carries its length (in characters, as both engines count) instead of
/// relying on a separator. [`unfold`] reads it back.
macro_rules! folded {
    ($id:expr, $name:expr, $from:expr) => {
        concat!(
            "COALESCE((SELECT string_agg(CAST(",
            $id,
            " AS TEXT) || ':' || CAST(LENGTH(",
            $name,
            ") AS TEXT) || ':' || ",
            $name,
            ", '' ORDER BY ",
            $id,
            ") ",
            $from,
            "), '')"
        )
    };
}

/// The export's columns. Folding the names makes a batch of 500 entries 500 rows instead of
/// ~2,300 (entries, participants, items): the driver hands each row across a channel, and the
/// rows, more than the database, were most of a 100,000-entry export's time.
const EXPORT_COLS: &str = concat!(
    "e.id, e.entry_date, e.kind, e.meeting_type, u.name AS unit_name, e.place, e.content, e.version, \
     a.username AS author, ",
    folded!(
        "p.id",
        "p.name",
        "FROM ledger_participants lp JOIN people p ON p.id = lp.person_id WHERE lp.entry_id = e.id"
    ),
    " AS people, ",
    folded!(
        "i.id",
        "(COALESCE(ip.name, iu.name) || '：' || i.text)",
        "FROM ledger_credits c JOIN responsibility_items i ON i.id = c.item_id \
         JOIN units iu ON iu.id = i.unit_id LEFT JOIN people ip ON ip.id = i.person_id WHERE c.entry_id = e.id"
    ),
    " AS items"
);

/// A batch of the 履职台账 export: [`list_batch`]'s entries (same filter and order) with the
/// names of their participants and items.
pub async fn export_batch(
    db: &Db,
    scope: &Scope,
    f: &EntryFilter,
    after: crate::query::After,
) -> StoreResult<Vec<ExportEntry>> {
    let q = entry_query(db, scope, f).await?;
    crate::query::fetch_batch(db, crate::query::ListSql { cols: EXPORT_COLS, from: FROM, q, order: ORDER }, after).await
}

/// The (id, name) pairs of a folded text ([`ExportEntry::people`], [`ExportEntry::items`]).
pub fn unfold(folded: &str) -> Vec<(i64, &str)> {
    let mut out = Vec::new();
    let mut rest = folded;
    while let Some((id, after_id)) = rest.split_once(':') {
        let Some((len, text)) = after_id.split_once(':') else { break };
        let (Ok(id), Ok(len)) = (id.parse::<i64>(), len.parse::<usize>()) else { break };
        let end = text.char_indices().nth(len).map_or(text.len(), |(at, _)| at);
        out.push((id, &text[..end]));
        rest = &text[end..];
    }
    out
}

/// Any version by id, or NotFound when outside the scope.
pub async fn get(db: &Db, scope: &Scope, id: i64) -> StoreResult<Entry> {
    let mut q = QueryBuilder::new();
    q.and("e.id = ?", args![id]);
    scope.restrict_with(&mut q, "u.path", "u.id", Some(SELF_COND));
    db.fetch_one(&format!("SELECT {COLS}{FROM}{}", q.where_clause()), q.args()).await
}

/// All versions of an entry, oldest first.
pub async fn history(db: &Db, entry_key: i64) -> StoreResult<Vec<Entry>> {
    db.fetch_all(&format!("SELECT {COLS}{FROM} WHERE e.entry_key = $1 ORDER BY e.version"), args![entry_key]).await
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Named {
    pub id: i64,
    pub name: String,
}

pub async fn participants(db: &Db, entry_id: i64) -> StoreResult<Vec<Named>> {
    db.fetch_all(
        "SELECT p.id, p.name FROM ledger_participants lp JOIN people p ON p.id = lp.person_id WHERE lp.entry_id = $1 ORDER BY p.id",
        args![entry_id],
    )
    .await
}

/// The items the entry counts toward (automatic and linked).
pub async fn credited_items(db: &Db, entry_id: i64) -> StoreResult<Vec<Named>> {
    db.fetch_all(
        "SELECT i.id, COALESCE(p.name, u.name) || '：' || i.text AS name FROM ledger_credits c JOIN responsibility_items i ON i.id = c.item_id \
         JOIN units u ON u.id = i.unit_id LEFT JOIN people p ON p.id = i.person_id WHERE c.entry_id = $1 ORDER BY i.id",
        args![entry_id],
    )
    .await
}

pub async fn linked_items(db: &Db, entry_id: i64) -> StoreResult<Vec<i64>> {
    let rows: Vec<(i64,)> = db
        .fetch_all("SELECT item_id FROM ledger_item_links WHERE entry_id = $1 ORDER BY item_id", args![entry_id])
        .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// The 典型案例 an entry version used.
pub async fn cases(db: &Db, entry_id: i64) -> StoreResult<Vec<Named>> {
    db.fetch_all(
        "SELECT c.id, c.title AS name FROM ledger_case_links l JOIN warning_cases c ON c.id = l.case_id \
         WHERE l.entry_id = $1 ORDER BY c.case_date DESC, c.id",
        args![entry_id],
    )
    .await
}

pub async fn tasks(db: &Db, entry_id: i64) -> StoreResult<Vec<Named>> {
    db.fetch_all(
        "SELECT t.id, t.title AS name FROM ledger_task_links l JOIN tasks t ON t.id = l.task_id WHERE l.entry_id = $1 ORDER BY t.id",
        args![entry_id],
    )
    .await
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttachmentMeta {
    pub id: i64,
    pub entry_id: i64,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub created_at: DateTime<Utc>,
    /// the account that uploaded it (None for files of the command line or demo data)
    pub account_id: Option<i64>,
}

const ATTACHMENT: &str =
    "SELECT id, entry_id, filename, content_type, size, created_at, account_id FROM ledger_attachments";

/// The attachments of an entry that were not withdrawn.
pub async fn attachments(db: &Db, entry_id: i64) -> StoreResult<Vec<AttachmentMeta>> {
    db.fetch_all(&format!("{ATTACHMENT} WHERE entry_id = $1 AND withdrawn_at IS NULL ORDER BY id"), args![entry_id])
        .await
}

/// One attachment (not withdrawn), if its entry is in scope.
pub async fn attachment_meta(db: &Db, scope: &Scope, id: i64) -> StoreResult<AttachmentMeta> {
    let meta: AttachmentMeta =
        db.fetch_one(&format!("{ATTACHMENT} WHERE id = $1 AND withdrawn_at IS NULL"), args![id]).await?;
    get(db, scope, meta.entry_id).await?;
    Ok(meta)
}

/// An attachment with its content, if its entry is in scope.
pub async fn attachment(db: &Db, scope: &Scope, id: i64) -> StoreResult<(AttachmentMeta, Vec<u8>)> {
    let meta = attachment_meta(db, scope, id).await?;
    let (content,): (Vec<u8>,) =
        db.fetch_one("SELECT content FROM ledger_attachments WHERE id = $1", args![id]).await?;
    Ok((meta, content))
}

/// Adds evidence to an entry: attachments are append-only and audited.
pub async fn add_attachment(
    db: &Db,
    actor: &Actor,
    entry_id: i64,
    filename: &str,
    content_type: &str,
    content: Vec<u8>,
) -> StoreResult<AttachmentMeta> {
    let mut tx = db.begin().await?;
    // Evidence belongs to the record as it stands: a superseded version is history, never changed.
    if superseded(&mut tx, entry_id).await? {
        return Err(StoreError::Refused("这是已被更正的历史版本，不能再添加附件，请在最新版本上添加".into()));
    }
    let size = content.len() as i64;
    let (id,): (i64,) = tx
        .fetch_one(
            "INSERT INTO ledger_attachments (entry_id, filename, content_type, size, content, created_at, account_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            args![entry_id, filename, content_type, size, content, crate::now(), actor.account_id],
        )
        .await?;
    audit::append(
        &mut tx,
        actor,
        "create",
        "ledger_attachment",
        id,
        &json!({"entry_id": entry_id, "filename": filename, "size": size}),
    )
    .await?;
    tx.commit().await?;
    db.fetch_one(&format!("{ATTACHMENT} WHERE id = $1"), args![id]).await
}

/// Whether a later version of the entry exists (the version `entry_id` is history).
async fn superseded(tx: &mut Tx, entry_id: i64) -> StoreResult<bool> {
    let (superseded,): (bool,) =
        tx.fetch_one("SELECT superseded FROM ledger_entries WHERE id = $1", args![entry_id]).await?;
    Ok(superseded)
}

/// Withdraws an attachment (撤回): only its uploader, and only while the entry version it belongs
/// to is current — once a correction is submitted the version and its files are history. The row
/// stays (marked withdrawn, no longer listed or served); audited in the same transaction.
pub async fn withdraw_attachment(db: &Db, actor: &Actor, id: i64) -> StoreResult<AttachmentMeta> {
    let mut tx = db.begin().await?;
    let meta: AttachmentMeta =
        tx.fetch_one(&format!("{ATTACHMENT} WHERE id = $1 AND withdrawn_at IS NULL"), args![id]).await?;
    if meta.account_id.is_none() || meta.account_id != actor.account_id {
        return Err(StoreError::Refused("只能撤回本人上传的附件".into()));
    }
    if superseded(&mut tx, meta.entry_id).await? {
        return Err(StoreError::Refused("这条记录已提交更正版本，原版本的附件不能再撤回".into()));
    }
    tx.execute("UPDATE ledger_attachments SET withdrawn_at = $1 WHERE id = $2", args![crate::now(), id]).await?;
    audit::append(
        &mut tx,
        actor,
        "withdraw",
        "ledger_attachment",
        id,
        &json!({"entry_id": meta.entry_id, "filename": meta.filename, "size": meta.size}),
    )
    .await?;
    tx.commit().await?;
    Ok(meta)
}

async fn ensure_exist(tx: &mut Tx, table: &str, field: &str, label: &str, ids: &[i64]) -> StoreResult<()> {
    for chunk in ids.chunks(200) {
        let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        // `table` is one of this module's constants, never input
        let found: Vec<(i64,)> = tx
            .fetch_all(
                &format!("SELECT id FROM {table} WHERE id IN ({})", marks.join(", ")),
                chunk.iter().map(|&i| Arg::from(i)).collect(),
            )
            .await?;
        if let Some(missing) = chunk.iter().find(|id| !found.iter().any(|f| f.0 == **id)) {
            return Err(StoreError::field(field, format!("{label}（编号 {missing}）不存在")));
        }
    }
    Ok(())
}

fn draft_json(d: &EntryDraft) -> serde_json::Value {
    let mut v = json!({"kind": d.kind.key(), "meeting_type": d.meeting_type.map(|t| t.key()), "date": d.date, "place": d.place, "content": d.content, "unit_id": d.unit_id,
           "participants": d.participants, "items": d.items, "tasks": d.tasks});
    // only 警示教育 entries name cases: other entries' records stay as they were
    if !d.cases.is_empty() {
        v["cases"] = json!(d.cases);
    }
    v
}

/// Writes one version of an entry with its links and credits.
async fn write_version(
    tx: &mut Tx,
    actor: &Actor,
    d: &EntryDraft,
    entry_key: Option<i64>,
    version: i64,
) -> StoreResult<i64> {
    ensure_exist(tx, "units", "unit_id", "所属单位", &[d.unit_id]).await?;
    ensure_exist(tx, "people", "participants", "参加人员", &d.participants).await?;
    ensure_exist(tx, "responsibility_items", "items", "责任事项", &d.items).await?;
    ensure_exist(tx, "tasks", "tasks", "任务", &d.tasks).await?;
    ensure_exist(tx, "warning_cases", "cases", "典型案例", &d.cases).await?;
    let (id,): (i64,) = tx
        .fetch_one(
            "INSERT INTO ledger_entries (entry_key, version, kind, entry_date, entry_year, entry_month, place, content, unit_id, reason, account_id, created_at, meeting_type) \
             VALUES (COALESCE($1, 0), $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
            args![entry_key, version, d.kind.key(), d.date, i64::from(d.date.year()), i64::from(d.date.month()), d.place.clone(),
                  d.content.clone(), d.unit_id, d.reason.clone(), actor.account_id, crate::now(),
                  d.meeting_type.map_or("", |t| t.key())],
        )
        .await?;
    let key = match entry_key {
        Some(k) => k,
        None => {
            tx.execute("UPDATE ledger_entries SET entry_key = $1 WHERE id = $1", args![id]).await?;
            id
        }
    };
    for p in &d.participants {
        tx.execute("INSERT INTO ledger_participants (entry_id, person_id) VALUES ($1, $2)", args![id, *p]).await?;
    }
    for i in &d.items {
        tx.execute("INSERT INTO ledger_item_links (entry_id, item_id) VALUES ($1, $2)", args![id, *i]).await?;
    }
    for t in &d.tasks {
        tx.execute("INSERT INTO ledger_task_links (entry_id, task_id) VALUES ($1, $2)", args![id, *t]).await?;
    }
    for c in &d.cases {
        tx.execute("INSERT INTO ledger_case_links (entry_id, case_id) VALUES ($1, $2)", args![id, *c]).await?;
    }
    credit(tx, id, d).await?;
    bump_version(tx).await?;
    let action = if version == 1 { "create" } else { "version" };
    let mut diff = audit::diff(&json!({}), &draft_json(d));
    diff["entry_key"] = json!(key);
    diff["version"] = json!(version);
    if version > 1 {
        diff["reason"] = json!(d.reason);
    }
    audit::append(tx, actor, action, "ledger_entry", id, &diff).await?;
    Ok(id)
}

/// The items an entry ($1) is credited to, as a condition over `i`.
const CREDITED_BY_ENTRY: &str = "i.id IN (SELECT item_id FROM ledger_credits WHERE entry_id = $1)";

/// A condition over an entry `e` and an item `i`: a meeting with a type counts only toward the
/// items that type satisfies ([`MEETING_RULES`]); a meeting without one (recorded before types
/// existed) and any other kind count as before. Built from the domain's constant table.
pub(crate) fn meeting_type_ok() -> String {
    let excluded: Vec<String> = MEETING_RULES
        .iter()
        .map(|(code, types)| {
            let keys: Vec<String> = types.iter().map(|t| format!("'{}'", t.key())).collect();
            format!("(i.code = '{code}' AND e.meeting_type NOT IN ({}))", keys.join(", "))
        })
        .collect();
    format!("NOT (e.meeting_type <> '' AND ({}))", excluded.join(" OR "))
}

/// "One record, every list": credits a new current version to every item it serves.
async fn credit(tx: &mut Tx, entry_id: i64, d: &EntryDraft) -> StoreResult<()> {
    credit_as(tx, entry_id, d.kind.key(), d.date, d.unit_id).await
}

/// Credits an entry as it is stored (a voided entry restored).
pub(crate) async fn credit_stored(tx: &mut Tx, entry_id: i64) -> StoreResult<()> {
    let (kind, date, unit_id): (String, NaiveDate, i64) =
        tx.fetch_one("SELECT kind, entry_date, unit_id FROM ledger_entries WHERE id = $1", args![entry_id]).await?;
    credit_as(tx, entry_id, &kind, date, unit_id).await
}

async fn credit_as(tx: &mut Tx, entry_id: i64, kind: &str, date: NaiveDate, unit_id: i64) -> StoreResult<()> {
    let year = i64::from(date.year());
    let month = i64::from(date.month());
    let kind = format!("%,{kind},%");
    tx.execute(
        &format!(
            "INSERT INTO ledger_credits (entry_id, item_id, year, month) \
             SELECT $1, i.id, $2, $3 FROM responsibility_items i JOIN ledger_entries e ON e.id = $1 WHERE i.year = $2 AND i.active = TRUE AND ( \
               ((',' || i.kinds || ',') LIKE $4 AND {} AND (i.person_id IN (SELECT person_id FROM ledger_participants WHERE entry_id = $1) \
                                                   OR (i.person_id IS NULL AND i.unit_id = $5))) \
               OR i.id IN (SELECT item_id FROM ledger_item_links WHERE entry_id = $1)) \
             ON CONFLICT DO NOTHING",
            meeting_type_ok()
        ),
        args![entry_id, year, month, kind, unit_id],
    )
    .await?;
    tx.execute(
        "INSERT INTO item_month_counts (item_id, year, month, n) SELECT item_id, year, month, 1 FROM ledger_credits WHERE entry_id = $1 \
         ON CONFLICT (item_id, year, month) DO UPDATE SET n = item_month_counts.n + 1",
        args![entry_id],
    )
    .await?;
    refresh_month_summary(tx, CREDITED_BY_ENTRY, args![entry_id]).await
}

/// Withdraws the credits of a superseded or voided version.
pub(crate) async fn uncredit(tx: &mut Tx, entry_id: i64) -> StoreResult<()> {
    let rows: Vec<(i64, i64, i64)> =
        tx.fetch_all("SELECT item_id, year, month FROM ledger_credits WHERE entry_id = $1", args![entry_id]).await?;
    for (item, year, month) in rows {
        tx.execute(
            "UPDATE item_month_counts SET n = n - 1 WHERE item_id = $1 AND year = $2 AND month = $3",
            args![item, year, month],
        )
        .await?;
    }
    refresh_month_summary(tx, CREDITED_BY_ENTRY, args![entry_id]).await?;
    tx.execute("DELETE FROM ledger_credits WHERE entry_id = $1", args![entry_id]).await?;
    Ok(())
}

/// Writes a new entry (version 1) inside a caller's transaction (a talk or a study session writes
/// its own fields beside it).
pub(crate) async fn create_in(tx: &mut Tx, actor: &Actor, d: &EntryDraft) -> StoreResult<i64> {
    write_version(tx, actor, d, None, 1).await
}

/// Submits a new entry (version 1).
pub async fn create(db: &Db, actor: &Actor, d: &EntryDraft) -> StoreResult<i64> {
    let mut tx = db.begin().await?;
    let id = write_version(&mut tx, actor, d, None, 1).await?;
    tx.commit().await?;
    Ok(id)
}

/// Submits a correction: a new version of the entry `current` (which must be the current one).
pub async fn new_version(db: &Db, actor: &Actor, current: &Entry, d: &EntryDraft) -> StoreResult<i64> {
    let mut tx = db.begin().await?;
    let id = new_version_in(&mut tx, actor, current, d, true).await?;
    tx.commit().await?;
    Ok(id)
}

/// A correction inside a caller's transaction. With `keep_talk`, a talk's own fields (kind,
/// sides, summary) are copied to the new version; a talk corrected through its own form writes
/// them itself. A study session's attendance always follows the corrected participants.
pub(crate) async fn new_version_in(
    tx: &mut Tx,
    actor: &Actor,
    current: &Entry,
    d: &EntryDraft,
    keep_talk: bool,
) -> StoreResult<i64> {
    let (latest,): (i64,) =
        tx.fetch_one("SELECT MAX(version) FROM ledger_entries WHERE entry_key = $1", args![current.entry_key]).await?;
    if latest != current.version {
        return Err(StoreError::Refused(format!("这不是最新版本（最新为第 {latest} 版），请在最新版本上更正")));
    }
    if current.voided {
        return Err(StoreError::Refused("这条记录已作废，请先恢复再更正".into()));
    }
    let before = participants_credits(tx, current.id).await?;
    uncredit(tx, current.id).await?;
    tx.execute("UPDATE ledger_entries SET superseded = TRUE WHERE id = $1", args![current.id]).await?;
    let id = write_version(tx, actor, d, Some(current.entry_key), current.version + 1).await?;
    if keep_talk && d.kind == qingfeng_domain::responsibility::EntryKind::Talk {
        crate::talks::carry_forward(tx, current.id, id).await?;
    }
    crate::study::carry_forward(tx, actor, current.id, id, &d.participants).await?;
    let after = participants_credits(tx, id).await?;
    tell_corrected(tx, actor, id, d, &before, &after).await?;
    Ok(id)
}

/// The participants' own items a version is credited to: (item, person, item text).
async fn participants_credits(tx: &mut Tx, entry_id: i64) -> StoreResult<Vec<(i64, i64, String)>> {
    tx.fetch_all(
        "SELECT i.id, i.person_id, i.text FROM ledger_credits c JOIN responsibility_items i ON i.id = c.item_id \
         WHERE c.entry_id = $1 AND i.person_id IN (SELECT person_id FROM ledger_participants WHERE entry_id = $1) \
         ORDER BY i.id",
        args![entry_id],
    )
    .await
}

/// Tells each participant (of the old or the new version) whose own items gained or lost the
/// entry's credit with the correction.
async fn tell_corrected(
    tx: &mut Tx,
    actor: &Actor,
    entry_id: i64,
    d: &EntryDraft,
    before: &[(i64, i64, String)],
    after: &[(i64, i64, String)],
) -> StoreResult<()> {
    if actor.words.is_none() {
        return Ok(());
    }
    let mut changes: std::collections::BTreeMap<i64, (Vec<String>, Vec<String>)> = Default::default();
    for (_, person, text) in after.iter().filter(|a| !before.iter().any(|b| b.0 == a.0)) {
        changes.entry(*person).or_default().0.push(text.clone());
    }
    for (_, person, text) in before.iter().filter(|b| !after.iter().any(|a| a.0 == b.0)) {
        changes.entry(*person).or_default().1.push(text.clone());
    }
    for (person, (gained, lost)) in changes {
        let accounts = crate::notify::accounts_of(tx, &[person]).await?;
        let event = crate::notify::Event::EntryCorrected {
            entry_id,
            kind: d.kind.key().to_string(),
            date: d.date,
            reason: d.reason.clone(),
            gained,
            lost,
        };
        crate::notify::tell(tx, actor, &accounts, &event).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::unfold;

    #[test]
    fn unfolds_names_holding_any_character() {
        assert_eq!(unfold(""), vec![]);
        assert_eq!(unfold("7:2:张三12:5:a:1:b"), vec![(7, "张三"), (12, "a:1:b")]);
        assert_eq!(unfold("3:4:王芳：事"), vec![(3, "王芳：事")]);
        // a text cut short yields what it holds, never a panic
        assert_eq!(unfold("3:9:王芳"), vec![(3, "王芳")]);
        assert_eq!(unfold("x:1:a"), vec![]);
    }
}
