//! The background job of every replica: reminders into the notification centre, and outbound
//! deliveries (webhook) with retries.
//!
//! A pass takes the `job_leases` row first, so one replica works at a time; each reminder is
//! recorded under its `(reminder_key, due_date)` in the same transaction as its notification and
//! its queued deliveries, so it fires once however many replicas run and however often a pass
//! restarts (see `qingfeng_store::notify`). Deliveries are sent here, never in a request handler:
//! a failure is retried with exponential backoff, forever, and a success is recorded once.
//!
//! Settings (table `settings`; defaults in brackets):
//! - `reminder.lead_days` [5]: days before a deadline when the yellow reminder goes out;
//! - `jobs.interval_seconds` [60]: pause between passes of `qingfeng serve`;
//! - `webhook.url` [none]: when set, every new notification is POSTed there as JSON;
//! - `webhook.secret` [none]: when set, the body is signed: `X-Qingfeng-Signature: sha256=<hex HMAC>`;
//! - `webhook.timeout_seconds` [10]: per request;
//! - `smtp.host`, `smtp.port` [25], `smtp.from`, `smtp.username`, `smtp.password`,
//!   `smtp.security` [无 | STARTTLS | TLS], `smtp.ca_file` [none]: when host and from are set,
//!   notifications are also e-mailed to the address on the recipient's account (else the older
//!   setting `notify.email.<username>`) and to every address of `notify.email_to`
//!   (comma-separated: a duty mailbox that gets a copy of everything). Webhooks may be https://
//!   (rustls; public roots and the system's own);
//! - `site.base_url` [none]: prefix that makes the links in e-mails absolute;
//! - `outbound.backoff_seconds` [60] and `outbound.backoff_max_seconds` [3600]: the wait after
//!   the n-th failed attempt is backoff × 2^(n-1), capped.

pub mod audit_heads;

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration as StdDuration;

use chrono::{Duration, NaiveDate};
use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use qingfeng_store::notify::{self, Delivery, Directory, Reminder};
use qingfeng_store::{audit, settings, Actor, Db, StoreResult};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::features::notifications::wording;

/// The lease every pass takes.
pub const LEASE: &str = "jobs";
/// How long a lease lasts without renewal; a replica that dies mid-pass is taken over after it.
pub const LEASE_SECONDS: i64 = 300;
/// Deliveries attempted per pass at most (the rest wait for the next pass).
const DELIVERIES_PER_PASS: i64 = 200;

/// What one pass did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PassReport {
    /// False when another replica held the lease: the pass did nothing.
    pub ran: bool,
    pub today: Option<NaiveDate>,
    /// Reminders due (fired now or before).
    pub due: usize,
    /// Reminders fired by this pass, i.e. notifications created.
    pub fired: usize,
    /// Fired reminders by kind.
    pub by_kind: BTreeMap<String, usize>,
    /// Deliveries queued with the new notifications.
    pub queued: usize,
    pub delivered: usize,
    pub failed: usize,
    /// Errors that did not stop the pass (one reminder or delivery each).
    pub errors: Vec<String>,
}

impl fmt::Display for PassReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.ran {
            return writeln!(f, "另一实例正在执行提醒任务（租约未到期），本次未执行");
        }
        if let Some(d) = self.today {
            writeln!(f, "提醒日期：{d}")?;
        }
        writeln!(f, "应发提醒 {} 条，本次新发 {} 条（已发过的不再重复）", self.due, self.fired)?;
        for (kind, n) in &self.by_kind {
            writeln!(f, "  {}：{n} 条", notify::kind_label(kind))?;
        }
        writeln!(f, "外发：新排队 {} 条，送达 {} 条，失败待重试 {} 条", self.queued, self.delivered, self.failed)?;
        for e in &self.errors {
            writeln!(f, "  错误：{e}")?;
        }
        Ok(())
    }
}

/// A lease holder name unique to this process.
pub fn holder_id() -> String {
    static ID: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    ID.get_or_init(|| {
        let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "host".into());
        format!("{host}:{}:{}", std::process::id(), &qingfeng_store::accounts::random_token()[..8])
    })
    .clone()
}

async fn setting_text(db: &Db, key: &str) -> StoreResult<Option<String>> {
    Ok(settings::get(db, key).await?.map(|v| v.trim().to_string()).filter(|v| !v.is_empty()))
}

