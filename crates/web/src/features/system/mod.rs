//! 系统管理 beyond accounts and roles: 参数设置 (settings) and 字典管理 (dictionaries).
//! 用户管理 and 角色管理 are pages of the `accounts` feature; 操作日志 of `audit`.

pub mod api;
pub mod pages;
pub mod settings;

use axum::http::Method as M;
use qingfeng_domain::access::Permission;

use crate::auth::Access::Permission as P;
use crate::http::Book;

/// Registers the routes of this feature (JSON API and pages).
pub fn routes(book: Book) -> Book {
    book.add(M::GET, "/api/v1/settings", P(Permission::SettingWrite), "参数设置（密钥只显示是否已设置）", api::settings)
        .returns_page::<settings::SettingView>()
        .add(
            M::PUT,
            "/api/v1/settings",
            P(Permission::SettingWrite),
            "修改参数（键 → 新值，null 恢复默认）",
            api::save_settings,
        )
        .body::<api::SettingValues>()
        .add(M::GET, "/system/settings", P(Permission::SettingWrite), "参数设置页", pages::settings_page)
        .add(M::POST, "/system/settings", P(Permission::SettingWrite), "保存参数设置", pages::save_settings)
}
