//! The per-route guard: what a route requires of its caller, checked before the handler.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use qingfeng_domain::access::Permission;

use super::Principal;
use crate::http::{ApiError, PageError};

/// What a route requires of its caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// login, health, static assets
    Public,
    /// any signed-in account
    SignedIn,
    /// one permission (`module:action`)
    Permission(Permission),
}

/// Paths still open to an account that must change its password first.
const PASSWORD_CHANGE_PATHS: &[&str] =
    &["/account/password", "/api/v1/me/password", "/api/v1/me", "/api/v1/session", "/logout"];

/// Route guard: API paths answer 401/403 JSON; pages redirect to the login page or answer the
/// 403 error page.
pub async fn guard(access: Access, req: Request<Body>, next: Next) -> Response {
    if access == Access::Public {
        return next.run(req).await;
    }
    let is_api = req.uri().path().starts_with("/api/");
    let Some(p) = req.extensions().get::<Principal>() else {
        if is_api {
            return ApiError::Unauthorized.into_response();
        }
        let is_htmx = req.headers().contains_key("hx-request");
        if is_htmx {
            let mut r = StatusCode::UNAUTHORIZED.into_response();
            r.headers_mut().insert("hx-redirect", "/login".parse().expect("static header"));
            return r;
        }
        return Redirect::to("/login").into_response();
    };
    if p.must_change_password && !PASSWORD_CHANGE_PATHS.contains(&req.uri().path()) {
        if is_api {
            return ApiError::PasswordChangeRequired.into_response();
        }
        return Redirect::to("/account/password").into_response();
    }
    if let Access::Permission(perm) = access {
        if !p.can(perm) {
            let refused = ApiError::Forbidden(format!("没有权限（需要 {}）", perm.key()));
            if is_api {
                return refused.into_response();
            }
            return PageError(refused).into_response();
        }
    }
    next.run(req).await
}
