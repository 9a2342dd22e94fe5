//! The authenticated caller: [`Principal`] (permissions and data scope) and the client address.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use qingfeng_domain::access::Permission;
use qingfeng_store::accounts::{self, Session};
use qingfeng_store::{Actor, Db, Scope, StoreResult};

use super::scope::{resolve_scope, role_grants};
use crate::http::ApiError;
use crate::AppState;

/// The authenticated caller of a request.
#[derive(Debug, Clone)]
pub struct Principal {
    pub account_id: i64,
    pub username: String,
    pub person_id: Option<i64>,
    pub roles: Vec<String>,
    pub permissions: Vec<Permission>,
    pub scope: Scope,
    /// Present for browser sessions; None for bearer tokens.
    pub session: Option<Session>,
    pub address: String,
    /// An initial or reset password must be changed before anything else.
    pub must_change_password: bool,
}

impl Principal {
    pub fn can(&self, permission: Permission) -> bool {
        self.permissions.contains(&permission)
    }

    pub fn actor(&self) -> Actor {
        Actor {
            account_id: Some(self.account_id),
            username: self.username.clone(),
            address: self.address.clone(),
            words: Some(&crate::features::notifications::wording::STEPS),
        }
    }

    pub fn csrf_token(&self) -> &str {
        self.session.as_ref().map(|s| s.csrf_token.as_str()).unwrap_or("")
    }
}

/// What nearly every handler starts from: the application (database, settings, clock) and the
/// caller. One extractor for the pair, so a handler's signature names only what is its own
/// (the path, the query, the form).
pub struct Ctx {
    pub state: AppState,
    pub p: Principal,
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(Ctx { state: state.clone(), p: Principal::from_request_parts(parts, state).await? })
    }
}

/// The client address of a request (for the audit trail and login log).
#[derive(Debug, Clone)]
pub struct ClientAddress(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Principal {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Principal>().cloned().ok_or(ApiError::Unauthorized)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts.extensions.get::<ClientAddress>().cloned().unwrap_or(ClientAddress(String::new())))
    }
}

/// Builds the principal for an account: its roles, their permissions and the data scope.
pub async fn load_principal(
    db: &Db,
    account_id: i64,
    session: Option<Session>,
    address: String,
) -> StoreResult<Option<Principal>> {
    let account = accounts::by_id(db, account_id).await?;
    if account.disabled {
        return Ok(None);
    }
    let roles = accounts::roles(db, account_id).await?;
    let grants = role_grants(db, &roles).await?;
    let mut permissions: Vec<Permission> = grants.iter().flat_map(|g| g.permissions.iter().copied()).collect();
    permissions.sort_unstable();
    permissions.dedup();
    let scope = resolve_scope(db, &grants, account.person_id).await?;
    Ok(Some(Principal {
        account_id,
        username: account.username,
        person_id: account.person_id,
        roles,
        permissions,
        scope,
        session,
        address,
        must_change_password: account.must_change_password,
    }))
}

impl<S: Send + Sync> axum::extract::OptionalFromRequestParts<S> for Principal {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Option<Self>, Self::Rejection> {
        Ok(parts.extensions.get::<Principal>().cloned())
    }
}
