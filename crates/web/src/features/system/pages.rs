//! Pages of 参数设置 and 字典管理.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use qingfeng_domain::settings::SETTINGS;
use qingfeng_domain::FieldErrors;

use super::settings::{self, SettingView};
use crate::auth::Principal;
use crate::http::{render, see_other, ApiError, FormPairs, Nav, PageError, PageResult, Params};
use crate::AppState;

pub struct SettingGroup {
    pub label: &'static str,
    pub items: Vec<SettingView>,
}

#[derive(Template)]
#[template(path = "system/settings.html")]
struct SettingsPage {
    nav: Nav,
    groups: Vec<SettingGroup>,
    errors: FieldErrors,
    saved: bool,
    /// what was entered, shown again beside its error
    entered: BTreeMap<String, String>,
}

impl SettingsPage {
    fn shown(&self, s: &SettingView) -> String {
        self.entered.get(s.key).cloned().or(s.value.clone()).unwrap_or_default()
    }
}

async fn page(
    state: &AppState,
    p: &Principal,
    errors: FieldErrors,
    saved: bool,
    entered: BTreeMap<String, String>,
) -> PageResult {
    let mut groups: Vec<SettingGroup> = vec![];
    for v in settings::views(state).await? {
        match groups.iter_mut().find(|g| g.label == v.group) {
            Some(g) => g.items.push(v),
            None => groups.push(SettingGroup { label: v.group, items: vec![v] }),
        }
    }
    let invalid = !errors.is_empty();
    let mut res = render(&SettingsPage { nav: Nav::new(p, "settings"), groups, errors, saved, entered })?;
    if invalid {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

pub async fn settings_page(State(state): State<AppState>, p: Principal, params: Params) -> PageResult {
    page(&state, &p, FieldErrors::default(), params.str("saved").is_some(), BTreeMap::new()).await
}

/// Saves the settings on the form; a secret left empty stays as it is unless 清除 is ticked.
pub async fn save_settings(State(state): State<AppState>, p: Principal, form: FormPairs) -> PageResult {
    let mut values = BTreeMap::new();
    let mut entered = BTreeMap::new();
    // a setting not on the form stays as it is
    for d in SETTINGS.iter().filter(|d| form.0.iter().any(|(k, _)| k == d.key || *k == format!("clear:{}", d.key))) {
        let v = form.get(d.key);
        if d.is_secret() {
            if form.get(&format!("clear:{}", d.key)) == "1" {
                values.insert(d.key.to_string(), None);
            } else if !v.is_empty() {
                values.insert(d.key.to_string(), Some(v));
            }
        } else {
            entered.insert(d.key.to_string(), v.clone());
            values.insert(d.key.to_string(), Some(v));
        }
    }
    match settings::save(&state, &p, &values).await {
        Ok(_) => Ok(see_other("/system/settings?saved=1")),
        Err(ApiError::Invalid(errors)) => page(&state, &p, errors, false, entered).await,
        Err(e) => Err(PageError(e)),
    }
}
