//! The R-DEC-8 register page: spending and appointments that need a collective decision, each
//! linkable to the meeting topic that decided it; entries with none are flagged for the 纪检组.

use askama::Template;
use qingfeng_domain::access::Permission;
use qingfeng_domain::decisions::register::{EntryKind, RegisterFields};
use qingfeng_domain::decisions::{format_amount, Body, TopicCategory};
use qingfeng_domain::time::office_today;
use qingfeng_domain::FieldErrors;
use qingfeng_store::decisions::register::{self as reg, RegisterEntry};
use qingfeng_store::decisions::{self as store};

use crate::auth::{Ctx, Principal};
use crate::features::decisions::service;
use crate::features::findings::pages::unit_options;
use crate::http::{form_errors, render_form, see_other, FormPairs, Nav, Opt, PagePath, PageResult, Pager, Params};
use crate::AppState;

#[derive(Template)]
#[template(path = "decisions/register.html")]
struct RegisterPage {
    nav: Nav,
    rows: Vec<RegisterEntry>,
    topics: Vec<Opt>,
    units: Vec<Opt>,
    kinds: Vec<Opt>,
    threshold: String,
    year: String,
    flagged: bool,
    flagged_total: i64,
    pager: Pager,
    can_write: bool,
    can_settings: bool,
    f: RegisterFields,
    errors: FieldErrors,
    today: String,
}

async fn register_page(
    state: &AppState,
    p: &Principal,
    params: &Params,
    f: RegisterFields,
    errors: FieldErrors,
) -> PageResult {
    let filter = service::register_filter(params)?;
    let page = reg::list(&state.db, &p.scope, &filter, Some(params.paging()?)).await?;
    let flagged_filter = qingfeng_store::decisions::register::RegisterFilter { flagged: true, ..filter.clone() };
    let flagged_total =
        reg::list(&state.db, &p.scope, &flagged_filter, Some(qingfeng_store::Paging::new(Some(1), Some(1))))
            .await?
            .total;
    let keep: Vec<(&str, String)> =
        service::REGISTER_FILTERS.iter().filter_map(|k| params.str(k).map(|v| (*k, v))).collect();
    let topics = store::topic_options(&state.db, &p.scope)
        .await?
        .into_iter()
        .filter(|t| t.category != TopicCategory::General.key())
        .map(|t| {
            let body = Body::from_key(&t.body).map_or("", Body::label);
            let amount = t.amount_cents.map(|c| format!("，{} 元", format_amount(c))).unwrap_or_default();
            Opt::new(
                t.id,
                format!("{} {}：{}{amount}（议题 {}）", t.held_on, body, t.title, t.id),
                f.topic_id == Some(t.id),
            )
        })
        .collect();
    let threshold = format_amount(reg::threshold(&state.db).await?);
    let refused = !errors.is_empty();
    render_form(
        &RegisterPage {
            nav: Nav::new(p, "decision-register"),
            pager: Pager::new("/decisions/register", &page, &keep),
            rows: page.items,
            topics,
            units: unit_options(&state.db, &p.scope, f.unit_id).await?,
            kinds: EntryKind::ALL
                .iter()
                .map(|k| Opt::new(k.key(), k.label(), EntryKind::parse(&f.kind) == Some(*k)))
                .collect(),
            threshold,
            year: params.str("year").unwrap_or_default(),
            flagged: filter.flagged,
            flagged_total,
            can_write: p.can(Permission::DecisionWrite),
            can_settings: p.can(Permission::SettingWrite),
            today: office_today().to_string(),
            f,
            errors,
        },
        refused,
    )
}

pub async fn register(Ctx { state, p }: Ctx, params: Params) -> PageResult {
    let f = RegisterFields { occurred_on: office_today().to_string(), ..Default::default() };
    register_page(&state, &p, &params, f, FieldErrors::default()).await
}

fn entry_from(form: &FormPairs) -> RegisterFields {
    RegisterFields {
        unit_id: form.get("unit_id").trim().parse().ok(),
        kind: form.get("kind"),
        occurred_on: form.get("occurred_on"),
        matter: form.get("matter"),
        amount: form.get("amount"),
        reference: form.get("reference"),
        topic_id: form.get("topic_id").trim().parse().ok(),
        note: form.get("note"),
    }
}

pub async fn create_entry(Ctx { state, p }: Ctx, params: Params, form: FormPairs) -> PageResult {
    let f = entry_from(&form);
    match service::create_entry(&state, &p, &f).await {
        Ok(_) => Ok(see_other("/decisions/register")),
        Err(e) => register_page(&state, &p, &params, f, form_errors(e, "unit_id")?).await,
    }
}

/// Links (or unlinks) the decision topic of an entry.
pub async fn link_entry(
    Ctx { state, p }: Ctx,
    PagePath(id): PagePath<i64>,
    params: Params,
    form: FormPairs,
) -> PageResult {
    let e = reg::get(&state.db, &p.scope, id).await?;
    let mut f = e.fields();
    f.topic_id = form.get("topic_id").trim().parse().ok();
    match service::edit_entry(&state, &p, &e, &f).await {
        Ok(()) => Ok(see_other("/decisions/register")),
        Err(err) => register_page(&state, &p, &params, RegisterFields::default(), form_errors(err, "topic_id")?).await,
    }
}
