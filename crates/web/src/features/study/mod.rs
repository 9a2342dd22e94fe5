//! 学习教育与警示教育 (issue 12 item 3) and 年轻干部教育管理监督 (item 4): study sessions as
//! ledger entries with attendance and make-ups, per-person figures, the branch calendar of
//! 三会一课 and the young-cadre view. No 打卡, no time counters, no ranking.

pub mod api;
pub mod pages;
pub mod service;
pub mod sheets;

use axum::http::Method as M;
use qingfeng_domain::access::Permission as P;
use qingfeng_domain::study::{MakeupFields, SessionFields};
use qingfeng_store::study::{PersonFigures, Session};

use crate::http::Book;

/// Registers the routes of this feature (JSON API and pages).
pub fn routes(book: Book) -> Book {
    book.add(M::GET, "/api/v1/study-sessions", P::LedgerRead, "学习教育记录", api::list)
        .returns_page::<Session>()
        .query(service::SESSION_FILTERS)
        .paged()
        .add(M::POST, "/api/v1/study-sessions", P::LedgerWrite, "登记学习（含出席情况）", api::create)
        .body::<SessionFields>()
        .returns::<service::SessionDetail>()
        .add(
            M::GET,
            "/api/v1/study-sessions/attendance",
            P::LedgerRead,
            "个人学习情况（出席、缺席、补学）",
            api::figures,
        )
        .query(&["year", "unit"])
        .returns::<Vec<PersonFigures>>()
        .add(M::GET, "/api/v1/study-sessions/attendance/{person}", P::LedgerRead, "某人某年的学习情况", api::person)
        .query(&["year"])
        .returns::<service::PersonYear>()
        .add(M::GET, "/api/v1/study-sessions/calendar/{branch}", P::LedgerRead, "支部三会一课落实日历", api::calendar)
        .query(&["year"])
        .returns::<service::BranchCalendar>()
        .add(M::GET, "/api/v1/study-sessions/{id}", P::LedgerRead, "学习详情（含出席与补学）", api::get)
        .returns::<service::SessionDetail>()
        .add(M::POST, "/api/v1/study-sessions/{id}/makeups", P::LedgerWrite, "登记补学", api::add_makeup)
        .body::<MakeupFields>()
        .returns::<service::SessionDetail>()
        .add(M::GET, "/api/v1/study-sessions/{id}/attendance.xlsx", P::LedgerRead, "导出签到表", api::attendance_sheet)
        .add(
            M::GET,
            "/api/v1/study-sessions/attendance-template.xlsx",
            P::LedgerWrite,
            "签到表导入模板",
            api::attendance_template,
        )
        .add(
            M::POST,
            "/api/v1/study-sessions/{id}/attendance/import",
            P::LedgerWrite,
            "导入签到表（出席情况）",
            api::import_attendance,
        )
        .imports_sheet()
        .add(M::GET, "/api/v1/young-cadres", P::PersonRead, "年轻干部教育管理监督", api::youth)
        .query(&["year"])
        .returns::<service::YouthView>()
        .add(M::GET, "/study", P::LedgerRead, "学习教育页", pages::list)
        .add(M::GET, "/study/new", P::LedgerWrite, "登记学习表单", pages::new_form)
        .add(M::POST, "/study/new", P::LedgerWrite, "登记学习", pages::create)
        .add(M::GET, "/study/people", P::LedgerRead, "个人学习情况页", pages::people)
        .add(M::GET, "/study/people/{id}", P::LedgerRead, "某人学习情况页", pages::person)
        .add(M::GET, "/study/calendar", P::LedgerRead, "支部三会一课页", pages::calendar)
        .add(M::GET, "/study/{id}", P::LedgerRead, "学习详情页", pages::detail)
        .add(M::POST, "/study/{id}/makeups", P::LedgerWrite, "登记补学", pages::add_makeup)
        .add(M::GET, "/study/{id}/attendance/import", P::LedgerWrite, "签到表导入页", pages::import_page)
        .add(M::POST, "/study/{id}/attendance/import", P::LedgerWrite, "校验或导入签到表", pages::import_submit)
        .add(M::GET, "/young-cadres", P::PersonRead, "年轻干部页", pages::youth)
}
