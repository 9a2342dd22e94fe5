//! 系统管理 beyond accounts and roles: 参数设置 (settings) and 字典管理 (dictionaries).
//! 用户管理 and 角色管理 are pages of the `accounts` feature; 操作日志 of `audit`.

pub mod api;
pub mod dicts;
pub mod labels;
pub mod pages;
pub mod settings;

use axum::http::Method as M;
use qingfeng_domain::access::Permission as P;

use crate::http::Book;

/// Registers the routes of this feature (JSON API and pages).
pub fn routes(book: Book) -> Book {
    book.add(M::GET, "/api/v1/settings", P::SettingWrite, "参数设置（密钥只显示是否已设置）", api::settings)
        .returns_page::<settings::SettingView>()
        .add(M::PUT, "/api/v1/settings", P::SettingWrite, "修改参数（键 → 新值，null 恢复默认）", api::save_settings)
        .body::<api::SettingValues>()
        .add(M::GET, "/system/settings", P::SettingWrite, "参数设置页", pages::settings_page)
        .add(M::POST, "/system/settings", P::SettingWrite, "保存参数设置", pages::save_settings)
        .add(M::GET, "/api/v1/dicts/{key}", P::PersonRead, "字典（rank 职级、title 职务）", api::dict)
        .returns_page::<qingfeng_store::dicts::DictEntry>()
        .add(M::PUT, "/api/v1/dicts/{key}", P::DictWrite, "保存整个字典（按顺序）", api::save_dict)
        .body::<dicts::DictInput>()
        .add(
            M::GET,
            "/api/v1/dict-labels/{key}",
            P::PersonRead,
            "固定字典的显示名称和顺序（entry_kind 台账记录类型、finding_category 问题类别）",
            labels::api_list,
        )
        .returns_page::<labels::LabelView>()
        .add(M::PUT, "/api/v1/dict-labels/{key}", P::DictWrite, "保存显示名称和顺序", labels::api_save)
        .body::<labels::LabelsInput>()
        .add(M::GET, "/system/dicts", P::DictWrite, "字典管理", pages::dicts_page)
        .add(M::POST, "/system/dicts/{key}", P::DictWrite, "保存字典", pages::save_dict)
        .add(M::POST, "/system/dict-labels/{key}", P::DictWrite, "保存显示名称和顺序", labels::page_save)
}
