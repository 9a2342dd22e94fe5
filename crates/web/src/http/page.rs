//! Page rendering: the layout's navigation, `<select>` options, rendering a template, and the
//! redirect after a successful form.

use askama::Template;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use qingfeng_domain::access::Permission;

use super::{ApiError, PageError, PageResult};
use crate::auth::Principal;

/// One line of the side menu. A feature adds its pages to the menu with one entry here.
enum MenuItem {
    /// a heading over the links below it
    Group(&'static str),
    /// a page; `needs` is the permission without which the link is left out
    Link { href: &'static str, label: &'static str, active: &'static str, needs: Option<Permission> },
}

const fn link(href: &'static str, label: &'static str, active: &'static str, needs: Option<Permission>) -> MenuItem {
    Link { href, label, active, needs }
}

/// The side menu, in order.
const MENU: &[MenuItem] = &[
    link("/", "我的待办", "home", None),
    Group("组织与人员"),
    link("/org", "单位与人员", "org", None),
    link("/party-branches", "党支部", "party-branches", Some(Permission::UnitRead)),
    link("/org/people-import", "人员导入", "people-import", Some(Permission::PersonImport)),
    link("/org/units-import", "单位导入", "units-import", Some(Permission::UnitImport)),
    Group("主体责任"),
    link("/dashboard", "落实情况", "dashboard", Some(Permission::FulfilmentRead)),
    link("/responsibility", "责任清单", "responsibility", Some(Permission::ResponsibilityRead)),
    link("/plans", "任务分解", "plans", Some(Permission::PlanRead)),
    link("/ledger", "履职台账", "ledger", Some(Permission::LedgerRead)),
    Group("监督"),
    link("/findings", "问题整改", "findings", Some(Permission::FindingRead)),
    link("/findings/dashboard", "整改统计", "finding-stats", Some(Permission::FindingRead)),
    link("/campaigns", "专项整治", "campaigns", Some(Permission::CampaignRead)),
    link("/decisions", "三重一大决策", "decisions", Some(Permission::DecisionRead)),
    link("/decisions/register", "大额资金与任免台账", "decision-register", Some(Permission::DecisionRead)),
    link("/major-matters", "请示报告", "major-matters", Some(Permission::MatterRead)),
    link("/supervision", "督查督办", "supervision", Some(Permission::SupervisionRead)),
    link("/petitions", "信访举报", "petitions", Some(Permission::PetitionRead)),
    link("/clues", "问题线索", "clues", Some(Permission::PetitionRead)),
    link("/discipline-records", "四种形态", "discipline", Some(Permission::DisciplineRead)),
    link("/reports/four-winds", "四风月报", "four-winds", Some(Permission::FourWindsRead)),
    link("/integrity-files", "廉政档案", "integrity-files", Some(Permission::IntegrityRead)),
    Group("考核"),
    link("/assessments", "年度考核", "assessments", Some(Permission::AssessmentRead)),
    link("/assessments/business", "业务考核得分", "assessment-business", Some(Permission::AssessmentRead)),
    Group("八项规定"),
    link("/vehicles", "公务用车", "vehicles", Some(Permission::VehicleRead)),
    link("/vehicles/trips", "出车记录", "vehicle-trips", Some(Permission::VehicleRead)),
    link("/vehicles/trips?flagged=true", "待核实的出车", "vehicle-flagged", Some(Permission::VehicleConvert)),
    link("/budgets", "三公经费", "budgets", Some(Permission::BudgetRead)),
    link("/receptions", "公务接待", "receptions", Some(Permission::ReceptionRead)),
    link("/receptions/flagged", "接待检查未通过", "reception-flagged", Some(Permission::ReceptionConvert)),
    Group("教育与防控"),
    link("/talks", "谈心谈话", "talks", Some(Permission::LedgerRead)),
    link("/warning-cases", "典型案例", "warning-cases", Some(Permission::WarningCaseRead)),
    link("/risk", "廉政风险防控", "risk", Some(Permission::RiskRead)),
    link("/study", "学习教育", "study", Some(Permission::LedgerRead)),
    link("/study/people", "个人学习情况", "study-people", Some(Permission::LedgerRead)),
    link("/study/calendar", "支部三会一课", "study-calendar", Some(Permission::LedgerRead)),
    link("/young-cadres", "年轻干部", "young-cadres", Some(Permission::PersonRead)),
    Group("个人报告"),
    link("/personal-reports", "个人有关事项", "personal-reports", Some(Permission::PersonalReportFile)),
    link("/personal-reports/obligations", "须报告人员", "personal-obligations", Some(Permission::PersonalReportReview)),
    link("/family-events", "婚丧喜庆", "family-events", Some(Permission::PersonalReportFile)),
    Group("系统管理"),
    link("/system/users", "用户管理", "users", Some(Permission::AccountRead)),
    link("/system/roles", "角色管理", "roles", Some(Permission::RoleRead)),
    link("/system/settings", "参数设置", "settings", Some(Permission::SettingWrite)),
    link("/system/holidays", "节假日安排", "holidays", Some(Permission::SettingWrite)),
    link("/system/dicts", "字典管理", "dicts", Some(Permission::DictWrite)),
    link("/responsibility/templates", "责任事项模板", "templates", Some(Permission::ResponsibilityWrite)),
    link("/system/audit", "操作日志", "audit", Some(Permission::AuditRead)),
    link("/system/logins", "登录日志", "logins", Some(Permission::AuditRead)),
    Group("个人"),
    link("/notifications", "通知中心", "notifications", None),
    link("/major-matters/interference", "记录插手干预", "interference", None),
    link("/discipline-records", "本人处理处分记录", "my-discipline", None),
    link("/integrity-files", "本人廉政档案", "my-integrity-file", None),
    link("/reports/documents", "报告文稿", "report-documents", None),
    link("/account/password", "修改密码", "password", None),
];

/// A line of the side menu as the layout draws it: `kind` is "group" or "link".
pub struct MenuEntry {
    pub kind: &'static str,
    pub href: &'static str,
    pub label: &'static str,
    pub active: bool,
}

use MenuItem::{Group, Link};

/// What the layout needs on every page.
pub struct Nav {
    pub username: String,
    pub csrf: String,
    /// the side menu, cut to the caller's permissions
    pub menu: Vec<MenuEntry>,
}

impl Nav {
    pub fn new(p: &Principal, active: &'static str) -> Self {
        let entry = |kind, href, label, is_active| MenuEntry { kind, href, label, active: is_active };
        let mut menu: Vec<MenuEntry> = MENU
            .iter()
            .filter_map(|item| match *item {
                Group(label) => Some(entry("group", "", label, false)),
                Link { href, label, active: key, needs } => {
                    needs.is_none_or(|perm| p.can(perm)).then(|| entry("link", href, label, key == active))
                }
            })
            .collect();
        // a group heading whose links the caller may not open is left out with them
        let shown: Vec<bool> = (0..menu.len())
            .map(|i| menu[i].kind != "group" || menu.get(i + 1).is_some_and(|n| n.kind == "link"))
            .collect();
        let mut keep = shown.into_iter();
        menu.retain(|_| keep.next().unwrap_or(true));
        Nav { username: p.username.clone(), csrf: p.csrf_token().to_string(), menu }
    }
}

/// An option of a `<select>` or a checkbox group.
pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

impl Opt {
    pub fn new(value: impl ToString, label: impl ToString, selected: bool) -> Self {
        Opt { value: value.to_string(), label: label.to_string(), selected }
    }
}

/// A list page's paging line ("共 N 条，第 p / n 页" with 上一页/下一页 links that keep the
/// filters), rendered by `templates/partials/pager.html`.
pub struct Pager {
    pub total: i64,
    pub page: i64,
    pub pages: i64,
    /// the page's path followed by its filters as a query string (`/warning-cases?discipline=…`)
    pub base: String,
    /// lists read by keyset: 下一页 starts after this row instead of walking the offset
    pub next_after: Option<i64>,
    /// and 上一页 ends before this row
    pub prev_before: Option<i64>,
}

impl Pager {
    /// `keep` are the filters the links carry over (each present one).
    pub fn new<T>(path: &str, page: &qingfeng_store::Page<T>, keep: &[(&str, String)]) -> Self {
        let query = serde_urlencoded::to_string(keep).unwrap_or_default();
        Pager {
            total: page.total,
            page: page.page,
            pages: ((page.total + page.per_page - 1) / page.per_page.max(1)).max(1),
            base: format!("{path}?{query}"),
            next_after: page.next_after,
            prev_before: page.prev_before,
        }
    }
}

pub fn render(t: &impl Template) -> PageResult {
    t.render().map(|s| Html(s).into_response()).map_err(|e| PageError(ApiError::Internal(e.to_string())))
}

/// A form page: 422 when `refused` (the input is shown again with its errors), else 200.
pub fn render_form(t: &impl Template, refused: bool) -> PageResult {
    let mut res = render(t)?;
    if refused {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

/// 303 See Other: where the browser goes after a form was saved.
pub fn see_other(location: impl Into<String>) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, location.into())]).into_response()
}

