//! Outbound deliveries (webhook, e-mail) of notifications: claimed, attempted, retried.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::{args, Db, StoreResult};

#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
pub struct Delivery {
    pub id: i64,
    pub notification_id: Option<i64>,
    pub channel: String,
    pub target: String,
    pub payload: String,
    pub attempts: i64,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: String,
    pub delivered_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

const D_COLS: &str =
    "id, notification_id, channel, target, payload, attempts, next_attempt_at, last_error, delivered_at, created_at";

/// Deliveries not yet delivered whose next attempt is due, oldest first.
pub async fn due_deliveries(db: &Db, now: DateTime<Utc>, limit: i64) -> StoreResult<Vec<Delivery>> {
    db.fetch_all(
        &format!(
            "SELECT {D_COLS} FROM outbound_deliveries WHERE delivered_at IS NULL AND next_attempt_at <= $1 \
             ORDER BY next_attempt_at, id LIMIT $2"
        ),
        args![now, limit],
    )
    .await
}

pub async fn delivery(db: &Db, id: i64) -> StoreResult<Delivery> {
    db.fetch_one(&format!("SELECT {D_COLS} FROM outbound_deliveries WHERE id = $1"), args![id]).await
}

/// Claims a due delivery for an attempt by pushing its next attempt to `until`; false when
/// another worker claimed or delivered it first.
pub async fn claim_delivery(db: &Db, id: i64, now: DateTime<Utc>, until: DateTime<Utc>) -> StoreResult<bool> {
    let n = db
        .execute(
            "UPDATE outbound_deliveries SET next_attempt_at = $1 \
             WHERE id = $2 AND delivered_at IS NULL AND next_attempt_at <= $3",
            args![until, id, now],
        )
        .await?;
    Ok(n == 1)
}

/// Records a successful attempt. Sets `delivered_at` only once: false if it was already set.
pub async fn delivery_succeeded(db: &Db, id: i64) -> StoreResult<bool> {
    let n = db
        .execute(
            "UPDATE outbound_deliveries SET delivered_at = $1, attempts = attempts + 1, last_error = '' \
             WHERE id = $2 AND delivered_at IS NULL",
            args![crate::now(), id],
        )
        .await?;
    Ok(n == 1)
}

/// Records a failed attempt and when to try again.
pub async fn delivery_failed(db: &Db, id: i64, error: &str, next_attempt_at: DateTime<Utc>) -> StoreResult<()> {
    let error: String = error.chars().take(1000).collect();
    db.execute(
        "UPDATE outbound_deliveries SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2 \
         WHERE id = $3 AND delivered_at IS NULL",
        args![error, next_attempt_at, id],
    )
    .await?;
    Ok(())
}

/// Counts of deliveries: (delivered, waiting).
pub async fn delivery_counts(db: &Db) -> StoreResult<(i64, i64)> {
    let (d, w): (i64, i64) = db
        .fetch_one(
            "SELECT (SELECT COUNT(*) FROM outbound_deliveries WHERE delivered_at IS NOT NULL), \
             (SELECT COUNT(*) FROM outbound_deliveries WHERE delivered_at IS NULL)",
            vec![],
        )
        .await?;
    Ok((d, w))
}

/// How many outbound deliveries wait (not delivered yet, retrying or due), for the metrics.
pub async fn outbound_waiting(db: &Db) -> StoreResult<i64> {
    let (n,): (i64,) =
        db.fetch_one("SELECT COUNT(*) FROM outbound_deliveries WHERE delivered_at IS NULL", vec![]).await?;
    Ok(n)
}
