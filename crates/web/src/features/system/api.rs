//! JSON handlers of 参数设置 and 字典管理.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::Json;
use qingfeng_store::Page;
use serde::{Deserialize, Serialize};

use super::dicts::{self, DictInput};
use super::settings::{self, SettingView};
use crate::auth::Ctx;
use crate::http::Path;
use crate::http::{ApiJson, ApiResult};
use crate::AppState;
use qingfeng_store::dicts::DictEntry;

pub async fn settings(State(state): State<AppState>) -> ApiResult<Json<Page<SettingView>>> {
    let items = settings::views(&state).await?;
    let total = items.len() as i64;
    Ok(Json(Page::new(items, total, 1, total)))
}

/// Settings to change: key → new value; null (or "") returns the setting to its default.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(transparent)]
pub struct SettingValues(pub BTreeMap<String, Option<String>>);

#[derive(Serialize)]
pub struct Saved {
    pub changed: usize,
}

pub async fn save_settings(Ctx { state, p }: Ctx, ApiJson(v): ApiJson<SettingValues>) -> ApiResult<Json<Saved>> {
    Ok(Json(Saved { changed: settings::save(&state, &p, &v.0).await? }))
}

pub async fn dict(State(state): State<AppState>, Path(key): Path<String>) -> ApiResult<Json<Page<DictEntry>>> {
    let d = dicts::dict(&key)?;
    let items = qingfeng_store::dicts::list(&state.db, d.key).await?;
    let total = items.len() as i64;
    Ok(Json(Page::new(items, total, 1, total)))
}

pub async fn save_dict(
    Ctx { state, p }: Ctx,
    Path(key): Path<String>,
    ApiJson(input): ApiJson<DictInput>,
) -> ApiResult<Json<Page<DictEntry>>> {
    let d = dicts::dict(&key)?;
    let items = dicts::save(&state, &p, d, &input.entries).await?;
    let total = items.len() as i64;
    Ok(Json(Page::new(items, total, 1, total)))
}
