//! The page that voids (作废) or restores a record: what the record is, the reason asked for,
//! and every earlier voiding and restoring.

use askama::Template;
use qingfeng_domain::voiding::{Voidable, REASON_MAX};
use qingfeng_domain::FieldErrors;
use qingfeng_store::voiding::Voiding;

use super::service::{self, Subject};
use crate::auth::Principal;
use crate::http::{render_form, see_other, ApiError, FormPairs, Nav, PageError, PageResult};
use crate::time::local_time;
use crate::AppState;

/// One voiding as the page shows it.
struct VoidRow {
    voided_at: String,
    voided_by: String,
    reason: String,
    restored_at: String,
    restored_by: String,
    restore_reason: String,
}

impl From<Voiding> for VoidRow {
    fn from(v: Voiding) -> Self {
        VoidRow {
            voided_at: local_time(v.voided_at),
            voided_by: v.voided_by.unwrap_or_default(),
            reason: v.reason,
            restored_at: v.restored_at.map(local_time).unwrap_or_default(),
            restored_by: v.restored_by.unwrap_or_default(),
            restore_reason: v.restore_reason.unwrap_or_default(),
        }
    }
}

#[derive(Template)]
#[template(path = "voiding/form.html")]
struct VoidPage {
    nav: Nav,
    kind_label: &'static str,
    subject: Subject,
    action: String,
    history: Vec<VoidRow>,
    reason_label: &'static str,
    reason: String,
    reason_max: usize,
    errors: FieldErrors,
    refusal: Option<String>,
}

fn nav_key(kind: Voidable) -> &'static str {
    match kind {
        Voidable::LedgerEntry => "ledger",
        Voidable::Finding => "findings",
        Voidable::Task => "plans",
        Voidable::Person => "org",
    }
}

async fn show(
    kind: Voidable,
    state: &AppState,
    p: &Principal,
    id: i64,
    reason: String,
    errors: FieldErrors,
    refusal: Option<String>,
) -> PageResult {
    let subject = service::subject(state, p, kind, id).await?;
    let history = service::history(state, p, kind, id).await?.into_iter().map(VoidRow::from).collect();
    let action = format!("{}/{}", subject.url, if subject.voided { "restore" } else { "void" });
    let refused = !errors.is_empty() || refusal.is_some();
    let reason_label = if subject.voided { "恢复原因" } else { "作废原因" };
    let page = VoidPage {
        nav: Nav::new(p, nav_key(kind)),
        kind_label: kind.label(),
        subject,
        reason_label,
        action,
        history,
        reason,
        reason_max: REASON_MAX,
        errors,
        refusal,
    };
    render_form(&page, refused)
}

pub async fn form(kind: Voidable, state: AppState, p: Principal, id: i64) -> PageResult {
    show(kind, &state, &p, id, String::new(), FieldErrors::default(), None).await
}

/// Voids (`void`) or restores the record, then back to its page; a refusal or a missing reason
/// shows this page again with the message.
pub async fn submit(kind: Voidable, void: bool, state: AppState, p: Principal, id: i64, form: FormPairs) -> PageResult {
    let reason = form.get("reason");
    let done = if void {
        service::void(&state, &p, kind, id, &reason).await
    } else {
        service::restore(&state, &p, kind, id, &reason).await
    };
    match done {
        Ok(()) => Ok(see_other(service::record_url(kind, id))),
        Err(ApiError::Invalid(errors)) => show(kind, &state, &p, id, reason, errors, None).await,
        Err(ApiError::Conflict(m)) => show(kind, &state, &p, id, reason, FieldErrors::default(), Some(m)).await,
        Err(other) => Err(PageError(other)),
    }
}
