//! 廉政档案 pages: the people whose files the reader may open, one person's file, and a
//! 党风廉政意见回复 (edit and sign while a draft, read-only once signed).

use askama::Template;
use qingfeng_domain::access::Permission;
use qingfeng_domain::integrity::ReplyFields;
use qingfeng_domain::FieldErrors;
use qingfeng_store::integrity::IntegrityReply;
use qingfeng_store::org::people::{self, Person, PersonFilter};
use qingfeng_store::Page;

use super::documents::NUMBER_PREFIX;
use super::service::{FileEntry, IntegrityFile, Section};
use super::{replies, service};
use crate::auth::{Ctx, Principal};
use crate::http::{form_errors, render, see_other, FormPairs, Nav, PagePath, PageResult, Pager, Params};
use crate::AppState;

#[derive(Template)]
#[template(path = "integrity_files/index.html")]
struct IndexPage {
    nav: Nav,
    rows: Vec<Person>,
    q: String,
    pager: Pager,
}

/// `GET /integrity-files`: the people in the reader's scope (纪检组, 组织人事); anyone else is
/// taken to their own file.
pub async fn index(Ctx { state, p }: Ctx, params: Params) -> PageResult {
    if !p.can(Permission::IntegrityRead) {
        return match p.person_id {
            Some(me) => Ok(see_other(format!("/integrity-files/{me}"))),
            None => Err(crate::http::ApiError::NotFound.into()),
        };
    }
    let q = params.str("q").unwrap_or_default();
    let f = PersonFilter { q: Some(q.clone()), status: Some("active".into()), ..Default::default() };
    let page: Page<Person> = people::list(&state.db, &p.scope, &f, params.paging()?).await?;
    render(&IndexPage {
        nav: Nav::new(&p, "integrity-files"),
        pager: Pager::new("/integrity-files", &page, &[("q", q.clone())]),
        rows: page.items,
        q,
    })
}

#[derive(Template)]
#[template(path = "integrity_files/file.html")]
struct FilePage {
    nav: Nav,
    f: IntegrityFile,
    timeline: Vec<FileEntry>,
    withheld: Vec<Section>,
    can_reply: bool,
    can_statement: bool,
    addressee: String,
    prefix: &'static str,
}

/// `GET /integrity-files/{person}`
pub async fn file(Ctx { state, p }: Ctx, PagePath(person): PagePath<i64>) -> PageResult {
    let (person, viewer) = service::open(&state, &p, person).await?;
    let f = service::assemble(&state, &p, person, viewer).await?;
    let timeline = f.timeline().into_iter().rev().cloned().collect();
    let withheld = f.sections.iter().filter(|s| !s.shown || !s.note.is_empty()).cloned().collect();
    render(&FilePage {
        nav: Nav::new(&p, if viewer == service::Viewer::Own { "my-integrity-file" } else { "integrity-files" }),
        can_reply: viewer == service::Viewer::Group && service::may_reply(&state, &p).await?,
        can_statement: viewer != service::Viewer::Org,
        addressee: "中共××县委组织部".into(),
        prefix: NUMBER_PREFIX,
        timeline,
        withheld,
        f,
    })
}

/// `POST /integrity-files/{person}/replies`: drafts the reply and opens it.
pub async fn generate(Ctx { state, p }: Ctx, PagePath(person): PagePath<i64>, form: FormPairs) -> PageResult {
    let f = ReplyFields { addressee: form.get("addressee"), purpose: form.get("purpose"), body: String::new() };
    let id = replies::generate(&state, &p, person, &f).await?;
    Ok(see_other(format!("/integrity-replies/{id}")))
}

#[derive(Template)]
#[template(path = "integrity_files/reply.html")]
struct ReplyPage {
    nav: Nav,
    r: IntegrityReply,
    f: ReplyFields,
    errors: FieldErrors,
    can_edit: bool,
    prefix: &'static str,
}

async fn reply_page(
    state: &AppState,
    p: &Principal,
    r: IntegrityReply,
    f: ReplyFields,
    errors: FieldErrors,
) -> PageResult {
    render(&ReplyPage {
        nav: Nav::new(p, "integrity-files"),
        can_edit: !r.signed() && service::may_reply(state, p).await?,
        prefix: NUMBER_PREFIX,
        r,
        f,
        errors,
    })
}

/// `GET /integrity-replies/{id}`
pub async fn reply(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>) -> PageResult {
    let r = replies::get(&state, &p, id).await?;
    let f = replies::fields_of(&r);
    reply_page(&state, &p, r, f, FieldErrors::default()).await
}

/// `POST /integrity-replies/{id}/edit`
pub async fn edit(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, form: FormPairs) -> PageResult {
    let f = ReplyFields { addressee: form.get("addressee"), purpose: form.get("purpose"), body: form.get("body") };
    match replies::update(&state, &p, id, &f).await {
        Ok(()) => Ok(see_other(format!("/integrity-replies/{id}"))),
        Err(e) => {
            let errors = form_errors(e, "body")?;
            let r = replies::get(&state, &p, id).await?;
            reply_page(&state, &p, r, f, errors).await
        }
    }
}

/// `POST /integrity-replies/{id}/sign`
pub async fn sign(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>) -> PageResult {
    replies::sign(&state, &p, id).await?;
    Ok(see_other(format!("/integrity-replies/{id}")))
}
