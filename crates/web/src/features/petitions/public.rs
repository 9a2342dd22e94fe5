//! The public pages (no sign-in, no menu, phone-friendly): `/report` to file a report and
//! `/report/status` to read its state and answer with the receipt code and query password.
//! Their forms carry a CSRF token bound to a cookie of the page (double submit): there is no
//! session to bind it to, and the Origin check of every write still applies.

use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::IntoResponse;
use qingfeng_domain::petitions::{CONTENT_MAX, EVIDENCE_TYPES};
use qingfeng_domain::FieldErrors;

use super::intake;
use crate::auth::session::cookie_value;
use crate::auth::{ClientAddress, Principal};
use crate::http::{ApiError, FormPairs, PageError, PageResult};
use crate::AppState;

const CSRF_COOKIE: &str = "qf_report";

/// The page's CSRF token: the cookie's, or a new one (set with the answer).
fn token(headers: &HeaderMap) -> (String, bool) {
    match cookie_value(headers, CSRF_COOKIE).filter(|t| t.len() >= 32 && t.len() <= 128) {
        Some(t) => (t, false),
        None => (qingfeng_store::accounts::random_token(), true),
    }
}

fn token_ok(headers: &HeaderMap, sent: &str) -> bool {
    cookie_value(headers, CSRF_COOKIE).is_some_and(|c| !c.is_empty() && c.len() == sent.len() && c == sent)
}

fn answer(state: &AppState, t: &impl Template, status: StatusCode, token: &str, new: bool) -> PageResult {
    let html = t.render().map_err(|e| PageError(ApiError::Internal(e.to_string())))?;
    let mut r = (status, [(header::CACHE_CONTROL, "no-store")], axum::response::Html(html)).into_response();
    if new {
        let secure = if state.config.secure_cookies { "; Secure" } else { "" };
        let cookie = format!("{CSRF_COOKIE}={token}; Path=/report; HttpOnly; SameSite=Strict{secure}");
        if let Ok(v) = cookie.parse() {
            r.headers_mut().insert(header::SET_COOKIE, v);
        }
    }
    Ok(r)
}

#[derive(Template, Default)]
#[template(path = "petitions/public_form.html")]
struct FormPage {
    csrf: String,
    f: qingfeng_domain::petitions::PetitionFields,
    errors: FieldErrors,
    /// a refusal not tied to one field (rate limit, evidence, expired page)
    refused: String,
    signed_in: bool,
    content_max: usize,
    types: &'static str,
}

fn form_page(csrf: String, signed_in: bool) -> FormPage {
    FormPage { csrf, signed_in, content_max: CONTENT_MAX, types: EVIDENCE_TYPES, ..Default::default() }
}

/// `GET /report`
pub async fn form(State(state): State<AppState>, p: Option<Principal>, headers: HeaderMap) -> PageResult {
    let (t, new) = token(&headers);
    answer(&state, &form_page(t.clone(), p.is_some()), StatusCode::OK, &t, new)
}

#[derive(Template)]
#[template(path = "petitions/public_receipt.html")]
struct ReceiptPage {
    code: String,
}

/// `POST /report` (multipart): the receipt page, shown once; or the form again with what to fix.
pub async fn submit(
    State(state): State<AppState>,
    p: Option<Principal>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    m: Multipart,
) -> PageResult {
    let (t, new) = token(&headers);
    let mut page = form_page(t.clone(), p.is_some());
    let filing = match intake::read_form(&state, m).await {
        Ok(f) => f,
        Err(e) => return refused(&state, page, e, &t, new),
    };
    if !token_ok(&headers, &filing.csrf) {
        page.refused = "页面已过期，请刷新页面后重新填写".into();
        return answer(&state, &page, StatusCode::FORBIDDEN, &t, new);
    }
    let fields = filing.fields.clone();
    match intake::file(&state, &address, filing).await {
        Ok(code) => answer(&state, &ReceiptPage { code }, StatusCode::OK, &t, new),
        Err(e) => {
            page.f = fields;
            refused(&state, page, e, &t, new)
        }
    }
}

/// The form again with the refusal: field errors beside their fields, anything else on top.
fn refused(state: &AppState, mut page: FormPage, e: ApiError, t: &str, new: bool) -> PageResult {
    let status = e.status();
    match e {
        ApiError::Invalid(errors) => page.errors = errors,
        ApiError::Internal(_) | ApiError::Busy => return Err(PageError(e)),
        other => page.refused = other.parts().1,
    }
    // a person's text comes back for correction, never the query password
    answer(state, &page, status, t, new)
}

#[derive(Template)]
#[template(path = "petitions/public_status.html")]
struct StatusPage {
    csrf: String,
    code: String,
    refused: String,
    status: Option<intake::Status>,
}

/// `GET /report/status`
pub async fn status_form(State(state): State<AppState>, headers: HeaderMap) -> PageResult {
    let (t, new) = token(&headers);
    let page = StatusPage { csrf: t.clone(), code: String::new(), refused: String::new(), status: None };
    answer(&state, &page, StatusCode::OK, &t, new)
}

/// `POST /report/status`: the state and answer, or one refusal for a wrong code or password.
pub async fn status(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    form: FormPairs,
) -> PageResult {
    let (t, new) = token(&headers);
    let mut page = StatusPage { csrf: t.clone(), code: String::new(), refused: String::new(), status: None };
    if !token_ok(&headers, &form.get("csrf_token")) {
        page.refused = "页面已过期，请刷新页面后重新查询".into();
        return answer(&state, &page, StatusCode::FORBIDDEN, &t, new);
    }
    match intake::status(&state, &address, &form.get("code"), &form.get("password")).await {
        Ok(s) => {
            page.status = Some(s);
            answer(&state, &page, StatusCode::OK, &t, new)
        }
        Err(e @ (ApiError::Internal(_) | ApiError::Busy)) => Err(PageError(e)),
        Err(e) => {
            page.refused = e.parts().1;
            answer(&state, &page, e.status(), &t, new)
        }
    }
}
