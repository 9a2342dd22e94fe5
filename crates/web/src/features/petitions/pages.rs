//! The 纪检组's 信访 pages: the inbox, hand entry, a report with its evidence, acceptance into
//! the clue register and the explicit "显示举报人信息" action.

use askama::Template;
use axum::response::Response;
use qingfeng_domain::access::Permission;
use qingfeng_domain::petitions::{Identity, PetitionFields, Source};
use qingfeng_domain::time::office_today;
use qingfeng_domain::FieldErrors;
use qingfeng_store::org::people;
use qingfeng_store::petitions::Petition;
use qingfeng_store::private_files::PrivateFile;
use qingfeng_store::Paging;

use super::service::{self, AcceptFields};
use crate::auth::{Ctx, Principal};
use crate::http::{
    form_errors, human_size, render, see_other, step_answer, stored_file, FormPairs, FormTarget, Nav, Opt, PageError,
    PagePath, PageResult, Pager, Params,
};
use crate::AppState;

#[derive(Template)]
#[template(path = "petitions/list.html")]
struct ListPage {
    nav: Nav,
    can_write: bool,
    rows: Vec<Petition>,
    states: Vec<Opt>,
    sources: Vec<Opt>,
    q: String,
    pager: Pager,
}

pub async fn list(Ctx { state, p }: Ctx, params: Params) -> PageResult {
    let page = service::list(&state, &p, &params, Some(params.paging()?)).await?;
    let keep: Vec<(&str, String)> = service::FILTERS.iter().filter_map(|k| params.str(k).map(|v| (*k, v))).collect();
    let (st, src) = (params.str("state").unwrap_or_default(), params.str("source").unwrap_or_default());
    render(&ListPage {
        nav: Nav::new(&p, "petitions"),
        can_write: p.can(Permission::PetitionWrite),
        pager: Pager::new("/petitions", &page, &keep),
        rows: page.items,
        states: [("received", "待受理"), ("accepted", "已受理")]
            .iter()
            .map(|(k, l)| Opt::new(k, l, st == *k))
            .collect(),
        sources: Source::ALL
            .iter()
            .filter(|s| **s != Source::Supervision)
            .map(|s| Opt::new(s.key(), s.label(), src == s.key()))
            .collect(),
        q: params.str("q").unwrap_or_default(),
    })
}

/// The people of the caller's scope, for matching a report to a person.
async fn people_opts(state: &AppState, p: &Principal, selected: Option<i64>) -> Result<Vec<Opt>, PageError> {
    let pf = people::PersonFilter { status: Some("active".into()), ..Default::default() };
    let list = people::list(&state.db, &p.scope, &pf, Paging::new(Some(1), Some(500)))
        .await
        .map_err(|e| PageError(e.into()))?;
    Ok(list
        .items
        .iter()
        .map(|x| Opt::new(x.id, format!("{}（{}）", x.name, x.unit_name), selected == Some(x.id)))
        .collect())
}

#[derive(Template)]
#[template(path = "petitions/form.html")]
struct FormPage {
    nav: Nav,
    target: FormTarget,
    f: PetitionFields,
    errors: FieldErrors,
    sources: Vec<Opt>,
    people: Vec<Opt>,
    max_today: String,
}

async fn form_page(state: &AppState, p: &Principal, f: PetitionFields, errors: FieldErrors) -> PageResult {
    let source = Source::parse(&f.source);
    render(&FormPage {
        nav: Nav::new(p, "petitions"),
        target: FormTarget::new("登记来信、来访、来电和上级转办的举报", "/petitions/new", "/petitions"),
        sources: Source::BY_HAND.iter().map(|s| Opt::new(s.key(), s.label(), source == Some(*s))).collect(),
        people: people_opts(state, p, f.person_id).await?,
        max_today: format!("max=\"{}\"", office_today()),
        f,
        errors,
    })
}

pub async fn new_form(Ctx { state, p }: Ctx) -> PageResult {
    service::require_group(&state, &p, "petition", 0).await?;
    let f = PetitionFields { received_on: office_today().to_string(), ..Default::default() };
    form_page(&state, &p, f, FieldErrors::default()).await
}

fn fields_from(form: &FormPairs) -> PetitionFields {
    PetitionFields {
        source: form.get("source"),
        subject_name: form.get("subject_name"),
        subject_unit: form.get("subject_unit"),
        subject_post: form.get("subject_post"),
        person_id: form.get("person_id").trim().parse().ok(),
        content: form.get("content"),
        happened: form.get("happened"),
        received_on: form.get("received_on"),
        reporter_name: form.get("reporter_name"),
        reporter_contact: form.get("reporter_contact"),
    }
}

pub async fn create(Ctx { state, p }: Ctx, form: FormPairs) -> PageResult {
    let f = fields_from(&form);
    match service::create(&state, &p, &f).await {
        Ok(id) => Ok(see_other(format!("/petitions/{id}"))),
        Err(e) => form_page(&state, &p, f, form_errors(e, "subject_name")?).await,
    }
}

#[derive(Template)]
#[template(path = "petitions/detail.html")]
struct DetailPage {
    nav: Nav,
    t: Petition,
    files: Vec<(PrivateFile, String)>,
    can_write: bool,
    may_see_identity: bool,
    /// Some after the explicit "显示举报人信息" action: Some(None) for an anonymous report
    identity: Option<Option<Identity>>,
    people: Vec<Opt>,
    refused: String,
}

async fn detail_page(
    state: &AppState,
    p: &Principal,
    id: i64,
    identity: Option<Option<Identity>>,
    refused: String,
) -> PageResult {
    let t = service::get(state, p, id).await?;
    render(&DetailPage {
        nav: Nav::new(p, "petitions"),
        files: service::files(state, p, id)
            .await?
            .into_iter()
            .map(|f| {
                let size = human_size(f.size);
                (f, size)
            })
            .collect(),
        can_write: p.can(Permission::PetitionWrite),
        may_see_identity: p.can(Permission::ReporterIdentity),
        identity,
        people: people_opts(state, p, t.person_id).await?,
        t,
        refused,
    })
}

pub async fn detail(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, params: Params) -> PageResult {
    detail_page(&state, &p, id, None, params.str("refused").unwrap_or_default()).await
}

/// `POST /petitions/{id}/identity`: the page again, with the identity shown (audited).
pub async fn identity(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>) -> PageResult {
    match service::identity(&state, &p, id).await {
        Ok(i) => detail_page(&state, &p, id, Some(i), String::new()).await,
        Err(crate::http::ApiError::Conflict(m)) => detail_page(&state, &p, id, None, m).await,
        Err(e) => Err(PageError(e)),
    }
}

pub async fn accept(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, form: FormPairs) -> PageResult {
    let f = AcceptFields {
        into_clue: form.get("into_clue").trim().parse().ok(),
        person_id: form.get("person_id").trim().parse().ok(),
    };
    let r = service::accept(&state, &p, id, &f).await.map(|clue| format!("/clues/{clue}"));
    step_answer(r, &format!("/petitions/{id}"))
}

pub async fn file(Ctx { state, p }: Ctx, PagePath((id, file_id)): PagePath<(i64, i64)>) -> Result<Response, PageError> {
    let (meta, bytes) = service::file(&state, &p, id, file_id).await?;
    Ok(stored_file(bytes, &meta.filename, meta.content_type))
}
