//! The 通知中心 of an account: its notifications, read or not.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::{args, Db, Page, Paging, QueryBuilder, StoreResult};

#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
pub struct Notification {
    pub id: i64,
    pub account_id: i64,
    pub kind: String,
    pub level: String,
    pub title: String,
    pub body: String,
    pub link: String,
    pub reminder_key: Option<String>,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

const N_COLS: &str = "id, account_id, kind, level, title, body, link, reminder_key, created_at, read_at";

/// A notification to create.
#[derive(Debug, Clone, PartialEq)]
pub struct NewNotification {
    pub account_id: i64,
    pub kind: String,
    pub level: String,
    pub title: String,
    pub body: String,
    pub link: String,
}

/// The signed-in account's notifications, newest first; `unread_only` leaves out read ones.
pub async fn list(
    db: &Db,
    account_id: i64,
    unread_only: bool,
    kind: Option<&str>,
    paging: Paging,
) -> StoreResult<Page<Notification>> {
    let mut q = QueryBuilder::new();
    q.and("account_id = ?", args![account_id]);
    if unread_only {
        q.and("read_at IS NULL", vec![]);
    }
    if let Some(k) = kind {
        q.and("kind = ?", args![k]);
    }
    let w = q.where_clause();
    let (total,): (i64,) = db.fetch_one(&format!("SELECT COUNT(*) FROM notifications{w}"), q.args()).await?;
    let mut a = q.args();
    let n = a.len();
    a.extend(args![paging.per_page, paging.offset()]);
    let items = db
        .fetch_all(
            &format!("SELECT {N_COLS} FROM notifications{w} ORDER BY id DESC LIMIT ${} OFFSET ${}", n + 1, n + 2),
            a,
        )
        .await?;
    Ok(Page::new(items, total, paging.page, paging.per_page))
}

/// One notification of the account; another account's is `NotFound`.
pub async fn get(db: &Db, account_id: i64, id: i64) -> StoreResult<Notification> {
    db.fetch_one(
        &format!("SELECT {N_COLS} FROM notifications WHERE id = $1 AND account_id = $2"),
        args![id, account_id],
    )
    .await
}

/// Marks one of the account's notifications read (the first reading time is kept).
pub async fn mark_read(db: &Db, account_id: i64, id: i64) -> StoreResult<Notification> {
    db.execute(
        "UPDATE notifications SET read_at = $1 WHERE id = $2 AND account_id = $3 AND read_at IS NULL",
        args![crate::now(), id, account_id],
    )
    .await?;
    get(db, account_id, id).await
}

/// Marks every unread notification of the account read; returns how many.
pub async fn mark_all_read(db: &Db, account_id: i64) -> StoreResult<u64> {
    db.execute(
        "UPDATE notifications SET read_at = $1 WHERE account_id = $2 AND read_at IS NULL",
        args![crate::now(), account_id],
    )
    .await
}

pub async fn unread_count(db: &Db, account_id: i64) -> StoreResult<i64> {
    let (n,): (i64,) = db
        .fetch_one("SELECT COUNT(*) FROM notifications WHERE account_id = $1 AND read_at IS NULL", args![account_id])
        .await?;
    Ok(n)
}

/// The account's notifications created in `[from, to)`, oldest first (the daily digest).
pub async fn created_between(
    db: &Db,
    account_id: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> StoreResult<Vec<Notification>> {
    db.fetch_all(
        &format!(
            "SELECT {N_COLS} FROM notifications WHERE account_id = $1 AND created_at >= $2 AND created_at < $3 ORDER BY id"
        ),
        args![account_id, from, to],
    )
    .await
}
