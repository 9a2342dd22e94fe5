//! Units: a tree kept valid on every write (known parent, unique code, no cycles).

use chrono::{DateTime, Utc};
use qingfeng_domain::org::{child_path, child_sort_path, move_creates_cycle, UnitDraft};
use serde::Serialize;
use serde_json::json;

use crate::query::like_contains;
use crate::{args, audit, Actor, Db, Page, Paging, QueryBuilder, Scope, StoreError, StoreResult, Tx};

#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Unit {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub name: String,
    pub code: String,
    pub kind: String,
    pub sort_order: i64,
    pub path: String,
    #[serde(skip)]
    pub sort_path: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Unit {
    /// Depth in the tree: 0 for a root.
    pub fn depth(&self) -> usize {
        self.path.matches('/').count().saturating_sub(2)
    }

    fn audit_json(&self) -> serde_json::Value {
        json!({"name": self.name, "code": self.code, "kind": self.kind, "parent_id": self.parent_id, "sort_order": self.sort_order})
    }
}

const COLS: &str = "id, parent_id, name, code, kind, sort_order, path, sort_path, created_at, updated_at";

#[derive(Debug, Clone, Default)]
pub struct UnitFilter {
    pub q: Option<String>,
    pub kind: Option<String>,
    pub parent_id: Option<i64>,
}

pub async fn get(db: &Db, id: i64) -> StoreResult<Unit> {
    db.fetch_one(&format!("SELECT {COLS} FROM units WHERE id = $1"), args![id]).await
}

pub async fn get_by_code(db: &Db, code: &str) -> StoreResult<Option<Unit>> {
    db.fetch_optional(&format!("SELECT {COLS} FROM units WHERE code = $1"), args![code]).await
}

/// A unit's place in the tree, without its details: what views that place many units read.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
pub struct UnitOutline {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub name: String,
    pub path: String,
}

/// The name of the organisation's root unit (the first top-level unit of the tree), which
/// titles exports and issues the 责任书.
pub async fn root_name(db: &Db) -> StoreResult<Option<String>> {
    let row: Option<(String,)> =
        db.fetch_optional("SELECT name FROM units WHERE parent_id IS NULL ORDER BY sort_path LIMIT 1", vec![]).await?;
    Ok(row.map(|r| r.0))
}

/// Every unit in scope as an outline, in tree order (by the materialized sort path).
pub async fn outline(db: &Db, scope: &Scope) -> StoreResult<Vec<UnitOutline>> {
    let mut q = QueryBuilder::new();
    scope.restrict(&mut q, "path", "id", None);
    db.fetch_all(
        &format!("SELECT id, parent_id, name, path FROM units{} ORDER BY sort_path", q.where_clause()),
        q.args(),
    )
    .await
}

/// Every unit in scope, in tree order (parents before children, siblings by sort order).
pub async fn all(db: &Db, scope: &Scope) -> StoreResult<Vec<Unit>> {
    let mut q = QueryBuilder::new();
    scope.restrict(&mut q, "path", "id", None);
    let units: Vec<Unit> = db
        .fetch_all(&format!("SELECT {COLS} FROM units{} ORDER BY sort_order, id", q.where_clause()), q.args())
        .await?;
    Ok(tree_order(units))
}

/// Orders units depth-first, siblings by (sort_order, id). Units whose parent is not in the
/// list (outside the scope) are treated as roots.
pub fn tree_order(units: Vec<Unit>) -> Vec<Unit> {
    use std::collections::{HashMap, HashSet};
    let ids: HashSet<i64> = units.iter().map(|u| u.id).collect();
    let mut children: HashMap<Option<i64>, Vec<Unit>> = HashMap::new();
    for u in units {
        let key = u.parent_id.filter(|p| ids.contains(p));
        children.entry(key).or_default().push(u);
    }
    let mut out = Vec::with_capacity(ids.len());
    let mut stack: Vec<Unit> = children.remove(&None).unwrap_or_default().into_iter().rev().collect();
    while let Some(u) = stack.pop() {
        if let Some(kids) = children.remove(&Some(u.id)) {
            stack.extend(kids.into_iter().rev());
        }
        out.push(u);
    }
    out
}

pub async fn list(db: &Db, scope: &Scope, filter: &UnitFilter, paging: Paging) -> StoreResult<Page<Unit>> {
    let mut q = QueryBuilder::new();
    scope.restrict(&mut q, "path", "id", None);
    if let Some(text) = filter.q.as_deref().filter(|s| !s.is_empty()) {
        let pat = like_contains(text);
        q.and("(name LIKE ? ESCAPE '\\' OR code LIKE ? ESCAPE '\\')", args![pat.clone(), pat]);
    }
    if let Some(kind) = &filter.kind {
        q.and("kind = ?", args![kind.clone()]);
    }
    if let Some(parent) = filter.parent_id {
        q.and("parent_id = ?", args![parent]);
    }
    let from = format!("FROM units{}", q.where_clause());
    crate::query::fetch_page(db, COLS, &from, "sort_path", q.args(), Some(paging)).await
}

/// (path, sort_path) of the parent, or a field error naming it when it does not exist.
async fn parent_paths(tx: &mut Tx, parent_id: Option<i64>) -> StoreResult<Option<(String, String)>> {
    let Some(pid) = parent_id else { return Ok(None) };
    let row: Option<(String, String)> =
        tx.fetch_optional("SELECT path, sort_path FROM units WHERE id = $1", args![pid]).await?;
    match row {
        Some(p) => Ok(Some(p)),
        None => Err(StoreError::field("parent_id", format!("上级单位（编号 {pid}）不存在"))),
    }
}

