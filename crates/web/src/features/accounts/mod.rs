//! Accounts and roles: the account and role API, changing one's own password, and the rules of
//! granting (an operator never grants more than they hold).

pub mod api;
pub mod bulk;
pub mod grants;
pub mod pages;
pub mod service;

use axum::http::Method as M;
use qingfeng_domain::access::Permission as P;

use crate::auth::Access::SignedIn;
use crate::http::Book;

/// Registers the routes of this feature (JSON API and pages).
pub fn routes(book: Book) -> Book {
    book.add(M::GET, "/api/v1/accounts", P::AccountRead, "账号列表", api::list)
        .query(service::ACCOUNT_FILTERS)
        .paged()
        .add(M::POST, "/api/v1/accounts", P::AccountWrite, "新增账号", api::create)
        .body::<service::NewAccount>()
        .add(M::POST, "/api/v1/accounts/bulk", P::AccountWrite, "批量开通账号（答复初始密码）", api::create_bulk)
        .body::<bulk::BulkRequest>()
        .add(M::GET, "/api/v1/accounts/{id}", P::AccountRead, "账号详情", api::get)
        .add(M::PUT, "/api/v1/me/password", SignedIn, "修改本人密码", api::change_password)
        .body::<api::PasswordChange>()
        .returns::<crate::http::Done>()
        .add(M::GET, "/api/v1/roles", P::RoleRead, "角色列表", api::roles)
        .add(M::POST, "/api/v1/roles", P::RoleWrite, "定义或修改角色", api::save_role)
        .body::<service::RoleDefinition>()
        .add(M::DELETE, "/api/v1/roles/{key}", P::RoleWrite, "删除自定义角色（无账号持有时）", api::delete_role)
        .returns::<crate::http::Done>()
        .add(M::PATCH, "/api/v1/accounts/{id}", P::AccountWrite, "修改账号（角色、停用、重置密码）", api::update)
        .body::<service::AccountPatch>()
        .add(M::GET, "/account/password", SignedIn, "修改密码页", pages::password)
        .add(M::POST, "/account/password", SignedIn, "修改密码", pages::change_password)
        .add(M::GET, "/system/users", P::AccountRead, "用户管理", pages::users_page)
        .add(M::GET, "/system/users/new", P::AccountWrite, "新增账号页", pages::new_user)
        .add(M::POST, "/system/users/new", P::AccountWrite, "新增账号", pages::create_user)
        .add(M::GET, "/system/users/bulk", P::AccountWrite, "批量开通账号页", pages::bulk_page)
        .add(M::POST, "/system/users/bulk", P::AccountWrite, "批量开通账号", pages::bulk_submit)
        .add(M::POST, "/system/users/bulk/xlsx", P::AccountWrite, "初始密码名单下载", pages::bulk_xlsx)
        .add(M::GET, "/system/users/{id}", P::AccountRead, "账号页", pages::edit_user)
        .add(M::POST, "/system/users/{id}", P::AccountWrite, "修改账号的人员和角色", pages::update_user)
        .add(M::POST, "/system/users/{id}/disabled", P::AccountWrite, "停用或启用账号", pages::set_disabled)
        .add(M::POST, "/system/users/{id}/reset-password", P::AccountWrite, "重置密码", pages::reset_password)
        .add(M::GET, "/system/roles", P::RoleRead, "角色管理", pages::roles_page)
        .add(M::GET, "/system/roles/new", P::RoleWrite, "新增角色页", pages::new_role)
        .add(M::POST, "/system/roles", P::RoleWrite, "保存角色", pages::submit_role)
        .add(M::GET, "/system/roles/{key}", P::RoleRead, "角色页", pages::edit_role)
        .add(M::POST, "/system/roles/{key}/delete", P::RoleWrite, "删除角色", pages::delete_role)
}
