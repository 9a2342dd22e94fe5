//! A unit: new and edit forms (a unit never moves under its own subtree).

use askama::Template;
use qingfeng_domain::dict::UnitKind;
use qingfeng_domain::org::UnitFields;
use qingfeng_domain::FieldErrors;
use qingfeng_store::org::{units, Unit};
use qingfeng_store::StoreError;

use super::{field_errors, invalid_status};
use crate::auth::{Ctx, Principal};
use crate::features::org::service::{check_parent_scope, unit_fields_of, unit_in_scope};
use crate::http::ApiError;
use crate::http::Params;
use crate::http::{render, see_other, FormPairs, FormTarget, Nav, Opt, PageError, PagePath, PageResult};
use crate::AppState;

#[derive(Template)]
#[template(path = "org/unit_form.html")]
struct UnitForm {
    nav: Nav,
    heading: String,
    action: String,
    cancel: String,
    f: UnitFields,
    errors: FieldErrors,
    kinds: Vec<Opt>,
    parents: Vec<Opt>,
}

async fn unit_form(
    state: &AppState,
    p: &Principal,
    target: FormTarget,
    f: UnitFields,
    errors: FieldErrors,
    editing: Option<&Unit>,
) -> PageResult {
    let FormTarget { heading, action, cancel } = target;
    let all = units::all(&state.db, &p.scope).await?;
    let parents = all
        .iter()
        // a unit cannot move under itself or its subtree, so those are not offered
        .filter(|u| editing.is_none_or(|e| !u.path.starts_with(&e.path)))
        .map(|u| Opt::new(u.id, format!("{}{}", "　".repeat(u.depth()), u.name), f.parent_id == Some(u.id)))
        .collect();
    let res = render(&UnitForm {
        nav: Nav::new(p, "org"),
        heading,
        action,
        cancel,
        kinds: dict_opts!(UnitKind, f.kind),
        parents,
        f,
        errors: errors.clone(),
    })?;
    Ok(if errors.is_empty() { res } else { invalid_status(res) })
}

fn unit_fields_from_form(form: &FormPairs) -> Result<UnitFields, FieldErrors> {
    let mut errors = FieldErrors::default();
    let parent_id = match form.get("parent_id").trim() {
        "" => None,
        s => s.parse().map(Some).unwrap_or_else(|_| {
            errors.push("parent_id", "上级单位无效");
            None
        }),
    };
    let sort_order = match form.get("sort_order").trim() {
        "" => 0,
        s => s.parse().unwrap_or_else(|_| {
            errors.push("sort_order", "排序号应为整数");
            0
        }),
    };
    let f =
        UnitFields { name: form.get("name"), code: form.get("code"), kind: form.get("kind"), parent_id, sort_order };
    if errors.is_empty() {
        Ok(f)
    } else {
        Err(errors)
    }
}

fn unit_form_fields(form: &FormPairs) -> UnitFields {
    unit_fields_from_form(form).unwrap_or_else(|_| UnitFields {
        name: form.get("name"),
        code: form.get("code"),
        kind: form.get("kind"),
        ..Default::default()
    })
}

async fn parent_for(state: &AppState, id: Option<i64>) -> Result<Option<Unit>, ApiError> {
    match id {
        None => Ok(None),
        Some(id) => match units::get(&state.db, id).await {
            Ok(u) => Ok(Some(u)),
            Err(StoreError::NotFound) => Err(StoreError::field("parent_id", "上级单位不存在").into()),
            Err(e) => Err(e.into()),
        },
    }
}

fn parent_errors(e: ApiError) -> Result<FieldErrors, PageError> {
    match e {
        ApiError::Forbidden(m) => {
            let mut f = FieldErrors::default();
            f.push("parent_id", m);
            Ok(f)
        }
        other => field_errors(other),
    }
}

pub async fn new_unit(Ctx { state, p }: Ctx, params: Params) -> PageResult {
    let f = UnitFields { parent_id: params.int("parent")?, kind: "department".into(), ..Default::default() };
    unit_form(&state, &p, FormTarget::new("新增单位", "/org/units/new", "/org"), f, FieldErrors::default(), None).await
}

pub async fn create_unit(Ctx { state, p }: Ctx, form: FormPairs) -> PageResult {
    let result: Result<Unit, ApiError> = async {
        let draft = unit_fields_from_form(&form)?.validate()?;
        check_parent_scope(&p, parent_for(&state, draft.parent_id).await?.as_ref())?;
        Ok(units::create(&state.db, &p.actor(), &draft).await?)
    }
    .await;
    match result {
        Ok(u) => Ok(see_other(format!("/org?unit={}", u.id))),
        Err(e) => {
            unit_form(
                &state,
                &p,
                FormTarget::new("新增单位", "/org/units/new", "/org"),
                unit_form_fields(&form),
                parent_errors(e)?,
                None,
            )
            .await
        }
    }
}

pub async fn edit_unit(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>) -> PageResult {
    let u = unit_in_scope(&state, &p, id).await?;
    unit_form(
        &state,
        &p,
        FormTarget::new(format!("修改单位：{}", u.name), format!("/org/units/{id}/edit"), format!("/org?unit={id}")),
        unit_fields_of(&u),
        FieldErrors::default(),
        Some(&u),
    )
    .await
}

pub async fn update_unit(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, form: FormPairs) -> PageResult {
    let current = unit_in_scope(&state, &p, id).await?;
    let result: Result<(), ApiError> = async {
        let draft = unit_fields_from_form(&form)?.validate()?;
        if draft.parent_id != current.parent_id {
            check_parent_scope(&p, parent_for(&state, draft.parent_id).await?.as_ref())?;
        }
        units::update(&state.db, &p.actor(), id, &draft).await?;
        Ok(())
    }
    .await;
    match result {
        Ok(()) => Ok(see_other(format!("/org?unit={id}"))),
        Err(e) => {
            unit_form(
                &state,
                &p,
                FormTarget::new(
                    format!("修改单位：{}", current.name),
                    format!("/org/units/{id}/edit"),
                    format!("/org?unit={id}"),
                ),
                unit_form_fields(&form),
                parent_errors(e)?,
                Some(&current),
            )
            .await
        }
    }
}
