//! JSON handlers of units and people under /api/v1/units and /api/v1/people.

use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use qingfeng_domain::org::PersonFields;
use qingfeng_domain::org::UnitFields;
use qingfeng_store::dicts;
use qingfeng_store::org::units::{self, Unit, UnitFilter};
use qingfeng_store::org::{people, Person};
use qingfeng_store::Page;
use serde_json::Value;

use super::service::{
    check_draft_scope, check_parent_scope, filter_from, parent_of, person_fields_of, seat_in_scope, shown_to,
    unit_fields_of, unit_in_scope, PersonView,
};
use super::sheets;
use crate::auth::Ctx;
use crate::http::ApiResult;
use crate::http::{merge_patch, xlsx, ApiJson, ImportUpload, Params, Path};
use crate::sheets::ImportReport;

pub async fn list_units(Ctx { state, p }: Ctx, params: Params) -> ApiResult<Json<Page<Unit>>> {
    let filter = UnitFilter { q: params.str("q"), kind: params.str("kind"), parent_id: params.int("parent_id")? };
    Ok(Json(units::list(&state.db, &p.scope, &filter, params.paging()?).await?))
}

pub async fn get_unit(Ctx { state, p }: Ctx, Path(id): Path<i64>) -> ApiResult<Json<Unit>> {
    Ok(Json(unit_in_scope(&state, &p, id).await?))
}

pub async fn create_unit(
    Ctx { state, p }: Ctx,
    ApiJson(fields): ApiJson<UnitFields>,
) -> ApiResult<(axum::http::StatusCode, Json<Unit>)> {
    let draft = fields.validate()?;
    let parent = parent_of(&state, draft.parent_id).await?;
    check_parent_scope(&p, parent.as_ref())?;
    let u = units::create(&state.db, &p.actor(), &draft).await?;
    Ok((axum::http::StatusCode::CREATED, Json(u)))
}

pub async fn update_unit(
    Ctx { state, p }: Ctx,
    Path(id): Path<i64>,
    ApiJson(patch): ApiJson<Value>,
) -> ApiResult<Json<Unit>> {
    let current = unit_in_scope(&state, &p, id).await?;
    let fields: UnitFields = merge_patch(&unit_fields_of(&current), patch)?;
    let draft = fields.validate()?;
    if draft.parent_id != current.parent_id {
        let parent = parent_of(&state, draft.parent_id).await?;
        check_parent_scope(&p, parent.as_ref())?;
    }
    Ok(Json(units::update(&state.db, &p.actor(), id, &draft).await?))
}

pub async fn units_template() -> ApiResult<Response> {
    Ok(xlsx(sheets::units_template()?, "单位导入模板.xlsx"))
}

pub async fn export_units(Ctx { state, p }: Ctx) -> ApiResult<Response> {
    Ok(xlsx(sheets::units_export(&state.db, &p.scope).await?, "单位.xlsx"))
}

pub async fn import_units(Ctx { state, p }: Ctx, file: ImportUpload) -> ApiResult<Json<ImportReport>> {
    Ok(Json(sheets::units_import(&state.db, &p.actor(), &p.scope, &file.bytes, file.commit).await?))
}

pub async fn list_people(Ctx { state, p }: Ctx, params: Params) -> ApiResult<Json<Page<Person>>> {
    let page = people::list(&state.db, &p.scope, &filter_from(&params)?, params.paging()?).await?;
    Ok(Json(Page { items: page.items.into_iter().map(|x| shown_to(&p, x)).collect(), ..page }))
}

pub async fn get_person(Ctx { state, p }: Ctx, Path(id): Path<i64>) -> ApiResult<Json<PersonView>> {
    let person = people::get(&state.db, &p.scope, id).await?;
    let mut view = PersonView::load(&state, &p, person).await?;
    view.transfers = Some(people::transfers(&state.db, id).await?);
    Ok(Json(view))
}

pub async fn create_person(
    Ctx { state, p }: Ctx,
    ApiJson(fields): ApiJson<PersonFields>,
) -> ApiResult<(StatusCode, Json<PersonView>)> {
    let draft = fields.validate_with(&dicts::rank_names(&state.db).await?)?;
    check_draft_scope(&state, &p, &draft, fields.in_charge_of.as_deref(), &[]).await?;
    let seat = seat_in_scope(&state, &p, &fields, None).await?;
    let person = people::create(&state.db, &p.actor(), &draft, fields.in_charge_of.as_deref(), Some(seat)).await?;
    Ok((StatusCode::CREATED, Json(PersonView::load(&state, &p, person).await?)))
}

pub async fn update_person(
    Ctx { state, p }: Ctx,
    Path(id): Path<i64>,
    ApiJson(patch): ApiJson<Value>,
) -> ApiResult<Json<PersonView>> {
    let current = people::get(&state.db, &p.scope, id).await?;
    let fields: PersonFields = merge_patch(&person_fields_of(&current, None), patch)?;
    let draft = fields.validate_with(&dicts::rank_names(&state.db).await?)?;
    let current_in_charge = people::in_charge_of(&state.db, id).await?;
    check_draft_scope(&state, &p, &draft, fields.in_charge_of.as_deref(), &current_in_charge).await?;
    let seat = seat_in_scope(&state, &p, &fields, current.party_branch_id).await?;
    let person =
        people::update(&state.db, &p.actor(), id, &draft, fields.in_charge_of.as_deref(), Some(seat), "").await?;
    Ok(Json(PersonView::load(&state, &p, person).await?))
}

pub async fn people_template(Ctx { state, p }: Ctx) -> ApiResult<Response> {
    Ok(xlsx(sheets::people_template(&state.db, &p.scope).await?, "人员导入模板.xlsx"))
}

pub async fn export_people(Ctx { state, p }: Ctx, params: Params) -> ApiResult<Response> {
    let filter = filter_from(&params)?;
    let whole_ids = super::service::sees_id_numbers(&p);
    Ok(xlsx(sheets::people_export(&state.db, &p.scope, &filter, whole_ids).await?, "人员.xlsx"))
}

pub async fn import_people(Ctx { state, p }: Ctx, file: ImportUpload) -> ApiResult<Json<ImportReport>> {
    Ok(Json(sheets::people_import(&state.db, &p.actor(), &p.scope, &file.bytes, file.commit).await?))
}
