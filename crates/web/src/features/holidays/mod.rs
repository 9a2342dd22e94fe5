//! 节假日安排: the official holiday calendar (法定节假日 and 调休 working days of each year),
//! entered or imported by the administrator under 系统管理, read by everyone, and the
//! working-day arithmetic every working-day rule uses (`service::calendar`).

pub mod api;
pub mod pages;
pub mod service;
pub mod sheets;

use axum::http::Method as M;
use qingfeng_domain::access::Permission as P;
use qingfeng_domain::calendar::HolidayFields;
use qingfeng_store::holidays::Holiday;

use crate::auth::Access;
use crate::http::Book;

/// Registers the routes of this feature (JSON API and pages).
pub fn routes(book: Book) -> Book {
    book.add(M::GET, "/api/v1/holidays", Access::SignedIn, "节假日安排（某年的放假和调休上班日）", api::list)
        .returns_page::<Holiday>()
        .query(service::FILTERS)
        .paged()
        .add(M::POST, "/api/v1/holidays", P::SettingWrite, "录入放假或调休上班日（一天或连续几天）", api::add)
        .body::<HolidayFields>()
        .returns::<service::Saved>()
        .add(
            M::GET,
            "/api/v1/holidays/working-days",
            Access::SignedIn,
            "工作日计算（两日之间的工作日数、加减工作日）",
            api::working_days,
        )
        .query(service::WORKDAY_QUERY)
        .returns::<service::WorkingDays>()
        .add(M::GET, "/api/v1/holidays/export.xlsx", Access::SignedIn, "导出节假日安排", api::export)
        .query(service::FILTERS)
        .sheet::<sheets::HolidaySheet>(P::SettingWrite, "/api/v1/holidays", "/system/holidays/import")
        .add(M::DELETE, "/api/v1/holidays/{day}", P::SettingWrite, "删除一天的安排（恢复为普通日）", api::remove)
        .returns::<crate::http::Done>()
        .add(M::GET, "/system/holidays", P::SettingWrite, "节假日安排页", pages::page)
        .add(M::POST, "/system/holidays", P::SettingWrite, "录入放假或调休上班日", pages::add)
        .add(M::POST, "/system/holidays/{day}/delete", P::SettingWrite, "删除一天的安排", pages::remove)
}
