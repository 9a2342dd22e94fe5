//! Accounts and roles: which accounts an operator may see and change, and changing one's own
//! password (the API and the password page).

use qingfeng_store::accounts::{self};
use qingfeng_store::StoreError;

use crate::auth::Principal;
use crate::features::accounts::grants::check_password_policy;
use crate::http::ApiResult;
use crate::AppState;

/// Checks and applies a user's own password change (shared by the API and the page).
pub async fn change_own_password(state: &AppState, p: &Principal, old: &str, new: &str) -> ApiResult<()> {
    let account = accounts::by_id(&state.db, p.account_id).await?;
    let hash = account.password_hash.clone();
    let old_pw = old.to_string();
    let ok = tokio::task::spawn_blocking(move || accounts::verify_password(&old_pw, &hash)).await.unwrap_or(false);
    if !ok {
        return Err(StoreError::field("old_password", "原密码不正确").into());
    }
    if old == new {
        return Err(StoreError::field("new_password", "新密码不能与原密码相同").into());
    }
    check_password_policy(&state.db, "new_password", new).await?;
    let keep = p.session.as_ref().map(|s| s.id_hash.as_str());
    accounts::change_own_password(&state.db, &p.actor(), p.account_id, new, keep).await?;
    Ok(())
}

// ------------------------------------------------------------------ roles
