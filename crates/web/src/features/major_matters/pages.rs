//! 重大事项请示报告 pages: the register with its filters, a record with its answer form, the
//! request/report form, and the interference form any signed-in person may use.

use askama::Template;
use qingfeng_domain::access::Permission;
use qingfeng_domain::major_matters::{AnswerFields, MatterCategory, MatterFields, MatterKind};
use qingfeng_domain::time::office_today;
use qingfeng_domain::FieldErrors;
use qingfeng_store::major_matters::{MatterRow, Restricted};
use qingfeng_store::org::{people, units};
use qingfeng_store::{Paging, Scope};

use super::service;
use crate::auth::{Ctx, Principal};
use crate::http::{
    form_errors, render, see_other, FormPairs, FormTarget, Nav, Opt, PageError, PagePath, PageResult, Pager, Params,
};
use crate::AppState;

const STATES: [(&str, &str); 3] =
    [("unanswered", "待批复的请示"), ("overdue", "逾期未批复"), ("no_meeting", "三重一大请示未见集体决策会议")];

#[derive(Template)]
#[template(path = "major_matters/list.html")]
struct ListPage {
    nav: Nav,
    rows: Vec<MatterRow>,
    kinds: Vec<Opt>,
    states: Vec<Opt>,
    year: String,
    q: String,
    export_query: String,
    pager: Pager,
    can_write: bool,
}

pub async fn list(Ctx { state, p }: Ctx, params: Params) -> PageResult {
    let page = service::list(&state, &p, &params, Some(params.paging()?)).await?;
    let keep: Vec<(&str, String)> =
        service::MATTER_FILTERS.iter().filter_map(|k| params.str(k).map(|v| (*k, v))).collect();
    let (kind, st) = (params.str("kind").unwrap_or_default(), params.str("state").unwrap_or_default());
    let group = service::restricted_for(&state, &p).await? == Restricted::All;
    let kinds = MatterKind::ALL
        .iter()
        .filter(|k| group || !k.restricted())
        .map(|k| Opt::new(k.key(), k.label(), kind == k.key()))
        .collect();
    render(&ListPage {
        nav: Nav::new(&p, "major-matters"),
        pager: Pager::new("/major-matters", &page, &keep),
        export_query: serde_urlencoded::to_string(&keep).unwrap_or_default(),
        rows: page.items,
        kinds,
        states: STATES.iter().map(|(k, l)| Opt::new(*k, *l, st == *k)).collect(),
        year: params.str("year").unwrap_or_default(),
        q: params.str("q").unwrap_or_default(),
        can_write: p.can(Permission::MatterWrite),
    })
}

#[derive(Template)]
#[template(path = "major_matters/detail.html")]
struct DetailPage {
    nav: Nav,
    m: MatterRow,
    can_edit: bool,
    can_answer: bool,
    back_to_list: bool,
    answer: AnswerFields,
    errors: FieldErrors,
    today: String,
}

async fn detail_page(
    state: &AppState,
    p: &Principal,
    id: i64,
    answer: AnswerFields,
    errors: FieldErrors,
) -> PageResult {
    let m = service::get(state, p, id).await?;
    let in_scope = !MatterKind::from_key(&m.kind).is_some_and(MatterKind::restricted);
    let can_edit = in_scope && p.can(Permission::MatterWrite) && p.scope.covers_unit(m.unit_id, &m.unit_path);
    render(&DetailPage {
        nav: Nav::new(p, if in_scope { "major-matters" } else { "interference" }),
        can_answer: can_edit && m.kind == MatterKind::Request.key(),
        back_to_list: p.can(Permission::MatterRead),
        can_edit,
        m,
        answer,
        errors,
        today: office_today().to_string(),
    })
}

pub async fn detail(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>) -> PageResult {
    detail_page(&state, &p, id, AnswerFields::default(), FieldErrors::default()).await
}

/// `POST /major-matters/{id}/answer`
pub async fn answer(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, form: FormPairs) -> PageResult {
    let f = AnswerFields { answer: form.get("answer"), answered_on: form.get("answered_on") };
    match service::answer(&state, &p, id, &f).await {
        Ok(()) => Ok(see_other(format!("/major-matters/{id}"))),
        Err(e) => detail_page(&state, &p, id, f, form_errors(e, "answer")?).await,
    }
}

#[derive(Template)]
#[template(path = "major_matters/form.html")]
struct FormPage {
    nav: Nav,
    target: FormTarget,
    today: String,
    f: MatterFields,
    errors: FieldErrors,
    kinds: Vec<Opt>,
    categories: Vec<Opt>,
    units: Vec<Opt>,
    people: Vec<Opt>,
    interference: bool,
}

