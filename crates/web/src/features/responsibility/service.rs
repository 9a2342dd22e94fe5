//! 责任清单: filters, items with their fulfilment, and the entries of an item, shared by the
//! API and the pages.

use chrono::NaiveDate;
use qingfeng_domain::fulfilment::ItemStatus;
use qingfeng_domain::time::office_today;
use qingfeng_store::fulfilment::{evaluate_counts, parse_month_summary, requirement, this_year};
use qingfeng_store::responsibility::{self as resp, Item, ItemFilter, Template};
use qingfeng_store::StoreError;
use serde::Serialize;

use crate::auth::Principal;
use crate::features::org::service::unit_in_scope;
use crate::http::{ApiError, ApiResult, Params};
use crate::AppState;

// ------------------------------------------------------------------ templates

pub use qingfeng_domain::responsibility::TemplateFields;

// ------------------------------------------------------------------ lists

pub fn year_param(params: &Params) -> ApiResult<i64> {
    let y = params.int("year")?.unwrap_or_else(this_year);
    if !(2000..=2100).contains(&y) {
        return Err(ApiError::bad_request("参数 year 应为 2000–2100 之间的年份", Some("year")));
    }
    Ok(y)
}

/// An item with its fulfilment as of today.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ItemWithStatus {
    #[serde(flatten)]
    pub item: Item,
    pub status: ItemStatus,
}

/// An item on its own: its fulfilment and the ledger entries credited to it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ItemDetail {
    #[serde(flatten)]
    pub item: ItemWithStatus,
    /// the latest 100 entries credited to the item that the reader may open
    pub entries: Vec<qingfeng_store::ledger::Entry>,
    /// entries credited to the item from units outside the reader's scope
    pub hidden_entries: i64,
}

/// A yearly list with its items.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ListDetail {
    pub list: qingfeng_store::responsibility::List,
    pub items: Vec<ItemWithStatus>,
}

/// One item with its fulfilment as of today.
pub async fn one_with_status(state: &AppState, item: Item) -> ApiResult<ItemWithStatus> {
    Ok(with_status(state, vec![item]).await?.remove(0))
}

pub async fn with_status(state: &AppState, items: Vec<Item>) -> ApiResult<Vec<ItemWithStatus>> {
    let lead_days = qingfeng_store::settings::lead_days(&state.db).await?;
    let mut months = Vec::with_capacity(12);
    let with_status = items.into_iter().map(|item| {
        // the item's own month summary: no read of the month counts per page
        parse_month_summary(&item.month_counts, &mut months);
        let req = requirement(item.req_count, &item.req_period);
        let status = evaluate_counts(item.year as i32, req, &months, office_today(), lead_days);
        ItemWithStatus { item, status }
    });
    Ok(with_status.collect())
}

pub fn parse_pledge(s: Option<&str>) -> ApiResult<Option<NaiveDate>> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => match qingfeng_domain::text::parse_ymd(s) {
            Ok(d) if d <= office_today() => Ok(Some(d)),
            Ok(_) => Err(StoreError::field("pledge_date", "签订日期不能晚于今天").into()),
            Err(err) => Err(StoreError::field(
                "pledge_date",
                qingfeng_domain::text::date_error("签订日期", s, err, "2026-02-15"),
            )
            .into()),
        },
    }
}

// ------------------------------------------------------------------ items

/// The query parameters of the items lists, the export and the dashboard ([`item_filter`] and the year).
pub const ITEM_FILTERS: &[&str] =
    &["year", "unit", "include_sub", "person", "owner_role", "q", "include_inactive", "level"];

pub fn item_filter(params: &Params) -> ApiResult<ItemFilter> {
    Ok(ItemFilter {
        year: Some(year_param(params)?),
        unit_id: params.int("unit")?,
        include_sub: params.bool("include_sub")?.unwrap_or(true),
        person_id: params.int("person")?,
        owner_role: params.str("owner_role"),
        q: params.str("q"),
        active_only: !params.bool("include_inactive")?.unwrap_or(false),
        level: level_param(params)?,
        ..Default::default()
    })
}

/// `level`: a hierarchy level as the dashboard's roll-ups file items, or `discipline` (纪检监察组).
fn level_param(params: &Params) -> ApiResult<Option<String>> {
    match params.str("level") {
        None => Ok(None),
        Some(l) if l == "discipline" || qingfeng_domain::responsibility::Level::from_key(&l).is_some() => Ok(Some(l)),
        Some(_) => Err(ApiError::bad_request("参数 level 应为 leadership、middle、staff 或 discipline", Some("level"))),
    }
}

/// The latest 100 ledger entries credited to an item that the reader may open, and how many
/// other entries (of units outside the reader's scope) are credited to it too.
pub async fn item_entries(
    state: &AppState,
    p: &Principal,
    item_id: i64,
) -> ApiResult<(Vec<qingfeng_store::ledger::Entry>, i64)> {
    let filter = qingfeng_store::ledger::EntryFilter { item_id: Some(item_id), ..Default::default() };
    let visible =
        qingfeng_store::ledger::list(&state.db, &p.scope, &filter, Some(qingfeng_store::Paging::new(None, Some(100))))
            .await?;
    let all = qingfeng_store::ledger::list(
        &state.db,
        &qingfeng_store::Scope::all(),
        &filter,
        Some(qingfeng_store::Paging::new(None, Some(1))),
    )
    .await?;
    Ok((visible.items, (all.total - visible.total).max(0)))
}

// ------------------------------------------------------------------ templates: fields and scope

pub fn template_fields(t: &Template) -> TemplateFields {
    TemplateFields {
        code: t.code.clone(),
        text: t.text.clone(),
        owner_role: t.owner_role.clone(),
        req_count: t.req_count,
        req_period: t.req_period.clone(),
        kinds: t.kinds.split(',').map(str::to_string).collect(),
        source: t.source.clone(),
        unit_id: t.unit_id,
        active: t.active,
    }
}

/// A unit-specific template ("X") needs its unit in scope; the common set ("1") needs full scope.
pub async fn check_template_scope(state: &AppState, p: &Principal, unit_id: Option<i64>) -> ApiResult<()> {
    match unit_id {
        Some(u) => unit_in_scope(state, p, u).await.map(|_| ()).map_err(|e| match e {
            ApiError::NotFound => StoreError::field("unit_id", "单位不存在或不在您的数据范围内").into(),
            other => other,
        }),
        None if p.scope.all => Ok(()),
        None => Err(ApiError::Forbidden(
            "只有拥有全部数据权限的账号可以维护通用责任事项（请指定单位，设置本单位特有事项）".into(),
        )),
    }
}

/// Adds a template (active) after validation and the scope check; the API and the page call it.
pub async fn create_template(state: &AppState, p: &Principal, mut f: TemplateFields) -> ApiResult<Template> {
    f.active = true;
    let d = f.validate()?;
    check_template_scope(state, p, d.unit_id).await?;
    Ok(resp::create_template(&state.db, &p.actor(), &d).await?)
}

/// Changes a template: its code stays; the unit before and after must be in scope.
pub async fn update_template(state: &AppState, p: &Principal, id: i64, f: TemplateFields) -> ApiResult<Template> {
    let current = resp::template(&state.db, id).await?;
    check_template_scope(state, p, current.unit_id).await?;
    if f.code.trim() != current.code {
        return Err(StoreError::field("code", "事项编号不能修改").into());
    }
    let d = f.validate()?;
    check_template_scope(state, p, d.unit_id).await?;
    Ok(resp::update_template(&state.db, &p.actor(), id, &d).await?)
}
