//! `/api/v1/people`

use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use qingfeng_domain::org::{PersonDraft, PersonFields};
use qingfeng_store::org::{people, Person, PersonFilter};
use qingfeng_store::Page;
use serde_json::{json, Value};

use super::units::unit_in_scope;
use super::{merge_patch, upload, xlsx, ApiJson, Params, Path};
use crate::auth::Principal;
use crate::http::{ApiError, ApiResult};
use crate::services::grants::check_units_in_scope;
use crate::services::org_sheets;
use crate::sheets::ImportReport;
use crate::AppState;

pub fn fields_of(p: &Person, in_charge: Option<Vec<i64>>) -> PersonFields {
    PersonFields {
        name: p.name.clone(),
        gender: p.gender.clone(),
        unit_id: Some(p.unit_id),
        title: p.title.clone(),
        rank: p.rank.clone(),
        political_status: p.political_status.clone(),
        roles: p.roles.split(',').filter(|s| !s.is_empty()).map(str::to_string).collect(),
        status: p.status.clone(),
        birth_date: p.birth_date.map(|d| d.to_string()).unwrap_or_default(),
        party_join_date: p.party_join_date.map(|d| d.to_string()).unwrap_or_default(),
        exercises_public_power: p.exercises_public_power,
        supervision_override: p.supervision_override,
        supervision_override_reason: p.supervision_override_reason.clone(),
        in_charge_of: in_charge,
    }
}

/// The JSON shape of a person: roles as an array of keys, plus 分管 units when known.
pub fn person_json(p: &Person, in_charge: Option<&[i64]>) -> Value {
    let mut v = serde_json::to_value(p).unwrap_or(Value::Null);
    v["roles"] = json!(p.roles.split(',').filter(|s| !s.is_empty()).collect::<Vec<_>>());
    if let Some(ic) = in_charge {
        v["in_charge_of"] = json!(ic);
    }
    v
}

pub fn filter_from(params: &Params) -> Result<PersonFilter, ApiError> {
    Ok(PersonFilter {
        q: params.str("q"),
        unit_id: params.int("unit")?,
        include_sub: params.bool("include_sub")?.unwrap_or(true),
        status: params.str("status"),
        rank: params.str("rank"),
        in_supervision_scope: params.bool("supervised")?,
    })
}

/// Checks what a validated draft points at: its unit and 分管 units must be in the caller's scope.
/// `in_charge` is the new 分管 list (None: unchanged); `current_in_charge` the person's list
/// before the change, whose units may stay even when the caller cannot see them (dropping one
/// only narrows), while every unit added must be inside the caller's scope.
pub async fn check_draft_scope(
    state: &AppState,
    p: &Principal,
    d: &PersonDraft,
    in_charge: Option<&[i64]>,
    current_in_charge: &[i64],
) -> ApiResult<()> {
    let added: Vec<i64> =
        in_charge.unwrap_or_default().iter().copied().filter(|u| !current_in_charge.contains(u)).collect();
    check_units_in_scope(&state.db, &p.scope, "in_charge_of", "分管单位", &added).await?;
    match unit_in_scope(state, p, d.unit_id).await {
        Ok(_) => {}
        Err(ApiError::NotFound) => {
            return Err(qingfeng_store::StoreError::field(
                "unit_id",
                format!("所在单位（编号 {}）不存在或不在您的数据范围内", d.unit_id),
            )
            .into())
        }
        Err(e) => return Err(e),
    }
    Ok(())
}

pub async fn list(State(state): State<AppState>, p: Principal, params: Params) -> ApiResult<Json<Page<Value>>> {
    let page = people::list(&state.db, &p.scope, &filter_from(&params)?, params.paging()?).await?;
    Ok(Json(Page {
        items: page.items.iter().map(|x| person_json(x, None)).collect(),
        total: page.total,
        page: page.page,
        per_page: page.per_page,
    }))
}

pub async fn get(State(state): State<AppState>, p: Principal, Path(id): Path<i64>) -> ApiResult<Json<Value>> {
    let person = people::get(&state.db, &p.scope, id).await?;
    let ic = people::in_charge_of(&state.db, id).await?;
    let mut v = person_json(&person, Some(&ic));
    v["transfers"] = json!(people::transfers(&state.db, id).await?);
    Ok(Json(v))
}

pub async fn create(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(fields): ApiJson<PersonFields>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let draft = fields.validate()?;
    check_draft_scope(&state, &p, &draft, fields.in_charge_of.as_deref(), &[]).await?;
    let person = people::create(&state.db, &p.actor(), &draft, fields.in_charge_of.as_deref()).await?;
    let ic = people::in_charge_of(&state.db, person.id).await?;
    Ok((StatusCode::CREATED, Json(person_json(&person, Some(&ic)))))
}

pub async fn update(
    State(state): State<AppState>,
    p: Principal,
    Path(id): Path<i64>,
    ApiJson(patch): ApiJson<Value>,
) -> ApiResult<Json<Value>> {
    let current = people::get(&state.db, &p.scope, id).await?;
    let fields: PersonFields = merge_patch(&fields_of(&current, None), patch)?;
    let draft = fields.validate()?;
    let current_in_charge = people::in_charge_of(&state.db, id).await?;
    check_draft_scope(&state, &p, &draft, fields.in_charge_of.as_deref(), &current_in_charge).await?;
    let person = people::update(&state.db, &p.actor(), id, &draft, fields.in_charge_of.as_deref(), "").await?;
    let ic = people::in_charge_of(&state.db, id).await?;
    Ok(Json(person_json(&person, Some(&ic))))
}

pub async fn template(State(state): State<AppState>, p: Principal) -> ApiResult<Response> {
    Ok(xlsx(org_sheets::people_template(&state.db, &p.scope).await?, "人员导入模板.xlsx"))
}

pub async fn export(State(state): State<AppState>, p: Principal, params: Params) -> ApiResult<Response> {
    let filter = filter_from(&params)?;
    Ok(xlsx(org_sheets::people_export(&state.db, &p.scope, &filter).await?, "人员.xlsx"))
}

pub async fn import(
    State(state): State<AppState>,
    p: Principal,
    params: Params,
    multipart: Multipart,
) -> ApiResult<Json<ImportReport>> {
    let commit = params.bool("commit")?.unwrap_or(false);
    let bytes = upload(multipart).await?;
    Ok(Json(org_sheets::people_import(&state.db, &p.actor(), &p.scope, &bytes, commit).await?))
}
