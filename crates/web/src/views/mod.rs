//! Server-rendered pages (askama) with htmx partials.

pub mod dashboard;
pub mod findings;
pub mod import;
pub mod ledger;
pub mod login;
pub mod notifications;
pub mod org;
pub mod plans;
pub mod responsibility;
pub mod system;

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};

use crate::auth::Principal;
use crate::error::ApiError;

/// What the layout needs on every page.
pub struct Nav {
    pub username: String,
    pub csrf: String,
    pub active: &'static str,
    pub can_import_people: bool,
    pub can_import_units: bool,
    pub can_read_audit: bool,
    pub can_read_plans: bool,
    pub can_read_fulfilment: bool,
    pub can_read_responsibility: bool,
    pub can_read_ledger: bool,
    pub can_read_findings: bool,
}

impl Nav {
    pub fn new(p: &Principal, active: &'static str) -> Self {
        Nav {
            username: p.username.clone(),
            csrf: p.csrf_token().to_string(),
            active,
            can_import_people: p.can("person:import"),
            can_import_units: p.can("unit:import"),
            can_read_audit: p.can("audit:read"),
            can_read_fulfilment: p.can("fulfilment:read"),
            can_read_responsibility: p.can("responsibility:read"),
            can_read_ledger: p.can("ledger:read"),
            can_read_plans: p.can("plan:read"),
            can_read_findings: p.can("finding:read"),
        }
    }
}

/// An option of a `<select>` or a checkbox group.
pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

impl Opt {
    pub fn new(value: impl ToString, label: impl ToString, selected: bool) -> Self {
        Opt { value: value.to_string(), label: label.to_string(), selected }
    }
}

/// An error shown as a page rather than JSON.
pub struct PageError(pub ApiError);

impl<E: Into<ApiError>> From<E> for PageError {
    fn from(e: E) -> Self {
        PageError(e.into())
    }
}

#[derive(Template)]
#[template(
    source = "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{{ title }} - 清风</title><link rel=\"stylesheet\" href=\"/assets/app.css\"></head><body class=\"login-page\"><div class=\"login-box\"><h1>{{ title }}</h1><p>{{ message }}</p><p><a href=\"/\">返回首页</a></p></div></body></html>",
    ext = "html"
)]
struct ErrorPage {
    title: String,
    message: String,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(detail) = &self.0 {
            tracing::error!(%detail, "internal error");
        }
        let status = self.0.status();
        let (_, message, _) = self.0.parts();
        let title = match status {
            StatusCode::NOT_FOUND => "找不到页面",
            StatusCode::FORBIDDEN => "没有权限",
            _ => "出错了",
        };
        let page = ErrorPage { title: title.into(), message };
        (status, Html(page.render().unwrap_or_default())).into_response()
    }
}

/// A path parameter that answers a readable error page when it does not parse.
pub struct Path<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned + Send> axum::extract::FromRequestParts<S> for Path<T> {
    type Rejection = PageError;
    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Self, PageError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| Path(p.0))
            .map_err(|e| PageError(crate::api::path_error(e)))
    }
}

pub type PageResult = Result<Response, PageError>;

pub fn render(t: &impl Template) -> PageResult {
    t.render().map(|s| Html(s).into_response()).map_err(|e| PageError(ApiError::Internal(e.to_string())))
}

pub async fn home() -> Redirect {
    Redirect::to("/org")
}

/// Repeated keys of a url-encoded form (checkbox groups, multi-selects) kept as pairs.
pub struct FormPairs(pub Vec<(String, String)>);

impl FormPairs {
    pub fn get(&self, key: &str) -> String {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()).unwrap_or_default()
    }
    pub fn all(&self, key: &str) -> Vec<String> {
        self.0.iter().filter(|(k, _)| k == key).map(|(_, v)| v.clone()).collect()
    }
}

impl<S: Send + Sync> axum::extract::FromRequest<S> for FormPairs {
    type Rejection = PageError;
    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|_| PageError(ApiError::bad_request("表单内容无法读取", None)))?;
        serde_urlencoded::from_bytes(&bytes)
            .map(FormPairs)
            .map_err(|_| PageError(ApiError::bad_request("表单内容格式不正确", None)))
    }
}