/// Pause between passes (`jobs.interval_seconds`, default 60).
pub async fn interval(db: &Db) -> StdDuration {
    let secs: u64 = settings::number(db, "jobs.interval_seconds", 60).await.unwrap_or(60);
    StdDuration::from_secs(secs.clamp(1, 86_400))
}

/// One pass as `holder` as of `today`: take the lease or do nothing, fire due reminders, send due
/// deliveries, give the lease back.
pub async fn run_once_as(db: &Db, holder: &str, today: NaiveDate) -> StoreResult<PassReport> {
    if !notify::take_lease(db, LEASE, holder, Duration::seconds(LEASE_SECONDS)).await? {
        return Ok(PassReport::default());
    }
    let result: StoreResult<PassReport> = async {
        let mut report = fire_reminders(db, today).await?;
        deliver_due(db, holder, &mut report).await?;
        Ok(report)
    }
    .await;
    // a pass that failed still gives the lease back; the next one starts over safely
    let released = notify::release_lease(db, LEASE, holder).await;
    let report = result?;
    released?;
    Ok(report)
}

/// Fires every due reminder that has not fired yet. Needs no lease: every reminder fires at most
/// once on its own, so running this concurrently is safe (the lease only saves the work).
pub async fn fire_reminders(db: &Db, today: NaiveDate) -> StoreResult<PassReport> {
    let lead_days = settings::lead_days(db).await?;
    let mut report = PassReport { ran: true, today: Some(today), ..Default::default() };
    let dir = Directory::load(db).await?;
    let mut due = notify::due_reminders(db, &dir, today, lead_days.min(366)).await?;
    due.extend(notify::report_reminders(db, &dir, today, lead_days.min(366)).await?);
    let due: Vec<Reminder> = due.iter().map(wording::reminder).collect();
    report.due = due.len();
    let keys: Vec<_> = due.iter().map(|r| (r.key.clone(), r.due_date)).collect();
    let fired_before = notify::already_fired(db, &keys).await?;
    let outbound = notify::Outbound::load(db).await?;
    for r in due.iter().filter(|r| !fired_before.contains(&(r.key.clone(), r.due_date))) {
        let channels = outbound.channels(r.notification.account_id);
        match notify::fire(db, r, &channels).await {
            Ok(Some(_)) => {
                report.fired += 1;
                report.queued += channels.len();
                *report.by_kind.entry(r.notification.kind.clone()).or_default() += 1;
            }
            Ok(None) => {}
            Err(e) => {
                tracing::warn!(key = %r.key, error = %e, "reminder not fired");
                report.errors.push(format!("提醒 {} 未发出：{e}", r.key));
            }
        }
    }
    if report.fired > 0 {
        let actor = Actor { username: "jobs".into(), ..Actor::system() };
        let summary = serde_json::json!({"fired": report.fired, "by_kind": report.by_kind, "queued": report.queued});
        audit::record(db, &actor, "notify", "reminder", today, &summary).await?;
    }
    Ok(report)
}

/// The wait after the `attempts`-th failed attempt: base × 2^(attempts-1), capped.
pub fn backoff(base_seconds: i64, max_seconds: i64, attempts: i64) -> Duration {
    let base = base_seconds.max(0);
    let exp = (attempts - 1).clamp(0, 30) as u32;
    let secs = base.saturating_mul(1i64 << exp).min(max_seconds.max(base));
    Duration::seconds(secs)
}

/// Sends the deliveries that are due, while this pass holds the lease.
pub async fn deliver_due(db: &Db, holder: &str, report: &mut PassReport) -> StoreResult<()> {
    let due = notify::due_deliveries(db, qingfeng_store::now(), DELIVERIES_PER_PASS).await?;
    if due.is_empty() {
        return Ok(());
    }
    let base: i64 = settings::number(db, "outbound.backoff_seconds", 60).await?;
    let max: i64 = settings::number(db, "outbound.backoff_max_seconds", 3600).await?;
    let senders = Senders::load(db).await?;
    for d in due {
        // a pass that lost its lease (ran longer than the lease) stops sending
        if !notify::renew_lease(db, LEASE, holder, Duration::seconds(LEASE_SECONDS)).await? {
            report.errors.push("租约已失效，停止外发".into());
            break;
        }
        let now = qingfeng_store::now();
        if !notify::claim_delivery(db, d.id, now, now + Duration::seconds(LEASE_SECONDS)).await? {
            continue;
        }
        match senders.send(&d).await {
            Ok(()) => {
                if notify::delivery_succeeded(db, d.id).await? {
                    report.delivered += 1;
                }
            }
            Err(e) => {
                let next = qingfeng_store::now() + backoff(base, max, d.attempts + 1);
                tracing::warn!(delivery = d.id, attempt = d.attempts + 1, error = %e, "delivery failed");
                notify::delivery_failed(db, d.id, &e, next).await?;
                report.failed += 1;
            }
        }
    }
    Ok(())
}

