//! JSON handlers of responsibility templates, lists and items.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use qingfeng_domain::responsibility::{ItemFields, OwnerRole};
use qingfeng_office::{CellValue, Column};
use qingfeng_store::fulfilment::requirement;
use qingfeng_store::responsibility::{self as resp, GenerateReport, ItemFilter, List, Template};
use qingfeng_store::{Page, StoreError};
use serde::Deserialize;
use serde_json::Value;

use super::service;
use super::service::{
    check_template_scope, item_entries, item_filter, one_with_status, parse_pledge, template_fields, with_status,
    year_param, ItemDetail, ItemWithStatus, ListDetail, TemplateFields,
};
use crate::auth::Ctx;
use crate::http::ApiResult;
use crate::http::{merge_patch, xlsx, ApiJson, Params, Path};
use crate::sheets::heading::Heading;
use crate::AppState;

pub async fn templates(State(state): State<AppState>) -> ApiResult<Json<Page<Template>>> {
    let items = resp::templates(&state.db).await?;
    let total = items.len() as i64;
    Ok(Json(Page::new(items, total, 1, total.max(1))))
}

pub async fn create_template(
    Ctx { state, p }: Ctx,
    ApiJson(f): ApiJson<TemplateFields>,
) -> ApiResult<(StatusCode, Json<Template>)> {
    Ok((StatusCode::CREATED, Json(service::create_template(&state, &p, f).await?)))
}

