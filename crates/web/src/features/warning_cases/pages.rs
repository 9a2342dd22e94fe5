//! 典型案例 pages: the library with its filters, a case with where it was used, the case form
//! and the import.

use askama::Template;
use qingfeng_domain::access::Permission;
use qingfeng_domain::responsibility::EntryKind;
use qingfeng_domain::warning_cases::{Discipline, WarningCaseFields};
use qingfeng_domain::FieldErrors;
use qingfeng_store::warning_cases::{self as store, WarningCase};

use super::service::{self, case_filter};
use crate::auth::{Ctx, Principal};
use crate::http::Params;
use crate::http::{form_errors, render, see_other, FormPairs, FormTarget, Nav, Opt, PagePath, PageResult, Pager};

#[derive(Template)]
#[template(path = "warning_cases/list.html")]
struct ListPage {
    nav: Nav,
    rows: Vec<WarningCase>,
    disciplines: Vec<Opt>,
    year: String,
    q: String,
    export_query: String,
    pager: Pager,
    can_write: bool,
}

pub async fn list(Ctx { state, p }: Ctx, params: Params) -> PageResult {
    let filter = case_filter(&params)?;
    let page = store::list(&state.db, &filter, Some(params.paging()?)).await?;
    let keep: Vec<(&str, String)> =
        service::CASE_FILTERS.iter().filter_map(|k| params.str(k).map(|v| (*k, v))).collect();
    render(&ListPage {
        nav: Nav::new(&p, "warning-cases"),
        pager: Pager::new("/warning-cases", &page, &keep),
        export_query: serde_urlencoded::to_string(&keep).unwrap_or_default(),
        rows: page.items,
        disciplines: Discipline::ALL
            .iter()
            .map(|d| Opt::new(d.key(), d.label(), filter.discipline == Some(*d)))
            .collect(),
        year: params.str("year").unwrap_or_default(),
        q: params.str("q").unwrap_or_default(),
        can_write: p.can(Permission::WarningCaseWrite),
    })
}

/// One use of a case: a 警示教育 entry (date, unit, what was done).
struct UseRow {
    id: i64,
    date: String,
    unit: String,
    content: String,
}

#[derive(Template)]
#[template(path = "warning_cases/detail.html")]
struct DetailPage {
    nav: Nav,
    case: WarningCase,
    uses: Vec<UseRow>,
    hidden_uses: i64,
    can_write: bool,
    can_record: bool,
    record_kind: &'static str,
}

pub async fn detail(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>) -> PageResult {
    let d = service::detail(&state, &p, id).await?;
    let uses = d
        .uses
        .iter()
        .map(|e| UseRow {
            id: e.id,
            date: e.entry_date.to_string(),
            unit: e.unit_name.clone(),
            content: e.content.chars().take(80).collect(),
        })
        .collect();
    render(&DetailPage {
        nav: Nav::new(&p, "warning-cases"),
        case: d.case,
        uses,
        hidden_uses: d.hidden_uses,
        can_write: p.can(Permission::WarningCaseWrite),
        can_record: p.can(Permission::LedgerWrite),
        record_kind: EntryKind::WarningEducation.key(),
    })
}

#[derive(Template)]
#[template(path = "warning_cases/form.html")]
struct FormPage {
    nav: Nav,
    target: FormTarget,
    today: String,
    f: WarningCaseFields,
    errors: FieldErrors,
    disciplines: Vec<Opt>,
}

fn form_page(p: &Principal, target: FormTarget, f: WarningCaseFields, errors: FieldErrors) -> PageResult {
    let chosen = Discipline::parse(&f.discipline);
    render(&FormPage {
        nav: Nav::new(p, "warning-cases"),
        target,
        today: qingfeng_domain::time::office_today().to_string(),
        disciplines: Discipline::ALL.iter().map(|d| Opt::new(d.key(), d.label(), chosen == Some(*d))).collect(),
        f,
        errors,
    })
}

fn new_target() -> FormTarget {
    FormTarget::new("新增典型案例", "/warning-cases/new", "/warning-cases")
}

fn edit_target(id: i64, title: &str) -> FormTarget {
    FormTarget::new(
        format!("修改典型案例：{title}"),
        format!("/warning-cases/{id}/edit"),
        format!("/warning-cases/{id}"),
    )
}

fn fields_from(form: &FormPairs) -> WarningCaseFields {
    WarningCaseFields {
        title: form.get("title"),
        case_date: form.get("case_date"),
        discipline: form.get("discipline"),
        sanction: form.get("sanction"),
        summary: form.get("summary"),
        lesson: form.get("lesson"),
        source: form.get("source"),
    }
}

pub async fn new_form(p: Principal) -> PageResult {
    form_page(&p, new_target(), WarningCaseFields::default(), FieldErrors::default())
}

pub async fn create(Ctx { state, p }: Ctx, form: FormPairs) -> PageResult {
    let f = fields_from(&form);
    match service::create(&state, &p, &f).await {
        Ok(id) => Ok(see_other(format!("/warning-cases/{id}"))),
        Err(e) => form_page(&p, new_target(), f, form_errors(e, "title")?),
    }
}

pub async fn edit_form(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>) -> PageResult {
    let f = service::fields_of(&state, id).await?;
    form_page(&p, edit_target(id, &f.title), f, FieldErrors::default())
}

pub async fn edit(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, form: FormPairs) -> PageResult {
    let current = service::fields_of(&state, id).await?;
    let f = fields_from(&form);
    match service::update(&state, &p, id, &f).await {
        Ok(()) => Ok(see_other(format!("/warning-cases/{id}"))),
        Err(e) => form_page(&p, edit_target(id, &current.title), f, form_errors(e, "title")?),
    }
}
