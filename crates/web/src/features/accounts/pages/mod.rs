//! Pages of accounts and roles: 用户管理 (/system/users), 批量开通, 角色管理 (/system/roles)
//! and changing one's own password.

mod bulk;
mod password;
mod roles;
mod users;

pub use bulk::{bulk_page, bulk_submit, bulk_xlsx};
pub use password::{change_password, password};
pub use roles::{delete_role, edit_role, new_role, roles_page, submit_role};
pub use users::{create_user, edit_user, new_user, reset_password, set_disabled, update_user, users_page};

use crate::http::{ApiError, Opt};
use axum::http::StatusCode;

fn unprocessable(mut res: axum::response::Response) -> axum::response::Response {
    *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    res
}

/// The roles `p` may grant as checkboxes, `held` checked.
async fn role_options(
    state: &crate::AppState,
    p: &crate::auth::Principal,
    held: &[String],
) -> Result<Vec<Opt>, ApiError> {
    use crate::features::accounts::service::{all_roles, may_grant};
    Ok(all_roles(state)
        .await?
        .iter()
        .filter(|r| may_grant(p, r) || held.contains(&r.key))
        .map(|r| Opt::new(&r.key, &r.name, held.contains(&r.key)))
        .collect())
}
