//! 公务接待 pages: the register, a reception with its checks (and the 纪检组's 转为问题), the
//! 纪检组's list of failed checks, the form with its live checks, and the import.

mod form;

use askama::Template;
use axum::extract::Multipart;
use qingfeng_domain::access::Permission;
use qingfeng_domain::decisions::format_amount;
use qingfeng_store::receptions::{self as store, Reception, ReceptionFilter, ReceptionSummary};
use qingfeng_store::Paging;

pub use form::{check, create, edit, edit_form, new_form};

use super::service;
use crate::auth::Ctx;
use crate::features::findings::checked_api::Checked;
use crate::features::findings::from_checks::{check_rows, converted_page, CheckRow};
use crate::features::personal_reports::service::after_upload;
use crate::http::{human_size, render, FormPairs, Nav, PagePath, PageResult, Pager, Params};

#[derive(Template)]
#[template(path = "receptions/list.html")]
struct ListPage {
    nav: Nav,
    rows: Vec<ReceptionSummary>,
    year: String,
    q: String,
    failed: bool,
    export_query: String,
    pager: Pager,
    can_write: bool,
    can_convert: bool,
}

pub async fn list(Ctx { state, p }: Ctx, params: Params) -> PageResult {
    let filter = service::filter(&params)?;
    let page = store::list(&state.db, &p.scope, &filter, Some(params.paging()?)).await?;
    let keep: Vec<(&str, String)> = service::FILTERS.iter().filter_map(|k| params.str(k).map(|v| (*k, v))).collect();
    render(&ListPage {
        nav: Nav::new(&p, "receptions"),
        pager: Pager::new("/receptions", &page, &keep),
        export_query: serde_urlencoded::to_string(&keep).unwrap_or_default(),
        rows: page.items,
        year: params.str("year").unwrap_or_default(),
        q: params.str("q").unwrap_or_default(),
        failed: filter.failed,
        can_write: p.can(Permission::ReceptionWrite),
        can_convert: p.can(Permission::ReceptionConvert),
    })
}

#[derive(Template)]
#[template(path = "receptions/detail.html")]
struct DetailPage {
    nav: Nav,
    r: Reception,
    checks: Vec<CheckRow>,
    failed: usize,
    sizes: Vec<String>,
    /// accommodation and transport in 元
    amounts: (String, String),
    can_write: bool,
    can_convert: bool,
    flash: Option<String>,
}

pub async fn detail(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, params: Params) -> PageResult {
    let r = store::get(&state.db, &p.scope, id).await?;
    render(&DetailPage {
        nav: Nav::new(&p, "receptions"),
        failed: r.failed().len(),
        checks: check_rows(&r.checks, &r.findings),
        sizes: r.files.iter().map(|f| human_size(f.size)).collect(),
        amounts: (format_amount(r.accommodation_cents), format_amount(r.transport_cents)),
        can_write: p.can(Permission::ReceptionWrite) && p.scope.covers_unit(r.unit_id, &r.unit_path),
        can_convert: p.can(Permission::ReceptionConvert),
        flash: params.str("refused").or_else(|| params.str("message")),
        r,
    })
}

/// A reception with failed checks, as the 纪检组's list shows it.
struct Flagged {
    r: Reception,
    checks: Vec<CheckRow>,
}

#[derive(Template)]
#[template(path = "receptions/flagged.html")]
struct FlaggedPage {
    nav: Nav,
    rows: Vec<Flagged>,
    total: i64,
    year: String,
    pager: Pager,
}

/// The 纪检组's list: saved receptions whose checks failed, each failed rule with 转为问题.
pub async fn flagged(Ctx { state, p }: Ctx, params: Params) -> PageResult {
    let filter = ReceptionFilter { failed: true, ..service::filter(&params)? };
    let paging = Paging::new(params.int("page")?, Some(params.int("per_page")?.unwrap_or(20).min(50)));
    let page = store::list(&state.db, &p.scope, &filter, Some(paging)).await?;
    let mut rows = Vec::new();
    for s in &page.items {
        let r = store::get(&state.db, &p.scope, s.id).await?;
        let checks = check_rows(&r.checks, &r.findings).into_iter().filter(|c| !c.c.ok).collect();
        rows.push(Flagged { r, checks });
    }
    let keep: Vec<(&str, String)> = params.str("year").map(|y| ("year", y)).into_iter().collect();
    render(&FlaggedPage {
        nav: Nav::new(&p, "reception-flagged"),
        pager: Pager::new("/receptions/flagged", &page, &keep),
        total: page.total,
        rows,
        year: params.str("year").unwrap_or_default(),
    })
}

/// 转为问题 (the 纪检组): the failed check becomes a finding; the page opens it.
pub async fn convert(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, form: FormPairs) -> PageResult {
    converted_page(
        service::Receptions::convert(&state, &p, id, form.get("rule").trim()).await,
        &format!("/receptions/{id}"),
    )
}

/// The scanned 公函: back to the reception, with the refusal named when there is one.
pub async fn upload(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, m: Multipart) -> PageResult {
    after_upload(service::add_file(&state, &p, id, m).await, &format!("/receptions/{id}"))
}
