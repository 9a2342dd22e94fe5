//! The login page.

use askama::Template;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect};

use super::service::{self, LoginOutcome};
use super::service::{clear_cookie, session_cookie};
use crate::auth::guard::safe_next;
use crate::auth::{ClientAddress, Ctx, Principal};
use crate::http::{render, FormPairs, PageResult, Params};
use crate::AppState;

#[derive(Template)]
#[template(path = "session/login.html")]
struct LoginPage {
    error: Option<String>,
    username: String,
    /// the page to go back to after signing in (a checked local path, or empty)
    next: String,
}

/// Where to go after signing in: the `next` the login page was given, when it is a local path.
fn after_login(next: &str) -> String {
    safe_next(next).unwrap_or("/").to_string()
}

pub async fn page(p: Option<Principal>, q: Params) -> PageResult {
    let next = q.str("next").as_deref().and_then(safe_next).unwrap_or_default().to_string();
    if p.is_some() {
        return Ok(Redirect::to(&after_login(&next)).into_response());
    }
    render(&LoginPage { error: None, username: String::new(), next })
}

pub async fn submit(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    form: FormPairs,
) -> PageResult {
    let username = form.get("username");
    let next = after_login(&form.get("next"));
    let outcome = service::attempt(&state.db, &username, &form.get("password"), &address).await?;
    let message = match outcome {
        LoginOutcome::Success { token, .. } => {
            return Ok((
                StatusCode::SEE_OTHER,
                [(header::SET_COOKIE, session_cookie(&state, &token)), (header::LOCATION, next)],
            )
                .into_response());
        }
        LoginOutcome::Refused(m) | LoginOutcome::Invalid(m) => m,
    };
    let mut res = render(&LoginPage {
        error: Some(message),
        username,
        next: safe_next(&form.get("next")).unwrap_or_default().into(),
    })?;
    *res.status_mut() = StatusCode::UNAUTHORIZED;
    Ok(res)
}

pub async fn logout(Ctx { state, p }: Ctx) -> PageResult {
    if let Some(s) = &p.session {
        qingfeng_store::accounts::end_session(&state.db, &p.actor(), s).await?;
    }
    Ok((StatusCode::SEE_OTHER, [(header::SET_COOKIE, clear_cookie(&state)), (header::LOCATION, "/login".into())])
        .into_response())
}
