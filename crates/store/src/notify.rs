//! Notifications (通知中心), reminders that fire once across replicas, job leases and outbound
//! deliveries.
//!
//! Every replica runs the reminder job. Two things keep a reminder from firing twice:
//!
//! 1. a pass first takes the row of its job in `job_leases` (an upsert that only replaces an
//!    expired lease or one the caller already holds), so one replica works at a time;
//! 2. each reminder inserts its `(reminder_key, due_date)` into `reminders_sent` in the same
//!    transaction as its notification and its outbound deliveries. The insert does nothing when
//!    the pair exists, and then nothing else is written: a reminder fires once even if two passes
//!    overlap (an expired lease, a clock step) or a pass is restarted halfway.
//!
//! The key names the reminder and its recipient (`task:12:soon:a5`), the due date the deadline it
//! is about, so a moved deadline reminds again and a recipient added later is still reminded.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use qingfeng_domain::dict::{parse_roles, ResponsibilityRole};
use qingfeng_domain::responsibility::{person_level, Level};
use serde::Serialize;
use serde_json::json;

use crate::{args, Arg, Db, Page, Paging, QueryBuilder, StoreResult};

pub const LEVEL_YELLOW: &str = "yellow";
pub const LEVEL_RED: &str = "red";

/// Kinds of notification with the label users see, in the order the digest shows them.
pub const KINDS: &[(&str, &str)] = &[
    ("task_overdue", "任务逾期"),
    ("rectification_overdue", "整改措施逾期"),
    ("item_overdue", "责任事项滞后"),
    ("look_back_due", "回头看到期"),
    ("task_due_soon", "任务临期"),
    ("rectification_due_soon", "整改措施临期"),
    ("item_due_soon", "责任事项临期"),
];

/// The Chinese label of a kind (the key itself when unknown).
pub fn kind_label(kind: &str) -> &str {
    KINDS.iter().find(|(k, _)| *k == kind).map(|(_, l)| *l).unwrap_or(kind)
}

/// The Chinese label of a level.
pub fn level_label(level: &str) -> &str {
    match level {
        LEVEL_RED => "红色（已逾期）",
        LEVEL_YELLOW => "黄色（临期）",
        other => other,
    }
}

// ------------------------------------------------------------------ notifications

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
    Ok(Page { items, total, page: paging.page, per_page: paging.per_page })
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

// ------------------------------------------------------------------ job leases

/// Takes the lease `name` for `holder` until now + `ttl` when it is free or expired. Returns
/// whether the caller holds it now.
pub async fn take_lease(db: &Db, name: &str, holder: &str, ttl: Duration) -> StoreResult<bool> {
    let now = crate::now();
    // one statement, so two replicas racing for the row are serialized by the database
    let n = db
        .execute(
            "INSERT INTO job_leases (name, holder, expires_at) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at \
             WHERE job_leases.expires_at < $4",
            args![name, holder, now + ttl, now],
        )
        .await?;
    Ok(n == 1)
}

/// Extends a lease the caller still holds; false when it was lost (expired and taken over).
pub async fn renew_lease(db: &Db, name: &str, holder: &str, ttl: Duration) -> StoreResult<bool> {
    let now = crate::now();
    let n = db
        .execute(
            "UPDATE job_leases SET expires_at = $1 WHERE name = $2 AND holder = $3 AND expires_at >= $4",
            args![now + ttl, name, holder, now],
        )
        .await?;
    Ok(n == 1)
}

/// Gives a lease back so the next pass of any replica may start at once.
pub async fn release_lease(db: &Db, name: &str, holder: &str) -> StoreResult<()> {
    db.execute(
        "UPDATE job_leases SET expires_at = $1 WHERE name = $2 AND holder = $3",
        args![crate::now() - Duration::seconds(1), name, holder],
    )
    .await?;
    Ok(())
}

// ------------------------------------------------------------------ reminders

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
    let n = &r.notification;
    let (id,): (i64,) = tx
        .fetch_one(
            "INSERT INTO notifications (account_id, kind, level, title, body, link, reminder_key, created_at, read_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL) RETURNING id",
            args![n.account_id, n.kind.clone(), n.level.clone(), n.title.clone(), n.body.clone(), n.link.clone(), r.key.clone(), now],
        )
        .await?;
    if !channels.is_empty() {
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
            "reminder_key": r.key,
            "due_date": r.due_date,
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
    }
    tx.commit().await?;
    Ok(Some(id))
}

