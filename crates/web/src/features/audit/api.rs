//! JSON handlers of the audit log and the login log, and their .xlsx exports.

use axum::extract::State;
use axum::response::Response;
use axum::Json;
use qingfeng_office::{write_table, CellValue, Column};
use qingfeng_store::audit::{self, AuditRecord, LoginRecord};
use qingfeng_store::Page;

use super::service::{audit_filter, lines, logins_page, result_label};
use super::wording::{action_label, entity_label};
use crate::http::ApiResult;
use crate::http::{xlsx, Params};
use crate::time::local_time;
use crate::AppState;

pub async fn list(State(state): State<AppState>, params: Params) -> ApiResult<Json<Page<AuditRecord>>> {
    Ok(Json(audit::list(&state.db, &audit_filter(&params)?, Some(params.paging()?)).await?))
}

pub async fn export(State(state): State<AppState>, params: Params) -> ApiResult<Response> {
    let (page, lines) = lines(&state, &audit_filter(&params)?, None).await?;
    let cols = vec![
        Column::integer("序号", 8.0),
        Column::text("时间", 20.0),
        Column::text("人员", 10.0),
        Column::text("操作说明", 40.0),
        Column::text("变更说明", 50.0),
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
        .zip(&lines)
        .map(|(r, l)| {
            vec![
                r.id.into(),
                local_time(r.at).into(),
                (&l.actor).into(),
                l.sentence().into(),
                l.changes_text().into(),
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
