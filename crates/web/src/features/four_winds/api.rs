//! JSON handlers of the monthly 四风 report.

use axum::response::Response;
use axum::Json;

use super::service::{self, FourWindsReport};
use super::sheets;
use crate::auth::Ctx;
use crate::http::{xlsx, ApiResult, Params};

/// `GET /api/v1/reports/four-winds?month=YYYY-MM`
pub async fn report(Ctx { state, p }: Ctx, params: Params) -> ApiResult<Json<FourWindsReport>> {
    Ok(Json(service::report(&state, &p, &params).await?))
}

/// `GET /api/v1/reports/four-winds/export.xlsx?month=YYYY-MM`
pub async fn export(Ctx { state, p }: Ctx, params: Params) -> ApiResult<Response> {
    let r = service::report(&state, &p, &params).await?;
    let name = format!("四风问题月报{}.xlsx", r.month);
    Ok(xlsx(sheets::export(&state.db, &p.scope, &r).await?, &name))
}
