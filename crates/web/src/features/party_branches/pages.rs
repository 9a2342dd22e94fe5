//! Pages of 党支部: the list, and one branch with its committee and members (from several
//! divisions), where a writer adds or removes members and sets committee posts.

use askama::Template;
use axum::http::StatusCode;
use qingfeng_domain::access::Permission;
use qingfeng_domain::dict::{BranchPost, PoliticalStatus};
use qingfeng_domain::FieldErrors;
use qingfeng_store::org::branches::Branch;
use qingfeng_store::{Page, Paging};

use super::service::{self, BranchDetail, MemberChange, PostChange};
use crate::auth::{Ctx, Principal};
use crate::http::{form_errors, render, see_other, ApiError, FormPairs, Nav, Opt, PagePath, PageResult, Pager, Params};
use crate::AppState;

#[derive(Template)]
#[template(path = "party_branches/list.html")]
struct ListPage {
    nav: Nav,
    branches: Vec<Branch>,
}

pub async fn list(Ctx { state, p }: Ctx) -> PageResult {
    let branches = service::list(&state, &p).await?;
    render(&ListPage { nav: Nav::new(&p, "party-branches"), branches })
}

/// A member as the page shows one.
struct Row {
    person_id: i64,
    name: String,
    unit_name: String,
    title: String,
    political: &'static str,
    post: String,
    since: String,
    posts: Vec<Opt>,
}

#[derive(Template)]
#[template(path = "party_branches/detail.html")]
struct DetailPage {
    nav: Nav,
    d: BranchDetail,
    rows: Vec<Row>,
    /// how many divisions the shown members sit in
    divisions: usize,
    on: String,
    is_today: bool,
    can_write: bool,
    candidates: Vec<Opt>,
    errors: FieldErrors,
    /// the members are shown a page at a time
    pager: Pager,
}

/// Members shown on one page of a branch.
const MEMBERS_PER_PAGE: i64 = 50;

fn member_paging(params: &Params) -> Result<Paging, ApiError> {
    Ok(Paging::new(params.int("page")?, Some(params.int("per_page")?.unwrap_or(MEMBERS_PER_PAGE))))
}

async fn detail_page(
    state: &AppState,
    p: &Principal,
    id: i64,
    on: Option<chrono::NaiveDate>,
    paging: Paging,
    errors: FieldErrors,
) -> PageResult {
    let d = service::detail(state, p, id, on).await?;
    let can_write = p.can(Permission::PartyBranchWrite);
    let candidates = if can_write {
        service::candidates(state, p, id)
            .await?
            .into_iter()
            .map(|x| Opt::new(x.id, format!("{}（{}）", x.name, x.unit_name), false))
            .collect()
    } else {
        vec![]
    };
    let rows: Vec<Row> = d
        .members
        .iter()
        .skip(usize::try_from(paging.offset()).unwrap_or(usize::MAX))
        .take(usize::try_from(paging.per_page).unwrap_or(0))
        .map(|m| {
            let post = m.post();
            let mut posts = vec![Opt::new("", "（党员）", post.is_none())];
            posts.extend(BranchPost::ALL.iter().map(|x| Opt::new(x.key(), x.label(), post == Some(*x))));
            Row {
                person_id: m.person_id,
                name: m.name.clone(),
                unit_name: m.unit_name.clone(),
                title: m.title.clone(),
                political: PoliticalStatus::from_key(&m.political_status).map_or("", PoliticalStatus::label),
                post: post.map_or("", BranchPost::label).to_string(),
                since: m.member_since.to_string(),
                posts,
            }
        })
        .collect();
    let mut units: Vec<&str> = d.members.iter().map(|m| m.unit_name.as_str()).collect();
    units.sort_unstable();
    units.dedup();
    let divisions = units.len();
    let is_today = d.on == qingfeng_store::fulfilment::today();
    let shown = Page::<()>::new(vec![], d.members.len() as i64, paging.page, paging.per_page);
    let keep: Vec<(&str, String)> = if is_today { vec![] } else { vec![("on", d.on.to_string())] };
    let pager = Pager::new(&format!("/party-branches/{id}"), &shown, &keep);
    let invalid = !errors.is_empty();
    let mut res = render(&DetailPage {
        nav: Nav::new(p, "party-branches"),
        on: d.on.to_string(),
        d,
        rows,
        divisions,
        is_today,
        can_write,
        candidates,
        errors,
        pager,
    })?;
    if invalid {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

pub async fn detail(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, params: Params) -> PageResult {
    let on = match params.str("on").filter(|v| !v.trim().is_empty()) {
        Some(v) => Some(service::change_day(&v).map_err(ApiError::from)?),
        None => None,
    };
    detail_page(&state, &p, id, on, member_paging(&params)?, FieldErrors::default()).await
}

/// After a change: back to the branch, or the branch with the errors of the change.
async fn after(state: &AppState, p: &Principal, id: i64, result: Result<(), ApiError>) -> PageResult {
    match result {
        Ok(()) => Ok(see_other(format!("/party-branches/{id}"))),
        Err(e) => {
            detail_page(state, p, id, None, Paging::new(None, Some(MEMBERS_PER_PAGE)), form_errors(e, "person_id")?)
                .await
        }
    }
}

fn member_change(form: &FormPairs) -> MemberChange {
    MemberChange { person_id: form.get("person_id").trim().parse().unwrap_or(0), date: form.get("date") }
}

pub async fn add_member(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, form: FormPairs) -> PageResult {
    let result = service::add_member(&state, &p, id, &member_change(&form)).await;
    after(&state, &p, id, result).await
}

pub async fn remove_member(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, form: FormPairs) -> PageResult {
    let result = service::remove_member(&state, &p, id, &member_change(&form)).await;
    after(&state, &p, id, result).await
}

pub async fn set_post(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, form: FormPairs) -> PageResult {
    let c = PostChange {
        person_id: form.get("person_id").trim().parse().unwrap_or(0),
        post: form.get("post"),
        date: form.get("date"),
    };
    let result = service::set_post(&state, &p, id, &c).await;
    after(&state, &p, id, result).await
}
