//! 批量开通账号: one account for each chosen person who has none, each with a random first
//! password the holder must change at first sign-in.
//!
//! Username rule: a prefix (default `qf`, 1–16 lower-case letters or digits, starting with a
//! letter) followed by the person's number (人员编号) padded to four digits — 人员编号 42 with
//! the default prefix becomes `qf0042`. It needs no pinyin (not available offline), is unique
//! because the number is, and the administrator can read it back from the people list.

use qingfeng_domain::access::check_password;
use qingfeng_store::accounts::{self, NewAccount};
use qingfeng_store::{settings, StoreError};
use rand::seq::SliceRandom;
use rand::Rng;
use serde::{Deserialize, Serialize};

use super::grants::check_role_grant;
use crate::auth::Principal;
use crate::http::{ApiError, ApiResult};
use crate::AppState;

/// The prefix when none is given.
pub const DEFAULT_PREFIX: &str = "qf";
/// At most this many accounts in one request.
pub const MAX_BULK: usize = 500;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkRequest {
    /// the people to open accounts for (each without an account, inside the caller's scope)
    pub person_ids: Vec<i64>,
    /// the roles every new account receives
    pub roles: Vec<String>,
    /// username prefix (default `qf`): username = prefix + 人员编号 padded to 4 digits
    #[serde(default)]
    pub prefix: Option<String>,
}

/// A new account and its first password, shown once (printed or exported, then handed over).
#[derive(Serialize, Clone, utoipa::ToSchema)]
pub struct FirstPassword {
    pub account_id: i64,
    pub username: String,
    pub password: String,
    pub person_id: i64,
    pub name: String,
    pub unit: String,
}

/// The username of a person under the rule above.
pub fn username_for(prefix: &str, person_id: i64) -> String {
    format!("{prefix}{person_id:04}")
}

fn check_prefix(prefix: &str) -> ApiResult<()> {
    let ok = !prefix.is_empty()
        && prefix.len() <= 16
        && prefix.starts_with(|c: char| c.is_ascii_lowercase())
        && prefix.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    if ok {
        Ok(())
    } else {
        Err(StoreError::field("prefix", "用户名前缀应为 1–16 个小写字母或数字，以字母开头").into())
    }
}

/// A random password of `len` characters (at least 12) with every character class, leaving out
/// look-alikes (0 O o 1 l I) so that a printed password is typed right the first time.
pub fn first_password(len: usize) -> String {
    const CLASSES: [&[u8]; 4] = [b"abcdefghijkmnpqrstuvwxyz", b"ABCDEFGHJKLMNPQRSTUVWXYZ", b"23456789", b"#%+=?@"];
    let mut rng = rand::thread_rng();
    let len = len.max(12);
    let mut chars: Vec<u8> = CLASSES.iter().map(|c| c[rng.gen_range(0..c.len())]).collect();
    let all: Vec<u8> = CLASSES.concat();
    while chars.len() < len {
        chars.push(all[rng.gen_range(0..all.len())]);
    }
    chars.shuffle(&mut rng);
    String::from_utf8(chars).expect("ascii")
}

/// Opens the accounts; all or nothing.
pub async fn create(state: &AppState, p: &Principal, req: &BulkRequest) -> ApiResult<Vec<FirstPassword>> {
    let prefix = req.prefix.as_deref().map(str::trim).filter(|s| !s.is_empty()).unwrap_or(DEFAULT_PREFIX);
    check_prefix(prefix)?;
    if req.person_ids.is_empty() {
        return Err(StoreError::field("person_ids", "请选择要开通账号的人员").into());
    }
    if req.person_ids.len() > MAX_BULK {
        return Err(StoreError::field("person_ids", format!("一次最多开通 {MAX_BULK} 个账号")).into());
    }
    if req.roles.is_empty() {
        return Err(StoreError::field("roles", "请至少选择一个角色").into());
    }
    let min_len = settings::number(&state.db, "password.min_length", 8).await?;
    let min_classes = settings::number(&state.db, "password.min_classes", 3).await?;
    let mut ids = req.person_ids.clone();
    ids.sort_unstable();
    ids.dedup();
    let mut out = Vec::with_capacity(ids.len());
    let mut new = Vec::with_capacity(ids.len());
    for pid in ids {
        let person = match qingfeng_store::org::people::get(&state.db, &p.scope, pid).await {
            Ok(x) => x,
            Err(StoreError::NotFound) => {
                return Err(
                    StoreError::field("person_ids", format!("人员（编号 {pid}）不存在或不在您的数据范围内")).into()
                )
            }
            Err(e) => return Err(e.into()),
        };
        if accounts::by_person(&state.db, pid).await?.is_some() {
            return Err(StoreError::field("person_ids", format!("{}已有账号", person.name)).into());
        }
        check_role_grant(&state.db, p, &req.roles, Some(pid)).await?;
        let username = username_for(prefix, pid);
        if accounts::by_username(&state.db, &username).await?.is_some() {
            return Err(StoreError::field("prefix", format!("用户名“{username}”已被使用，请换一个前缀")).into());
        }
        let password = first_password(min_len);
        check_password(&password, min_len, min_classes).map_err(|m| ApiError::Internal(m.to_string()))?;
        new.push(NewAccount { username: username.clone(), password: password.clone(), person_id: pid });
        out.push(FirstPassword {
            account_id: 0,
            username,
            password,
            person_id: pid,
            name: person.name,
            unit: person.unit_name,
        });
    }
    let created = accounts::create_many(&state.db, &p.actor(), &new, &req.roles).await?;
    for (row, id) in out.iter_mut().zip(created) {
        row.account_id = id;
    }
    Ok(out)
}
