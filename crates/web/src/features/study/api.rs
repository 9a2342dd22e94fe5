//! JSON handlers of study sessions, their attendance and make-ups, per-person figures, the
//! branch calendar and the young-cadre view.

use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use qingfeng_domain::study::{MakeupFields, SessionFields};
use qingfeng_store::study::{self as store, PersonFigures, Session};
use qingfeng_store::Page;

use super::service::{self, session_filter, year_of, BranchCalendar, PersonYear, SessionDetail, YouthView};
use super::sheets;
use crate::auth::Ctx;
use crate::http::{xlsx, ApiJson, ApiResult, ImportUpload, Params, Path};
use crate::sheets::ImportReport;

/// `GET /api/v1/study-sessions?year=&unit=&kind=&person=`
pub async fn list(Ctx { state, p }: Ctx, params: Params) -> ApiResult<Json<Page<Session>>> {
    Ok(Json(store::list(&state.db, &p.scope, &session_filter(&params)?, Some(params.paging()?)).await?))
}

/// `POST /api/v1/study-sessions`
pub async fn create(
    Ctx { state, p }: Ctx,
    ApiJson(f): ApiJson<SessionFields>,
) -> ApiResult<(StatusCode, Json<SessionDetail>)> {
    let id = service::create(&state, &p, &f).await?;
    Ok((StatusCode::CREATED, Json(service::detail(&state, &p, id).await?)))
}

/// `GET /api/v1/study-sessions/{id}`: the session with its attendance.
pub async fn get(Ctx { state, p }: Ctx, Path(id): Path<i64>) -> ApiResult<Json<SessionDetail>> {
    Ok(Json(service::detail(&state, &p, id).await?))
}

/// `POST /api/v1/study-sessions/{id}/makeups`
pub async fn add_makeup(
    Ctx { state, p }: Ctx,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<MakeupFields>,
) -> ApiResult<(StatusCode, Json<SessionDetail>)> {
    service::add_makeup(&state, &p, id, &f).await?;
    Ok((StatusCode::CREATED, Json(service::detail(&state, &p, id).await?)))
}

/// `GET /api/v1/study-sessions/{id}/attendance.xlsx`: the sign-in sheet.
pub async fn attendance_sheet(Ctx { state, p }: Ctx, Path(id): Path<i64>) -> ApiResult<Response> {
    let d = service::detail(&state, &p, id).await?;
    let name = format!("学习签到表-{}.xlsx", d.session.entry_date);
    Ok(xlsx(sheets::attendance(&state.db, &p.scope, &d).await?, &name))
}

/// `GET /api/v1/study-sessions/attendance?year=&unit=`: per person, sessions attended, missed
/// and made up.
pub async fn figures(Ctx { state, p }: Ctx, params: Params) -> ApiResult<Json<Vec<PersonFigures>>> {
    let year = year_of(&params)?;
    Ok(Json(store::figures(&state.db, &p.scope, year, params.int("unit")?, None).await?))
}

/// `GET /api/v1/study-sessions/attendance/{person}?year=`
pub async fn person(Ctx { state, p }: Ctx, Path(person): Path<i64>, params: Params) -> ApiResult<Json<PersonYear>> {
    Ok(Json(service::person_year(&state, &p, person, year_of(&params)?).await?))
}

/// `GET /api/v1/study-sessions/calendar/{branch}?year=`
pub async fn calendar(
    Ctx { state, p }: Ctx,
    Path(branch): Path<i64>,
    params: Params,
) -> ApiResult<Json<BranchCalendar>> {
    Ok(Json(service::calendar(&state, &p, branch, year_of(&params)?).await?))
}

/// `GET /api/v1/young-cadres?year=`
pub async fn youth(Ctx { state, p }: Ctx, params: Params) -> ApiResult<Json<YouthView>> {
    Ok(Json(service::youth(&state, &p, year_of(&params)?).await?))
}

/// `GET /api/v1/study-sessions/attendance-template.xlsx`: the sign-in sheet to fill in.
pub async fn attendance_template() -> ApiResult<Response> {
    Ok(xlsx(sheets::template()?, "签到表导入模板.xlsx"))
}

/// `POST /api/v1/study-sessions/{id}/attendance/import` (multipart `file`; `?commit=true` writes
/// the valid rows as a correction of the session).
pub async fn import_attendance(
    Ctx { state, p }: Ctx,
    Path(id): Path<i64>,
    upload: ImportUpload,
) -> ApiResult<Json<ImportReport>> {
    let session = store::get(&state.db, &p.scope, id).await?;
    Ok(Json(sheets::import(&state, &p, &session, &upload.bytes, upload.commit).await?))
}