async fn ensure_code_free(tx: &mut Tx, code: &str, except_id: Option<i64>) -> StoreResult<()> {
    let row: Option<(i64,)> = tx.fetch_optional("SELECT id FROM units WHERE code = $1", args![code]).await?;
    match row {
        Some((id,)) if Some(id) != except_id => Err(StoreError::field("code", format!("单位编码“{code}”已被使用"))),
        _ => Ok(()),
    }
}

/// Creates a unit in an open transaction (used by single creates and imports).
pub async fn insert(tx: &mut Tx, actor: &Actor, d: &UnitDraft) -> StoreResult<i64> {
    let parent = parent_paths(tx, d.parent_id).await?;
    ensure_code_free(tx, &d.code, None).await?;
    let now = crate::now();
    let (id,): (i64,) = tx
        .fetch_one(
            "INSERT INTO units (parent_id, name, code, kind, sort_order, path, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, '', $6, $6) RETURNING id",
            args![d.parent_id, d.name.clone(), d.code.clone(), d.kind.key(), d.sort_order, now],
        )
        .await?;
    let path = child_path(parent.as_ref().map(|p| p.0.as_str()), id);
    let sort_path = child_sort_path(parent.as_ref().map(|p| p.1.as_str()), d.sort_order, id);
    tx.execute("UPDATE units SET path = $1, sort_path = $2 WHERE id = $3", args![path, sort_path, id]).await?;
    let after = json!({"name": d.name, "code": d.code, "kind": d.kind.key(), "parent_id": d.parent_id, "sort_order": d.sort_order});
    audit::append(tx, actor, "create", "unit", id, &audit::diff(&json!({}), &after)).await?;
    Ok(id)
}

pub async fn create(db: &Db, actor: &Actor, d: &UnitDraft) -> StoreResult<Unit> {
    let mut tx = db.begin().await?;
    let id = insert(&mut tx, actor, d).await?;
    tx.commit().await?;
    get(db, id).await
}

/// Updates a unit in an open transaction. Moving it re-roots its whole subtree.
pub async fn apply_update(tx: &mut Tx, actor: &Actor, id: i64, d: &UnitDraft) -> StoreResult<()> {
    let before: Unit = tx
        .fetch_optional(&format!("SELECT {COLS} FROM units WHERE id = $1"), args![id])
        .await?
        .ok_or(StoreError::NotFound)?;
    ensure_code_free(tx, &d.code, Some(id)).await?;
    let (lo, hi) = crate::query::subtree_range(&before.path);
    if d.parent_id != before.parent_id || d.sort_order != before.sort_order {
        let parent = parent_paths(tx, d.parent_id).await?;
        if let Some((pp, _)) = &parent {
            if move_creates_cycle(&before.path, pp) {
                return Err(StoreError::field("parent_id", "不能把单位移到它自己或它的下级单位之下"));
            }
        }
        // re-root the subtree: sort paths first, while the old paths still select it
        let new_sort = child_sort_path(parent.as_ref().map(|p| p.1.as_str()), d.sort_order, id);
        tx.execute(
            "UPDATE units SET sort_path = $1 || substr(sort_path, CAST($2 AS INTEGER)) WHERE path >= $3 AND path < $4",
            args![new_sort, before.sort_path.len() as i64 + 1, lo.clone(), hi.clone()],
        )
        .await?;
        let new_path = child_path(parent.as_ref().map(|p| p.0.as_str()), id);
        tx.execute(
            "UPDATE units SET path = $1 || substr(path, CAST($2 AS INTEGER)) WHERE path >= $3 AND path < $4",
            args![new_path.clone(), before.path.len() as i64 + 1, lo, hi],
        )
        .await?;
        // the people search walks grams in the tree's order: the subtree's people move with it
        let (lo, hi) = crate::query::subtree_range(&new_path);
        let mut moved = crate::QueryBuilder::new();
        moved.and("u.path >= ? AND u.path < ?", args![lo, hi]);
        super::people::order_grams(tx, moved).await?;
        if d.parent_id != before.parent_id {
            // fulfilment snapshots sum subtrees: a move makes them stale
            crate::responsibility::bump_version(tx).await?;
        }
    }
    tx.execute(
        "UPDATE units SET parent_id = $1, name = $2, code = $3, kind = $4, sort_order = $5, updated_at = $6 WHERE id = $7",
        args![d.parent_id, d.name.clone(), d.code.clone(), d.kind.key(), d.sort_order, crate::now(), id],
    )
    .await?;
    let after = json!({"name": d.name, "code": d.code, "kind": d.kind.key(), "parent_id": d.parent_id, "sort_order": d.sort_order});
    let change = audit::diff(&before.audit_json(), &after);
    if change.as_object().is_some_and(|m| !m.is_empty()) {
        audit::append(tx, actor, "update", "unit", id, &change).await?;
    }
    Ok(())
}

pub async fn update(db: &Db, actor: &Actor, id: i64, d: &UnitDraft) -> StoreResult<Unit> {
    let mut tx = db.begin().await?;
    apply_update(&mut tx, actor, id, d).await?;
    tx.commit().await?;
    get(db, id).await
}