/// E-mail addresses of accounts, from the settings `notify.email.<username>` (accounts have no
/// address column yet). Disabled accounts are left out.
pub async fn email_addresses(db: &Db) -> StoreResult<HashMap<i64, String>> {
    let rows: Vec<(i64, String)> = db
        .fetch_all(
            "SELECT a.id, s.value FROM settings s JOIN accounts a ON s.key = 'notify.email.' || a.username \
             WHERE a.disabled = FALSE",
            vec![],
        )
        .await?;
    Ok(rows.into_iter().map(|(id, v)| (id, v.trim().to_string())).filter(|(_, v)| !v.is_empty()).collect())
}

// ------------------------------------------------------------------ who is reminded

/// The organisation facts reminders need: accounts of people, supervisors, unit tree, 分管 and
/// the head of each unit. Loaded once per pass.
#[derive(Debug, Default)]
pub struct Directory {
    accounts_of_person: HashMap<i64, Vec<i64>>,
    supervisors: Vec<i64>,
    parent: HashMap<i64, Option<i64>>,
    unit_name: HashMap<i64, String>,
    in_charge: HashMap<i64, Vec<i64>>,
    /// people with the role 主要负责人, by unit
    principals: HashMap<i64, Vec<i64>>,
    /// middle-level people (支部书记, 科长 …), by unit: the head of a division or branch
    middles: HashMap<i64, Vec<i64>>,
}

#[derive(sqlx::FromRow)]
struct PersonFacts {
    id: i64,
    unit_id: i64,
    roles: String,
    title: String,
}

impl Directory {
    pub async fn load(db: &Db) -> StoreResult<Directory> {
        let mut d = Directory::default();
        let rows: Vec<(i64, i64)> = db
            .fetch_all(
                "SELECT person_id, id FROM accounts WHERE person_id IS NOT NULL AND disabled = FALSE ORDER BY id",
                vec![],
            )
            .await?;
        for (person, account) in rows {
            d.accounts_of_person.entry(person).or_default().push(account);
        }
        let rows: Vec<(i64,)> = db
            .fetch_all(
                "SELECT DISTINCT a.id FROM accounts a JOIN account_roles r ON r.account_id = a.id \
                 WHERE r.role_key = 'supervisor' AND a.disabled = FALSE ORDER BY a.id",
                vec![],
            )
            .await?;
        d.supervisors = rows.into_iter().map(|r| r.0).collect();
        let rows: Vec<(i64, Option<i64>, String)> =
            db.fetch_all("SELECT id, parent_id, name FROM units", vec![]).await?;
        for (id, parent, name) in rows {
            d.parent.insert(id, parent);
            d.unit_name.insert(id, name);
        }
        let rows: Vec<(i64, i64)> = db
            .fetch_all(
                "SELECT c.unit_id, c.person_id FROM in_charge_of c JOIN people p ON p.id = c.person_id \
                 WHERE p.status = 'active' ORDER BY c.person_id",
                vec![],
            )
            .await?;
        for (unit, person) in rows {
            d.in_charge.entry(unit).or_default().push(person);
        }
        let people: Vec<PersonFacts> = db
            .fetch_all(
                "SELECT id, unit_id, roles, title FROM people WHERE status = 'active' AND (roles <> '' OR title <> '') ORDER BY id",
                vec![],
            )
            .await?;
        for p in people {
            let roles = parse_roles(&p.roles.replace(',', "、")).unwrap_or_default();
            if roles.contains(&ResponsibilityRole::Principal) {
                d.principals.entry(p.unit_id).or_default().push(p.id);
            } else if person_level(&roles, &p.title) == Level::Middle {
                d.middles.entry(p.unit_id).or_default().push(p.id);
            }
        }
        Ok(d)
    }

    pub fn unit_name(&self, unit: i64) -> &str {
        self.unit_name.get(&unit).map(String::as_str).unwrap_or("")
    }

