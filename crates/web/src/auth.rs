//! Who is asking: the session cookie (browser) or `Authorization: Bearer` (integration),
//! resolved to a [`Principal`] with permissions and data scope; CSRF and Origin checks for
//! cookie-authenticated writes; the per-route permission guard.

use std::net::{IpAddr, SocketAddr};

use axum::body::Body;
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::{header, request::Parts, HeaderMap, Method, Request, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use qingfeng_domain::access::{builtin_role, grants, ScopeKind, PERMISSIONS};
use qingfeng_store::accounts::{self, Session};
use qingfeng_store::{args, Actor, Db, Scope, StoreResult};

use crate::error::ApiError;
use crate::AppState;

pub const SESSION_COOKIE: &str = "qf_session";
pub const CSRF_HEADER: &str = "x-csrf-token";
pub const CSRF_FIELD: &str = "csrf_token";

/// The authenticated caller of a request.
#[derive(Debug, Clone)]
pub struct Principal {
    pub account_id: i64,
    pub username: String,
    pub person_id: Option<i64>,
    pub roles: Vec<String>,
    pub permissions: Vec<&'static str>,
    pub scope: Scope,
    /// Present for browser sessions; None for bearer tokens.
    pub session: Option<Session>,
    pub address: String,
    /// An initial or reset password must be changed before anything else.
    pub must_change_password: bool,
}

impl Principal {
    pub fn can(&self, permission: &str) -> bool {
        grants(&self.permissions, permission)
    }

    pub fn actor(&self) -> Actor {
        Actor { account_id: Some(self.account_id), username: self.username.clone(), address: self.address.clone() }
    }

    pub fn csrf_token(&self) -> &str {
        self.session.as_ref().map(|s| s.csrf_token.as_str()).unwrap_or("")
    }

    pub fn is_admin(&self) -> bool {
        self.roles.iter().any(|r| r == "admin")
    }
}

/// The client address of a request (for the audit trail and login log).
#[derive(Debug, Clone)]
pub struct ClientAddress(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Principal {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Principal>().cloned().ok_or(ApiError::Unauthorized)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts.extensions.get::<ClientAddress>().cloned().unwrap_or(ClientAddress(String::new())))
    }
}

pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::AUTHORIZATION)?.to_str().ok()?.strip_prefix("Bearer ").map(str::trim)
}

/// Builds the principal for an account: its roles, their permissions and the data scope.
pub async fn load_principal(
    db: &Db,
    account_id: i64,
    session: Option<Session>,
    address: String,
) -> StoreResult<Option<Principal>> {
    let account = accounts::by_id(db, account_id).await?;
    if account.disabled {
        return Ok(None);
    }
    let roles = accounts::roles(db, account_id).await?;
    let grants = role_grants(db, &roles).await?;
    let mut permissions: Vec<&'static str> = Vec::new();
    for g in &grants {
        for p in &g.permissions {
            let known = if p == "*" { Some("*") } else { PERMISSIONS.iter().map(|(k, _)| *k).find(|k| k == p) };
            if let Some(k) = known {
                if !permissions.contains(&k) {
                    permissions.push(k);
                }
            }
        }
    }
    let scope = resolve_scope(db, &grants, account.person_id).await?;
    Ok(Some(Principal {
        account_id,
        username: account.username,
        person_id: account.person_id,
        roles,
        permissions,
        scope,
        session,
        address,
        must_change_password: account.must_change_password,
    }))
}

/// What one role grants: permissions and a scope kind (plus units for 自定义).
#[derive(Debug, Clone)]
pub struct RoleGrant {
    pub key: String,
    pub permissions: Vec<String>,
    pub scope: ScopeKind,
    pub units: Vec<i64>,
}

/// Built-in roles from code, custom roles from the database; unknown keys grant nothing.
pub async fn role_grants(db: &Db, keys: &[String]) -> StoreResult<Vec<RoleGrant>> {
    let mut out = Vec::new();
    for key in keys {
        if let Some(b) = builtin_role(key) {
            out.push(RoleGrant {
                key: key.clone(),
                permissions: b.permissions.iter().map(|p| p.to_string()).collect(),
                scope: b.scope,
                units: vec![],
            });
        } else if let Some(r) = qingfeng_store::roles::get(db, key).await? {
            out.push(RoleGrant {
                key: key.clone(),
                permissions: r.permission_list(),
                scope: ScopeKind::parse(&r.scope_kind).unwrap_or(ScopeKind::SelfOnly),
                units: qingfeng_store::roles::units(db, key).await?,
            });
        }
    }
    Ok(out)
}