/// What sending needs, read once per pass: the HTTP client for webhooks and the SMTP relay.
struct Senders {
    http: reqwest::Client,
    secret: Option<String>,
    smtp: Option<Smtp>,
}

struct Smtp {
    /// the transport, or why it cannot be built (every e-mail fails with the reason)
    transport: Result<AsyncSmtpTransport<Tokio1Executor>, String>,
    from: Mailbox,
    base_url: String,
}

impl Senders {
    async fn load(db: &Db) -> StoreResult<Senders> {
        let timeout: u64 = settings::number(db, "webhook.timeout_seconds", 10).await?;
        let http = reqwest::Client::builder()
            .timeout(StdDuration::from_secs(timeout.clamp(1, 300)))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| qingfeng_store::StoreError::Refused(format!("HTTP 客户端无法创建：{e}")))?;
        let smtp = match (setting_text(db, "smtp.host").await?, setting_text(db, "smtp.from").await?) {
            (Some(host), Some(from)) => match from.parse::<Mailbox>() {
                Ok(from) => {
                    let port: u16 = settings::number(db, "smtp.port", 25).await?;
                    let tls = Self::smtp_tls(db, &host).await?;
                    let mut b = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
                        .port(port)
                        .timeout(Some(StdDuration::from_secs(timeout.clamp(1, 300))));
                    if let Some(user) = setting_text(db, "smtp.username").await? {
                        let password = settings::get(db, "smtp.password").await?.unwrap_or_default();
                        b = b.credentials(Credentials::new(user, password));
                    }
                    let base_url = setting_text(db, "site.base_url").await?.unwrap_or_default();
                    let transport = tls.map(|tls| b.tls(tls).build());
                    Some(Smtp { transport, from, base_url: base_url.trim_end_matches('/').to_string() })
                }
                Err(e) => {
                    tracing::warn!(error = %e, "setting smtp.from is not an e-mail address");
                    None
                }
            },
            _ => None,
        };
        Ok(Senders { http, secret: setting_text(db, "webhook.secret").await?, smtp })
    }

    /// How the relay is reached (`smtp.security`): in the clear, STARTTLS required (never a silent
    /// fall-back to plain text) or TLS from the first byte; certificates are checked against the
    /// public roots and, when `smtp.ca_file` names one, the office's own root. A root that cannot be
    /// read is an error every e-mail then fails with (and is retried), rather than going out unchecked.
    async fn smtp_tls(db: &Db, host: &str) -> StoreResult<Result<Tls, String>> {
        let security = setting_text(db, "smtp.security").await?.unwrap_or_default();
        if security.is_empty() || security == "无" {
            return Ok(Ok(Tls::None));
        }
        let mut params = TlsParameters::builder(host.to_string());
        if let Some(path) = setting_text(db, "smtp.ca_file").await? {
            let root = std::fs::read(&path)
                .map_err(|e| e.to_string())
                .and_then(|pem| Certificate::from_pem(&pem).map_err(|e| e.to_string()));
            match root {
                Ok(cert) => params = params.add_root_certificate(cert),
                Err(e) => return Ok(Err(format!("SMTP 根证书文件“{path}”无法读取：{e}"))),
            }
        }
        Ok(params
            .build()
            .map(|p| if security.eq_ignore_ascii_case("TLS") { Tls::Wrapper(p) } else { Tls::Required(p) })
            .map_err(|e| format!("SMTP 加密参数无效：{e}")))
    }

    /// One attempt of one delivery.
    async fn send(&self, d: &Delivery) -> Result<(), String> {
        match d.channel.as_str() {
            "webhook" => {
                let mut req = self
                    .http
                    .post(&d.target)
                    .header("Content-Type", "application/json")
                    .header("X-Qingfeng-Delivery", d.id.to_string())
                    .header("X-Qingfeng-Attempt", (d.attempts + 1).to_string());
                if let Some(s) = &self.secret {
                    req = req.header(
                        "X-Qingfeng-Signature",
                        format!("sha256={}", hex::encode(hmac_sha256(s.as_bytes(), d.payload.as_bytes()))),
                    );
                }
                let resp = req.body(d.payload.clone()).send().await.map_err(|e| format!("请求失败：{e}"))?;
                let status = resp.status();
                if status.is_success() {
                    Ok(())
                } else {
                    let text = resp.text().await.unwrap_or_default();
                    Err(format!("对方返回 {status}：{}", text.chars().take(200).collect::<String>()))
                }
            }
            "email" => {
                let smtp = self.smtp.as_ref().ok_or("邮件服务器未配置（smtp.host、smtp.from）")?;
                let message = email(d, &smtp.from, &smtp.base_url)?;
                let transport = smtp.transport.as_ref().map_err(String::clone)?;
                transport.send(message).await.map(|_| ()).map_err(|e| format!("邮件发送失败：{e}"))
            }
            other => Err(format!("未知的外发渠道 {other}")),
        }
    }
}

