//! JSON handlers of 参数设置 and 字典管理.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::Json;
use qingfeng_store::Page;
use serde::{Deserialize, Serialize};

use super::settings::{self, SettingView};
use crate::auth::Principal;
use crate::http::{ApiJson, ApiResult};
use crate::AppState;

pub async fn settings(State(state): State<AppState>) -> ApiResult<Json<Page<SettingView>>> {
    let items = settings::views(&state).await?;
    let total = items.len() as i64;
    Ok(Json(Page { items, total, page: 1, per_page: total }))
}

/// Settings to change: key → new value; null (or "") returns the setting to its default.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(transparent)]
pub struct SettingValues(pub BTreeMap<String, Option<String>>);

#[derive(Serialize)]
pub struct Saved {
    pub changed: usize,
}

pub async fn save_settings(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(v): ApiJson<SettingValues>,
) -> ApiResult<Json<Saved>> {
    Ok(Json(Saved { changed: settings::save(&state, &p, &v.0).await? }))
}
