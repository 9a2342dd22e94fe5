//! The route table: the features' routes, one line per feature, plus the infrastructure
//! routes (health, assets, OpenAPI). Every route is registered with the access it requires, so
//! the permission guard, the OpenAPI document and the route-walk test all read one list.

use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Router};

use crate::auth::Access;
use crate::http::Book;
pub use crate::http::RouteSpec;
use crate::{api, assets, openapi, views, AppState};

fn book() -> Book {
    use Access::{Permission as P, Public, SignedIn};
    use Method as M;
    Book::default()
        // infrastructure
        .add(M::GET, "/healthz", Public, "健康检查", health)
        .add(M::GET, "/assets/{file}", Public, "静态资源", assets::serve)
        .add(M::GET, "/api/openapi.json", Public, "OpenAPI 文档", openapi::document)
        // session
        .add(M::POST, "/api/v1/session", Public, "登录", api::session::login)
        .add(M::DELETE, "/api/v1/session", SignedIn, "退出登录", api::session::logout)
        .add(M::GET, "/api/v1/me", SignedIn, "当前账号", api::session::me)
        // units
        .add(M::GET, "/api/v1/units", P("unit:read"), "单位列表", api::units::list)
        .add(M::POST, "/api/v1/units", P("unit:write"), "新增单位", api::units::create)
        .add(M::GET, "/api/v1/units/import-template.xlsx", P("unit:import"), "单位导入模板", api::units::template)
        .add(M::POST, "/api/v1/units/import", P("unit:import"), "导入单位", api::units::import)
        .add(M::GET, "/api/v1/units/export.xlsx", P("unit:export"), "导出单位", api::units::export)
        .add(M::GET, "/api/v1/units/{id}", P("unit:read"), "单位详情", api::units::get)
        .add(M::PATCH, "/api/v1/units/{id}", P("unit:write"), "修改单位", api::units::update)
        // people
        .add(M::GET, "/api/v1/people", P("person:read"), "人员列表", api::people::list)
        .add(M::POST, "/api/v1/people", P("person:write"), "新增人员", api::people::create)
        .add(M::GET, "/api/v1/people/import-template.xlsx", P("person:import"), "人员导入模板", api::people::template)
        .add(M::POST, "/api/v1/people/import", P("person:import"), "导入人员", api::people::import)
        .add(M::GET, "/api/v1/people/export.xlsx", P("person:export"), "导出人员", api::people::export)
        .add(M::GET, "/api/v1/people/{id}", P("person:read"), "人员详情", api::people::get)
        .add(M::PATCH, "/api/v1/people/{id}", P("person:write"), "修改人员", api::people::update)
        // accounts, roles, logs
        .add(M::GET, "/api/v1/accounts", P("account:read"), "账号列表", api::accounts::list)
        .add(M::POST, "/api/v1/accounts", P("account:write"), "新增账号", api::accounts::create)
        .add(M::GET, "/api/v1/accounts/{id}", P("account:read"), "账号详情", api::accounts::get)
        .add(
            M::PATCH,
            "/api/v1/accounts/{id}",
            P("account:write"),
            "修改账号（角色、停用、重置密码）",
            api::accounts::update,
        )
        .add(M::PUT, "/api/v1/me/password", SignedIn, "修改本人密码", api::accounts::change_password)
        .add(M::GET, "/api/v1/roles", P("role:read"), "角色列表", api::accounts::roles)
        .add(M::POST, "/api/v1/roles", P("role:write"), "定义或修改角色", api::accounts::save_role)
        .add(M::GET, "/api/v1/audit-log", P("audit:read"), "操作日志", api::audit::list)
        .add(M::GET, "/api/v1/audit-log/export.xlsx", P("audit:read"), "导出操作日志", api::audit::export)
        .add(M::GET, "/api/v1/login-log", P("audit:read"), "登录日志", api::audit::logins)
        .add(M::GET, "/api/v1/login-log/export.xlsx", P("audit:read"), "导出登录日志", api::audit::logins_export)
        // responsibility chain
        .add(
            M::GET,
            "/api/v1/responsibility-templates",
            P("responsibility:read"),
            "责任事项模板",
            api::responsibility::templates,
        )
        .add(
            M::POST,
            "/api/v1/responsibility-templates",
            P("responsibility:write"),
            "新增责任事项模板（1+X 的 X）",
            api::responsibility::create_template,
        )
        .add(
            M::PATCH,
            "/api/v1/responsibility-templates/{id}",
            P("responsibility:write"),
            "修改责任事项模板",
            api::responsibility::update_template,
        )
        .add(
            M::POST,
            "/api/v1/responsibility-lists/generate",
            P("responsibility:write"),
            "生成年度责任清单",
            api::responsibility::generate,
        )
        .add(
            M::GET,
            "/api/v1/responsibility-lists",
            P("responsibility:read"),
            "责任清单列表",
            api::responsibility::lists,
        )
        .add(
            M::GET,
            "/api/v1/responsibility-lists/export.xlsx",
            P("responsibility:export"),
            "导出责任清单",
            api::responsibility::export,
        )
        .add(
            M::GET,
            "/api/v1/responsibility-lists/{id}",
            P("responsibility:read"),
            "责任清单详情",
            api::responsibility::list,
        )
        .add(
            M::PATCH,
            "/api/v1/responsibility-lists/{id}",
            P("responsibility:write"),
            "登记责任书签订",
            api::responsibility::update_list,
        )
        .add(
            M::GET,
            "/api/v1/responsibility-items",
            P("responsibility:read"),
            "责任事项及落实情况",
            api::responsibility::items,
        )
        .add(
            M::GET,
            "/api/v1/responsibility-items/{id}",
            P("responsibility:read"),
            "责任事项详情",
            api::responsibility::item,
        )
        .add(
            M::PATCH,
            "/api/v1/responsibility-items/{id}",
            P("responsibility:write"),
            "修改责任事项",
            api::responsibility::update_item,
        )
        .add(M::GET, "/api/v1/ledger-entries", P("ledger:read"), "履职台账", api::ledger::list)
        .add(M::POST, "/api/v1/ledger-entries", P("ledger:write"), "登记台账记录", api::ledger::create)
        .add(M::GET, "/api/v1/ledger-entries/export.xlsx", P("ledger:export"), "导出履职台账", api::ledger::export)
        .add(M::GET, "/api/v1/ledger-entries/{id}", P("ledger:read"), "台账记录详情", api::ledger::get)
        .add(
            M::PATCH,
            "/api/v1/ledger-entries/{id}",
            P("ledger:write"),
            "（已提交的记录不能修改）",
            api::ledger::refuse_edit,
        )
        .add(
            M::POST,
            "/api/v1/ledger-entries/{id}/versions",
            P("ledger:write"),
            "提交更正版本",
            api::ledger::new_version,
        )
        .add(
            M::POST,
            "/api/v1/ledger-entries/{id}/attachments",
            P("ledger:write"),
            "上传附件",
            api::ledger::add_attachment,
        )
        .add(M::GET, "/api/v1/ledger-attachments/{id}", P("ledger:read"), "下载附件", api::ledger::attachment)
        .add(M::GET, "/api/v1/fulfilment", P("fulfilment:read"), "落实情况", api::fulfilment::get)
        // ---- findings (api) BEGIN
        .add(M::GET, "/api/v1/findings", P("finding:read"), "问题清单", api::findings::list)
        .add(
            M::POST,
            "/api/v1/findings",
            P("finding:write"),
            "登记问题（纪检监察组或本单位自查）",
            api::findings::create,
        )
        .add(
            M::GET,
            "/api/v1/findings/stats",
            P("finding:read"),
            "整改统计（整改率、逾期、分类、回头看）",
            api::findings::stats,
        )
        .add(M::GET, "/api/v1/findings/export.xlsx", P("finding:export"), "导出整改台账", api::findings::export)
        .add(
            M::GET,
            "/api/v1/findings/import-template.xlsx",
            P("finding:import"),
            "问题清单导入模板",
            api::findings::template,
        )
        .add(M::POST, "/api/v1/findings/import", P("finding:import"), "导入问题清单", api::findings::import)
        .add(M::GET, "/api/v1/findings/{id}", P("finding:read"), "问题详情（含办理过程和整改措施）", api::findings::get)
        .add(M::PATCH, "/api/v1/findings/{id}", P("finding:write"), "修改问题（仅限反馈前）", api::findings::update)
        .add(
            M::POST,
            "/api/v1/findings/{id}/feedback",
            P("finding:write"),
            "反馈问题（纪检监察组）",
            api::findings::feedback,
        )
        .add(
            M::POST,
            "/api/v1/findings/{id}/measures",
            P("rectification:write"),
            "制定整改措施",
            api::findings::add_measure,
        )
        .add(
            M::POST,
            "/api/v1/findings/{id}/sign-off-request",
            P("rectification:write"),
            "申请验收销号",
            api::findings::request_sign_off,
        )
        .add(
            M::POST,
            "/api/v1/findings/{id}/sign-off",
            P("finding:sign_off"),
            "验收销号（纪检监察组）",
            api::findings::sign_off,
        )
        .add(
            M::POST,
            "/api/v1/findings/{id}/return",
            P("finding:sign_off"),
            "退回整改（纪检监察组）",
            api::findings::return_finding,
        )
        .add(
            M::POST,
            "/api/v1/findings/{id}/look-back",
            P("finding:sign_off"),
            "回头看（纪检监察组）",
            api::findings::look_back,
        )
        .add(M::GET, "/api/v1/rectifications", P("finding:read"), "整改措施列表", api::findings::list_measures)
        .add(
            M::POST,
            "/api/v1/rectifications/{id}/updates",
            P("rectification:write"),
            "报告整改进展",
            api::findings::add_update,
        )
        .add(M::GET, "/api/v1/campaigns", P("campaign:read"), "专项整治列表", api::findings::list_campaigns)
        .add(M::POST, "/api/v1/campaigns", P("campaign:write"), "部署专项整治", api::findings::create_campaign)
        .add(M::GET, "/api/v1/campaigns/{id}", P("campaign:read"), "专项整治详情及进度", api::findings::get_campaign)
        // ---- findings (api) END
        // ---- notifications (api) BEGIN
        .add(M::GET, "/api/v1/notifications", SignedIn, "本人通知列表（?unread=true 仅未读）", api::notifications::list)
        .add(M::GET, "/api/v1/notifications/unread-count", SignedIn, "本人未读通知数", api::notifications::unread_count)
        .add(M::POST, "/api/v1/notifications/read-all", SignedIn, "全部标为已读", api::notifications::read_all)
        .add(M::POST, "/api/v1/notifications/{id}/read", SignedIn, "标为已读", api::notifications::read)
        // ---- notifications (api) END
        // ---- work plans and tasks (api) BEGIN
        .add(M::GET, "/api/v1/work-plans", P("plan:read"), "工作要点列表", api::plans::list_plans)
        .add(M::POST, "/api/v1/work-plans", P("plan:write"), "新增工作要点", api::plans::create_plan)
        .add(M::GET, "/api/v1/work-plans/tasks-template.xlsx", P("task:import"), "任务分解表模板", api::plans::template)
        .add(M::GET, "/api/v1/work-plans/{id}", P("plan:read"), "工作要点详情（含任务树）", api::plans::get_plan)
        .add(M::GET, "/api/v1/work-plans/{id}/tasks.xlsx", P("task:export"), "导出任务分解表", api::plans::export)
        .add(M::POST, "/api/v1/work-plans/{id}/tasks/import", P("task:import"), "导入任务分解表", api::plans::import)
        .add(M::GET, "/api/v1/tasks", P("plan:read"), "任务列表", api::plans::list_tasks)
        .add(M::POST, "/api/v1/tasks", P("plan:write"), "新增任务或分解下级任务", api::plans::create_task)
        .add(M::GET, "/api/v1/tasks/{id}", P("plan:read"), "任务详情（含进展）", api::plans::get_task)
        .add(M::PATCH, "/api/v1/tasks/{id}", P("plan:write"), "修改任务", api::plans::update_task)
        .add(M::POST, "/api/v1/tasks/{id}/updates", P("plan:write"), "报告任务进展", api::plans::add_update)
        // ---- work plans and tasks (api) END
        // pages
        .add(M::GET, "/login", Public, "登录页", views::login::page)
        .add(M::POST, "/login", Public, "登录", views::login::submit)
        .add(M::POST, "/logout", SignedIn, "退出", views::login::logout)
        .add(M::GET, "/", SignedIn, "首页", home)
        .add(M::GET, "/org", P("person:read"), "组织机构与人员", views::org::page)
        .add(M::GET, "/org/people", P("person:read"), "人员列表（局部）", views::org::people_table)
        .add(M::GET, "/org/people/new", P("person:write"), "新增人员表单", views::org::new_person)
        .add(M::POST, "/org/people/new", P("person:write"), "保存新人员", views::org::create_person)
        .add(M::GET, "/org/people/{id}", P("person:read"), "人员详情页", views::org::person_detail)
        .add(M::GET, "/org/people/{id}/edit", P("person:write"), "修改人员表单", views::org::edit_person)
        .add(M::POST, "/org/people/{id}/edit", P("person:write"), "保存人员", views::org::update_person)
        .add(M::GET, "/org/units/new", P("unit:write"), "新增单位表单", views::org::new_unit)
        .add(M::POST, "/org/units/new", P("unit:write"), "保存新单位", views::org::create_unit)
        .add(M::GET, "/org/units/{id}/edit", P("unit:write"), "修改单位表单", views::org::edit_unit)
        .add(M::POST, "/org/units/{id}/edit", P("unit:write"), "保存单位", views::org::update_unit)
        .add(M::GET, "/system/audit", P("audit:read"), "操作日志页", views::system::audit)
        .add(M::GET, "/system/logins", P("audit:read"), "登录日志页", views::system::logins)
        .add(M::GET, "/account/password", SignedIn, "修改密码页", views::system::password)
        .add(M::POST, "/account/password", SignedIn, "修改密码", views::system::change_password)
        .add(M::GET, "/dashboard", P("fulfilment:read"), "落实情况", views::dashboard::page)
        .add(M::GET, "/responsibility", P("responsibility:read"), "责任清单页", views::responsibility::page)
        .add(
            M::POST,
            "/responsibility/generate",
            P("responsibility:write"),
            "生成责任清单",
            views::responsibility::generate,
        )
        .add(
            M::GET,
            "/responsibility/lists/{id}",
            P("responsibility:read"),
            "责任清单详情页",
            views::responsibility::list,
        )
        .add(
            M::POST,
            "/responsibility/lists/{id}/pledge",
            P("responsibility:write"),
            "登记责任书",
            views::responsibility::pledge,
        )
        .add(M::GET, "/responsibility/items", P("responsibility:read"), "责任事项明细", views::responsibility::items)
        .add(M::GET, "/responsibility/items/{id}", P("responsibility:read"), "责任事项页", views::responsibility::item)
        .add(
            M::GET,
            "/responsibility/templates",
            P("responsibility:read"),
            "责任事项模板页",
            views::responsibility::templates,
        )
        .add(
            M::POST,
            "/responsibility/templates",
            P("responsibility:write"),
            "新增责任事项模板",
            views::responsibility::create_template,
        )
        .add(M::GET, "/ledger", P("ledger:read"), "履职台账页", views::ledger::page)
        .add(M::GET, "/ledger/new", P("ledger:write"), "登记台账表单", views::ledger::new_entry)
        .add(M::POST, "/ledger/new", P("ledger:write"), "登记台账", views::ledger::create)
        .add(M::GET, "/ledger/{id}", P("ledger:read"), "台账记录页", views::ledger::entry)
        .add(M::GET, "/ledger/{id}/version", P("ledger:write"), "更正表单", views::ledger::version_form)
        .add(M::POST, "/ledger/{id}/version", P("ledger:write"), "提交更正版本", views::ledger::create_version)
        .add(M::POST, "/ledger/{id}/attachments", P("ledger:write"), "上传附件", views::ledger::upload)
        // ---- findings (pages) BEGIN
        .add(M::GET, "/findings", P("finding:read"), "问题清单页", views::findings::page)
        .add(M::GET, "/findings/new", P("finding:write"), "登记问题表单", views::findings::new_form)
        .add(M::POST, "/findings/new", P("finding:write"), "登记问题", views::findings::create)
        .add(M::GET, "/findings/dashboard", P("finding:read"), "整改统计页", views::findings::dashboard)
        .add(M::GET, "/findings/import", P("finding:import"), "问题清单导入页", views::findings::import_page)
        .add(M::POST, "/findings/import", P("finding:import"), "校验或导入问题清单", views::findings::import_submit)
        .add(M::GET, "/findings/{id}", P("finding:read"), "问题详情页", views::findings::finding)
        .add(M::GET, "/findings/{id}/edit", P("finding:write"), "修改问题表单", views::findings::edit_form)
        .add(M::POST, "/findings/{id}/edit", P("finding:write"), "保存问题", views::findings::edit)
        .add(M::POST, "/findings/{id}/feedback", P("finding:write"), "反馈问题", views::findings::feedback)
        .add(M::POST, "/findings/{id}/measures", P("rectification:write"), "制定整改措施", views::findings::measure)
        .add(M::POST, "/findings/{id}/updates", P("rectification:write"), "报告整改进展", views::findings::progress)
        .add(
            M::POST,
            "/findings/{id}/sign-off-request",
            P("rectification:write"),
            "申请验收销号",
            views::findings::request_sign_off,
        )
        .add(M::POST, "/findings/{id}/sign-off", P("finding:sign_off"), "验收销号", views::findings::sign_off)
        .add(M::POST, "/findings/{id}/return", P("finding:sign_off"), "退回整改", views::findings::return_finding)
        .add(M::POST, "/findings/{id}/look-back", P("finding:sign_off"), "回头看", views::findings::look_back)
        .add(M::GET, "/campaigns", P("campaign:read"), "专项整治页", views::findings::campaigns)
        .add(M::POST, "/campaigns", P("campaign:write"), "部署专项整治", views::findings::create_campaign)
        .add(M::GET, "/campaigns/{id}", P("campaign:read"), "专项整治进度页", views::findings::campaign)
        // ---- findings (pages) END
        // ---- notifications (pages) BEGIN
        .add(M::GET, "/notifications", SignedIn, "通知中心", views::notifications::page)
        .add(M::GET, "/notifications/badge", SignedIn, "页头未读通知数（局部）", views::notifications::badge)
        .add(M::GET, "/notifications/digest", SignedIn, "每日通知汇总", views::notifications::digest)
        .add(M::POST, "/notifications/read-all", SignedIn, "全部标为已读", views::notifications::read_all)
        .add(M::POST, "/notifications/{id}/read", SignedIn, "标为已读", views::notifications::read)
        // ---- notifications (pages) END
        // ---- work plans and tasks (pages) BEGIN
        .add(M::GET, "/plans", P("plan:read"), "任务分解页", views::plans::page)
        .add(M::GET, "/plans/new", P("plan:write"), "新增工作要点表单", views::plans::new_plan)
        .add(M::POST, "/plans/new", P("plan:write"), "保存工作要点", views::plans::create_plan)
        .add(M::GET, "/plans/{id}", P("plan:read"), "工作要点任务树", views::plans::plan)
        .add(M::GET, "/plans/{id}/tasks/new", P("plan:write"), "新增任务表单", views::plans::new_task)
        .add(M::POST, "/plans/{id}/tasks/new", P("plan:write"), "保存新任务", views::plans::create_task)
        .add(M::GET, "/plans/{id}/import", P("task:import"), "任务分解表导入页", views::plans::import_page)
        .add(M::POST, "/plans/{id}/import", P("task:import"), "校验或导入任务分解表", views::plans::import_submit)
        .add(M::GET, "/tasks/{id}", P("plan:read"), "任务详情页", views::plans::task)
        .add(M::GET, "/tasks/{id}/edit", P("plan:write"), "修改任务表单", views::plans::edit_task)
        .add(M::POST, "/tasks/{id}/edit", P("plan:write"), "保存任务", views::plans::update_task)
        .add(M::POST, "/tasks/{id}/updates", P("plan:write"), "提交任务进展", views::plans::add_update)
        // ---- work plans and tasks (pages) END
        .add(M::GET, "/org/people-import", P("person:import"), "人员导入页", views::import::people_page)
        .add(M::POST, "/org/people-import", P("person:import"), "校验或导入人员", views::import::people_submit)
        .add(M::GET, "/org/units-import", P("unit:import"), "单位导入页", views::import::units_page)
        .add(M::POST, "/org/units-import", P("unit:import"), "校验或导入单位", views::import::units_submit)
}

/// Every route the server answers, with its access rule.
pub fn specs() -> Vec<RouteSpec> {
    book().specs
}

/// The application router, built once at start-up together with the OpenAPI document.
pub fn build(state: AppState) -> Router {
    let book = book();
    let document = openapi::Document::new(&book.specs);
    book.router
        .layer(Extension(document))
        .layer(axum::middleware::from_fn_with_state(state.clone(), crate::auth::authenticate))
        .layer(axum::middleware::from_fn(crate::auth::headers::headers))
        .layer(axum::extract::DefaultBodyLimit::max(20 * 1024 * 1024))
        .with_state(state)
}

/// `GET /healthz`: "ok" once the database answers and is migrated.
async fn health(State(state): State<AppState>) -> Response {
    let probe: Result<Option<(i64,)>, _> =
        state.db.fetch_optional("SELECT last_id FROM audit_head WHERE singleton = 1", vec![]).await;
    match probe {
        Ok(Some(_)) => (StatusCode::OK, "ok").into_response(),
        _ => (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response(),
    }
}

/// `GET /`: the organisation page is the start page.
async fn home() -> Redirect {
    Redirect::to("/org")
}
