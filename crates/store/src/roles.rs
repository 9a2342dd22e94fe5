//! Roles defined by administrators (the built-in ones live in the domain crate).

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::json;

use crate::{args, audit, Actor, Db, StoreError, StoreResult};

#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
pub struct CustomRole {
    pub key: String,
    pub name: String,
    pub scope_kind: String,
    /// comma-separated
    pub permissions: String,
    pub created_at: DateTime<Utc>,
}

impl CustomRole {
    pub fn permission_list(&self) -> Vec<String> {
        self.permissions.split(',').filter(|s| !s.is_empty()).map(str::to_string).collect()
    }
}

pub async fn list(db: &Db) -> StoreResult<Vec<CustomRole>> {
    db.fetch_all("SELECT key, name, scope_kind, permissions, created_at FROM roles ORDER BY key", vec![]).await
}

pub async fn get(db: &Db, key: &str) -> StoreResult<Option<CustomRole>> {
    db.fetch_optional("SELECT key, name, scope_kind, permissions, created_at FROM roles WHERE key = $1", args![key])
        .await
}

pub async fn units(db: &Db, key: &str) -> StoreResult<Vec<i64>> {
    let rows: Vec<(i64,)> =
        db.fetch_all("SELECT unit_id FROM role_units WHERE role_key = $1 ORDER BY unit_id", args![key]).await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// Creates or replaces a custom role (already checked by the service against the operator's own grants).
pub async fn save(
    db: &Db,
    actor: &Actor,
    key: &str,
    name: &str,
    scope_kind: &str,
    permissions: &[String],
    unit_ids: &[i64],
) -> StoreResult<CustomRole> {
    let before = get(db, key).await?;
    let before_units = units(db, key).await?;
    let mut tx = db.begin().await?;
    for u in unit_ids {
        let row: Option<(i64,)> = tx.fetch_optional("SELECT id FROM units WHERE id = $1", args![*u]).await?;
        if row.is_none() {
            return Err(StoreError::field("units", format!("单位（编号 {u}）不存在")));
        }
    }
    let perms = permissions.join(",");
    tx.execute(
        "INSERT INTO roles (key, name, scope_kind, permissions, created_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (key) DO UPDATE SET name = excluded.name, scope_kind = excluded.scope_kind, permissions = excluded.permissions",
        args![key, name, scope_kind, perms.clone(), crate::now()],
    )
    .await?;
    tx.execute("DELETE FROM role_units WHERE role_key = $1", args![key]).await?;
    for u in unit_ids {
        tx.execute("INSERT INTO role_units (role_key, unit_id) VALUES ($1, $2)", args![key, *u]).await?;
    }
    let before_json = before.map(
        |r| json!({"name": r.name, "scope_kind": r.scope_kind, "permissions": r.permissions, "units": before_units}),
    );
    let after = json!({"name": name, "scope_kind": scope_kind, "permissions": perms, "units": unit_ids});
    audit::append(
        &mut tx,
        actor,
        if before_json.is_some() { "update" } else { "create" },
        "role",
        key,
        &audit::diff(&before_json.unwrap_or(json!({})), &after),
    )
    .await?;
    tx.commit().await?;
    get(db, key).await?.ok_or(StoreError::NotFound)
}

/// The accounts holding a role: (username, person id), by account id.
pub async fn holders(db: &Db, key: &str) -> StoreResult<Vec<(String, Option<i64>)>> {
    db.fetch_all(
        "SELECT a.username, a.person_id FROM account_roles r JOIN accounts a ON a.id = r.account_id \
         WHERE r.role_key = $1 ORDER BY a.id",
        args![key.to_string()],
    )
    .await
}

/// Deletes a custom role (with its 自定义 units), audited with what it was. Refused while
/// accounts hold it, naming how many.
pub async fn delete(db: &Db, actor: &Actor, key: &str) -> StoreResult<()> {
    let mut tx = db.begin().await?;
    let role: CustomRole = tx
        .fetch_optional("SELECT key, name, scope_kind, permissions, created_at FROM roles WHERE key = $1", args![key])
        .await?
        .ok_or(StoreError::NotFound)?;
    let (holders,): (i64,) = tx.fetch_one("SELECT COUNT(*) FROM account_roles WHERE role_key = $1", args![key]).await?;
    if holders > 0 {
        return Err(StoreError::Refused(format!(
            "角色“{}”仍有 {holders} 个账号持有，不能删除；请先在用户管理中收回这些账号的该角色",
            role.name
        )));
    }
    let units: Vec<(i64,)> =
        tx.fetch_all("SELECT unit_id FROM role_units WHERE role_key = $1 ORDER BY unit_id", args![key]).await?;
    let units: Vec<i64> = units.into_iter().map(|u| u.0).collect();
    tx.execute("DELETE FROM role_units WHERE role_key = $1", args![key]).await?;
    tx.execute("DELETE FROM roles WHERE key = $1", args![key]).await?;
    let before =
        json!({"name": role.name, "scope_kind": role.scope_kind, "permissions": role.permissions, "units": units});
    audit::append(&mut tx, actor, "delete", "role", key, &audit::diff(&before, &json!({}))).await?;
    tx.commit().await
}
