//! 操作日志 and 登录日志: filters, labels and paging shared by the API, the pages and the
//! .xlsx exports.

use chrono::{DateTime, Utc};
use qingfeng_store::audit::{self, AuditFilter, AuditRecord, LoginRecord, Verification};
use qingfeng_store::Page;

use super::wording::{self, Line};
use crate::http::ApiResult;
use crate::http::Params;
use crate::AppState;

/// `from`/`to` are calendar days (inclusive) of the office.
fn day_bound(params: &Params, key: &str, next_day: bool) -> ApiResult<Option<DateTime<Utc>>> {
    let Some(d) = params.date(key)? else { return Ok(None) };
    let d = if next_day { d.succ_opt().unwrap_or(d) } else { d };
    Ok(Some(qingfeng_domain::time::office_day_start(d)))
}

/// The query parameters [`audit_filter`] reads for the 操作日志.
pub const AUDIT_FILTERS: &[&str] = &["person", "username", "entity", "action", "from", "to"];

/// The query parameters [`audit_filter`] reads for the 登录日志.
pub const LOGIN_FILTERS: &[&str] = &["username", "result", "from", "to"];

pub fn audit_filter(params: &Params) -> ApiResult<AuditFilter> {
    Ok(AuditFilter {
        username: params.str("username"),
        person: params.str("person"),
        entity: params.str("entity"),
        action: params.str("action"),
        from: day_bound(params, "from", false)?,
        to: day_bound(params, "to", true)?,
    })
}

/// A page of the audit trail in words, with the records as stored.
pub async fn lines(
    state: &AppState,
    filter: &AuditFilter,
    paging: Option<qingfeng_store::Paging>,
) -> ApiResult<(Page<AuditRecord>, Vec<Line>)> {
    let page = audit::list(&state.db, filter, paging).await?;
    let (accounts, units, people, objects) = wording::wanted(&page.items);
    let names = audit::names(&state.db, &accounts, &units, &people, &objects).await?;
    let lines = page.items.iter().map(|r| wording::line(r, &names)).collect();
    Ok((page, lines))
}

/// The chain checked as `qingfeng audit verify` checks it (against the published heads when the
/// data directory keeps them), in plain words.
pub async fn verify(state: &AppState) -> ApiResult<(bool, String)> {
    let heads = match &state.config.data_dir {
        Some(dir) => match std::fs::read_to_string(dir.join(audit::HEADS_FILE)) {
            Ok(text) => match audit::parse_heads(state.db.audit_key(), &text) {
                Ok(h) => h,
                Err(e) => return Ok((false, format!("已发布的链头文件不可信：{e}"))),
            },
            Err(_) => Vec::new(),
        },
        None => Vec::new(),
    };
    Ok(match audit::verify_with_heads(&state.db, &heads).await? {
        Verification::Intact { records } => (true, format!("链完整：共 {records} 条记录，未发现篡改")),
        Verification::Broken { record_id, reason } => (false, format!("第 {record_id} 条起被篡改：{reason}")),
        Verification::WrongKey { reason } => (false, format!("无法校验：{reason}")),
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

pub fn result_label(r: &str) -> &str {
    match r {
        "success" => "成功",
        "failure" => "失败",
        "locked" => "已锁定",
        other => other,
    }
}
