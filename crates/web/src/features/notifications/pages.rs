//! 通知中心 pages: the list with mark-as-read (htmx), the unread count in the header (a tiny
//! partial the layout loads), and the daily digest. Only the signed-in account's own.

use askama::Template;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Redirect};
use qingfeng_domain::time::{office_day_start, office_today};
use qingfeng_store::notify::{self, Notification};

use super::service::filters;
use crate::auth::Ctx;
use crate::http::Params;
use crate::http::{render, Nav, Opt, PagePath, PageResult};
use crate::time::local_time;

/// A notification as a row of the list.
pub struct Row {
    pub id: i64,
    pub kind_label: String,
    pub level: String,
    pub level_label: String,
    pub title: String,
    pub body: String,
    pub link: String,
    pub created: String,
    pub read: bool,
}

impl From<&Notification> for Row {
    fn from(n: &Notification) -> Self {
        Row {
            id: n.id,
            kind_label: notify::kind_label(&n.kind).to_string(),
            level: n.level.clone(),
            level_label: match n.level.as_str() {
                notify::LEVEL_RED => "逾期".into(),
                notify::LEVEL_INFO => "待办".into(),
                _ => "临期".into(),
            },
            title: n.title.clone(),
            body: n.body.clone(),
            // only links inside this site are followed
            link: if n.link.starts_with('/') && !n.link.starts_with("//") { n.link.clone() } else { String::new() },
            created: local_time(n.created_at),
            read: n.read_at.is_some(),
        }
    }
}

#[derive(Template)]
#[template(path = "notifications/notifications.html")]
struct ListPage {
    nav: Nav,
    rows: Vec<Row>,
    csrf: String,
    unread_only: bool,
    unread: i64,
    kinds: Vec<Opt>,
    query: String,
    total: i64,
    page: i64,
    pages: i64,
    today: String,
}

#[derive(Template)]
#[template(path = "notifications/row.html")]
struct RowPartial {
    r: Row,
    csrf: String,
}

#[derive(Template)]
#[template(path = "partials/notification_badge.html")]
struct Badge {
    unread: i64,
}

/// One kind of the digest with its notifications.
pub struct Group {
    pub label: String,
    pub level: String,
    pub rows: Vec<Row>,
}

#[derive(Template)]
#[template(path = "notifications/digest.html")]
struct DigestPage {
    nav: Nav,
    date: String,
    prev: String,
    next: String,
    total: usize,
    red: usize,
    unread: usize,
    groups: Vec<Group>,
}

/// `GET /notifications`
pub async fn page(Ctx { state, p }: Ctx, params: Params) -> PageResult {
    let (unread_only, kind) = filters(&params)?;
    let list = notify::list(&state.db, p.account_id, unread_only, kind.as_deref(), params.paging()?).await?;
    let unread = notify::unread_count(&state.db, p.account_id).await?;
    let mut kinds = vec![Opt::new("", "全部类型", kind.is_none())];
    kinds.extend(notify::KINDS.iter().map(|(k, l)| Opt::new(k, l, kind.as_deref() == Some(*k))));
    let mut keep: Vec<(&str, String)> = Vec::new();
    if unread_only {
        keep.push(("unread", "true".into()));
    }
    if let Some(k) = &kind {
        keep.push(("kind", k.clone()));
    }
    render(&ListPage {
        csrf: p.csrf_token().to_string(),
        nav: Nav::new(&p, "notifications"),
        rows: list.items.iter().map(Row::from).collect(),
        unread_only,
        unread,
        kinds,
        query: serde_urlencoded::to_string(keep).unwrap_or_default(),
        pages: ((list.total + list.per_page - 1) / list.per_page).max(1),
        total: list.total,
        page: list.page,
        today: office_today().to_string(),
    })
}

/// `GET /notifications/badge`: the header's unread count (loaded by htmx).
pub async fn badge(Ctx { state, p }: Ctx) -> PageResult {
    render(&Badge { unread: notify::unread_count(&state.db, p.account_id).await? })
}

fn is_htmx(headers: &HeaderMap) -> bool {
    headers.contains_key("hx-request")
}

/// `POST /notifications/{id}/read`: htmx gets the row back (and the header count refreshes);
/// a plain form goes back to the list.
pub async fn read(Ctx { state, p }: Ctx, headers: HeaderMap, PagePath(id): PagePath<i64>) -> PageResult {
    let n = notify::mark_read(&state.db, p.account_id, id).await?;
    if !is_htmx(&headers) {
        return Ok(Redirect::to("/notifications").into_response());
    }
    let mut resp = render(&RowPartial { r: Row::from(&n), csrf: p.csrf_token().to_string() })?;
    resp.headers_mut().insert("hx-trigger", HeaderValue::from_static("notifications-changed"));
    Ok(resp)
}

/// `POST /notifications/read-all`
pub async fn read_all(Ctx { state, p }: Ctx) -> PageResult {
    notify::mark_all_read(&state.db, p.account_id).await?;
    Ok(Redirect::to("/notifications").into_response())
}

/// `GET /notifications/digest?date=`: the day's notifications grouped by kind, red first.
pub async fn digest(Ctx { state, p }: Ctx, params: Params) -> PageResult {
    let date = params.date("date")?.unwrap_or_else(office_today);
    let next = date.succ_opt().unwrap_or(date);
    let prev = date.pred_opt().unwrap_or(date);
    let items =
        notify::created_between(&state.db, p.account_id, office_day_start(date), office_day_start(next)).await?;
    let mut groups: Vec<Group> = Vec::new();
    for (kind, label) in notify::KINDS {
        let rows: Vec<Row> = items.iter().filter(|n| n.kind == *kind).map(Row::from).collect();
        if let Some(first) = rows.first() {
            groups.push(Group { label: label.to_string(), level: first.level.clone(), rows });
        }
    }
    let others: Vec<Row> =
        items.iter().filter(|n| !notify::KINDS.iter().any(|(k, _)| *k == n.kind)).map(Row::from).collect();
    if !others.is_empty() {
        groups.push(Group { label: "其他".into(), level: String::new(), rows: others });
    }
    render(&DigestPage {
        nav: Nav::new(&p, "notifications"),
        date: date.to_string(),
        prev: prev.to_string(),
        next: next.to_string(),
        total: items.len(),
        red: items.iter().filter(|n| n.level == notify::LEVEL_RED).count(),
        unread: items.iter().filter(|n| n.read_at.is_none()).count(),
        groups,
    })
}
