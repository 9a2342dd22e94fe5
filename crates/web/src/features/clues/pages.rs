//! 问题线索 pages: the register with its filters and export, a clue with its original reports,
//! its steps and the forms of the next step, and the import of hand-entered reports.

use askama::Template;
use qingfeng_domain::access::Permission;
use qingfeng_domain::findings::{Category, FindingFields, Severity};
use qingfeng_domain::petitions::{ClueState, ConcludeFields, DisposeFields, Disposition, Source};
use qingfeng_store::clues::Clue;

use super::service::{self, ClueDetail, MergeFields};
use crate::auth::Ctx;
use crate::http::{render, step_answer, ApiResult, FormPairs, Nav, Opt, PagePath, PageResult, Pager, Params};

#[derive(Template)]
#[template(path = "clues/list.html")]
struct ListPage {
    nav: Nav,
    rows: Vec<Clue>,
    states: Vec<Opt>,
    dispositions: Vec<Opt>,
    sources: Vec<Opt>,
    year: String,
    overdue: bool,
    q: String,
    export: String,
    pager: Pager,
}

fn opts<T: Copy + PartialEq>(
    all: &[T],
    chosen: Option<T>,
    key: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<Opt> {
    all.iter().map(|x| Opt::new(key(*x), label(*x), chosen == Some(*x))).collect()
}

pub async fn list(Ctx { state, p }: Ctx, params: Params) -> PageResult {
    let page = service::list(&state, &p, &params, Some(params.paging()?)).await?;
    let f = service::filter(&params)?;
    let keep: Vec<(&str, String)> = service::FILTERS.iter().filter_map(|k| params.str(k).map(|v| (*k, v))).collect();
    render(&ListPage {
        nav: Nav::new(&p, "clues"),
        export: format!("/api/v1/clues/export.xlsx?{}", serde_urlencoded::to_string(&keep).unwrap_or_default()),
        pager: Pager::new("/clues", &page, &keep),
        rows: page.items,
        states: opts(ClueState::ALL, f.state, ClueState::key, ClueState::label),
        dispositions: opts(Disposition::ALL, f.disposition, Disposition::key, Disposition::label),
        sources: opts(Source::ALL, f.source, Source::key, Source::label),
        year: f.year.map(|y| y.to_string()).unwrap_or_default(),
        overdue: f.overdue_on.is_some(),
        q: f.q.unwrap_or_default(),
    })
}

#[derive(Template)]
#[template(path = "clues/detail.html")]
struct DetailPage {
    nav: Nav,
    d: ClueDetail,
    can_write: bool,
    may_dispose: bool,
    may_conclude: bool,
    dispositions: Vec<Opt>,
    units: Vec<Opt>,
    categories: Vec<Opt>,
    severities: Vec<Opt>,
    refused: String,
}

pub async fn detail(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, params: Params) -> PageResult {
    let d = service::detail(&state, &p, id).await?;
    let units = qingfeng_store::org::units::all(&state.db, &p.scope)
        .await?
        .iter()
        .map(|u| Opt::new(u.id, &u.name, d.clue.unit_id == Some(u.id)))
        .collect();
    let st = d.clue.state();
    render(&DetailPage {
        nav: Nav::new(&p, "clues"),
        can_write: p.can(Permission::PetitionWrite),
        may_dispose: st.may_dispose(),
        may_conclude: st.may_conclude(),
        dispositions: Disposition::ALL.iter().map(|x| Opt::new(x.key(), x.label(), false)).collect(),
        units,
        categories: Category::ALL.iter().map(|c| Opt::new(c.key(), c.label(), false)).collect(),
        severities: Severity::ALL.iter().map(|s| Opt::new(s.key(), s.label(), *s == Severity::General)).collect(),
        refused: params.str("refused").unwrap_or_default(),
        d,
    })
}

/// After a step: back to the clue, with the refusal on top when there was one.
fn after_step(id: i64, r: ApiResult<()>) -> PageResult {
    step_answer(r.map(|()| format!("/clues/{id}")), &format!("/clues/{id}"))
}

pub async fn dispose(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, form: FormPairs) -> PageResult {
    let f = DisposeFields { disposition: form.get("disposition"), due_on: form.get("due_on"), note: form.get("note") };
    after_step(id, service::dispose(&state, &p, id, &f).await)
}

pub async fn conclude(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, form: FormPairs) -> PageResult {
    let f = ConcludeFields { result: form.get("result"), answer: form.get("answer") };
    after_step(id, service::conclude(&state, &p, id, &f).await)
}

pub async fn merge(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, form: FormPairs) -> PageResult {
    let f = MergeFields { into: form.get("into").trim().parse().ok() };
    after_step(id, service::merge(&state, &p, id, &f).await)
}

pub async fn to_finding(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, form: FormPairs) -> PageResult {
    let f = FindingFields {
        unit_id: form.get("unit_id").trim().parse().ok(),
        category: form.get("category"),
        severity: form.get("severity"),
        description: form.get("description"),
        ..Default::default()
    };
    let r = service::to_finding(&state, &p, id, &f).await.map(|fid| format!("/findings/{fid}"));
    step_answer(r, &format!("/clues/{id}"))
}
