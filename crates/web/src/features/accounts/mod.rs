//! Accounts and roles: the account and role API, changing one's own password, and the rules of
//! granting (an operator never grants more than they hold).

pub mod api;
pub mod grants;
pub mod pages;
pub mod service;

use axum::http::Method as M;
use qingfeng_domain::access::Permission;

use crate::auth::Access::{Permission as P, SignedIn};
use crate::http::Book;

/// Registers the routes of this feature (JSON API and pages).
pub fn routes(book: Book) -> Book {
    book.add(M::GET, "/api/v1/accounts", P(Permission::AccountRead), "账号列表", api::list)
        .query(&["q"])
        .paged()
        .add(M::POST, "/api/v1/accounts", P(Permission::AccountWrite), "新增账号", api::create)
        .body::<api::NewAccount>()
        .add(M::GET, "/api/v1/accounts/{id}", P(Permission::AccountRead), "账号详情", api::get)
        .add(M::PUT, "/api/v1/me/password", SignedIn, "修改本人密码", api::change_password)
        .body::<api::PasswordChange>()
        .add(M::GET, "/api/v1/roles", P(Permission::RoleRead), "角色列表", api::roles)
        .add(M::POST, "/api/v1/roles", P(Permission::RoleWrite), "定义或修改角色", api::save_role)
        .body::<api::RoleDefinition>()
        .add(
            M::PATCH,
            "/api/v1/accounts/{id}",
            P(Permission::AccountWrite),
            "修改账号（角色、停用、重置密码）",
            api::update,
        )
        .body::<api::AccountPatch>()
        .add(M::GET, "/account/password", SignedIn, "修改密码页", pages::password)
        .add(M::POST, "/account/password", SignedIn, "修改密码", pages::change_password)
}
