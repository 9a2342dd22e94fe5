//! Page rendering: the layout's navigation, `<select>` options, rendering a template, and the
//! redirect after a successful form.

use askama::Template;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};

use super::{ApiError, PageError, PageResult};
use crate::auth::Principal;

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

pub fn render(t: &impl Template) -> PageResult {
    t.render().map(|s| Html(s).into_response()).map_err(|e| PageError(ApiError::Internal(e.to_string())))
}

/// 303 See Other: where the browser goes after a form was saved.
pub fn see_other(location: impl Into<String>) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, location.into())]).into_response()
}

/// Where a form stands: its heading, where it posts to, and where 取消 leads.
pub struct FormTarget {
    pub heading: String,
    pub action: String,
    pub cancel: String,
}

impl FormTarget {
    pub fn new(heading: impl Into<String>, action: impl Into<String>, cancel: impl Into<String>) -> Self {
        FormTarget { heading: heading.into(), action: action.into(), cancel: cancel.into() }
    }
}
