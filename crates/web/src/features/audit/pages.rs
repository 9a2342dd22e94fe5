//! 操作日志 and 登录日志 pages.

use askama::Template;

use super::service::{audit_filter, lines, logins_page, result_label, verify, AUDIT_FILTERS, LOGIN_FILTERS};
use super::wording::{Line, ACTIONS, ENTITIES};
use crate::auth::{Ctx, Principal};
use crate::http::Params;
use crate::http::{render, Nav, Opt, PageResult};
use crate::time::local_time;
use crate::AppState;

#[derive(Template)]
#[template(path = "audit/audit.html")]
struct AuditPage {
    nav: Nav,
    lines: Vec<Line>,
    person: String,
    from: String,
    to: String,
    entities: Vec<Opt>,
    actions: Vec<Opt>,
    query: String,
    total: i64,
    page: i64,
    pages: i64,
    next_after: Option<i64>,
    prev_before: Option<i64>,
    /// the result of the chain check, when it was asked for: (intact, words)
    verdict: Option<(bool, String)>,
}

fn keep_query(params: &Params, keys: &[&str]) -> String {
    let pairs: Vec<(&str, String)> = keys.iter().filter_map(|k| params.str(k).map(|v| (*k, v))).collect();
    serde_urlencoded::to_string(pairs).unwrap_or_default()
}

fn choice(values: &[(&str, &str)], current: Option<String>) -> Vec<Opt> {
    let mut out = vec![Opt::new("", "全部", current.is_none())];
    out.extend(values.iter().map(|(v, l)| Opt::new(v, l, current.as_deref() == Some(*v))));
    out
}

async fn audit_page(state: &AppState, p: &Principal, params: &Params, verdict: Option<(bool, String)>) -> PageResult {
    let (page, lines) = lines(state, &audit_filter(params)?, Some(params.paging()?)).await?;
    let entities: Vec<(&str, &str)> = ENTITIES.iter().map(|e| (e.0, e.1)).collect();
    let actions: Vec<(&str, &str)> = ACTIONS.iter().map(|a| (a.0, a.1)).collect();
    render(&AuditPage {
        nav: Nav::new(p, "audit"),
        lines,
        person: params.str("person").unwrap_or_default(),
        from: params.str("from").unwrap_or_default(),
        to: params.str("to").unwrap_or_default(),
        entities: choice(&entities, params.str("entity")),
        actions: choice(&actions, params.str("action")),
        query: keep_query(params, AUDIT_FILTERS),
        pages: ((page.total + page.per_page - 1) / page.per_page).max(1),
        next_after: page.next_after,
        prev_before: page.prev_before,
        total: page.total,
        page: page.page,
        verdict,
    })
}

/// `GET /system/audit`: the trail in words, filtered by person, object, action and dates.
pub async fn audit(Ctx { state, p }: Ctx, params: Params) -> PageResult {
    audit_page(&state, &p, &params, None).await
}

/// `POST /system/audit/verify`: checks the whole chain and shows the result above the trail.
pub async fn verify_chain(Ctx { state, p }: Ctx, params: Params) -> PageResult {
    let verdict = verify(&state).await?;
    audit_page(&state, &p, &params, Some(verdict)).await
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

pub async fn logins(Ctx { state, p }: Ctx, params: Params) -> PageResult {
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
        results: choice(&["success", "failure", "locked"].map(|r| (r, result_label(r))), params.str("result")),
        query: keep_query(&params, LOGIN_FILTERS),
        pages: ((page.total + page.per_page - 1) / page.per_page).max(1),
        total: page.total,
        page: page.page,
    })
}
