//! 责任事项模板 (the 1+X catalog) on a page: the list, a new 本单位特有事项 (X), and editing a
//! template (its code stays; 停用 keeps it out of new lists). Same service as the API.

use askama::Template;
use axum::http::StatusCode;
use qingfeng_domain::access::Permission;
use qingfeng_domain::responsibility::{EntryKind, OwnerRole, Period};
use qingfeng_domain::FieldErrors;
use qingfeng_store::fulfilment::requirement;
use qingfeng_store::responsibility as resp;

use super::service::{self, template_fields, TemplateFields};
use crate::auth::{Ctx, Principal};
use crate::http::{form_errors, render, see_other, ApiError, FormPairs, Nav, Opt, PagePath, PageResult};
use crate::AppState;

pub struct TemplateRow {
    pub id: i64,
    pub code: String,
    pub owner: &'static str,
    pub text: String,
    pub requirement: String,
    pub kinds: String,
    pub applies: String,
    pub source: String,
    /// the reader may change it (a common one needs full scope)
    pub editable: bool,
    /// the one on the form below
    pub editing: bool,
}

#[derive(Template)]
#[template(path = "responsibility/templates.html")]
struct TemplatesPage {
    nav: Nav,
    templates: Vec<TemplateRow>,
    can_write: bool,
    all_scope: bool,
    /// the template being edited, or None for a new one
    editing: Option<i64>,
    f: TemplateFields,
    errors: FieldErrors,
    owners: Vec<Opt>,
    units: Vec<Opt>,
    periods: Vec<Opt>,
    kinds: Vec<Opt>,
}

async fn rows(
    state: &AppState,
    p: &Principal,
    names: &std::collections::HashMap<i64, String>,
    editing: Option<i64>,
) -> Result<Vec<TemplateRow>, ApiError> {
    let can_write = p.can(Permission::ResponsibilityWrite);
    Ok(resp::templates(&state.db)
        .await?
        .into_iter()
        .filter(|t| t.unit_id.is_none_or(|u| names.contains_key(&u)))
        .map(|t| {
            let kinds: Vec<&str> =
                t.kinds.split(',').filter_map(|k| EntryKind::from_key(k).map(EntryKind::label)).collect();
            let applies = match t.unit_id {
                Some(u) => names.get(&u).cloned().unwrap_or_default(),
                None => "通用".into(),
            };
            TemplateRow {
                id: t.id,
                editing: editing == Some(t.id),
                editable: can_write && (t.unit_id.is_some() || p.scope.all),
                owner: OwnerRole::parse(&t.owner_role).map(OwnerRole::label).unwrap_or(""),
                requirement: requirement(t.req_count, &t.req_period).label(),
                kinds: kinds.join("、"),
                applies: if t.active { applies } else { format!("{applies}（已停用）") },
                code: t.code,
                text: t.text,
                source: t.source,
            }
        })
        .collect())
}

async fn templates_page(
    state: &AppState,
    p: &Principal,
    editing: Option<i64>,
    f: TemplateFields,
    errors: FieldErrors,
) -> PageResult {
    let units = qingfeng_store::org::units::all(&state.db, &p.scope).await?;
    let names: std::collections::HashMap<i64, String> = units.iter().map(|u| (u.id, u.name.clone())).collect();
    let failed = !errors.is_empty();
    let kind_sel = f.kinds.clone();
    let page = TemplatesPage {
        nav: Nav::new(p, "templates"),
        templates: rows(state, p, &names, editing).await?,
        can_write: p.can(Permission::ResponsibilityWrite),
        all_scope: p.scope.all,
        editing,
        owners: OwnerRole::ALL.iter().map(|o| Opt::new(o.key(), o.label(), f.owner_role == o.key())).collect(),
        units: units
            .iter()
            .map(|u| Opt::new(u.id, format!("{}{}", "　".repeat(u.depth()), u.name), f.unit_id == Some(u.id)))
            .collect(),
        periods: Period::ALL.iter().map(|x| Opt::new(x.key(), x.label(), f.req_period == x.key())).collect(),
        kinds: EntryKind::ALL
            .iter()
            .map(|k| Opt::new(k.key(), k.label(), kind_sel.iter().any(|s| s == k.key())))
            .collect(),
        f,
        errors,
    };
    let mut res = render(&page)?;
    if failed {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

pub async fn templates(Ctx { state, p }: Ctx) -> PageResult {
    let f = TemplateFields { req_count: 1, req_period: "year".into(), active: true, ..Default::default() };
    templates_page(&state, &p, None, f, FieldErrors::default()).await
}

pub async fn edit_template(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>) -> PageResult {
    let t = resp::template(&state.db, id).await?;
    service::check_template_scope(&state, &p, t.unit_id).await?;
    templates_page(&state, &p, Some(id), template_fields(&t), FieldErrors::default()).await
}

fn fields_of(form: &FormPairs) -> TemplateFields {
    TemplateFields {
        code: form.get("code"),
        text: form.get("text"),
        owner_role: form.get("owner_role"),
        req_count: form.get("req_count").trim().parse().unwrap_or(0),
        req_period: form.get("req_period"),
        kinds: form.all("kinds"),
        source: form.get("source"),
        unit_id: form.get("unit_id").parse().ok(),
        // a new template is active; an edited one unless 停用 is ticked
        active: form.get("inactive") != "1",
    }
}

pub async fn create_template(Ctx { state, p }: Ctx, form: FormPairs) -> PageResult {
    let f = fields_of(&form);
    match service::create_template(&state, &p, f.clone()).await {
        Ok(_) => Ok(see_other("/responsibility/templates")),
        Err(e) => templates_page(&state, &p, None, f, form_errors(e, "unit_id")?).await,
    }
}

pub async fn update_template(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, form: FormPairs) -> PageResult {
    let f = fields_of(&form);
    match service::update_template(&state, &p, id, f.clone()).await {
        Ok(_) => Ok(see_other("/responsibility/templates")),
        Err(e) => templates_page(&state, &p, Some(id), f, form_errors(e, "unit_id")?).await,
    }
}