/// The union of the data scopes of the roles, resolved against the person's unit and 分管.
pub async fn resolve_scope(db: &Db, grants: &[RoleGrant], person_id: Option<i64>) -> StoreResult<Scope> {
    let mut scope = Scope::default();
    let person: Option<(i64, String)> = match person_id {
        Some(pid) => {
            db.fetch_optional(
                "SELECT u.id, u.path FROM people p JOIN units u ON u.id = p.unit_id WHERE p.id = $1",
                args![pid],
            )
            .await?
        }
        None => None,
    };
    for grant in grants {
        match (grant.scope, &person) {
            (ScopeKind::All, _) => return Ok(Scope::all()),
            (ScopeKind::Custom, _) => scope.units.extend(grant.units.iter().copied()),
            (ScopeKind::OwnUnit, Some((uid, _))) => scope.units.push(*uid),
            (ScopeKind::OwnUnitAndBelow, Some((_, path))) => scope.subtrees.push(path.clone()),
            (ScopeKind::OwnUnitAndBelowOrSelf, Some((_, path))) => {
                scope.subtrees.push(path.clone());
                scope.person_id = person_id;
            }
            (ScopeKind::SelfOnly, Some(_)) => scope.person_id = person_id,
            (ScopeKind::InCharge, Some(_)) => {
                let rows: Vec<(String,)> = db
                    .fetch_all(
                        "SELECT u.path FROM in_charge_of c JOIN units u ON u.id = c.unit_id WHERE c.person_id = $1",
                        args![person_id],
                    )
                    .await?;
                scope.subtrees.extend(rows.into_iter().map(|r| r.0));
                scope.person_id = person_id;
            }
            _ => {}
        }
    }
    Ok(scope)
}

/// Outer middleware: attaches the client address and, when the request is authenticated, the
/// principal; refuses cross-site and CSRF-less writes that ride on the session cookie.
pub async fn authenticate(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    mut req: Request<Body>,
    next: Next,
) -> Response {
    let address = client_ip(peer.ip(), &forwarded_for(req.headers()), &state.config.trusted_proxies).to_string();
    req.extensions_mut().insert(ClientAddress(address.clone()));
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if unsafe_method && !origin_is_same_site(req.headers()) {
        return ApiError::Forbidden("跨站请求被拒绝".into()).into_response();
    }

    let principal = if let Some(token) = bearer_token(req.headers()) {
        match accounts::account_for_token(&state.db, token).await {
            Ok(Some(account_id)) => load_principal(&state.db, account_id, None, address).await,
            Ok(None) => return ApiError::Unauthorized.into_response(),
            Err(e) => return ApiError::from(e).into_response(),
        }
    } else if let Some(cookie) = cookie_value(req.headers(), SESSION_COOKIE) {
        let idle = chrono::Duration::minutes(state.config.idle_minutes);
        match accounts::find_session(&state.db, &cookie, idle).await {
            Ok(Some(s)) => load_principal(&state.db, s.account_id, Some(s), address).await,
            Ok(None) => Ok(None),
            Err(e) => return ApiError::from(e).into_response(),
        }
    } else {
        Ok(None)
    };
    let principal = match principal {
        Ok(p) => p,
        Err(e) => return ApiError::from(e).into_response(),
    };

    if let Some(p) = principal {
        if unsafe_method {
            if let Some(session) = &p.session {
                let (ok, rebuilt) = csrf_ok(req, &session.csrf_token).await;
                let Some(r) = rebuilt else {
                    return ApiError::bad_request("请求内容过大", None).into_response();
                };
                if !ok {
                    return ApiError::Forbidden("页面已过期或请求来源不明（CSRF 校验失败），请刷新页面后重试".into())
                        .into_response();
                }
                req = r;
            }
        }
        req.extensions_mut().insert(p);
    }
    next.run(req).await
}

/// Every X-Forwarded-For header of a request, joined in order.
fn forwarded_for(headers: &HeaderMap) -> String {
    let parts: Vec<&str> = headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).collect();
    parts.join(",")
}