    /// Enabled accounts of a person.
    pub fn accounts(&self, person: i64) -> &[i64] {
        self.accounts_of_person.get(&person).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Accounts holding the role `supervisor` (纪检监察组).
    pub fn supervisors(&self) -> &[i64] {
        &self.supervisors
    }

    /// The unit and its ancestors, nearest first.
    fn up(&self, unit: i64) -> Vec<i64> {
        let mut out = vec![unit];
        let mut cur = unit;
        while let Some(Some(p)) = self.parent.get(&cur) {
            if out.contains(p) {
                break;
            }
            out.push(*p);
            cur = *p;
        }
        out
    }

    /// The head of a unit: its 主要负责人, or else its middle-level head (支部书记, 科长).
    pub fn head(&self, unit: i64) -> Vec<i64> {
        self.principals.get(&unit).or_else(|| self.middles.get(&unit)).cloned().unwrap_or_default()
    }

    /// The leader a unit answers to: the 分管 leader of the unit or of its nearest ancestor with
    /// one, or else the 主要负责人 of the nearest ancestor that has one.
    pub fn leaders(&self, unit: i64) -> Vec<i64> {
        let chain = self.up(unit);
        for u in &chain {
            if let Some(people) = self.in_charge.get(u) {
                return people.clone();
            }
        }
        for u in chain.iter().skip(1) {
            if let Some(people) = self.principals.get(u) {
                return people.clone();
            }
        }
        Vec::new()
    }
}

/// Adds the accounts of `people` to `out`, keeping order and skipping duplicates.
fn add_accounts(dir: &Directory, people: &[i64], out: &mut Vec<i64>) {
    for p in people {
        for a in dir.accounts(*p) {
            if !out.contains(a) {
                out.push(*a);
            }
        }
    }
}

fn add_supervisors(dir: &Directory, out: &mut Vec<i64>) {
    for a in dir.supervisors() {
        if !out.contains(a) {
            out.push(*a);
        }
    }
}

/// At most `n` characters of a text for a title.
fn short(text: &str, n: usize) -> String {
    let t = text.trim();
    if t.chars().count() <= n {
        t.to_string()
    } else {
        format!("{}…", t.chars().take(n).collect::<String>())
    }
}

fn person_part(name: &Option<String>) -> String {
    name.as_ref().map(|n| format!("，责任人：{n}")).unwrap_or_default()
}

#[derive(sqlx::FromRow)]
struct TaskRow {
    id: i64,
    title: String,
    deadline: NaiveDate,
    lead_unit_id: i64,
    lead_person_id: Option<i64>,
    person_name: Option<String>,
}

#[derive(sqlx::FromRow)]
struct MeasureRow {
    id: i64,
    finding_id: i64,
    text: String,
    deadline: NaiveDate,
    unit_id: i64,
    responsible_person_id: i64,
    responsible_leader_id: Option<i64>,
    person_name: Option<String>,
}

#[derive(sqlx::FromRow)]
struct ItemRow {
    item_id: i64,
    state: String,
    required: i64,
    done: i64,
    next_due: Option<NaiveDate>,
    text: String,
    unit_id: i64,
    unit_name: String,
    person_id: Option<i64>,
    person_name: Option<String>,
}

#[derive(sqlx::FromRow)]
struct LookBackRow {
    id: i64,
    unit_id: i64,
    description: String,
    look_back_due: NaiveDate,
}

/// Builds the reminders of one source object for each recipient.
struct Batch<'a> {
    out: &'a mut Vec<Reminder>,
}

impl Batch<'_> {
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        source: &str,
        id: i64,
        stage: &str,
        due: NaiveDate,
        recipients: &[i64],
        kind: &str,
        level: &str,
        title: &str,
        body: &str,
        link: &str,
    ) {
        for a in recipients {
            self.out.push(Reminder {
                key: format!("{source}:{id}:{stage}:a{a}"),
                due_date: due,
                notification: NewNotification {
                    account_id: *a,
                    kind: kind.into(),
                    level: level.into(),
                    title: title.into(),
                    body: body.into(),
                    link: link.into(),
                },
            });
        }
    }
}

