//! Errors as the API answers them: a status and `{"error": {"code", "message", "field"}}`
//! with a Chinese message the user can act on; pages answer the same errors as an HTML page
//! ([`PageError`]). Internal errors are logged, never shown.

use askama::Template;
use axum::body::Body;
use axum::http::{Request, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use axum::Json;
use qingfeng_domain::FieldErrors;
use qingfeng_office::OfficeError;
use qingfeng_store::StoreError;
use serde_json::json;

use super::Nav;
use crate::auth::Principal;

#[derive(Debug)]
pub enum ApiError {
    /// 400: the request itself is malformed (bad JSON, wrong type).
    BadRequest {
        message: String,
        field: Option<String>,
    },
    /// 422: well-formed but invalid fields.
    Invalid(FieldErrors),
    Unauthorized,
    /// 401 with a reason (failed or refused login).
    LoginFailed(String),
    Forbidden(String),
    /// 403 `password_change_required`: an initial or reset password must be changed first.
    PasswordChangeRequired,
    NotFound,
    Conflict(String),
    TooManyRequests(String),
    /// 503: the database is busy with other writers; retrying later works.
    Busy,
    Internal(String),
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn bad_request(message: impl Into<String>, field: Option<&str>) -> Self {
        ApiError::BadRequest { message: message.into(), field: field.map(str::to_string) }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Unauthorized | ApiError::LoginFailed(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) | ApiError::PasswordChangeRequired => StatusCode::FORBIDDEN,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// (code, message, field)
    pub fn parts(&self) -> (&'static str, String, Option<String>) {
        match self {
            ApiError::BadRequest { message, field } => ("bad_request", message.clone(), field.clone()),
            ApiError::Invalid(e) => {
                let first = e.first().cloned();
                let message = e.0.iter().map(|f| f.message.clone()).collect::<Vec<_>>().join("；");
                ("invalid", message, first.map(|f| f.field))
            }
            ApiError::Unauthorized => ("unauthorized", "请先登录".into(), None),
            ApiError::LoginFailed(m) => ("login_failed", m.clone(), None),
            ApiError::Forbidden(m) => ("forbidden", m.clone(), None),
            ApiError::PasswordChangeRequired => {
                ("password_change_required", "请先修改初始密码（PUT /api/v1/me/password），再进行其他操作".into(), None)
            }
            ApiError::NotFound => ("not_found", "记录不存在或无权查看".into(), None),
            ApiError::Conflict(m) => ("conflict", m.clone(), None),
            ApiError::TooManyRequests(m) => ("too_many_requests", m.clone(), None),
            ApiError::Busy => ("busy", "系统正忙（其他用户正在大批量写入），请稍后重试".into(), None),
            ApiError::Internal(_) => ("internal", "服务器内部错误，请稍后重试或联系管理员".into(), None),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(detail) = &self {
            tracing::error!(%detail, "internal error");
        }
        let (code, message, field) = self.parts();
        let mut body = json!({"error": {"code": code, "message": message, "field": field}});
        if let ApiError::Invalid(e) = &self {
            body["error"]["fields"] = json!(e.0);
        }
        (self.status(), Json(body)).into_response()
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ApiError::NotFound,
            StoreError::Invalid(f) => ApiError::Invalid(f),
            StoreError::Refused(m) => ApiError::Conflict(m),
            StoreError::Busy => ApiError::Busy,
            StoreError::Db(e) => ApiError::Internal(e.to_string()),
            StoreError::Migrate(e) => ApiError::Internal(e.to_string()),
        }
    }
}

impl From<OfficeError> for ApiError {
    fn from(e: OfficeError) -> Self {
        match e {
            OfficeError::Write(m) => ApiError::Internal(m),
            other => ApiError::bad_request(other.to_string(), Some("file")),
        }
    }
}

impl From<FieldErrors> for ApiError {
    fn from(e: FieldErrors) -> Self {
        ApiError::Invalid(e)
    }
}

/// An error shown as a page rather than JSON.
pub struct PageError(pub ApiError);

pub type PageResult = Result<Response, PageError>;

impl<E: Into<ApiError>> From<E> for PageError {
    fn from(e: E) -> Self {
        PageError(e.into())
    }
}

#[derive(Template)]
#[template(path = "partials/error.html")]
struct ErrorPage {
    title: String,
    message: String,
}

/// An error page as shown: carried on the response so that [`in_layout`] can draw it inside the
/// layout (with the side menu) when the reader is signed in.
#[derive(Clone)]
struct ShownError {
    title: String,
    message: String,
}

#[derive(Template)]
#[template(path = "partials/error_in_layout.html")]
struct ErrorInLayout {
    nav: Nav,
    title: String,
    message: String,
}

/// An HTML error page: `title` as its heading, `message` below it.
pub fn error_page(status: StatusCode, title: &str, message: String) -> Response {
    let page = ErrorPage { title: title.into(), message: message.clone() };
    let mut res = (status, Html(page.render().unwrap_or_default())).into_response();
    res.extensions_mut().insert(ShownError { title: title.into(), message });
    res
}

/// The 404 page of a URL no route answers: JSON under `/api/`, an HTML page elsewhere.
pub async fn not_found(uri: Uri) -> Response {
    if uri.path().starts_with("/api/") {
        return ApiError::NotFound.into_response();
    }
    error_page(
        StatusCode::NOT_FOUND,
        "找不到页面",
        format!("页面 {} 不存在，请检查地址，或从左侧菜单进入。", uri.path()),
    )
}

/// Middleware: an error page answered to a signed-in reader (not an htmx fragment request) is
/// drawn inside the layout, with the side menu, so the reader can go on from there.
pub async fn in_layout(req: Request<Body>, next: Next) -> Response {
    let principal = req.extensions().get::<Principal>().cloned();
    let fragment = req.headers().contains_key("hx-request");
    let res = next.run(req).await;
    let (Some(p), false) = (principal, fragment) else { return res };
    let Some(shown) = res.extensions().get::<ShownError>().cloned() else { return res };
    let page = ErrorInLayout { nav: Nav::new(&p, ""), title: shown.title, message: shown.message };
    match page.render() {
        Ok(html) => (res.status(), Html(html)).into_response(),
        Err(_) => res,
    }
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
        error_page(status, title, message)
    }
}
