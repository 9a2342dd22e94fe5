//! `/api/v1/ledger-entries`: the duty ledger. Submitted entries are never changed; a correction
//! is a new version with a reason.

use axum::extract::{Multipart, Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use qingfeng_domain::ledger::{attachment_type, EntryDraft, EntryFields, ATTACHMENT_MAX_BYTES};
use qingfeng_domain::responsibility::EntryKind;
use qingfeng_office::{write_table, CellValue, Column};
use qingfeng_store::fulfilment::today;
use qingfeng_store::ledger::{self, Entry, EntryFilter};
use qingfeng_store::{Page, StoreError};
use serde_json::{json, Value};

use super::{ApiJson, Params};
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::AppState;

/// Who may record an entry for a unit: anyone whose scope covers the unit, and anyone recording
/// their own participation in their own unit (仅本人 scope).
pub async fn check_entry_scope(state: &AppState, p: &Principal, d: &EntryDraft) -> ApiResult<()> {
    let unit = match qingfeng_store::org::units::get(&state.db, d.unit_id).await {
        Ok(u) => u,
        Err(StoreError::NotFound) => {
            return Err(StoreError::field("unit_id", format!("所属单位（编号 {}）不存在", d.unit_id)).into())
        }
        Err(e) => return Err(e.into()),
    };
    if p.scope.covers_unit(unit.id, &unit.path) {
        return Ok(());
    }
    if let Some(me) = p.person_id {
        let mine = qingfeng_store::org::people::get(&state.db, &qingfeng_store::Scope::all(), me).await?;
        if mine.unit_id == unit.id && d.participants.contains(&me) {
            return Ok(());
        }
    }
    Err(StoreError::field("unit_id", "所属单位不在您的数据范围内（只能登记本人参加的本单位活动）").into())
}

/// Linked items must be ones the operator can see.
async fn check_links(state: &AppState, p: &Principal, d: &EntryDraft) -> ApiResult<()> {
    for id in &d.items {
        match qingfeng_store::responsibility::item(&state.db, &p.scope, *id).await {
            Ok(_) => {}
            Err(StoreError::NotFound) => {
                return Err(
                    StoreError::field("items", format!("责任事项（编号 {id}）不存在或不在您的数据范围内")).into()
                )
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

pub async fn validate(state: &AppState, p: &Principal, f: &EntryFields, correction: bool) -> ApiResult<EntryDraft> {
    let d = f.validate(today(), correction)?;
    check_entry_scope(state, p, &d).await?;
    check_links(state, p, &d).await?;
    Ok(d)
}

pub fn entry_filter(params: &Params) -> ApiResult<EntryFilter> {
    let date = |k: &str| -> ApiResult<Option<chrono::NaiveDate>> {
        match params.str(k) {
            None => Ok(None),
            Some(s) => chrono::NaiveDate::parse_from_str(&s, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| ApiError::bad_request(format!("参数 {k} 应为日期，如 2026-03-01"), Some(k))),
        }
    };
    Ok(EntryFilter {
        year: params.int("year")?,
        unit_id: params.int("unit")?,
        include_sub: params.bool("include_sub")?.unwrap_or(true),
        person_id: params.int("person")?,
        kind: params.str("kind").map(|k| EntryKind::parse(&k).map(|x| x.key().to_string()).unwrap_or(k)),
        item_id: params.int("item")?,
        task_id: params.int("task")?,
        q: params.str("q"),
        from: date("from")?,
        to: date("to")?,
    })
}

pub async fn list(State(state): State<AppState>, p: Principal, params: Params) -> ApiResult<Json<Page<Entry>>> {
    Ok(Json(ledger::list(&state.db, &p.scope, &entry_filter(&params)?, Some(params.paging()?)).await?))
}

/// An entry with everything around it: participants, credited items, tasks, attachments, versions.
pub async fn detail(state: &AppState, e: Entry) -> ApiResult<Value> {
    let db = &state.db;
    let mut v = serde_json::to_value(&e).unwrap_or_default();
    v["participants"] = json!(ledger::participants(db, e.id).await?);
    v["credited_items"] = json!(ledger::credited_items(db, e.id).await?);
    v["linked_items"] = json!(ledger::linked_items(db, e.id).await?);
    v["tasks"] = json!(ledger::tasks(db, e.id).await?);
    v["attachments"] = json!(ledger::attachments(db, e.id).await?);
    let history = ledger::history(db, e.entry_key).await?;
    v["current"] = json!(history.last().map(|h| h.id) == Some(e.id));
    v["history"] = json!(history);
    Ok(v)
}

pub async fn get(State(state): State<AppState>, p: Principal, Path(id): Path<i64>) -> ApiResult<Json<Value>> {
    let e = ledger::get(&state.db, &p.scope, id).await?;
    Ok(Json(detail(&state, e).await?))
}

pub async fn create(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(f): ApiJson<EntryFields>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let d = validate(&state, &p, &f, false).await?;
    let id = ledger::create(&state.db, &p.actor(), &d).await?;
    let e = ledger::get(&state.db, &qingfeng_store::Scope::all(), id).await?;
    Ok((StatusCode::CREATED, Json(detail(&state, e).await?)))
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
) -> ApiResult<(StatusCode, Json<Value>)> {
    let current = ledger::get(&state.db, &p.scope, id).await?;
    let d = validate(&state, &p, &f, true).await?;
    let new_id = ledger::new_version(&state.db, &p.actor(), &current, &d).await?;
    let e = ledger::get(&state.db, &qingfeng_store::Scope::all(), new_id).await?;
    Ok((StatusCode::CREATED, Json(detail(&state, e).await?)))
}

/// Reads one uploaded file; checks type and size.
pub async fn read_attachment(mut m: Multipart) -> ApiResult<(String, &'static str, Vec<u8>)> {
    while let Some(field) = m.next_field().await.map_err(|_| ApiError::bad_request("上传内容无法读取", Some("file")))?
    {
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or("").trim().to_string();
        let Some(ctype) = attachment_type(&name) else {
            return Err(ApiError::bad_request(
                "附件类型不支持：只接受 pdf、jpg、png、doc、docx、xls、xlsx、wps 文件",
                Some("file"),
            ));
        };
        let bytes = field.bytes().await.map_err(|_| ApiError::bad_request("附件无法读取或过大", Some("file")))?;
        if bytes.is_empty() {
            return Err(ApiError::bad_request("附件是空文件", Some("file")));
        }
        if bytes.len() > ATTACHMENT_MAX_BYTES {
            return Err(ApiError::bad_request("附件不能超过 10MB", Some("file")));
        }
        let name: String = name.chars().rev().take(100).collect::<Vec<_>>().into_iter().rev().collect();
        return Ok((name, ctype, bytes.to_vec()));
    }
    Err(ApiError::bad_request("请选择要上传的附件（表单字段 file）", Some("file")))
}

pub async fn add_attachment(
    State(state): State<AppState>,
    p: Principal,
    Path(id): Path<i64>,
    m: Multipart,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let e = ledger::get(&state.db, &p.scope, id).await?;
    let (name, ctype, bytes) = read_attachment(m).await?;
    let meta = ledger::add_attachment(&state.db, &p.actor(), e.id, &name, ctype, bytes).await?;
    Ok((StatusCode::CREATED, Json(json!(meta))))
}

pub async fn attachment(State(state): State<AppState>, p: Principal, Path(id): Path<i64>) -> ApiResult<Response> {
    let (meta, content) = ledger::attachment(&state.db, &p.scope, id).await?;
    let disposition =
        format!("attachment; filename=\"file\"; filename*=UTF-8''{}", super::percent_encode(&meta.filename));
    Ok(([(header::CONTENT_TYPE, meta.content_type), (header::CONTENT_DISPOSITION, disposition)], content)
        .into_response())
}

/// 履职台账 in the layout offices use.
pub async fn export(State(state): State<AppState>, p: Principal, params: Params) -> ApiResult<Response> {
    let page = ledger::list(&state.db, &p.scope, &entry_filter(&params)?, None).await?;
    let cols = vec![
        Column::integer("序号", 6.0),
        Column::date("日期", 12.0),
        Column::text("类型", 10.0),
        Column::text("所属单位", 18.0),
        Column::text("地点", 14.0),
        Column::text("参加人员", 30.0),
        Column::text("主要内容", 50.0),
        Column::text("计入责任事项", 40.0),
        Column::text("版本", 6.0),
        Column::text("登记人", 10.0),
    ];
    let mut rows = Vec::with_capacity(page.items.len());
    for (n, e) in page.items.iter().enumerate() {
        let people: Vec<String> = ledger::participants(&state.db, e.id).await?.into_iter().map(|x| x.name).collect();
        let items: Vec<String> = ledger::credited_items(&state.db, e.id).await?.into_iter().map(|x| x.name).collect();
        rows.push(vec![
            (n as i64 + 1).into(),
            e.entry_date.into(),
            EntryKind::from_key(&e.kind).map(EntryKind::label).unwrap_or("").into(),
            (&e.unit_name).into(),
            (&e.place).into(),
            people.join("、").into(),
            (&e.content).into(),
            items.join("；").into(),
            format!("第{}版", e.version).into(),
            e.author.clone().unwrap_or_default().into(),
        ]);
    }
    let _: &[Vec<CellValue>] = &rows;
    Ok(super::xlsx(write_table("履职台账", Some("履职台账"), &cols, &rows)?, "履职台账.xlsx"))
}
