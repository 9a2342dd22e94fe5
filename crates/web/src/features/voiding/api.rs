//! JSON: void, restore and the history of a record's voidings.

use axum::Json;
use qingfeng_domain::voiding::Voidable;
use qingfeng_store::voiding::Voiding;
use serde::Deserialize;

use crate::auth::Principal;
use crate::http::ApiResult;
use crate::AppState;

/// The reason for voiding or restoring a record (required, at most 500 characters).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ReasonBody {
    /// a missing reason is refused by name, like an empty one
    #[serde(default)]
    pub reason: String,
}

/// Voids the record; answers its voidings.
pub async fn void(
    kind: Voidable,
    state: AppState,
    p: Principal,
    id: i64,
    body: ReasonBody,
) -> ApiResult<Json<Vec<Voiding>>> {
    super::service::void(&state, &p, kind, id, &body.reason).await?;
    Ok(Json(super::service::history(&state, &p, kind, id).await?))
}

/// Restores the record; answers its voidings.
pub async fn restore(
    kind: Voidable,
    state: AppState,
    p: Principal,
    id: i64,
    body: ReasonBody,
) -> ApiResult<Json<Vec<Voiding>>> {
    super::service::restore(&state, &p, kind, id, &body.reason).await?;
    Ok(Json(super::service::history(&state, &p, kind, id).await?))
}

pub async fn history(kind: Voidable, state: AppState, p: Principal, id: i64) -> ApiResult<Json<Vec<Voiding>>> {
    Ok(Json(super::service::history(&state, &p, kind, id).await?))
}
