//! Key/value settings kept in the database, so every replica sees the same values.

use qingfeng_domain::time;

use crate::{args, audit, Actor, Db, StoreResult};

pub async fn get(db: &Db, key: &str) -> StoreResult<Option<String>> {
    let row: Option<(String,)> = db.fetch_optional("SELECT value FROM settings WHERE key = $1", args![key]).await?;
    Ok(row.map(|r| r.0))
}

/// A number setting, or `default` when it is absent or not a number.
pub async fn number<T: std::str::FromStr>(db: &Db, key: &str, default: T) -> StoreResult<T> {
    Ok(get(db, key).await?.and_then(|v| v.trim().parse().ok()).unwrap_or(default))
}

/// 临期 lead days (`reminder.lead_days`): how early a window turns yellow and reminders fire.
/// The dashboard, the item pages and the reminder job all read it here, so they agree.
pub async fn lead_days(db: &Db) -> StoreResult<u32> {
    number(db, "reminder.lead_days", qingfeng_domain::fulfilment::DEFAULT_LEAD_DAYS).await
}

/// Sets a setting and audits the change.
pub async fn set(db: &Db, actor: &Actor, key: &str, value: &str) -> StoreResult<()> {
    let before = get(db, key).await?;
    let mut tx = db.begin().await?;
    tx.execute(
        "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        args![key, value],
    )
    .await?;
    audit::append(&mut tx, actor, "update", "setting", key, &serde_json::json!({ "value": [before, value] })).await?;
    tx.commit().await?;
    if key == time::TIME_ZONE_SETTING {
        apply_office_time_zone(db).await?;
    }
    Ok(())
}

/// Puts the office time zone of the setting `office.time_zone` in force for this process and
/// answers it. A value that is not a zone name (the settings page refuses those) keeps the
/// default, with a warning in the log.
pub async fn apply_office_time_zone(db: &Db) -> StoreResult<time::Tz> {
    let value = get(db, time::TIME_ZONE_SETTING).await?.unwrap_or_default();
    let tz = time::parse_time_zone(&value).unwrap_or_else(|e| {
        tracing::warn!(setting = time::TIME_ZONE_SETTING, error = %e, "office time zone ignored");
        time::DEFAULT_TIME_ZONE
    });
    time::set_office_tz(tz);
    Ok(tz)
}

/// Every setting stored, as (key, value).
pub async fn all(db: &Db) -> StoreResult<Vec<(String, String)>> {
    db.fetch_all("SELECT key, value FROM settings ORDER BY key", vec![]).await
}

/// One change of [`apply`]: `value` None (or empty) removes the setting, so its default applies.
pub struct SettingChange {
    pub key: String,
    /// the Chinese name, written into the audit record
    pub label: String,
    pub value: Option<String>,
    /// a secret's value never reaches the audit trail: it records 已设置 / 未设置
    pub secret: bool,
}

/// Applies several changes in one transaction, one audit record per setting that changed.
pub async fn apply(db: &Db, actor: &Actor, changes: &[SettingChange]) -> StoreResult<usize> {
    let mut tx = db.begin().await?;
    let mut changed = 0;
    for c in changes {
        let before: Option<(String,)> =
            tx.fetch_optional("SELECT value FROM settings WHERE key = $1", args![c.key.clone()]).await?;
        let before = before.map(|r| r.0).filter(|v| !v.is_empty());
        let after = c.value.clone().filter(|v| !v.is_empty());
        if before == after {
            continue;
        }
        match &after {
            Some(v) => {
                tx.execute(
                    "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    args![c.key.clone(), v.clone()],
                )
                .await?
            }
            None => tx.execute("DELETE FROM settings WHERE key = $1", args![c.key.clone()]).await?,
        };
        let shown = |v: &Option<String>| match (v, c.secret) {
            (None, _) => "（默认）".to_string(),
            (Some(_), true) => "已设置".to_string(),
            (Some(v), false) => v.clone(),
        };
        let value = if c.secret && before.is_some() && after.is_some() {
            serde_json::json!(["已设置", "已更换"])
        } else {
            serde_json::json!([shown(&before), shown(&after)])
        };
        audit::append(
            &mut tx,
            actor,
            "update",
            "setting",
            c.key.clone(),
            &serde_json::json!({ "label": c.label, "value": value }),
        )
        .await?;
        changed += 1;
    }
    tx.commit().await?;
    if changes.iter().any(|c| c.key == time::TIME_ZONE_SETTING) {
        apply_office_time_zone(db).await?;
    }
    Ok(changed)
}
