//! 操作日志 and 登录日志: filters, labels and paging shared by the API, the pages and the
//! .xlsx exports.

use chrono::{DateTime, NaiveDate, Utc};
use qingfeng_store::audit::{self, AuditFilter, LoginRecord};
use qingfeng_store::Page;

use crate::http::Params;
use crate::http::{ApiError, ApiResult};
use crate::AppState;

/// `from`/`to` are calendar days (inclusive) of the office.
fn day_bound(params: &Params, key: &str, next_day: bool) -> ApiResult<Option<DateTime<Utc>>> {
    let Some(s) = params.str(key) else { return Ok(None) };
    let d = NaiveDate::parse_from_str(&s, "%Y-%m-%d")
        .map_err(|_| ApiError::bad_request(format!("参数 {key} 应为日期，如 2026-03-01"), Some(key)))?;
    let d = if next_day { d.succ_opt().unwrap_or(d) } else { d };
    Ok(Some(qingfeng_domain::time::office_day_start(d)))
}

/// The query parameters [`audit_filter`] reads for the 操作日志.
pub const AUDIT_FILTERS: &[&str] = &["username", "entity", "action", "from", "to"];

/// The query parameters [`audit_filter`] reads for the 登录日志.
pub const LOGIN_FILTERS: &[&str] = &["username", "result", "from", "to"];

pub fn audit_filter(params: &Params) -> ApiResult<AuditFilter> {
    Ok(AuditFilter {
        username: params.str("username"),
        entity: params.str("entity"),
        action: params.str("action"),
        from: day_bound(params, "from", false)?,
        to: day_bound(params, "to", true)?,
    })
}

pub async fn logins_page(state: &AppState, params: &Params, paged: bool) -> ApiResult<Page<LoginRecord>> {
    let paging = if paged { Some(params.paging()?) } else { None };
    Ok(audit::logins(
        &state.db,
        params.str("username").as_deref(),
        params.str("result").as_deref(),
        day_bound(params, "from", false)?,
        day_bound(params, "to", true)?,
        paging,
    )
    .await?)
}

pub fn action_label(a: &str) -> &str {
    match a {
        "create" => "新增",
        "update" => "修改",
        "delete" => "删除",
        "import" => "导入",
        "login" => "登录",
        "logout" => "退出",
        other => other,
    }
}

pub fn entity_label(e: &str) -> &str {
    match e {
        "unit" => "单位",
        "person" => "人员",
        "in_charge_of" => "分管",
        "account" => "账号",
        "api_token" => "接口令牌",
        "role" => "角色",
        "setting" => "设置",
        other => other,
    }
}

pub fn result_label(r: &str) -> &str {
    match r {
        "success" => "成功",
        "failure" => "失败",
        "locked" => "已锁定",
        other => other,
    }
}
