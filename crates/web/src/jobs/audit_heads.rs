//! Publishing the head of the audit chain outside the database, so that cutting records off the
//! end of the chain (and rewinding `audit_head`) or rewriting it shows at `qingfeng audit verify`
//! (see `qingfeng_store::audit`).
//!
//! `qingfeng serve` publishes once at start and then every day shortly after midnight, China
//! time; `qingfeng audit publish` publishes on demand. Each publication is one signed line
//! appended to `audit-heads.log` in the data directory, the same line in the log (tracing, info),
//! and, when the setting `webhook.url` is set, a webhook delivery (event `audit_head`) queued like
//! the notifications' and sent by the job with retries (signed with `webhook.secret` when set).
//! Every replica publishes to its own data directory.

use std::path::{Path, PathBuf};
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, NaiveTime, Utc};
use qingfeng_store::audit::{self, PublishedHead};
use qingfeng_store::{settings, Db};

/// Publishes the current head: appends its line to the data directory's heads file (an error
/// when that fails), logs it, and queues it for the webhook if one is configured (a failure there
/// is logged, the file and log already have the line).
pub async fn publish(db: &Db, data_dir: &Path) -> Result<PublishedHead, String> {
    let path = data_dir.join(audit::HEADS_FILE);
    let (head, line) = audit::publish_head(db, &path).await?;
    tracing::info!(
        target: "qingfeng::audit_head",
        last_id = head.last_id,
        last_hash = %head.last_hash,
        file = %path.display(),
        "audit head published: {line}"
    );
    if let Err(e) = queue_webhook(db, &head, &line).await {
        tracing::warn!(error = %e, "audit head not queued for the webhook");
    }
    Ok(head)
}

async fn queue_webhook(db: &Db, head: &PublishedHead, line: &str) -> qingfeng_store::StoreResult<()> {
    let Some(url) = settings::get(db, "webhook.url").await?.map(|u| u.trim().to_string()).filter(|u| !u.is_empty())
    else {
        return Ok(());
    };
    let payload = serde_json::json!({
        "event": "audit_head",
        "at": head.at_text(),
        "last_id": head.last_id,
        "last_hash": head.last_hash,
        "keyed_from": head.keyed_from,
        "line": line,
    })
    .to_string();
    qingfeng_store::audit::queue_head_webhook(db, &url, &payload, qingfeng_store::now()).await
}

/// The wait from `now` to the next daily publication, at 00:05 in the office time zone.
pub fn until_next_publication(now: DateTime<Utc>) -> StdDuration {
    let local = now.with_timezone(&qingfeng_domain::time::office_tz());
    let at = NaiveTime::from_hms_opt(0, 5, 0).expect("00:05");
    let mut next = local.date_naive().and_time(at);
    if next <= local.naive_local() {
        next += Duration::days(1);
    }
    let wait = next - local.naive_local();
    wait.to_std().unwrap_or(StdDuration::from_secs(60))
}

/// Publishes every day (see [`until_next_publication`]) in a background task; a failed
/// publication is logged and tried again ten minutes later.
pub fn spawn_daily(db: Db, data_dir: PathBuf) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut wait = until_next_publication(Utc::now());
        loop {
            tokio::time::sleep(wait).await;
            wait = match publish(&db, &data_dir).await {
                Ok(_) => until_next_publication(Utc::now()),
                Err(e) => {
                    tracing::error!(error = %e, "audit head not published");
                    StdDuration::from_secs(600)
                }
            };
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn publishes_daily_after_midnight_china_time() {
        // 20:00 China time → 00:05 next day
        assert_eq!(until_next_publication(utc("2026-12-01T12:00:00Z")).as_secs(), 4 * 3600 + 300);
        // 00:04 China time → one minute later
        assert_eq!(until_next_publication(utc("2026-12-01T16:04:00Z")).as_secs(), 60);
        // exactly 00:05 → the next day
        assert_eq!(until_next_publication(utc("2026-12-01T16:05:00Z")).as_secs(), 86_400);
    }
}
