//! Who may void (作废) or restore a record, checked on the server: the record must be in the
//! caller's data scope, and the caller must be one who may change it — for a ledger entry its
//! author or someone whose scope covers its unit, for a finding someone whose scope covers its
//! unit (the store allows it only before feedback), for a task whoever may edit it, for a
//! person someone whose scope covers their unit.

use qingfeng_domain::time::office_today;
use qingfeng_domain::voiding::{self as domain, Voidable};
use qingfeng_store::org::people;
use qingfeng_store::voiding::{self as store, Voiding};
use qingfeng_store::{findings, ledger, plans};

use crate::auth::Principal;
use crate::http::{ApiError, ApiResult};
use crate::AppState;

/// What the pages show about the record being voided.
pub struct Subject {
    pub title: String,
    pub url: String,
    pub voided: bool,
}

/// The record as the caller sees it (404 outside the scope); 403 when they may read but not
/// void it.
pub async fn subject(state: &AppState, p: &Principal, kind: Voidable, id: i64) -> ApiResult<Subject> {
    let (title, voided, may) = match kind {
        Voidable::LedgerEntry => {
            let e = ledger::get(&state.db, &p.scope, id).await?;
            let own = e.author.as_deref() == Some(p.username.as_str());
            let title = format!("{} {}：{}", e.entry_date, e.unit_name, short(&e.content));
            (title, e.voided, own || p.scope.covers_unit(e.unit_id, &e.unit_path))
        }
        Voidable::Finding => {
            let f = findings::get(&state.db, &p.scope, id, office_today()).await?;
            let title = format!("{} {}：{}", f.found_on, f.unit_name, short(&f.description));
            (title, f.voided, p.scope.covers_unit(f.unit_id, &f.unit_path))
        }
        Voidable::Task => {
            let t = plans::get_task(&state.db, &p.scope, id).await?;
            (format!("{}（{}）", t.title, t.plan_title), t.voided, plans::can_edit(&p.scope, &t))
        }
        Voidable::Person => {
            let person = people::get(&state.db, &p.scope, id).await?;
            let title = format!("{}（{}{}）", person.name, person.unit_name, person.title);
            (title, person.voided, p.scope.covers_unit(person.unit_id, &person.unit_path))
        }
    };
    if !may {
        return Err(ApiError::Forbidden(format!("您不能作废或恢复这条{}", kind.label())));
    }
    Ok(Subject { title, url: record_url(kind, id), voided })
}

fn short(text: &str) -> String {
    let mut s: String = text.chars().take(40).collect();
    if text.chars().count() > 40 {
        s.push('…');
    }
    s
}

/// The record's own page.
pub fn record_url(kind: Voidable, id: i64) -> String {
    match kind {
        Voidable::LedgerEntry => format!("/ledger/{id}"),
        Voidable::Finding => format!("/findings/{id}"),
        Voidable::Task => format!("/tasks/{id}"),
        Voidable::Person => format!("/org/people/{id}"),
    }
}

pub async fn void(state: &AppState, p: &Principal, kind: Voidable, id: i64, reason: &str) -> ApiResult<()> {
    subject(state, p, kind, id).await?;
    let reason = domain::reason(reason).map_err(ApiError::Invalid)?;
    Ok(store::void(&state.db, &p.actor(), kind, id, &reason).await?)
}

pub async fn restore(state: &AppState, p: &Principal, kind: Voidable, id: i64, reason: &str) -> ApiResult<()> {
    subject(state, p, kind, id).await?;
    let reason = domain::reason(reason).map_err(ApiError::Invalid)?;
    Ok(store::restore(&state.db, &p.actor(), kind, id, &reason).await?)
}

/// The record's voidings, for anyone who may void it.
pub async fn history(state: &AppState, p: &Principal, kind: Voidable, id: i64) -> ApiResult<Vec<Voiding>> {
    subject(state, p, kind, id).await?;
    Ok(store::history(&state.db, kind, id).await?)
}