/// Where a form stands: its heading, where it posts to, and where 取消 leads.
pub struct FormTarget {
    pub heading: String,
    pub action: String,
    pub cancel: String,
}

impl FormTarget {
    pub fn new(heading: impl Into<String>, action: impl Into<String>, cancel: impl Into<String>) -> Self {
        FormTarget { heading: heading.into(), action: action.into(), cancel: cancel.into() }
    }
}

/// A failed save's errors to show beside the form's fields (a refusal goes to `refused_field`),
/// or the error page for anything else.
pub fn form_errors(e: ApiError, refused_field: &str) -> Result<qingfeng_domain::FieldErrors, PageError> {
    match e {
        ApiError::Invalid(f) => Ok(f),
        ApiError::Forbidden(m) => {
            let mut f = qingfeng_domain::FieldErrors::default();
            f.push(refused_field, m);
            Ok(f)
        }
        other => Err(PageError(other)),
    }
}

/// A file size as people read it: 856 B, 12.3 KB, 1.2 MB.
pub fn human_size(bytes: impl std::borrow::Borrow<i64>) -> String {
    match *bytes.borrow() {
        b if b < 1024 => format!("{b} B"),
        b if b < 1024 * 1024 => format!("{:.1} KB", b as f64 / 1024.0),
        b => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
    }
}

/// The answer of a step posted from a record's page: on to `Ok`'s location, or back to the
/// page (`back`) with the refusal on top (`?refused=`); a missing record or a server error is
/// an error page.
pub fn step_answer(result: super::ApiResult<String>, back: &str) -> PageResult {
    match result {
        Ok(location) => Ok(see_other(location)),
        Err(e @ (ApiError::NotFound | ApiError::Internal(_) | ApiError::Busy)) => Err(PageError(e)),
        Err(e) => {
            let q = serde_urlencoded::to_string([("refused", e.parts().1)]).unwrap_or_default();
            Ok(see_other(format!("{back}?{q}")))
        }
    }
}