async fn form_page(
    state: &AppState,
    p: &Principal,
    target: FormTarget,
    f: MatterFields,
    errors: FieldErrors,
) -> PageResult {
    let interference = MatterKind::parse(&f.kind) == Some(MatterKind::Interference);
    let unit_list = units::all(&state.db, &p.scope).await?;
    let mut unit_opts: Vec<Opt> = unit_list
        .iter()
        .map(|u| Opt::new(u.id, format!("{}{}", "　".repeat(u.depth()), u.name), f.unit_id == Some(u.id)))
        .collect();
    if interference {
        // the author's own unit is always offered, in scope or not
        if let Some(me) = own_person(state, p).await? {
            if !unit_list.iter().any(|u| u.id == me.unit_id) {
                unit_opts.insert(0, Opt::new(me.unit_id, me.unit_name.clone(), true));
            }
        }
    }
    let pf = people::PersonFilter { status: Some("active".into()), ..Default::default() };
    let people_list = people::list(&state.db, &p.scope, &pf, Paging::new(Some(1), Some(500))).await?.items;
    let kind = MatterKind::parse(&f.kind);
    let category = MatterCategory::parse(&f.category);
    render(&FormPage {
        nav: Nav::new(p, if interference { "interference" } else { "major-matters" }),
        target,
        today: office_today().to_string(),
        kinds: [MatterKind::Request, MatterKind::Report]
            .iter()
            .map(|k| Opt::new(k.key(), k.label(), kind == Some(*k)))
            .collect(),
        categories: MatterCategory::ALL
            .iter()
            .filter(|c| c.is_major())
            .map(|c| Opt::new(c.key(), c.label(), category == Some(*c)))
            .collect(),
        units: unit_opts,
        people: people_list
            .iter()
            .map(|x| Opt::new(x.id, format!("{}（{}）", x.name, x.unit_name), f.person_id == Some(x.id)))
            .collect(),
        interference,
        f,
        errors,
    })
}

async fn own_person(state: &AppState, p: &Principal) -> Result<Option<people::Person>, PageError> {
    Ok(match p.person_id {
        Some(id) => people::get(&state.db, &Scope::all(), id).await.ok(),
        None => None,
    })
}

fn fields_from(form: &FormPairs) -> MatterFields {
    let id = |k: &str| form.get(k).trim().parse().ok();
    MatterFields {
        kind: form.get("kind"),
        unit_id: id("unit_id"),
        person_id: id("person_id"),
        addressee: form.get("addressee"),
        category: form.get("category"),
        title: form.get("title"),
        content: form.get("content"),
        submitted_on: form.get("submitted_on"),
        leader: form.get("leader"),
    }
}

fn new_target() -> FormTarget {
    FormTarget::new("登记请示报告", "/major-matters/new", "/major-matters")
}

pub async fn new_form(Ctx { state, p }: Ctx) -> PageResult {
    let me = own_person(&state, &p).await?;
    let f = MatterFields {
        kind: MatterKind::Request.key().into(),
        unit_id: me.as_ref().map(|m| m.unit_id),
        person_id: me.map(|m| m.id),
        submitted_on: office_today().to_string(),
        ..Default::default()
    };
    form_page(&state, &p, new_target(), f, FieldErrors::default()).await
}

pub async fn create(Ctx { state, p }: Ctx, form: FormPairs) -> PageResult {
    let f = fields_from(&form);
    match service::create(&state, &p, &f).await {
        Ok(id) => Ok(see_other(format!("/major-matters/{id}"))),
        Err(e) => form_page(&state, &p, new_target(), f, form_errors(e, "title")?).await,
    }
}

fn edit_target(id: i64, title: &str) -> FormTarget {
    FormTarget::new(format!("修改：{title}"), format!("/major-matters/{id}/edit"), format!("/major-matters/{id}"))
}

pub async fn edit_form(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>) -> PageResult {
    let f = service::fields_of(&state, &p, id).await?;
    form_page(&state, &p, edit_target(id, &f.title), f, FieldErrors::default()).await
}

pub async fn edit(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, form: FormPairs) -> PageResult {
    let current = service::fields_of(&state, &p, id).await?;
    let f = fields_from(&form);
    match service::update(&state, &p, id, &f).await {
        Ok(()) => Ok(see_other(format!("/major-matters/{id}"))),
        Err(e) => form_page(&state, &p, edit_target(id, &current.title), f, form_errors(e, "title")?).await,
    }
}

fn interference_target() -> FormTarget {
    FormTarget::new("记录领导干部插手干预重大事项", "/major-matters/interference", "/")
}

pub async fn interference_form(Ctx { state, p }: Ctx) -> PageResult {
    let me = own_person(&state, &p).await?;
    let f = MatterFields {
        kind: MatterKind::Interference.key().into(),
        unit_id: me.map(|m| m.unit_id),
        submitted_on: office_today().to_string(),
        ..Default::default()
    };
    form_page(&state, &p, interference_target(), f, FieldErrors::default()).await
}

pub async fn interference(Ctx { state, p }: Ctx, form: FormPairs) -> PageResult {
    let f = MatterFields { kind: MatterKind::Interference.key().into(), ..fields_from(&form) };
    match service::record_interference(&state, &p, &f).await {
        Ok(id) => Ok(see_other(format!("/major-matters/{id}"))),
        Err(e) => form_page(&state, &p, interference_target(), f, form_errors(e, "title")?).await,
    }
}
