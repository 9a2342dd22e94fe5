//! 操作日志 and 登录日志: `/api/v1/audit-log`, `/api/v1/login-log` and their .xlsx exports.

use axum::extract::State;
use axum::response::Response;
use axum::Json;
use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone, Utc};
use qingfeng_office::{write_table, CellValue, Column};
use qingfeng_store::audit::{self, AuditFilter, AuditRecord, LoginRecord};
use qingfeng_store::Page;

use super::{xlsx, Params};
use crate::http::{ApiError, ApiResult};
use crate::AppState;

/// Offices read times in China Standard Time.
pub fn cst() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

pub fn local_time(t: DateTime<Utc>) -> String {
    t.with_timezone(&cst()).format("%Y-%m-%d %H:%M:%S").to_string()
}

/// `from`/`to` are calendar days (inclusive) in China time.
fn day_bound(params: &Params, key: &str, next_day: bool) -> ApiResult<Option<DateTime<Utc>>> {
    let Some(s) = params.str(key) else { return Ok(None) };
    let d = NaiveDate::parse_from_str(&s, "%Y-%m-%d")
        .map_err(|_| ApiError::bad_request(format!("参数 {key} 应为日期，如 2026-03-01"), Some(key)))?;
    let d = if next_day { d.succ_opt().unwrap_or(d) } else { d };
    let local = cst().from_local_datetime(&d.and_hms_opt(0, 0, 0).expect("midnight")).single().expect("fixed offset");
    Ok(Some(local.with_timezone(&Utc)))
}

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

pub async fn list(State(state): State<AppState>, params: Params) -> ApiResult<Json<Page<AuditRecord>>> {
    Ok(Json(audit::list(&state.db, &audit_filter(&params)?, Some(params.paging()?)).await?))
}

pub async fn export(State(state): State<AppState>, params: Params) -> ApiResult<Response> {
    let page = audit::list(&state.db, &audit_filter(&params)?, None).await?;
    let cols = vec![
        Column::integer("序号", 8.0),
        Column::text("时间", 20.0),
        Column::text("账号", 12.0),
        Column::text("地址", 16.0),
        Column::text("操作", 10.0),
        Column::text("对象", 14.0),
        Column::text("对象编号", 10.0),
        Column::text("变更内容", 60.0),
        Column::text("哈希", 20.0),
    ];
    let rows: Vec<Vec<CellValue>> = page
        .items
        .iter()
        .map(|r| {
            vec![
                r.id.into(),
                local_time(r.at).into(),
                (&r.username).into(),
                (&r.address).into(),
                action_label(&r.action).into(),
                entity_label(&r.entity).into(),
                (&r.entity_id).into(),
                (&r.diff).into(),
                r.hash[..16].to_string().into(),
            ]
        })
        .collect();
    Ok(xlsx(write_table("操作日志", Some("操作日志"), &cols, &rows)?, "操作日志.xlsx"))
}

pub async fn logins(State(state): State<AppState>, params: Params) -> ApiResult<Json<Page<LoginRecord>>> {
    Ok(Json(logins_page(&state, &params, true).await?))
}

pub async fn logins_export(State(state): State<AppState>, params: Params) -> ApiResult<Response> {
    let page = logins_page(&state, &params, false).await?;
    let cols = vec![
        Column::text("时间", 20.0),
        Column::text("账号", 14.0),
        Column::text("地址", 16.0),
        Column::text("结果", 10.0),
    ];
    let rows: Vec<Vec<CellValue>> = page
        .items
        .iter()
        .map(|r| {
            vec![local_time(r.at).into(), (&r.username).into(), (&r.address).into(), result_label(&r.result).into()]
        })
        .collect();
    Ok(xlsx(write_table("登录日志", Some("登录日志"), &cols, &rows)?, "登录日志.xlsx"))
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
