//! 单位与人员: the unit tree beside a paged, searchable people list; create and edit forms.

macro_rules! dict_opts {
    ($t:ty, $current:expr) => {
        <$t>::ALL.iter().map(|v| Opt::new(v.key(), v.label(), <$t>::parse(&$current) == Some(*v))).collect::<Vec<_>>()
    };
}

mod import;
mod overview;
mod person;
mod unit;

use crate::http::ApiError;
use crate::http::PageError;
use axum::http::StatusCode;
pub use import::{people_page, people_submit, units_page, units_submit};
pub use overview::{page, people_table};
pub use person::{create_person, edit_person, new_person, person_detail, update_person};
use qingfeng_domain::dict::{parse_roles, roles_to_labels};
use qingfeng_domain::FieldErrors;
pub use unit::{create_unit, edit_unit, new_unit, update_unit};

fn label<T: Copy>(key: &str, parse: fn(&str) -> Option<T>, label: fn(T) -> &'static str) -> &'static str {
    parse(key).map(label).unwrap_or("")
}

fn role_labels(keys: &str) -> String {
    roles_to_labels(&parse_roles(&keys.replace(',', "、")).unwrap_or_default())
}

fn invalid_status(mut res: axum::response::Response) -> axum::response::Response {
    *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    res
}

/// Splits a store error into field errors to show on the form, or a page error.
fn field_errors(e: ApiError) -> Result<FieldErrors, PageError> {
    match e {
        ApiError::Invalid(f) => Ok(f),
        ApiError::Forbidden(m) => {
            let mut f = FieldErrors::default();
            f.push("unit_id", m);
            Ok(f)
        }
        other => Err(PageError(other)),
    }
}
