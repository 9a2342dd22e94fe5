//! One risk point: its fields, measures, the findings that show it, and the review steps the
//! caller may take (确认, 退回 with a reason, 提升等级 with a reason).

use askama::Template;
use axum::http::StatusCode;
use qingfeng_domain::access::Permission;
use qingfeng_domain::risk::{ReasonFields, RiskState};
use qingfeng_domain::FieldErrors;
use qingfeng_store::findings::{self as findings, FindingFilter};
use qingfeng_store::fulfilment::today;
use qingfeng_store::risk::{self as store, RiskPoint};
use qingfeng_store::Paging;

use super::register::{row, Row};
use crate::auth::{Ctx, Principal};
use crate::features::findings::pages::with_status;
use crate::features::risk::service;
use crate::http::{render, see_other, ApiError, FormPairs, Nav, PageError, PagePath, PageResult};
use crate::AppState;

/// A finding that shows the point.
pub struct FindingRow {
    pub id: i64,
    pub found_on: String,
    pub description: String,
    pub state: String,
}

#[derive(Template)]
#[template(path = "risk/point.html")]
struct PointPage {
    nav: Nav,
    r: Row,
    p: RiskPoint,
    findings: Vec<FindingRow>,
    findings_total: i64,
    can_edit: bool,
    can_review: bool,
    can_raise: bool,
    /// the form a failed step came from ("return", "raise", "accept")
    form: &'static str,
    errors: FieldErrors,
    flash: Option<String>,
    reason: String,
}

async fn point_page(
    state: &AppState,
    p: &Principal,
    id: i64,
    form: &'static str,
    errors: FieldErrors,
    flash: Option<String>,
    reason: String,
) -> PageResult {
    let point = store::get(&state.db, &p.scope, id, today()).await?;
    let filter = FindingFilter { risk_point_id: Some(id), include_sub: true, ..Default::default() };
    let linked = findings::list(&state.db, &p.scope, &filter, Some(Paging::new(Some(1), Some(20))), today()).await?;
    let st = point.state();
    let in_scope = p.scope.covers_unit(point.unit_id, &point.unit_path);
    let review = p.can(Permission::RiskReview) && in_scope;
    let failed = flash.is_some() || !errors.is_empty();
    let res = render(&PointPage {
        nav: Nav::new(p, "risk"),
        r: row(&point),
        findings: linked
            .items
            .iter()
            .map(|f| FindingRow {
                id: f.id,
                found_on: f.found_on.to_string(),
                description: f.description.clone(),
                state: f.state_label.clone(),
            })
            .collect(),
        findings_total: linked.total,
        can_edit: p.can(Permission::RiskWrite) && in_scope && st.editable(),
        can_review: review && st == RiskState::Submitted,
        can_raise: review && point.occurred() && point.level().is_some_and(|l| l.raised().is_some()),
        p: point,
        form,
        errors,
        flash,
        reason,
    })?;
    Ok(if failed { with_status(res, StatusCode::UNPROCESSABLE_ENTITY) } else { res })
}

pub async fn point(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>) -> PageResult {
    point_page(&state, &p, id, "", FieldErrors::default(), None, String::new()).await
}

/// The answer to a step: back to the point, or the point with the form's errors or the refusal.
async fn after<T>(
    state: &AppState,
    p: &Principal,
    id: i64,
    form: &'static str,
    reason: String,
    r: Result<T, ApiError>,
) -> PageResult {
    match r {
        Ok(_) => Ok(see_other(format!("/risk/{id}"))),
        Err(ApiError::Invalid(errors)) => point_page(state, p, id, form, errors, None, reason).await,
        Err(ApiError::Conflict(m) | ApiError::Forbidden(m) | ApiError::BadRequest { message: m, .. }) => {
            point_page(state, p, id, form, FieldErrors::default(), Some(m), reason).await
        }
        Err(other) => Err(PageError(other)),
    }
}

/// `POST /risk/{id}/accept`
pub async fn accept(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>) -> PageResult {
    let r = service::accept(&state, &p, id).await;
    after(&state, &p, id, "accept", String::new(), r).await
}

/// `POST /risk/{id}/return` with `reason`
pub async fn return_point(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, form: FormPairs) -> PageResult {
    let f = ReasonFields { reason: form.get("reason") };
    let r = service::return_point(&state, &p, id, &f).await.map(|_| ());
    after(&state, &p, id, "return", f.reason, r).await
}

/// `POST /risk/{id}/raise` with `reason`
pub async fn raise(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, form: FormPairs) -> PageResult {
    let f = ReasonFields { reason: form.get("reason") };
    let r = service::raise(&state, &p, id, &f).await.map(|_| ());
    after(&state, &p, id, "raise", f.reason, r).await
}
