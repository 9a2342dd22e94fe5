//! The 三公经费 page: a year's execution by unit and category (against the budget and last
//! year, with the warning levels), the forms to enter a budget and a ledger line, and the
//! ledger import.

use askama::Template;
use chrono::Datelike;
use qingfeng_domain::access::Permission;
use qingfeng_domain::budgets::{warn_percent, BudgetCategory, BudgetFields, SpendingFields, WARN_SETTING};
use qingfeng_domain::time::office_today;
use qingfeng_domain::FieldErrors;
use qingfeng_store::budgets::Execution;

use super::service;
use crate::auth::{Ctx, Principal};
use crate::features::findings::pages::unit_options;
use crate::http::{form_errors, render_form, see_other, FormPairs, Nav, Opt, PageResult, Params};
use crate::AppState;

#[derive(Template)]
#[template(path = "budgets/list.html")]
struct ListPage {
    nav: Nav,
    year: i32,
    rows: Vec<Execution>,
    percent: i64,
    warned: usize,
    exceeded: usize,
    can_write: bool,
    can_settings: bool,
    units: Vec<Opt>,
    categories: Vec<Opt>,
    budget: BudgetFields,
    line: SpendingFields,
    errors: FieldErrors,
    today: String,
}

async fn list_page(
    state: &AppState,
    p: &Principal,
    params: &Params,
    forms: (BudgetFields, SpendingFields),
    errors: FieldErrors,
) -> PageResult {
    let year = service::year(params)?;
    let rows = service::execution(state, p, params).await?;
    let percent = warn_percent(qingfeng_store::settings::get(&state.db, WARN_SETTING).await?.as_deref());
    let refused = !errors.is_empty();
    let (budget, line) = forms;
    let chosen = BudgetCategory::parse(&budget.category);
    render_form(
        &ListPage {
            nav: Nav::new(p, "budgets"),
            year,
            warned: rows.iter().filter(|r| r.level_label == "预警").count(),
            exceeded: rows.iter().filter(|r| r.level_label.contains("超过")).count(),
            rows,
            percent,
            can_write: p.can(Permission::BudgetWrite),
            can_settings: p.can(Permission::SettingWrite),
            units: unit_options(&state.db, &p.scope, budget.unit_id.or(line.unit_id)).await?,
            categories: BudgetCategory::ALL.iter().map(|c| Opt::new(c.key(), c.label(), chosen == Some(*c))).collect(),
            budget,
            line,
            errors,
            today: office_today().to_string(),
        },
        refused,
    )
}

pub async fn list(Ctx { state, p }: Ctx, params: Params) -> PageResult {
    let year = service::year(&params)?;
    let budget = BudgetFields { year: Some(year), ..Default::default() };
    let line = SpendingFields { spent_on: office_today().to_string(), ..Default::default() };
    list_page(&state, &p, &params, (budget, line), FieldErrors::default()).await
}

pub async fn put(Ctx { state, p }: Ctx, params: Params, form: FormPairs) -> PageResult {
    let f = BudgetFields {
        unit_id: form.get("unit_id").trim().parse().ok(),
        year: form.get("year").trim().parse().ok(),
        category: form.get("category"),
        amount: form.get("amount"),
    };
    match service::put_budget(&state, &p, &f).await {
        Ok(r) => Ok(see_other(format!("/budgets?year={}", r.year))),
        Err(e) => {
            let errors = form_errors(e, "unit_id")?;
            list_page(&state, &p, &params, (f, SpendingFields::default()), errors).await
        }
    }
}

pub async fn add(Ctx { state, p }: Ctx, params: Params, form: FormPairs) -> PageResult {
    let f = SpendingFields {
        unit_id: form.get("unit_id").trim().parse().ok(),
        spent_on: form.get("spent_on"),
        category: form.get("category"),
        amount: form.get("amount"),
        note: form.get("note"),
    };
    match service::add_line(&state, &p, &f).await {
        Ok(_) => {
            let year = f.spent_on.get(..4).and_then(|y| y.parse::<i32>().ok()).unwrap_or(office_today().year());
            Ok(see_other(format!("/budgets?year={year}")))
        }
        Err(e) => {
            let errors = form_errors(e, "unit_id")?;
            list_page(&state, &p, &params, (BudgetFields::default(), f), errors).await
        }
    }
}
