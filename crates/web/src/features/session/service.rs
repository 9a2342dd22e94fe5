//! Password login with lock-out. The lock-out is computed from the 登录日志 table, so it holds
//! across replicas: after N failures for an account (since its last success), or from one address
//! (not forgiven by another account's success), within the lock window, logins are refused
//! even with the right password.

use chrono::Duration;
use qingfeng_store::accounts::{self, Account, Session};
use qingfeng_store::{settings, Actor, Db, StoreResult};

use crate::auth::SESSION_COOKIE;
use crate::AppState;

pub const USERNAME_MAX: usize = 64;

pub const PASSWORD_MAX: usize = 256;

const GENERIC_FAILURE: &str = "用户名或密码错误";

pub enum LoginOutcome {
    Success {
        token: String,
        session: Session,
        account: Account,
    },
    /// Wrong credentials or locked: the same words for an unknown user and a wrong password.
    Refused(String),
    /// Malformed input (empty or over-long).
    Invalid(String),
}

/// Failures of one account within the window, since its last successful sign-in.
async fn account_failures(db: &Db, username: &str, window: Duration) -> StoreResult<i64> {
    accounts::login_failures_of_account(db, username, qingfeng_store::now() - window).await
}

/// Failures from one address within the window. A success forgives only the failures of the
/// same account before it: otherwise an attacker holding one valid account could reset the
/// address counter between guesses at everyone else's passwords.
async fn address_failures(db: &Db, address: &str, window: Duration) -> StoreResult<i64> {
    accounts::login_failures_from_address(db, address, qingfeng_store::now() - window).await
}

async fn record(db: &Db, username: &str, address: &str, result: &str) -> StoreResult<()> {
    accounts::record_login(db, username, address, result).await
}

pub async fn attempt(db: &Db, username: &str, password: &str, address: &str) -> StoreResult<LoginOutcome> {
    let username = username.trim();
    if username.is_empty() || password.is_empty() {
        return Ok(LoginOutcome::Invalid("请输入用户名和密码".into()));
    }
    if username.chars().count() > USERNAME_MAX || password.chars().count() > PASSWORD_MAX {
        return Ok(LoginOutcome::Invalid("用户名或密码过长".into()));
    }
    let max_failures = settings::number(db, "login.max_failures", 5).await?;
    let window = Duration::minutes(settings::number(db, "login.lock_minutes", 10).await?);
    let locked = account_failures(db, username, window).await? >= max_failures
        || address_failures(db, address, window).await? >= max_failures;
    let account = accounts::by_username(db, username).await?;
    // verify even when locked or unknown, so timing does not tell which case it was
    let hash = account.as_ref().map(|a| a.password_hash.clone()).unwrap_or_else(|| accounts::dummy_hash().to_string());
    let pw = password.to_string();
    let matches = tokio::task::spawn_blocking(move || accounts::verify_password(&pw, &hash)).await.unwrap_or(false);
    if locked {
        record(db, username, address, "locked").await?;
        return Ok(LoginOutcome::Refused(format!("登录失败次数过多，请 {} 分钟后再试", window.num_minutes())));
    }
    match account {
        Some(a) if matches && !a.disabled => {
            record(db, username, address, "success").await?;
            if accounts::needs_rehash(&a.password_hash) {
                let pw = password.to_string();
                if let Ok(fresh) = tokio::task::spawn_blocking(move || accounts::hash_password(&pw)).await {
                    accounts::upgrade_hash(db, a.id, &a.password_hash, &fresh).await?;
                }
            }
            let actor = Actor {
                account_id: Some(a.id),
                username: a.username.clone(),
                address: address.to_string(),
                words: None,
            };
            let (token, session) = accounts::start_session(db, &actor, a.id).await?;
            Ok(LoginOutcome::Success { token, session, account: a })
        }
        _ => {
            record(db, username, address, "failure").await?;
            Ok(LoginOutcome::Refused(GENERIC_FAILURE.into()))
        }
    }
}

pub fn session_cookie(state: &AppState, token: &str) -> String {
    let secure = if state.config.secure_cookies { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax{secure}")
}

pub fn clear_cookie(state: &AppState) -> String {
    let secure = if state.config.secure_cookies { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}")
}
