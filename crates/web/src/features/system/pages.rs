//! Pages of 参数设置 and 字典管理.

use std::collections::BTreeMap;

use askama::Template;
use axum::http::StatusCode;
use qingfeng_domain::settings::SETTINGS;
use qingfeng_domain::FieldErrors;

use qingfeng_domain::dict::Rank;

use super::dicts::{self, DictDef, EntryInput, DICTS};
use super::settings::{self, SettingView};
use crate::auth::{Ctx, Principal};
use crate::http::{
    render, render_form, see_other, ApiError, FormPairs, Nav, Opt, PageError, PagePath, PageResult, Params,
};
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

pub async fn settings_page(Ctx { state, p }: Ctx, params: Params) -> PageResult {
    page(&state, &p, FieldErrors::default(), params.str("saved").is_some(), BTreeMap::new()).await
}

/// Saves the settings on the form; a secret left empty stays as it is unless 清除 is ticked.
pub async fn save_settings(Ctx { state, p }: Ctx, form: FormPairs) -> PageResult {
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

pub struct DictTab {
    pub key: &'static str,
    pub label: &'static str,
    pub active: bool,
}

/// The 字典管理 tabs: the lists an office keeps, then the fixed dictionaries it words.
pub fn dict_tabs(active: &str) -> Vec<DictTab> {
    let lists = DICTS.iter().map(|x| (x.key, x.label));
    let fixed = super::labels::LABEL_DICTS.iter().map(|x| (x.0, x.1));
    lists.chain(fixed).map(|(key, label)| DictTab { key, label, active: key == active }).collect()
}

pub struct DictRow {
    pub order: String,
    pub value: String,
    pub levels: Vec<Opt>,
}

#[derive(Template)]
#[template(path = "system/dicts.html")]
struct DictsPage {
    nav: Nav,
    tabs: Vec<DictTab>,
    key: &'static str,
    label: &'static str,
    hint: &'static str,
    mapped: bool,
    rows: Vec<DictRow>,
    errors: FieldErrors,
    saved: bool,
}

fn level_opts(current: &str) -> Vec<Opt> {
    Rank::ALL.iter().map(|r| Opt::new(r.key(), r.label(), Rank::parse(current) == Some(*r))).collect()
}

/// Blank rows under the list, for new values.
const BLANK_ROWS: usize = 3;

async fn dicts_view(
    state: &AppState,
    p: &Principal,
    d: &DictDef,
    rows: Option<Vec<EntryInput>>,
    errors: FieldErrors,
    saved: bool,
) -> PageResult {
    let entries = match rows {
        Some(r) => r,
        None => qingfeng_store::dicts::list(&state.db, d.key)
            .await?
            .into_iter()
            .map(|e| EntryInput { value: e.value, maps_to: e.maps_to })
            .collect(),
    };
    let mut rows: Vec<DictRow> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| DictRow {
            order: ((i + 1) * 10).to_string(),
            value: e.value.clone(),
            levels: level_opts(&e.maps_to),
        })
        .collect();
    let next = rows.len();
    rows.extend((0..BLANK_ROWS).map(|i| DictRow {
        order: ((next + i + 1) * 10).to_string(),
        value: String::new(),
        levels: level_opts(""),
    }));
    let invalid = !errors.is_empty();
    render_form(
        &DictsPage {
            nav: Nav::new(p, "dicts"),
            tabs: dict_tabs(d.key),
            key: d.key,
            label: d.label,
            hint: d.hint,
            mapped: d.mapped,
            rows,
            errors,
            saved,
        },
        invalid,
    )
}

pub async fn dicts_page(Ctx { state, p }: Ctx, params: Params) -> PageResult {
    let key = params.str("dict").unwrap_or_else(|| "rank".into());
    if super::labels::label_dict(&key).is_some() {
        return super::labels::view(&state, &p, &key, None, FieldErrors::default(), params.str("saved").is_some())
            .await;
    }
    let d = dicts::dict(&key)?;
    dicts_view(&state, &p, d, None, FieldErrors::default(), params.str("saved").is_some()).await
}

/// The rows of the form in their 排序 order; a row whose name was cleared is left out (removed).
fn rows_of(form: &FormPairs) -> Vec<EntryInput> {
    let (values, levels, orders) = (form.all("value"), form.all("maps_to"), form.all("order"));
    let mut rows: Vec<(i64, usize, EntryInput)> = values
        .iter()
        .enumerate()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(i, v)| {
            let order = orders.get(i).and_then(|o| o.trim().parse().ok()).unwrap_or(i64::MAX);
            (order, i, EntryInput { value: v.clone(), maps_to: levels.get(i).cloned().unwrap_or_default() })
        })
        .collect();
    rows.sort_by_key(|(order, i, _)| (*order, *i));
    rows.into_iter().map(|(_, _, e)| e).collect()
}

pub async fn save_dict(Ctx { state, p }: Ctx, PagePath(key): PagePath<String>, form: FormPairs) -> PageResult {
    let d = dicts::dict(&key)?;
    let rows = rows_of(&form);
    match dicts::save(&state, &p, d, &rows).await {
        Ok(_) => Ok(see_other(format!("/system/dicts?dict={}&saved=1", d.key))),
        Err(ApiError::Invalid(errors)) => dicts_view(&state, &p, d, Some(rows), errors, false).await,
        Err(e) => Err(PageError(e)),
    }
}
