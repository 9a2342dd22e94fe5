//! Accounts and roles: which accounts an operator may see and change, and changing one's own
//! password (the API and the password page).

use qingfeng_store::accounts::{self, AccountView};
use qingfeng_store::StoreError;

use crate::auth::Principal;
use crate::features::accounts::grants::check_password_policy;
use crate::http::{ApiError, ApiResult};
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

// ------------------------------------------------------------------ accounts

pub fn check_username(u: &str) -> ApiResult<()> {
    let ok_chars = u.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if u.is_empty() || u.len() > 64 || !ok_chars {
        return Err(StoreError::field("username", "用户名应为 1–64 个字母、数字或 _ - .").into());
    }
    Ok(())
}

/// The person an account is linked to must be in the operator's scope.
pub async fn check_person(state: &AppState, p: &Principal, person_id: Option<i64>) -> ApiResult<()> {
    if let Some(pid) = person_id {
        match qingfeng_store::org::people::get(&state.db, &p.scope, pid).await {
            Ok(_) => {}
            Err(StoreError::NotFound) => {
                return Err(
                    StoreError::field("person_id", format!("人员（编号 {pid}）不存在或不在您的数据范围内")).into()
                )
            }
            Err(e) => return Err(e.into()),
        }
    } else if !p.scope.all {
        return Err(StoreError::field("person_id", "请选择账号对应的人员").into());
    }
    Ok(())
}

pub async fn account_in_scope(state: &AppState, p: &Principal, id: i64) -> ApiResult<AccountView> {
    let account = accounts::by_id(&state.db, id).await?;
    if !p.scope.all {
        let Some(pid) = account.person_id else { return Err(ApiError::NotFound) };
        if let Err(StoreError::NotFound) = qingfeng_store::org::people::get(&state.db, &p.scope, pid).await {
            return Err(ApiError::NotFound);
        }
    }
    Ok(accounts::view(&state.db, account).await?)
}
