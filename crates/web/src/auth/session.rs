//! Authentication middleware: the session cookie (browser) or `Authorization: Bearer`
//! (integration) resolved to a principal; the client address behind trusted proxies.

use std::net::{IpAddr, SocketAddr};

use axum::body::Body;
use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, Method, Request};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use qingfeng_store::accounts;

use super::csrf::{csrf_ok, origin_is_same_site};
use super::principal::{load_principal, ClientAddress};
use crate::http::ApiError;
use crate::AppState;

pub const SESSION_COOKIE: &str = "qf_session";

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
