//! The organisation page: the unit tree and the people table (filtered by htmx).

use askama::Template;
use axum::response::{Html, IntoResponse};
use qingfeng_domain::access::Permission;
use qingfeng_domain::dict::{Gender, PersonStatus, PoliticalStatus, UnitKind};
use qingfeng_store::org::{people, units, Person, Unit};
use qingfeng_store::query::Voided;

use super::{label, role_labels};
use crate::auth::{Ctx, Principal};
use crate::features::org::service::filter_from;
use crate::features::org::service::unit_in_scope;
use crate::http::ApiError;
use crate::http::Params;
use crate::http::{render, Nav, PageError, PageResult};
use crate::AppState;

pub struct TreeNode {
    pub id: i64,
    pub name: String,
    pub code: String,
    pub kind: &'static str,
    pub depth: usize,
    pub active: bool,
}

pub struct PersonRow {
    pub id: i64,
    pub name: String,
    pub gender: &'static str,
    pub unit: String,
    pub title: String,
    pub rank: String,
    pub political: &'static str,
    pub roles: String,
    pub status: &'static str,
    pub supervised: bool,
}

impl From<&Person> for PersonRow {
    fn from(p: &Person) -> Self {
        PersonRow {
            id: p.id,
            name: p.name.clone(),
            gender: label(&p.gender, Gender::from_key, Gender::label),
            unit: p.unit_name.clone(),
            title: p.title.clone(),
            rank: crate::features::org::sheets::rank_shown(p),
            political: label(&p.political_status, PoliticalStatus::from_key, PoliticalStatus::label),
            roles: role_labels(&p.roles),
            status: label(&p.status, PersonStatus::from_key, PersonStatus::label),
            supervised: p.in_supervision_scope,
        }
    }
}

#[derive(Template)]
#[template(path = "org/people_table.html")]
struct PeopleTable {
    rows: Vec<PersonRow>,
    total: i64,
    page: i64,
    pages: i64,
    next_after: Option<i64>,
    prev_before: Option<i64>,
    base_query: String,
}

#[derive(Template)]
#[template(path = "org/org.html")]
struct OrgPage {
    nav: Nav,
    tree: Vec<TreeNode>,
    selected: Option<Unit>,
    q: String,
    /// the 只看已作废 filter is on
    voided: bool,
    table: String,
    export_query: String,
    can_write_units: bool,
    can_write_people: bool,
    can_export: bool,
}

fn query_string(pairs: &[(&str, String)]) -> String {
    serde_urlencoded::to_string(pairs.iter().filter(|(_, v)| !v.is_empty()).collect::<Vec<_>>()).unwrap_or_default()
}

async fn people_table_html(state: &AppState, p: &Principal, params: &Params) -> Result<String, PageError> {
    let filter = filter_from(params)?;
    let paging = params.paging()?;
    let page = people::list(&state.db, &p.scope, &filter, paging).await?;
    let pages = ((page.total + page.per_page - 1) / page.per_page).max(1);
    let base_query = query_string(&[
        ("unit", filter.unit_id.map(|u| u.to_string()).unwrap_or_default()),
        ("q", filter.q.clone().unwrap_or_default()),
        ("voided", if filter.voided == Voided::Only { "true".into() } else { String::new() }),
    ]);
    let t = PeopleTable {
        rows: page.items.iter().map(PersonRow::from).collect(),
        total: page.total,
        page: page.page,
        pages,
        next_after: page.next_after,
        prev_before: page.prev_before,
        base_query,
    };
    t.render().map_err(|e| PageError(ApiError::Internal(e.to_string())))
}

/// `GET /org`
pub async fn page(Ctx { state, p }: Ctx, params: Params) -> PageResult {
    let selected_id = params.int("unit")?;
    let selected = match selected_id {
        Some(id) => Some(unit_in_scope(&state, &p, id).await?),
        None => None,
    };
    let tree = units::all(&state.db, &p.scope)
        .await?
        .into_iter()
        .map(|u| TreeNode {
            id: u.id,
            depth: u.depth().min(6),
            kind: label(&u.kind, UnitKind::from_key, UnitKind::label),
            active: Some(u.id) == selected_id,
            name: u.name,
            code: u.code,
        })
        .collect();
    let table = people_table_html(&state, &p, &params).await?;
    let q = params.str("q").unwrap_or_default();
    let export_query =
        query_string(&[("unit", selected_id.map(|u| u.to_string()).unwrap_or_default()), ("q", q.clone())]);
    render(&OrgPage {
        nav: Nav::new(&p, "org"),
        tree,
        selected,
        q,
        voided: params.bool("voided")?.unwrap_or(false),
        table,
        export_query,
        can_write_units: p.can(Permission::UnitWrite),
        can_write_people: p.can(Permission::PersonWrite),
        can_export: p.can(Permission::PersonExport),
    })
}

/// `GET /org/people`: the table alone, for htmx search and paging.
pub async fn people_table(Ctx { state, p }: Ctx, params: Params) -> PageResult {
    Ok(Html(people_table_html(&state, &p, &params).await?).into_response())
}