pub async fn update_template(
    Ctx { state, p }: Ctx,
    Path(id): Path<i64>,
    ApiJson(patch): ApiJson<Value>,
) -> ApiResult<Json<Template>> {
    let current = resp::template(&state.db, id).await?;
    check_template_scope(&state, &p, current.unit_id).await?;
    let f: TemplateFields = merge_patch(&template_fields(&current), patch)?;
    Ok(Json(service::update_template(&state, &p, id, f).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GenerateRequest {
    pub year: i64,
}

pub async fn generate(Ctx { state, p }: Ctx, ApiJson(r): ApiJson<GenerateRequest>) -> ApiResult<Json<GenerateReport>> {
    if !(2000..=2100).contains(&r.year) {
        return Err(StoreError::field("year", "年份应在 2000–2100 之间").into());
    }
    Ok(Json(resp::generate(&state.db, &p.actor(), &p.scope, r.year).await?))
}

pub async fn lists(Ctx { state, p }: Ctx, params: Params) -> ApiResult<Json<Page<List>>> {
    let year = year_param(&params)?;
    let items = resp::lists(&state.db, &p.scope, year, params.int("unit")?, params.int("person")?).await?;
    let total = items.len() as i64;
    Ok(Json(Page::new(items, total, 1, total.max(1))))
}

pub async fn list(Ctx { state, p }: Ctx, Path(id): Path<i64>) -> ApiResult<Json<ListDetail>> {
    let l = resp::list(&state.db, &p.scope, id).await?;
    let items = resp::items(
        &state.db,
        &qingfeng_store::Scope::all(),
        &ItemFilter { list_id: Some(id), ..Default::default() },
        None,
    )
    .await?;
    Ok(Json(ListDetail { list: l, items: with_status(&state, items.items).await? }))
}

/// `GET /api/v1/responsibility-lists/{id}/pledge.docx`: the 责任书 to print and sign.
pub async fn pledge_docx(Ctx { state, p }: Ctx, Path(id): Path<i64>) -> ApiResult<Response> {
    let (bytes, filename) = super::pledge::document(&state, &p, id).await?;
    Ok(crate::http::docx(bytes, &filename))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PledgePatch {
    pub pledge_date: Option<String>,
}

pub async fn update_list(
    Ctx { state, p }: Ctx,
    Path(id): Path<i64>,
    ApiJson(patch): ApiJson<PledgePatch>,
) -> ApiResult<Json<List>> {
    let l = resp::list(&state.db, &p.scope, id).await?;
    let date = parse_pledge(patch.pledge_date.as_deref())?;
    resp::set_pledge(&state.db, &p.actor(), &l, date).await?;
    Ok(Json(resp::list(&state.db, &p.scope, id).await?))
}

pub async fn items(Ctx { state, p }: Ctx, params: Params) -> ApiResult<Json<Page<ItemWithStatus>>> {
    let mut page = resp::items(&state.db, &p.scope, &item_filter(&params)?, Some(params.paging()?)).await?;
    let items = with_status(&state, std::mem::take(&mut page.items)).await?;
    Ok(Json(page.with_items(items)))
}

pub async fn item(Ctx { state, p }: Ctx, Path(id): Path<i64>) -> ApiResult<Json<ItemDetail>> {
    let it = resp::item(&state.db, &p.scope, id).await?;
    let (entries, hidden_entries) = item_entries(&state, &p, id).await?;
    Ok(Json(ItemDetail { item: one_with_status(&state, it).await?, entries, hidden_entries }))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemPatch {
    pub text: Option<String>,
    pub req_count: Option<i64>,
    pub req_period: Option<String>,
    pub kinds: Option<Vec<String>>,
    pub active: Option<bool>,
}

pub async fn update_item(
    Ctx { state, p }: Ctx,
    Path(id): Path<i64>,
    ApiJson(patch): ApiJson<ItemPatch>,
) -> ApiResult<Json<ItemWithStatus>> {
    let before = resp::item(&state.db, &p.scope, id).await?;
    let edit = ItemFields {
        text: patch.text.unwrap_or(before.text.clone()),
        req_count: patch.req_count.unwrap_or(before.req_count),
        req_period: patch.req_period.unwrap_or(before.req_period.clone()),
        kinds: patch.kinds.unwrap_or(before.kinds.split(',').map(str::to_string).collect()),
        active: patch.active.unwrap_or(before.active),
    }
    .validate()?;
    resp::edit_item(&state.db, &p.actor(), &before, &edit).await?;
    let after = resp::item(&state.db, &p.scope, id).await?;
    Ok(Json(one_with_status(&state, after).await?))
}

/// 责任清单 in the layout offices use: one row per item, grouped by owner (责任主体 and 岗位
/// merged over the owner's rows).
pub async fn export(Ctx { state, p }: Ctx, params: Params) -> ApiResult<Response> {
    let year = year_param(&params)?;
    let filter = item_filter(&params)?;
    let page = resp::items(&state.db, &p.scope, &filter, None).await?;
    let rows = with_status(&state, page.items).await?;
    let cols = vec![
        Column::integer("序号", 6.0),
        Column::text("责任主体", 22.0),
        Column::text("岗位", 14.0),
        Column::text("责任事项", 44.0),
        Column::text("工作要求", 16.0),
        Column::text("落实情况", 12.0),
        Column::text("状态", 8.0),
        Column::text("依据", 30.0),
    ];
    let data: Vec<Vec<CellValue>> = rows
        .iter()
        .enumerate()
        .map(|(n, r)| {
            let owner = match &r.item.person_name {
                Some(name) => format!("{}（{}）", name, r.item.unit_name),
                None => r.item.unit_name.clone(),
            };
            vec![
                (n as i64 + 1).into(),
                owner.into(),
                OwnerRole::parse(&r.item.owner_role).map(OwnerRole::label).unwrap_or("").into(),
                (&r.item.text).into(),
                requirement(r.item.req_count, &r.item.req_period).label().into(),
                format!("{}/{}", r.status.done, r.status.required).into(),
                r.status.state.label().into(),
                (&r.item.source).into(),
            ]
        })
        .collect();
    let heading = Heading::load(&state.db, &p.scope, &format!("{year}年度党风廉政建设责任清单"))
        .await?
        .unit(filter.unit_id, filter.include_sub)
        .filter("岗位", filter.owner_role.as_deref().and_then(OwnerRole::parse).map(|r| r.label().to_string()))
        .filter("关键词", filter.q.clone());
    let mut table = heading.table("责任清单", &cols, &data);
    let owners: Vec<(&str, Option<i64>, &str)> =
        rows.iter().map(|r| (r.item.unit_name.as_str(), r.item.person_id, r.item.owner_role.as_str())).collect();
    let mut first = 0;
    for i in 0..owners.len() {
        if owners.get(i + 1) != Some(&owners[i]) {
            table = table.span(first, i + 1 - first, 1).span(first, i + 1 - first, 2);
            first = i + 1;
        }
    }
    Ok(xlsx(table.write()?, &format!("{}.xlsx", heading.title())))
}
