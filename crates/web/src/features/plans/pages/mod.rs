//! 任务分解: the year's work plans, a plan's task tree with states, the forms to deploy plans and
//! (sub-)tasks, the task page with its progress updates, and the 任务分解表 import.

mod import;
mod plan;
mod task;

use axum::http::StatusCode;
use axum::response::Response;
use qingfeng_domain::plans::TaskState;
use qingfeng_domain::FieldErrors;
use qingfeng_store::org::units;

use crate::auth::Principal;
use crate::http::ApiError;
use crate::http::{Opt, PageError};
use crate::AppState;
pub use import::{import_page, import_submit};
pub use plan::{create_plan, new_plan, page, plan};
pub use task::{add_update, create_task, edit_task, new_task, task, update_task};

const ACTIVE: &str = "plans";

fn invalid_status(mut res: Response) -> Response {
    *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    res
}

/// Field errors to show on a form, or the error as a page.
fn field_errors(e: ApiError, field_for_refusal: &str) -> Result<FieldErrors, PageError> {
    match e {
        ApiError::Invalid(f) => Ok(f),
        ApiError::Forbidden(m) => {
            let mut f = FieldErrors::default();
            f.push(field_for_refusal, m);
            Ok(f)
        }
        other => Err(PageError(other)),
    }
}

/// The CSS class of a state tag: green when completed, red when overdue.
fn state_class(key: &str) -> &'static str {
    match TaskState::from_key(key) {
        Some(TaskState::Completed) => "ok",
        Some(TaskState::Overdue) => "late",
        Some(TaskState::InProgress) => "doing",
        _ => "",
    }
}

async fn unit_opts(
    state: &AppState,
    p: &Principal,
    selected: &[i64],
    keep: &[(i64, String)],
) -> Result<Vec<Opt>, PageError> {
    let all = units::all(&state.db, &p.scope).await?;
    let mut opts: Vec<Opt> = all
        .iter()
        .map(|u| Opt::new(u.id, format!("{}{}", "　".repeat(u.depth()), u.name), selected.contains(&u.id)))
        .collect();
    // units already on the record but outside the scope stay choosable, so saving keeps them
    for (id, name) in keep {
        if !all.iter().any(|u| u.id == *id) {
            opts.push(Opt::new(id, name, selected.contains(id)));
        }
    }
    Ok(opts)
}

fn parse_id(errors: &mut FieldErrors, field: &str, label: &str, value: &str) -> Option<i64> {
    match value.trim() {
        "" => None,
        s => s.parse().map(Some).unwrap_or_else(|_| {
            errors.push(field, format!("{label}无效"));
            None
        }),
    }
}
