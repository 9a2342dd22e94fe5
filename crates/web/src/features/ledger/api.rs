//! JSON handlers of ledger entries and attachments.

use std::collections::HashMap;

use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use qingfeng_domain::ledger::EntryFields;
use qingfeng_domain::responsibility::MeetingType;
use qingfeng_office::Column;
use qingfeng_store::ledger::{self, Entry};
use qingfeng_store::Page;

use super::service::{entry_filter, entry_view, item_visible, person_visible, validate, EntryView};
use crate::auth::Principal;
use crate::http::read_attachment;
use crate::http::{ApiError, ApiResult};
use crate::http::{ApiJson, Params, Path};
use crate::sheets::heading::Heading;
use crate::AppState;

pub async fn list(State(state): State<AppState>, p: Principal, params: Params) -> ApiResult<Json<Page<Entry>>> {
    Ok(Json(ledger::list(&state.db, &p.scope, &entry_filter(&params)?, Some(params.paging()?)).await?))
}

pub async fn get(State(state): State<AppState>, p: Principal, Path(id): Path<i64>) -> ApiResult<Json<EntryView>> {
    let e = ledger::get(&state.db, &p.scope, id).await?;
    Ok(Json(entry_view(&state, &p, e).await?))
}

pub async fn create(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(f): ApiJson<EntryFields>,
) -> ApiResult<(StatusCode, Json<EntryView>)> {
    let d = validate(&state, &p, &f, None).await?;
    let id = ledger::create(&state.db, &p.actor(), &d).await?;
    let e = ledger::get(&state.db, &qingfeng_store::Scope::all(), id).await?;
    Ok((StatusCode::CREATED, Json(entry_view(&state, &p, e).await?)))
}

/// `PATCH` is refused: a submitted entry is never changed.
pub async fn refuse_edit(p: Principal, Path(id): Path<i64>) -> ApiError {
    let _ = p;
    ApiError::Conflict(format!(
        "已提交的台账记录不能修改。如需更正，请提交新版本（POST /api/v1/ledger-entries/{id}/versions）并写明更正理由，原记录将保留在历史中"
    ))
}

pub async fn new_version(
    State(state): State<AppState>,
    p: Principal,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<EntryFields>,
) -> ApiResult<(StatusCode, Json<EntryView>)> {
    let current = ledger::get(&state.db, &p.scope, id).await?;
    let d = validate(&state, &p, &f, Some(&current)).await?;
    let new_id = ledger::new_version(&state.db, &p.actor(), &current, &d).await?;
    let e = ledger::get(&state.db, &qingfeng_store::Scope::all(), new_id).await?;
    Ok((StatusCode::CREATED, Json(entry_view(&state, &p, e).await?)))
}

pub async fn add_attachment(
    State(state): State<AppState>,
    p: Principal,
    Path(id): Path<i64>,
    m: Multipart,
) -> ApiResult<(StatusCode, Json<ledger::AttachmentMeta>)> {
    let e = ledger::get(&state.db, &p.scope, id).await?;
    let a = read_attachment(m).await?;
    let meta = ledger::add_attachment(&state.db, &p.actor(), e.id, &a.filename, a.content_type, a.bytes).await?;
    Ok((StatusCode::CREATED, Json(meta)))
}

pub async fn attachment(State(state): State<AppState>, p: Principal, Path(id): Path<i64>) -> ApiResult<Response> {
    let (meta, content) = ledger::attachment(&state.db, &p.scope, id).await?;
    Ok(crate::http::stored_file(content, &meta.filename, meta.content_type))
}

/// 撤回附件: answers the withdrawn file's record.
pub async fn withdraw_attachment(
    State(state): State<AppState>,
    p: Principal,
    Path(id): Path<i64>,
) -> ApiResult<Json<ledger::AttachmentMeta>> {
    Ok(Json(super::service::withdraw_attachment(&state, &p, id).await?))
}

/// 履职台账 in the layout offices use.
pub async fn export(State(state): State<AppState>, p: Principal, params: Params) -> ApiResult<Response> {
    let filter = entry_filter(&params)?;
    let page = ledger::list(&state.db, &p.scope, &filter, None).await?;
    let labels = qingfeng_store::dicts::labels(&state.db).await?;
    let cols = vec![
        Column::integer("序号", 6.0),
        Column::date("日期", 12.0),
        Column::text("类型", 10.0),
        Column::text("会议类型", 10.0),
        Column::text("所属单位", 18.0),
        Column::text("地点", 14.0),
        Column::text("参加人员", 24.0),
        Column::text("主要内容", 36.0),
        Column::text("计入责任事项", 30.0),
        Column::text("版本", 6.0),
        Column::text("登记人", 10.0),
    ];
    let mut rows = Vec::with_capacity(page.items.len());
    // the sheet shows of each entry only the people and items the reader may open, as the page does
    let mut seen_people: HashMap<i64, bool> = HashMap::new();
    let mut seen_items: HashMap<i64, bool> = HashMap::new();
    for (n, e) in page.items.iter().enumerate() {
        let mut people: Vec<String> = Vec::new();
        let mut hidden_people = 0;
        for x in ledger::participants(&state.db, e.id).await? {
            let visible = match seen_people.get(&x.id) {
                Some(v) => *v,
                None => *seen_people.entry(x.id).or_insert(person_visible(&state, &p, x.id).await?),
            };
            if visible {
                people.push(x.name);
            } else {
                hidden_people += 1;
            }
        }
        if hidden_people > 0 {
            people.push(format!("另有{hidden_people}人"));
        }
        let mut items: Vec<String> = Vec::new();
        for x in ledger::credited_items(&state.db, e.id).await? {
            let visible = match seen_items.get(&x.id) {
                Some(v) => *v,
                None => *seen_items.entry(x.id).or_insert(item_visible(&state, &p, x.id).await?),
            };
            if visible {
                items.push(x.name);
            }
        }
        rows.push(vec![
            (n as i64 + 1).into(),
            e.entry_date.into(),
            labels.kind_of(&e.kind).into(),
            MeetingType::from_key(&e.meeting_type).map(MeetingType::label).unwrap_or("").into(),
            (&e.unit_name).into(),
            (&e.place).into(),
            people.join("、").into(),
            (&e.content).into(),
            items.join("；").into(),
            format!("第{}版", e.version).into(),
            e.author.clone().unwrap_or_default().into(),
        ]);
    }
    let list = match filter.year {
        Some(year) => format!("{year}年度党风廉政建设履职台账"),
        None => "党风廉政建设履职台账".to_string(),
    };
    let heading = Heading::load(&state.db, &p.scope, &list)
        .await?
        .unit(filter.unit_id, filter.include_sub)
        .filter("类型", filter.kind.as_deref().map(|k| labels.kind_of(k)).filter(|k| !k.is_empty()).map(String::from))
        .filter("关键词", filter.q.clone())
        .filter("日期自", filter.from.map(|d| d.to_string()))
        .filter("日期至", filter.to.map(|d| d.to_string()));
    Ok(crate::http::xlsx(heading.table("履职台账", &cols, &rows).write()?, "履职台账.xlsx"))
}
