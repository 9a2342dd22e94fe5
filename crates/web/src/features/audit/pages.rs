//! 操作日志 and 登录日志 pages.

use askama::Template;
use axum::extract::State;

use super::service::{action_label, audit_filter, entity_label, logins_page, result_label};
use crate::auth::Principal;
use crate::http::Params;
use crate::http::{render, Nav, Opt, PageResult};
use crate::time::local_time;
use crate::AppState;

type AuditRow = (i64, String, String, String, String, String, String, String);

#[derive(Template)]
#[template(path = "audit/audit.html")]
struct AuditPage {
    nav: Nav,
    rows: Vec<AuditRow>,
    username: String,
    from: String,
    to: String,
    entities: Vec<Opt>,
    actions: Vec<Opt>,
    query: String,
    total: i64,
    page: i64,
    pages: i64,
}

fn keep_query(params: &Params, keys: &[&str]) -> String {
    let pairs: Vec<(&str, String)> = keys.iter().filter_map(|k| params.str(k).map(|v| (*k, v))).collect();
    serde_urlencoded::to_string(pairs).unwrap_or_default()
}

fn choice(values: &[&str], label: fn(&str) -> &str, current: Option<String>) -> Vec<Opt> {
    let mut out = vec![Opt::new("", "全部", current.is_none())];
    out.extend(values.iter().map(|v| Opt::new(v, label(v), current.as_deref() == Some(*v))));
    out
}

pub async fn audit(State(state): State<AppState>, p: Principal, params: Params) -> PageResult {
    let filter = audit_filter(&params)?;
    let page = qingfeng_store::audit::list(&state.db, &filter, Some(params.paging()?)).await?;
    let rows = page
        .items
        .iter()
        .map(|r| {
            (
                r.id,
                local_time(r.at),
                r.username.clone(),
                r.address.clone(),
                action_label(&r.action).to_string(),
                entity_label(&r.entity).to_string(),
                r.entity_id.clone(),
                r.diff.clone(),
            )
        })
        .collect();
    render(&AuditPage {
        nav: Nav::new(&p, "audit"),
        rows,
        username: params.str("username").unwrap_or_default(),
        from: params.str("from").unwrap_or_default(),
        to: params.str("to").unwrap_or_default(),
        entities: choice(
            &["unit", "person", "in_charge_of", "account", "api_token", "role", "setting"],
            entity_label,
            params.str("entity"),
        ),
        actions: choice(
            &["create", "update", "delete", "import", "login", "logout"],
            action_label,
            params.str("action"),
        ),
        query: keep_query(&params, &["username", "entity", "action", "from", "to"]),
        pages: ((page.total + page.per_page - 1) / page.per_page).max(1),
        total: page.total,
        page: page.page,
    })
}

#[derive(Template)]
#[template(path = "audit/logins.html")]
struct LoginsPage {
    nav: Nav,
    rows: Vec<(String, String, String, String)>,
    username: String,
    from: String,
    to: String,
    results: Vec<Opt>,
    query: String,
    total: i64,
    page: i64,
    pages: i64,
}

pub async fn logins(State(state): State<AppState>, p: Principal, params: Params) -> PageResult {
    let page = logins_page(&state, &params, true).await?;
    let rows = page
        .items
        .iter()
        .map(|r| (local_time(r.at), r.username.clone(), r.address.clone(), result_label(&r.result).to_string()))
        .collect();
    render(&LoginsPage {
        nav: Nav::new(&p, "logins"),
        rows,
        username: params.str("username").unwrap_or_default(),
        from: params.str("from").unwrap_or_default(),
        to: params.str("to").unwrap_or_default(),
        results: choice(&["success", "failure", "locked"], result_label, params.str("result")),
        query: keep_query(&params, &["username", "result", "from", "to"]),
        pages: ((page.total + page.per_page - 1) / page.per_page).max(1),
        total: page.total,
        page: page.page,
    })
}
