//! 字典管理 of the dictionaries whose keys RULES.md fixes: the names an office shows for the
//! 履职台账 record types, and the order (and, where RULES.md leaves it open, the names) of the
//! 问题类别. The API, the page and the check they share.

use askama::Template;
use axum::extract::State;
use axum::Json;
use qingfeng_domain::labels::{self, category_label_fixed, Labels};
use qingfeng_domain::FieldErrors;
use qingfeng_store::Page;
use serde::{Deserialize, Serialize};

use super::pages::DictTab;
use crate::auth::{Ctx, Principal};
use crate::http::Path;
use crate::http::{
    render_form, see_other, ApiError, ApiJson, ApiResult, FormPairs, Nav, PageError, PagePath, PageResult,
};
use crate::AppState;

/// A fixed dictionary an administrator may word: (key, tab label, hint).
pub const LABEL_DICTS: &[(&str, &str, &str)] = &[
    (
        labels::ENTRY_KINDS,
        "台账记录类型",
        "履职台账记录类型的显示名称：登记表单、台账列表、筛选和导出都使用这里的名称。类型本身（及其计入哪些责任事项）由规则确定，不能增删；留空即使用规定名称。",
    ),
    (
        labels::CATEGORIES,
        "问题类别",
        "问题类别在登记表单、问题清单、筛选和导出中的排列顺序。“四风”类别和六项纪律的名称按中央纪委通报口径，不能改名；“主体责任落实”“作风建设”可改为本单位习惯的名称。",
    ),
];

pub fn label_dict(key: &str) -> Option<&'static (&'static str, &'static str, &'static str)> {
    LABEL_DICTS.iter().find(|d| d.0 == key)
}

/// One entry as shown and edited.
#[derive(Serialize, Deserialize, Clone, utoipa::ToSchema)]
pub struct LabelView {
    /// the fixed key (meeting, conduct …)
    pub key: String,
    /// the name RULES.md or the product gives it
    pub default_label: String,
    /// the name shown now
    pub label: String,
    pub sort_order: i64,
    /// whether the office may rename it
    pub renamable: bool,
}

/// One entry as entered: its key, the name to show ("" = the built-in one) and its order.
#[derive(Deserialize, Clone, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LabelInput {
    pub key: String,
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    pub sort_order: Option<i64>,
}

/// The whole dictionary, every key once.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LabelsInput {
    pub entries: Vec<LabelInput>,
}

fn views(dict: &str, l: &Labels) -> Vec<LabelView> {
    let rows: Vec<(&str, &str, String, bool)> = match dict {
        labels::ENTRY_KINDS => l.kinds().iter().map(|(k, n)| (k.key(), k.label(), n.clone(), true)).collect(),
        _ => l.categories().iter().map(|(c, n)| (c.key(), c.label(), n.clone(), !category_label_fixed(*c))).collect(),
    };
    rows.into_iter()
        .enumerate()
        .map(|(i, (key, default_label, label, renamable))| LabelView {
            key: key.into(),
            default_label: default_label.into(),
            label,
            sort_order: (i as i64 + 1) * 10,
            renamable,
        })
        .collect()
}

/// Checks and saves one dictionary; answers it as it now reads.
async fn save(state: &AppState, p: &Principal, dict: &str, input: &[LabelInput]) -> ApiResult<Vec<LabelView>> {
    let (key, label, _) = label_dict(dict).ok_or(ApiError::NotFound)?;
    let rows: Vec<(String, String, String)> = input
        .iter()
        .map(|x| (x.key.clone(), x.label.clone(), x.sort_order.map(|n| n.to_string()).unwrap_or_default()))
        .collect();
    let rows = labels::check(key, &rows).map_err(ApiError::Invalid)?;
    qingfeng_store::dicts::save_labels(&state.db, &p.actor(), key, label, &rows).await?;
    Ok(views(key, &qingfeng_store::dicts::labels(&state.db).await?))
}

fn page_of(items: Vec<LabelView>) -> Json<Page<LabelView>> {
    let total = items.len() as i64;
    Json(Page::new(items, total, 1, total))
}

pub async fn api_list(State(state): State<AppState>, Path(key): Path<String>) -> ApiResult<Json<Page<LabelView>>> {
    let (key, _, _) = label_dict(&key).ok_or(ApiError::NotFound)?;
    Ok(page_of(views(key, &qingfeng_store::dicts::labels(&state.db).await?)))
}

pub async fn api_save(
    Ctx { state, p }: Ctx,
    Path(key): Path<String>,
    ApiJson(input): ApiJson<LabelsInput>,
) -> ApiResult<Json<Page<LabelView>>> {
    Ok(page_of(save(&state, &p, &key, &input.entries).await?))
}

#[derive(Template)]
#[template(path = "system/labels.html")]
struct LabelsPage {
    nav: Nav,
    tabs: Vec<DictTab>,
    key: &'static str,
    hint: &'static str,
    rows: Vec<LabelView>,
    errors: FieldErrors,
    saved: bool,
}

/// The page of one fixed dictionary (the 字典管理 tab `key`), with what was entered if refused.
pub async fn view(
    state: &AppState,
    p: &Principal,
    key: &str,
    entered: Option<Vec<LabelView>>,
    errors: FieldErrors,
    saved: bool,
) -> PageResult {
    let (key, _, hint) = label_dict(key).ok_or(ApiError::NotFound)?;
    let rows = match entered {
        Some(r) => r,
        None => views(key, &qingfeng_store::dicts::labels(&state.db).await?),
    };
    let invalid = !errors.is_empty();
    render_form(
        &LabelsPage { nav: Nav::new(p, "dicts"), tabs: super::pages::dict_tabs(key), key, hint, rows, errors, saved },
        invalid,
    )
}

pub async fn page_save(Ctx { state, p }: Ctx, PagePath(key): PagePath<String>, form: FormPairs) -> PageResult {
    let (keys, names, orders) = (form.all("code"), form.all("label"), form.all("order"));
    let input: Vec<LabelInput> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| LabelInput {
            key: k.clone(),
            label: names.get(i).cloned().unwrap_or_default(),
            sort_order: orders.get(i).and_then(|o| o.trim().parse().ok()),
        })
        .collect();
    match save(&state, &p, &key, &input).await {
        Ok(_) => Ok(see_other(format!("/system/dicts?dict={key}&saved=1"))),
        Err(ApiError::Invalid(errors)) => {
            let current = views(&key, &qingfeng_store::dicts::labels(&state.db).await?);
            let entered = input
                .iter()
                .enumerate()
                .map(|(i, x)| {
                    let was = current.iter().find(|c| c.key == x.key);
                    LabelView {
                        key: x.key.clone(),
                        default_label: was.map(|c| c.default_label.clone()).unwrap_or_default(),
                        label: if x.label.trim().is_empty() {
                            was.map(|c| c.default_label.clone()).unwrap_or_default()
                        } else {
                            x.label.clone()
                        },
                        sort_order: x.sort_order.unwrap_or((i as i64 + 1) * 10),
                        renamable: was.is_some_and(|c| c.renamable),
                    }
                })
                .collect();
            view(&state, &p, &key, Some(entered), errors, false).await
        }
        Err(e) => Err(PageError(e)),
    }
}
