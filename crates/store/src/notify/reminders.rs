//! Firing a reminder once: its notification, its outbound deliveries and the
//! `reminders_sent` row, in one transaction.

use std::collections::HashSet;

use chrono::NaiveDate;
use serde_json::json;

use super::{kind_label, NewNotification};
use crate::{args, Arg, Db, StoreResult, Tx};

/// One reminder for one recipient.
#[derive(Debug, Clone, PartialEq)]
pub struct Reminder {
    pub key: String,
    pub due_date: NaiveDate,
    pub notification: NewNotification,
}

/// An outbound channel a new notification is queued on (e.g. `webhook` to a URL).
#[derive(Debug, Clone, PartialEq)]
pub struct Channel {
    pub name: String,
    pub target: String,
}

/// The subset of `keys` that already fired.
pub async fn already_fired(db: &Db, keys: &[(String, NaiveDate)]) -> StoreResult<HashSet<(String, NaiveDate)>> {
    let mut out = HashSet::new();
    let mut distinct: Vec<&String> = keys.iter().map(|(k, _)| k).collect();
    distinct.sort();
    distinct.dedup();
    for chunk in distinct.chunks(400) {
        let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let rows: Vec<(String, NaiveDate)> = db
            .fetch_all(
                &format!(
                    "SELECT reminder_key, due_date FROM reminders_sent WHERE reminder_key IN ({})",
                    marks.join(", ")
                ),
                chunk.iter().map(|k| Arg::from(k.as_str())).collect(),
            )
            .await?;
        out.extend(rows);
    }
    Ok(out)
}

/// Fires a reminder: in one transaction records its key, creates the notification and queues it
/// on every channel. Returns the notification id, or None when the reminder had already fired
/// (then nothing is written).
pub async fn fire(db: &Db, r: &Reminder, channels: &[Channel]) -> StoreResult<Option<i64>> {
    let mut tx = db.begin().await?;
    let now = crate::now();
    let inserted = tx
        .execute(
            "INSERT INTO reminders_sent (reminder_key, due_date, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (reminder_key, due_date) DO NOTHING",
            args![r.key.clone(), r.due_date, now],
        )
        .await?;
    if inserted == 0 {
        // dropping the transaction rolls it back; it wrote nothing
        return Ok(None);
    }
    let id = insert_notification(&mut tx, &r.notification, Some(&r.key), Some(r.due_date), channels).await?;
    tx.commit().await?;
    Ok(Some(id))
}

/// Writes a notification and queues it on every channel, inside `tx`; `key` and `due_date` name
/// the reminder it comes from (None for a workflow step). Returns its id.
pub(super) async fn insert_notification(
    tx: &mut Tx,
    n: &NewNotification,
    key: Option<&str>,
    due_date: Option<NaiveDate>,
    channels: &[Channel],
) -> StoreResult<i64> {
    let now = crate::now();
    let (id,): (i64,) = tx
        .fetch_one(
            "INSERT INTO notifications (account_id, kind, level, title, body, link, reminder_key, created_at, read_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL) RETURNING id",
            args![n.account_id, n.kind.clone(), n.level.clone(), n.title.clone(), n.body.clone(), n.link.clone(), key.map(str::to_string), now],
        )
        .await?;
    if channels.is_empty() {
        return Ok(id);
    }
    let who: Option<(String, Option<String>)> = tx
        .fetch_optional(
            "SELECT a.username, p.name FROM accounts a LEFT JOIN people p ON p.id = a.person_id WHERE a.id = $1",
            args![n.account_id],
        )
        .await?;
    let (username, person) = who.unwrap_or_default();
    let payload = json!({
        "event": "notification",
        "notification_id": id,
        "account_id": n.account_id,
        "username": username,
        "person_name": person,
        "kind": n.kind,
        "kind_label": kind_label(&n.kind),
        "level": n.level,
        "title": n.title,
        "body": n.body,
        "link": n.link,
        "reminder_key": key,
        "due_date": due_date,
        "created_at": now,
    })
    .to_string();
    for c in channels {
        tx.execute(
            "INSERT INTO outbound_deliveries (notification_id, channel, target, payload, attempts, next_attempt_at, last_error, delivered_at, created_at) \
             VALUES ($1, $2, $3, $4, 0, $5, '', NULL, $5)",
            args![id, c.name.clone(), c.target.clone(), payload.clone(), now],
        )
        .await?;
    }
    Ok(id)
}
