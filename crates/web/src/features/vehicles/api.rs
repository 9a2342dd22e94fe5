//! JSON handlers of 公务用车 (`/api/v1/vehicles`, `/api/v1/vehicle-trips`).

use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use qingfeng_domain::vehicles::VehicleFields;
use qingfeng_store::vehicles::{self as store, Trip, Vehicle};
use qingfeng_store::{Page, Scope};

use super::{service, sheets};
use crate::auth::Ctx;
pub use crate::features::findings::from_checks::{CheckAnswer, ConvertFields, Converted};
use crate::http::{merge_patch, xlsx, ApiJson, ApiResult, Params, Path};

/// `GET /api/v1/vehicles?unit=&q=`
pub async fn list(Ctx { state, p }: Ctx, params: Params) -> ApiResult<Json<Page<Vehicle>>> {
    let f = service::vehicle_filter(&params)?;
    Ok(Json(store::list_vehicles(&state.db, &p.scope, &f, Some(params.paging()?)).await?))
}

/// `GET /api/v1/vehicles/{id}`
pub async fn get(Ctx { state, p }: Ctx, Path(id): Path<i64>) -> ApiResult<Json<Vehicle>> {
    Ok(Json(store::get_vehicle(&state.db, &p.scope, id).await?))
}

/// `POST /api/v1/vehicles`
pub async fn create(
    Ctx { state, p }: Ctx,
    ApiJson(f): ApiJson<VehicleFields>,
) -> ApiResult<(StatusCode, Json<Vehicle>)> {
    let id = service::create_vehicle(&state, &p, &f).await?;
    Ok((StatusCode::CREATED, Json(store::get_vehicle(&state.db, &Scope::all(), id).await?)))
}

/// `PATCH /api/v1/vehicles/{id}` (a merge patch)
pub async fn update(
    Ctx { state, p }: Ctx,
    Path(id): Path<i64>,
    ApiJson(patch): ApiJson<serde_json::Value>,
) -> ApiResult<Json<Vehicle>> {
    let v = store::get_vehicle(&state.db, &p.scope, id).await?;
    let f: VehicleFields = merge_patch(&v.fields(), patch)?;
    service::edit_vehicle(&state, &p, &v, &f).await?;
    Ok(Json(store::get_vehicle(&state.db, &p.scope, id).await?))
}

/// `GET /api/v1/vehicle-trips?vehicle=&unit=&month=&year=&flagged=&rule=&q=`
pub async fn trips(Ctx { state, p }: Ctx, params: Params) -> ApiResult<Json<Page<Trip>>> {
    let f = service::trip_filter(&params)?;
    Ok(Json(store::list_trips(&state.db, &p.scope, &f, Some(params.paging()?), false).await?))
}

/// `GET /api/v1/vehicle-trips/export.xlsx?month=`: 公务用车使用登记表 (same filters as the list).
pub async fn export(Ctx { state, p }: Ctx, params: Params) -> ApiResult<Response> {
    let f = service::trip_filter(&params)?;
    let name = match params.str("month") {
        Some(m) => format!("公务用车使用登记表（{m}）.xlsx"),
        None => "公务用车使用登记表.xlsx".into(),
    };
    Ok(xlsx(sheets::register(&state, &p, &f).await?, &name))
}