/// The e-mail of a queued notification: its title as the subject, its text and link as the body.
fn email(d: &Delivery, from: &Mailbox, base_url: &str) -> Result<Message, String> {
    let p: serde_json::Value = serde_json::from_str(&d.payload).map_err(|e| format!("外发内容无法读取：{e}"))?;
    let text = |k: &str| p[k].as_str().unwrap_or_default().to_string();
    let to: Mailbox = d.target.parse().map_err(|e| format!("收件地址“{}”无效：{e}", d.target))?;
    let mut body = text("body");
    let link = text("link");
    if !link.is_empty() {
        body.push_str(&format!("\n\n查看：{base_url}{link}"));
    }
    body.push_str("\n\n（本邮件由清风系统自动发送，请勿直接回复）\n");
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(format!("【清风】{}", text("title")))
        .header(ContentType::TEXT_PLAIN)
        .body(body)
        .map_err(|e| format!("邮件无法生成：{e}"))
}

/// HMAC-SHA256 (RFC 2104) of `msg` under `key`.
pub fn hmac_sha256(key: &[u8], msg: &[u8]) -> [u8; 32] {
    let mut k = [0u8; 64];
    if key.len() > 64 {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let ipad: Vec<u8> = k.iter().map(|b| b ^ 0x36).collect();
    let opad: Vec<u8> = k.iter().map(|b| b ^ 0x5c).collect();
    let inner = Sha256::new().chain_update(&ipad).chain_update(msg).finalize();
    Sha256::new().chain_update(&opad).chain_update(inner).finalize().into()
}

/// Runs passes forever in a background task (one per replica), pausing `jobs.interval_seconds`
/// between them. Errors are logged and the loop goes on.
pub fn spawn_loop(db: Db) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let holder = holder_id();
        tracing::info!(%holder, "reminder job started");
        // let the server come up first
        tokio::time::sleep(StdDuration::from_secs(2)).await;
        let mut optimized = std::time::Instant::now();
        loop {
            if optimized.elapsed() > StdDuration::from_secs(3600) {
                optimized = std::time::Instant::now();
                if let Err(e) = db.optimize().await {
                    tracing::warn!(error = %e, "planner statistics not refreshed");
                }
            }
            // a changed office time zone reaches every replica within one pass
            if let Err(e) = qingfeng_store::settings::apply_office_time_zone(&db).await {
                tracing::warn!(error = %e, "office time zone not read");
            }
            let pass = run_once_as(&db, &holder, qingfeng_domain::time::office_today()).await;
            let outcome = if pass.is_ok() { "ok" } else { "failed" };
            crate::http::metrics::JOB_PASSES.get_or_create(&crate::http::metrics::JobLabels { outcome }).inc();
            match pass {
                Ok(r) if r.fired > 0 || r.delivered > 0 || r.failed > 0 || !r.errors.is_empty() => {
                    tracing::info!(
                        fired = r.fired,
                        delivered = r.delivered,
                        failed = r.failed,
                        errors = r.errors.len(),
                        "reminder pass"
                    );
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "reminder pass failed"),
            }
            tokio::time::sleep(interval(&db).await).await;
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        let secs = |n| backoff(60, 3600, n).num_seconds();
        assert_eq!([secs(1), secs(2), secs(3), secs(4)], [60, 120, 240, 480]);
        assert_eq!(secs(7), 3600);
        assert_eq!(secs(1000), 3600);
        assert_eq!(backoff(0, 3600, 5).num_seconds(), 0);
    }

    #[test]
    fn hmac_matches_rfc_4231() {
        let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(hex::encode(mac), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }
}
