//! 作废: voiding a record made by mistake (a ledger entry, a finding before feedback, a task, a
//! person entered twice)
//! with a reason, and restoring it. Nothing is deleted; a voided record leaves the lists and
//! counts and is shown with the lists' 已作废 filter. One set of routes per kind of record, under
//! the record's own path.

pub mod api;
pub mod pages;
pub mod service;

use axum::extract::State;
use axum::http::Method as M;
use qingfeng_domain::access::Permission as P;
use qingfeng_domain::voiding::Voidable;
use qingfeng_store::voiding::Voiding;

use crate::auth::Principal;
use crate::http::{ApiJson, Book, FormPairs, PagePath, Path};
use crate::AppState;

/// The routes of one kind of record, under the record's own paths (written out, so that a
/// search for a path finds them).
struct KindRoutes {
    kind: Voidable,
    write: P,
    api_void: &'static str,
    api_restore: &'static str,
    api_history: &'static str,
    page_void: &'static str,
    page_restore: &'static str,
}

const KINDS: [KindRoutes; 4] = [
    KindRoutes {
        kind: Voidable::LedgerEntry,
        write: P::LedgerWrite,
        api_void: "/api/v1/ledger-entries/{id}/void",
        api_restore: "/api/v1/ledger-entries/{id}/restore",
        api_history: "/api/v1/ledger-entries/{id}/voidings",
        page_void: "/ledger/{id}/void",
        page_restore: "/ledger/{id}/restore",
    },
    KindRoutes {
        kind: Voidable::Finding,
        write: P::FindingWrite,
        api_void: "/api/v1/findings/{id}/void",
        api_restore: "/api/v1/findings/{id}/restore",
        api_history: "/api/v1/findings/{id}/voidings",
        page_void: "/findings/{id}/void",
        page_restore: "/findings/{id}/restore",
    },
    KindRoutes {
        kind: Voidable::Task,
        write: P::PlanWrite,
        api_void: "/api/v1/tasks/{id}/void",
        api_restore: "/api/v1/tasks/{id}/restore",
        api_history: "/api/v1/tasks/{id}/voidings",
        page_void: "/tasks/{id}/void",
        page_restore: "/tasks/{id}/restore",
    },
    KindRoutes {
        kind: Voidable::Person,
        write: P::PersonWrite,
        api_void: "/api/v1/people/{id}/void",
        api_restore: "/api/v1/people/{id}/restore",
        api_history: "/api/v1/people/{id}/voidings",
        page_void: "/org/people/{id}/void",
        page_restore: "/org/people/{id}/restore",
    },
];

/// Registers the routes of this feature (JSON API and pages).
pub fn routes(book: Book) -> Book {
    KINDS.iter().fold(book, kind_routes)
}

fn kind_routes(book: Book, r: &KindRoutes) -> Book {
    let kind = r.kind;
    book.add(
        M::POST,
        r.api_void,
        r.write,
        "作废记录（须填写原因）",
        move |State(s): State<AppState>, p: Principal, Path(id): Path<i64>, ApiJson(b): ApiJson<api::ReasonBody>| {
            api::void(kind, s, p, id, b)
        },
    )
    .body::<api::ReasonBody>()
    .returns::<Vec<Voiding>>()
    .add(
        M::POST,
        r.api_restore,
        r.write,
        "恢复已作废的记录（须填写原因）",
        move |State(s): State<AppState>, p: Principal, Path(id): Path<i64>, ApiJson(b): ApiJson<api::ReasonBody>| {
            api::restore(kind, s, p, id, b)
        },
    )
    .body::<api::ReasonBody>()
    .returns::<Vec<Voiding>>()
    .add(
        M::GET,
        r.api_history,
        r.write,
        "作废和恢复的经过",
        move |State(s): State<AppState>, p: Principal, Path(id): Path<i64>| api::history(kind, s, p, id),
    )
    .returns::<Vec<Voiding>>()
    .add(
        M::GET,
        r.page_void,
        r.write,
        "作废或恢复记录",
        move |State(s): State<AppState>, p: Principal, PagePath(id): PagePath<i64>| pages::form(kind, s, p, id),
    )
    .add(
        M::POST,
        r.page_void,
        r.write,
        "作废记录",
        move |State(s): State<AppState>, p: Principal, PagePath(id): PagePath<i64>, f: FormPairs| {
            pages::submit(kind, true, s, p, id, f)
        },
    )
    .add(
        M::POST,
        r.page_restore,
        r.write,
        "恢复记录",
        move |State(s): State<AppState>, p: Principal, PagePath(id): PagePath<i64>, f: FormPairs| {
            pages::submit(kind, false, s, p, id, f)
        },
    )
}
