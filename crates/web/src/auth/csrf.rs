//! CSRF and Origin checks for writes that ride on the session cookie.

use axum::body::Body;
use axum::http::{header, HeaderMap, Request};

pub const CSRF_HEADER: &str = "x-csrf-token";
pub const CSRF_FIELD: &str = "csrf_token";

/// A request whose Origin (or, failing that, Referer) names another host is cross-site.
pub(super) fn origin_is_same_site(headers: &HeaderMap) -> bool {
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
pub(super) async fn csrf_ok(req: Request<Body>, expected: &str) -> (bool, Option<Request<Body>>) {
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
    fn form_field_is_found() {
        assert_eq!(form_urlencoded_value(b"a=1&csrf_token=ab%2Bc&b=+x", "csrf_token"), Some("ab+c".into()));
    }
}
