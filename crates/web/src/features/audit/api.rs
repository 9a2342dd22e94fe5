//! JSON handlers of the audit log and the login log, and their .xlsx exports.

use axum::extract::State;
use axum::response::Response;
use axum::Json;
use qingfeng_office::{CellValue, Column};
use qingfeng_store::audit::{self, AuditRecord, LoginRecord};
use qingfeng_store::{Page, Scope};

use super::service::{audit_filter, lines, logins_page, result_label};
use super::wording::{action_label, entity_label};
use crate::http::ApiResult;
use crate::http::{xlsx, Params};
use crate::sheets::heading::Heading;
use crate::time::local_time;
use crate::AppState;

pub async fn list(State(state): State<AppState>, params: Params) -> ApiResult<Json<Page<AuditRecord>>> {
    Ok(Json(audit::list(&state.db, &audit_filter(&params)?, Some(params.paging()?)).await?))
}

/// The heading of a log export: the log's name, its filters as given (user names, dates).
async fn log_heading(state: &AppState, list: &str, params: &Params, filters: &[(&str, &str)]) -> ApiResult<Heading> {
    let mut heading = Heading::load(&state.db, &Scope::all(), list).await?;
    for (key, label) in filters {
        let value = params.str(key);
        heading = heading.filter(
            label,
            match *key {
                "entity" => value.map(|v| entity_label(&v).to_string()),
                "action" => value.map(|v| action_label(&v).to_string()),
                "result" => value.map(|v| result_label(&v).to_string()),
                _ => value,
            },
        );
    }
    Ok(heading)
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
        Column::text("变更内容", 50.0),
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
    let filters = [("username", "账号"), ("entity", "对象"), ("action", "操作"), ("from", "自"), ("to", "至")];
    let heading = log_heading(&state, "操作日志", &params, &filters).await?;
    Ok(xlsx(heading.table("操作日志", &cols, &rows).write()?, "操作日志.xlsx"))
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
    let filters = [("username", "账号"), ("result", "结果"), ("from", "自"), ("to", "至")];
    let heading = log_heading(&state, "登录日志", &params, &filters).await?;
    Ok(xlsx(heading.table("登录日志", &cols, &rows).write()?, "登录日志.xlsx"))
}
