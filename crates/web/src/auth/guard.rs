//! The per-route guard: what a route requires of its caller, checked before the handler.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
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

/// A route table names a permission alone: `P::FindingRead` for `Access::Permission(…)`.
impl From<Permission> for Access {
    fn from(p: Permission) -> Self {
        Access::Permission(p)
    }
}

/// Paths still open to an account that must change its password first.
const PASSWORD_CHANGE_PATHS: &[&str] =
    &["/account/password", "/api/v1/me/password", "/api/v1/me", "/api/v1/session", "/logout"];

/// Route guard: API paths answer 401/403 JSON; pages send an anonymous reader to the login page
/// (with `?next=` to come back to) and answer a refused reader the 403 page, naming the page from
/// the route's `summary`.
pub async fn guard(access: Access, summary: &'static str, req: Request<Body>, next: Next) -> Response {
    if access == Access::Public {
        return next.run(req).await;
    }
    let is_api = req.uri().path().starts_with("/api/");
    let Some(p) = req.extensions().get::<Principal>() else {
        if is_api {
            return ApiError::Unauthorized.into_response();
        }
        if req.headers().contains_key("hx-request") {
            // an htmx fragment: the browser goes to the login page, back to the page it shows
            let back = req.headers().get("hx-current-url").and_then(|v| v.to_str().ok()).and_then(local_part);
            let mut r = StatusCode::UNAUTHORIZED.into_response();
            if let Ok(v) = login_url(back.as_deref()).parse() {
                r.headers_mut().insert("hx-redirect", v);
            }
            return r;
        }
        let back = (req.method() == Method::GET).then(|| req.uri().path_and_query().map(|pq| pq.as_str().to_string()));
        return Redirect::to(&login_url(back.flatten().as_deref())).into_response();
    };
    if p.must_change_password && !PASSWORD_CHANGE_PATHS.contains(&req.uri().path()) {
        if is_api {
            return ApiError::PasswordChangeRequired.into_response();
        }
        return Redirect::to("/account/password").into_response();
    }
    if let Access::Permission(perm) = access {
        if !p.can(perm) {
            if is_api {
                return ApiError::Forbidden(format!("没有权限（需要 {}）", perm.key())).into_response();
            }
            return PageError(ApiError::Forbidden(refusal(req.method(), summary))).into_response();
        }
    }
    next.run(req).await
}

/// What a refused page says: "您没有查看专项整治的权限，如需开通请联系管理员" for a page
/// ("专项整治页"), "您没有部署专项整治的权限，…" for a form.
pub fn refusal(method: &Method, summary: &str) -> String {
    let what = if method == Method::GET {
        format!("查看{}", summary.strip_suffix('页').unwrap_or(summary))
    } else {
        summary.to_string()
    };
    format!("您没有{what}的权限，如需开通请联系管理员")
}

/// The login page, with the page to come back to after signing in.
pub fn login_url(back: Option<&str>) -> String {
    match back.and_then(safe_next) {
        Some(b) => format!("/login?{}", serde_urlencoded::to_string([("next", b)]).unwrap_or_default()),
        None => "/login".into(),
    }
}

/// The path and query of a URL of this site (`http://host/a?b` → `/a?b`).
fn local_part(url: &str) -> Option<String> {
    let rest = url.split_once("://").map(|(_, r)| r)?;
    let at = rest.find('/')?;
    Some(rest[at..].to_string())
}

/// `next` when it is a relative path of this site (no scheme, no host, no `//` or `\`, no
/// control characters) and not the login or logout page itself: never an open redirect.
pub fn safe_next(next: &str) -> Option<&str> {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control)
        && next.len() <= 2000
        && !next.starts_with("/login")
        && !next.starts_with("/logout");
    ok.then_some(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_is_only_a_local_path() {
        assert_eq!(safe_next("/findings?state=open"), Some("/findings?state=open"));
        for bad in ["//evil.example", "https://evil.example/", "/\\evil.example", "evil", "/a\tb", "/login?next=/x", ""]
        {
            assert_eq!(safe_next(bad), None, "{bad}");
        }
        assert_eq!(login_url(Some("/org?q=李")), "/login?next=%2Forg%3Fq%3D%E6%9D%8E");
        assert_eq!(login_url(Some("//evil.example")), "/login");
        assert_eq!(local_part("http://127.0.0.1:8080/ledger?x=1").as_deref(), Some("/ledger?x=1"));
    }

    #[test]
    fn refusal_names_the_page() {
        assert_eq!(refusal(&Method::GET, "专项整治页"), "您没有查看专项整治的权限，如需开通请联系管理员");
        assert_eq!(refusal(&Method::POST, "部署专项整治"), "您没有部署专项整治的权限，如需开通请联系管理员");
    }
}
