//! 四种形态 and sanctions pages: the 纪检组's register (a person sees only their own), a record,
//! and the form to record or correct one.

use askama::Template;
use qingfeng_domain::access::Permission;
use qingfeng_domain::discipline::{Form, Measure, RecordFields};
use qingfeng_domain::findings::Category;
use qingfeng_domain::time::office_today;
use qingfeng_domain::FieldErrors;
use qingfeng_store::discipline::DisciplineRecord;
use qingfeng_store::findings;
use qingfeng_store::org::people;
use qingfeng_store::Paging;

use super::service;
use crate::auth::{Ctx, Principal};
use crate::http::{
    form_errors, render, see_other, FormPairs, FormTarget, Nav, Opt, PagePath, PageResult, Pager, Params,
};
use crate::AppState;

#[derive(Template)]
#[template(path = "discipline/list.html")]
struct ListPage {
    nav: Nav,
    heading: &'static str,
    group: bool,
    can_write: bool,
    rows: Vec<DisciplineRecord>,
    forms: Vec<Opt>,
    from: String,
    to: String,
    sanctions: bool,
    in_effect: bool,
    q: String,
    pager: Pager,
}

pub async fn list(Ctx { state, p }: Ctx, params: Params) -> PageResult {
    let group = service::is_group(&state, &p).await?;
    let page = service::list(&state, &p, &params, Some(params.paging()?)).await?;
    let keep: Vec<(&str, String)> =
        service::RECORD_FILTERS.iter().filter_map(|k| params.str(k).map(|v| (*k, v))).collect();
    let form = params.str("form").unwrap_or_default();
    render(&ListPage {
        nav: Nav::new(&p, if group { "discipline" } else { "my-discipline" }),
        heading: if group { "运用“四种形态”和党纪政务处分" } else { "本人处理处分记录" },
        group,
        can_write: group && p.can(Permission::DisciplineWrite),
        pager: Pager::new("/discipline-records", &page, &keep),
        rows: page.items,
        forms: Form::ALL.iter().map(|f| Opt::new(f.key(), f.label(), form == f.key())).collect(),
        from: params.str("from").unwrap_or_default(),
        to: params.str("to").unwrap_or_default(),
        sanctions: params.bool("sanctions")?.unwrap_or(false),
        in_effect: params.bool("in_effect")?.unwrap_or(false),
        q: params.str("q").unwrap_or_default(),
    })
}

#[derive(Template)]
#[template(path = "discipline/detail.html")]
struct DetailPage {
    nav: Nav,
    r: DisciplineRecord,
    group: bool,
    can_edit: bool,
    source: &'static str,
    category: &'static str,
}

pub async fn detail(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>) -> PageResult {
    let r = service::get(&state, &p, id).await?;
    let group = service::is_group(&state, &p).await?;
    render(&DetailPage {
        nav: Nav::new(&p, if group { "discipline" } else { "my-discipline" }),
        group,
        can_edit: group && p.can(Permission::DisciplineWrite),
        source: Measure::from_key(&r.measure).map_or("", |m| m.source()),
        category: r.finding_category.as_deref().and_then(Category::from_key).map_or("", |c| c.label()),
        r,
    })
}

#[derive(Template)]
#[template(path = "discipline/form.html")]
struct FormPage {
    nav: Nav,
    target: FormTarget,
    max_today: String,
    f: RecordFields,
    finding: String,
    clue: String,
    errors: FieldErrors,
    people: Vec<Opt>,
    forms: Vec<Opt>,
    measures: Vec<Opt>,
}

async fn form_page(
    state: &AppState,
    p: &Principal,
    target: FormTarget,
    f: RecordFields,
    errors: FieldErrors,
) -> PageResult {
    let pf = people::PersonFilter { status: Some("active".into()), ..Default::default() };
    let people_list = people::list(&state.db, &p.scope, &pf, Paging::new(Some(1), Some(500))).await?.items;
    let (form, measure) = (Form::parse(&f.form), Measure::parse(&f.measure));
    render(&FormPage {
        nav: Nav::new(p, "discipline"),
        target,
        max_today: format!("max=\"{}\"", office_today()),
        people: people_list
            .iter()
            .map(|x| Opt::new(x.id, format!("{}（{}）", x.name, x.unit_name), f.person_id == Some(x.id)))
            .collect(),
        forms: Form::ALL
            .iter()
            .map(|x| Opt::new(x.key(), format!("{}：{}", x.label(), x.meaning()), form == Some(*x)))
            .collect(),
        measures: Measure::ALL.iter().map(|m| Opt::new(m.key(), m.label(), measure == Some(*m))).collect(),
        finding: f.finding_id.map(|id| id.to_string()).unwrap_or_default(),
        clue: f.clue_id.map(|id| id.to_string()).unwrap_or_default(),
        f,
        errors,
    })
}

fn fields_from(form: &FormPairs) -> RecordFields {
    let id = |k: &str| form.get(k).trim().parse().ok();
    RecordFields {
        person_id: id("person_id"),
        form: form.get("form"),
        measure: form.get("measure"),
        decided_on: form.get("decided_on"),
        deciding_body: form.get("deciding_body"),
        finding_id: id("finding_id"),
        clue_id: id("clue_id"),
        basis: form.get("basis"),
    }
}

fn new_target() -> FormTarget {
    FormTarget::new("登记运用“四种形态”或处分", "/discipline-records/new", "/discipline-records")
}

/// `GET /discipline-records/new?finding=` or `?clue=`: from a finding, its responsible person is
/// proposed; from a clue, the person it is about.
pub async fn new_form(Ctx { state, p }: Ctx, params: Params) -> PageResult {
    let finding = match params.int("finding")? {
        Some(id) => Some(findings::get(&state.db, &p.scope, id, office_today()).await?),
        None => None,
    };
    let clue = match params.int("clue")? {
        Some(id) => Some(crate::features::clues::service::get(&state, &p, id).await?),
        None => None,
    };
    let f = RecordFields {
        person_id: finding.as_ref().and_then(|x| x.responsible_person_id).or(clue.as_ref().and_then(|c| c.person_id)),
        finding_id: finding.as_ref().map(|x| x.id),
        clue_id: clue.as_ref().map(|c| c.id),
        decided_on: office_today().to_string(),
        ..Default::default()
    };
    form_page(&state, &p, new_target(), f, FieldErrors::default()).await
}

pub async fn create(Ctx { state, p }: Ctx, form: FormPairs) -> PageResult {
    let f = fields_from(&form);
    match service::create(&state, &p, &f).await {
        Ok(id) => Ok(see_other(format!("/discipline-records/{id}"))),
        Err(e) => form_page(&state, &p, new_target(), f, form_errors(e, "person_id")?).await,
    }
}

fn edit_target(id: i64) -> FormTarget {
    FormTarget::new("更正记录", format!("/discipline-records/{id}/edit"), format!("/discipline-records/{id}"))
}

pub async fn edit_form(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>) -> PageResult {
    let f = service::fields_of(&state, &p, id).await?;
    form_page(&state, &p, edit_target(id), f, FieldErrors::default()).await
}

pub async fn edit(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, form: FormPairs) -> PageResult {
    let f = fields_from(&form);
    match service::update(&state, &p, id, &f).await {
        Ok(()) => Ok(see_other(format!("/discipline-records/{id}"))),
        Err(e) => form_page(&state, &p, edit_target(id), f, form_errors(e, "person_id")?).await,
    }
}