/// Every reminder that is due as of `today` (whether or not it already fired):
///
/// - tasks and rectification measures not completed, `lead_days` days before their deadline
///   (yellow): the responsible person and their leader; on and after it (red): the responsible
///   person, the leader and the supervisors. A task's responsible person is its 责任人, or the
///   head of its lead unit; its leader is the 分管 leader of the lead unit. A measure's leader is
///   its 责任领导, or the 分管 leader of the finding's unit;
/// - findings whose 回头看 is due and has no result: the supervisors;
/// - responsibility items of the year that are 临期 (yellow) or 滞后 (red) in the fulfilment
///   snapshot: the item's person, or for a unit-level item the head of the unit.
pub async fn due_reminders(db: &Db, dir: &Directory, today: NaiveDate, lead_days: u32) -> StoreResult<Vec<Reminder>> {
    let mut out = Vec::new();
    let mut b = Batch { out: &mut out };
    let horizon = today + Duration::days(i64::from(lead_days));

    let tasks: Vec<TaskRow> = db
        .fetch_all(
            "SELECT t.id, t.title, t.deadline, t.lead_unit_id, t.lead_person_id, p.name AS person_name \
             FROM tasks t LEFT JOIN people p ON p.id = t.lead_person_id \
             WHERE t.completed_on IS NULL AND t.deadline <= $1 ORDER BY t.deadline, t.id",
            args![horizon],
        )
        .await?;
    for t in tasks {
        let unit = dir.unit_name(t.lead_unit_id).to_string();
        let responsible = match t.lead_person_id {
            Some(p) => vec![p],
            None => dir.head(t.lead_unit_id),
        };
        let mut to = Vec::new();
        add_accounts(dir, &responsible, &mut to);
        add_accounts(dir, &dir.leaders(t.lead_unit_id), &mut to);
        let link = format!("/tasks/{}", t.id);
        let who = format!("牵头单位：{unit}{}", person_part(&t.person_name));
        if t.deadline > today {
            let days = (t.deadline - today).num_days();
            let title = format!("任务临期：{}", short(&t.title, 40));
            let body = format!("任务“{}”将于 {} 到期（还有 {days} 天），{who}。请抓紧推进落实。", t.title, t.deadline);
            b.push("task", t.id, "soon", t.deadline, &to, "task_due_soon", LEVEL_YELLOW, &title, &body, &link);
        } else {
            add_supervisors(dir, &mut to);
            let title = format!("任务逾期：{}", short(&t.title, 40));
            let body = format!("任务“{}”的完成期限是 {}，至今未完成，{who}。", t.title, t.deadline);
            b.push("task", t.id, "overdue", t.deadline, &to, "task_overdue", LEVEL_RED, &title, &body, &link);
        }
    }

    let measures: Vec<MeasureRow> = db
        .fetch_all(
            "SELECT m.id, m.finding_id, m.text, m.deadline, f.unit_id, m.responsible_person_id, m.responsible_leader_id, \
             p.name AS person_name FROM rectification_measures m JOIN findings f ON f.id = m.finding_id \
             LEFT JOIN people p ON p.id = m.responsible_person_id \
             WHERE m.completed_on IS NULL AND f.signed_off_on IS NULL AND m.deadline <= $1 ORDER BY m.deadline, m.id",
            args![horizon],
        )
        .await?;
    for m in measures {
        let unit = dir.unit_name(m.unit_id).to_string();
        let leaders = match m.responsible_leader_id {
            Some(l) => vec![l],
            None => dir.leaders(m.unit_id),
        };
        let mut to = Vec::new();
        add_accounts(dir, &[m.responsible_person_id], &mut to);
        add_accounts(dir, &leaders, &mut to);
        let link = format!("/findings/{}", m.finding_id);
        let who = format!("整改单位：{unit}{}", person_part(&m.person_name));
        if m.deadline > today {
            let days = (m.deadline - today).num_days();
            let title = format!("整改措施临期：{}", short(&m.text, 40));
            let body =
                format!("整改措施“{}”将于 {} 到期（还有 {days} 天），{who}。请按期完成整改。", m.text, m.deadline);
            b.push(
                "measure",
                m.id,
                "soon",
                m.deadline,
                &to,
                "rectification_due_soon",
                LEVEL_YELLOW,
                &title,
                &body,
                &link,
            );
        } else {
            add_supervisors(dir, &mut to);
            let title = format!("整改措施逾期：{}", short(&m.text, 40));
            let body = format!("整改措施“{}”的完成期限是 {}，至今未完成，{who}。", m.text, m.deadline);
            b.push(
                "measure",
                m.id,
                "overdue",
                m.deadline,
                &to,
                "rectification_overdue",
                LEVEL_RED,
                &title,
                &body,
                &link,
            );
        }
    }

    let look_backs: Vec<LookBackRow> = db
        .fetch_all(
            "SELECT id, unit_id, description, look_back_due FROM findings \
             WHERE look_back_due IS NOT NULL AND look_back_due <= $1 AND look_back_result IS NULL ORDER BY look_back_due, id",
            args![today],
        )
        .await?;
    for f in look_backs {
        let unit = dir.unit_name(f.unit_id).to_string();
        let title = format!("回头看到期：{unit}");
        let body = format!(
            "{unit}问题“{}”的回头看应于 {} 开展，尚未登记回头看结果。",
            short(&f.description, 60),
            f.look_back_due
        );
        let link = format!("/findings/{}", f.id);
        let to = dir.supervisors().to_vec();
        b.push("look_back", f.id, "due", f.look_back_due, &to, "look_back_due", LEVEL_YELLOW, &title, &body, &link);
    }

    let year = i64::from(chrono::Datelike::year(&today));
    let has_items: Option<(i64,)> = db
        .fetch_optional("SELECT id FROM responsibility_items WHERE year = $1 AND active = TRUE LIMIT 1", args![year])
        .await?;
    if has_items.is_some() {
        let snapshot = crate::fulfilment::ensure_snapshot(db, year, today, lead_days).await?;
        let items: Vec<ItemRow> = db
            .fetch_all(
                "SELECT s.item_id, s.state, s.required, s.done, s.next_due, i.text, i.unit_id, u.name AS unit_name, \
                 i.person_id, p.name AS person_name FROM fulfilment_item_states s \
                 JOIN responsibility_items i ON i.id = s.item_id JOIN units u ON u.id = i.unit_id \
                 LEFT JOIN people p ON p.id = i.person_id \
                 WHERE s.snapshot_id = $1 AND s.state IN ('due_soon', 'overdue') ORDER BY s.item_id",
                args![snapshot.id],
            )
            .await?;
        for it in items {
            let people = match it.person_id {
                Some(p) => vec![p],
                None => dir.head(it.unit_id),
            };
            let mut to = Vec::new();
            add_accounts(dir, &people, &mut to);
            let due = it.next_due.unwrap_or(today);
            let owner = match &it.person_name {
                Some(n) => format!("{}{n}", it.unit_name),
                None => it.unit_name.clone(),
            };
            let link = format!("/responsibility/items/{}", it.item_id);
            let (stage, kind, level, title, body) = if it.state == "overdue" {
                (
                    "overdue",
                    "item_overdue",
                    LEVEL_RED,
                    format!("责任事项滞后：{}", short(&it.text, 40)),
                    format!(
                        "{owner}的责任事项“{}”在 {due} 前应完成的次数未完成（已完成 {}/{}），已滞后，请尽快补齐并登记履职台账。",
                        it.text, it.done, it.required
                    ),
                )
            } else {
                (
                    "soon",
                    "item_due_soon",
                    LEVEL_YELLOW,
                    format!("责任事项临期：{}", short(&it.text, 40)),
                    format!(
                        "{owner}的责任事项“{}”将于 {due} 到期（已完成 {}/{}），请按时开展并登记履职台账。",
                        it.text, it.done, it.required
                    ),
                )
            };
            b.push("item", it.item_id, stage, due, &to, kind, level, &title, &body, &link);
        }
    }
    Ok(out)
}

// ------------------------------------------------------------------ outbound deliveries

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_cuts_on_characters() {
        assert_eq!(short("落实全面从严治党主体责任", 4), "落实全面…");
        assert_eq!(short(" 短 ", 4), "短");
    }

    #[test]
    fn kinds_have_labels() {
        assert_eq!(kind_label("task_overdue"), "任务逾期");
        assert_eq!(kind_label("other"), "other");
    }
}