/// The client's address. A request from a trusted proxy carries the client in X-Forwarded-For,
/// each proxy appending the address it heard from; walking the list from the right, the first
/// address that is not itself a trusted proxy is the client. From anywhere else the header is
/// ignored: a client could write anything there and would escape the lock-out.
pub fn client_ip(peer: IpAddr, forwarded_for: &str, trusted: &[ipnet::IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    let mut client = peer;
    if !is_trusted(&peer) {
        return client;
    }
    for hop in forwarded_for.rsplit(',').map(str::trim).filter(|h| !h.is_empty()) {
        // a malformed hop ends the chain: nothing left of it can be believed
        let Ok(ip) = hop.parse::<IpAddr>() else { return client };
        client = ip;
        if !is_trusted(&ip) {
            break;
        }
    }
    client
}

/// A request whose Origin (or, failing that, Referer) names another host is cross-site.
fn origin_is_same_site(headers: &HeaderMap) -> bool {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
    let source = headers.get(header::ORIGIN).or_else(|| headers.get(header::REFERER)).and_then(|v| v.to_str().ok());
    match source {
        None => true,
        Some("null") => false,
        Some(src) => {
            let rest = src.split_once("://").map(|(_, r)| r).unwrap_or(src);
            let origin_host = rest.split('/').next().unwrap_or("");
            origin_host.eq_ignore_ascii_case(host)
        }
    }
}

/// Checks the CSRF token from the header, or from the `csrf_token` field of a url-encoded form
/// (the body is read and put back). Returns (ok, request) — request is None if the body was too large.
async fn csrf_ok(req: Request<Body>, expected: &str) -> (bool, Option<Request<Body>>) {
    if let Some(v) = req.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok()) {
        let ok = constant_time_eq(v, expected);
        return (ok, Some(req));
    }
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return (false, Some(req));
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 1024 * 1024).await else {
        return (false, None);
    };
    let ok = form_urlencoded_value(&bytes, CSRF_FIELD).is_some_and(|v| constant_time_eq(&v, expected));
    (ok, Some(Request::from_parts(parts, Body::from(bytes))))
}

fn form_urlencoded_value(body: &[u8], key: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// What a route requires of its caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// login, health, static assets
    Public,
    /// any signed-in account
    SignedIn,
    /// a permission string `module:action`
    Permission(&'static str),
}

impl Access {
    pub fn permission(&self) -> Option<&'static str> {
        match self {
            Access::Permission(p) => Some(p),
            _ => None,
        }
    }
}

/// Paths still open to an account that must change its password first.
const PASSWORD_CHANGE_PATHS: &[&str] =
    &["/account/password", "/api/v1/me/password", "/api/v1/me", "/api/v1/session", "/logout"];

/// Route guard: API paths answer 401/403 JSON, pages redirect to the login page or show 403.
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
            return ApiError::Forbidden("请先修改初始密码（PUT /api/v1/me/password）".into()).into_response();
        }
        return Redirect::to("/account/password").into_response();
    }
    if let Access::Permission(perm) = access {
        if !p.can(perm) {
            return ApiError::Forbidden(format!("没有权限（需要 {perm}）")).into_response();
        }
    }
    next.run(req).await
}

impl<S: Send + Sync> axum::extract::OptionalFromRequestParts<S> for Principal {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Option<Self>, Self::Rejection> {
        Ok(parts.extensions.get::<Principal>().cloned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origin_checks() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, "127.0.0.1:8080".parse().unwrap());
        assert!(origin_is_same_site(&h));
        h.insert(header::ORIGIN, "http://127.0.0.1:8080".parse().unwrap());
        assert!(origin_is_same_site(&h));
        h.insert(header::ORIGIN, "http://evil.example".parse().unwrap());
        assert!(!origin_is_same_site(&h));
        h.insert(header::ORIGIN, "null".parse().unwrap());
        assert!(!origin_is_same_site(&h));
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        let trusted: Vec<ipnet::IpNet> = vec!["10.0.0.0/8".parse().unwrap(), "127.0.0.1/32".parse().unwrap()];
        // not behind a trusted proxy: the header is whatever the client wrote
        assert_eq!(client_ip(ip("198.51.100.7"), "203.0.113.5", &trusted), ip("198.51.100.7"));
        assert_eq!(client_ip(ip("127.0.0.1"), "203.0.113.5", &[]), ip("127.0.0.1"));
        // one proxy
        assert_eq!(client_ip(ip("127.0.0.1"), "203.0.113.5", &trusted), ip("203.0.113.5"));
        // a spoofed left part is skipped: the first untrusted hop from the right is the client
        assert_eq!(client_ip(ip("10.0.0.2"), "1.2.3.4, 203.0.113.5, 10.0.0.9", &trusted), ip("203.0.113.5"));
        // no header, or only proxies, or garbage
        assert_eq!(client_ip(ip("10.0.0.2"), "", &trusted), ip("10.0.0.2"));
        assert_eq!(client_ip(ip("10.0.0.2"), "10.0.0.9", &trusted), ip("10.0.0.9"));
        assert_eq!(client_ip(ip("10.0.0.2"), "203.0.113.5, junk", &trusted), ip("10.0.0.2"));
        assert_eq!(client_ip(ip("10.0.0.2"), "2001:db8::1", &trusted), ip("2001:db8::1"));
    }

    #[test]
    fn form_field_is_found() {
        assert_eq!(form_urlencoded_value(b"a=1&csrf_token=ab%2Bc&b=+x", "csrf_token"), Some("ab+c".into()));
    }
}
