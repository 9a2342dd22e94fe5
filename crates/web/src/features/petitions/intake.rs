//! The public 网上举报 page's operations: filing with its limits (per-address rate, text sizes,
//! evidence count, size and sniffed type), the receipt code and query password, and the status
//! query with its lock-out. No account is involved; the address is only ever stored as a keyed
//! hash, and the audit trail of a filing names no address.

use axum::extract::Multipart;
use chrono::Duration;
use qingfeng_domain::petitions::{
    check_query_password, sniff_evidence, PetitionFields, MAX_FILES_SETTING, MAX_FILE_MB_SETTING,
    MAX_QUERY_FAILURES_SETTING, MAX_REPORTS_SETTING, QUERY_LOCK_SETTING, REPORT_WINDOW_SETTING,
};
use qingfeng_domain::time::office_today;
use qingfeng_domain::FieldErrors;
use qingfeng_store::accounts::{dummy_hash, hash_password, verify_password};
use qingfeng_store::petitions::{self as store, keyed, Evidence, Receipt};
use qingfeng_store::{settings, Actor};

use crate::http::{ApiError, ApiResult};
use crate::AppState;

/// The actor of a public filing in the audit trail: no account, no address.
fn public_actor() -> Actor {
    Actor { account_id: None, username: "网上举报".into(), address: String::new(), words: None }
}

async fn setting(state: &AppState, (key, default): (&str, i64)) -> ApiResult<i64> {
    Ok(settings::number(&state.db, key, default).await?)
}

/// A filed report as read from the public form.
#[derive(Default)]
pub struct Filing {
    pub fields: PetitionFields,
    pub password: String,
    pub password_again: String,
    pub csrf: String,
    pub evidence: Vec<Evidence>,
}

/// Reads the public form (multipart: text fields and up to N `evidence` files), checking each
/// file's count, size and sniffed type. A refused file refuses the whole filing.
pub async fn read_form(state: &AppState, mut m: Multipart) -> ApiResult<Filing> {
    let max_files = setting(state, MAX_FILES_SETTING).await? as usize;
    let max_bytes = setting(state, MAX_FILE_MB_SETTING).await? as usize * 1024 * 1024;
    let unreadable = || ApiError::bad_request("提交的内容无法读取，请刷新页面后重试", None);
    let mut f = Filing::default();
    while let Some(field) = m.next_field().await.map_err(|_| unreadable())? {
        let name = field.name().unwrap_or("").to_string();
        if name == "evidence" {
            let filename = field.file_name().unwrap_or("").trim().to_string();
            let bytes =
                field.bytes().await.map_err(|_| ApiError::bad_request("证据材料无法读取或过大", Some("evidence")))?;
            if filename.is_empty() && bytes.is_empty() {
                continue; // the empty file input of a form sent without files
            }
            if f.evidence.len() >= max_files {
                return Err(ApiError::bad_request(format!("证据材料最多 {max_files} 个"), Some("evidence")));
            }
            if bytes.len() > max_bytes {
                let mb = max_bytes / 1024 / 1024;
                return Err(ApiError::bad_request(format!("证据材料“{filename}”超过 {mb}MB"), Some("evidence")));
            }
            if bytes.is_empty() {
                return Err(ApiError::bad_request(format!("证据材料“{filename}”是空文件"), Some("evidence")));
            }
            let content_type =
                sniff_evidence(&filename, &bytes).map_err(|m| ApiError::bad_request(m, Some("evidence")))?;
            let filename: String = filename.chars().rev().take(100).collect::<Vec<_>>().into_iter().rev().collect();
            f.evidence.push(Evidence { filename, content_type, bytes: bytes.to_vec() });
            continue;
        }
        let text = field.text().await.map_err(|_| unreadable())?;
        let v = &mut f.fields;
        match name.as_str() {
            "subject_name" => v.subject_name = text,
            "subject_unit" => v.subject_unit = text,
            "subject_post" => v.subject_post = text,
            "content" => v.content = text,
            "happened" => v.happened = text,
            "reporter_name" => v.reporter_name = text,
            "reporter_contact" => v.reporter_contact = text,
            "password" => f.password = text,
            "password_again" => f.password_again = text,
            "csrf_token" => f.csrf = text,
            _ => {}
        }
    }
    Ok(f)
}

/// The per-address limit: refused (429) once an address filed the setting's number of reports
/// within the window.
pub async fn check_rate(state: &AppState, address: &str) -> ApiResult<()> {
    let max = setting(state, MAX_REPORTS_SETTING).await?;
    let minutes = setting(state, REPORT_WINDOW_SETTING).await?;
    let since = qingfeng_store::now() - Duration::minutes(minutes);
    let n = store::attempts(&state.db, "filed", false, &keyed(&state.db, "address", address), since).await?;
    if n >= max {
        return Err(ApiError::TooManyRequests(format!(
            "提交过于频繁：同一网络地址 {minutes} 分钟内最多提交 {max} 件举报，请稍后再试"
        )));
    }
    Ok(())
}

/// Files a report: validated, the query password hashed, a receipt code drawn. Answers the
/// receipt code (shown once; only its keyed hash is kept).
pub async fn file(state: &AppState, address: &str, f: Filing) -> ApiResult<String> {
    check_rate(state, address).await?;
    let mut errors = match f.fields.validate(office_today(), true) {
        Ok(_) => FieldErrors::default(),
        Err(e) => e,
    };
    check_query_password(&mut errors, &f.password, &f.password_again);
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let d = f.fields.validate(office_today(), true)?;
    let code = store::new_receipt_code();
    let pw = f.password.clone();
    let password_hash =
        tokio::task::spawn_blocking(move || hash_password(&pw)).await.map_err(|e| ApiError::Internal(e.to_string()))?;
    let receipt = Receipt {
        receipt_key: keyed(&state.db, "receipt", &code),
        password_hash,
        address_key: keyed(&state.db, "address", address),
    };
    let key = state.config.reporter_key.as_ref();
    store::create(&state.db, &public_actor(), &d, None, key, Some(&receipt), f.evidence).await?;
    Ok(code)
}

/// What the filer may read of their report.
pub struct Status {
    pub received_on: chrono::NaiveDate,
    pub state: &'static str,
    pub answer: String,
}

/// The one answer to a wrong code and to a wrong password alike.
pub const WRONG: &str = "受理编号或查询密码不正确";

/// A status query: the same refusal for a wrong code and a wrong password (the password is
/// verified against a dummy hash when the code is unknown, so the time does not tell either),
/// and a lock-out after the setting's number of failures for the code or from the address.
pub async fn status(state: &AppState, address: &str, code: &str, password: &str) -> ApiResult<Status> {
    let code = store::normalize_receipt_code(code);
    if code.is_empty() || password.is_empty() || code.len() > 40 || password.chars().count() > 64 {
        return Err(ApiError::bad_request("请输入受理编号和查询密码", Some("code")));
    }
    let (address_key, receipt_key) = (keyed(&state.db, "address", address), keyed(&state.db, "receipt", &code));
    let max = setting(state, MAX_QUERY_FAILURES_SETTING).await?;
    let minutes = setting(state, QUERY_LOCK_SETTING).await?;
    let since = qingfeng_store::now() - Duration::minutes(minutes);
    let locked = store::attempts(&state.db, "query_failed", false, &address_key, since).await? >= max
        || store::attempts(&state.db, "query_failed", true, &receipt_key, since).await? >= max;
    let row = store::by_receipt(&state.db, &receipt_key).await?;
    let hash = row.as_ref().and_then(|r| r.password_hash.clone()).unwrap_or_else(|| dummy_hash().to_string());
    let pw = password.to_string();
    let matches = tokio::task::spawn_blocking(move || verify_password(&pw, &hash)).await.unwrap_or(false);
    if locked {
        store::record_failed_query(&state.db, &address_key, &receipt_key).await?;
        return Err(ApiError::TooManyRequests(format!("查询失败次数过多，请 {minutes} 分钟后再试")));
    }
    match row {
        Some(r) if matches => Ok(Status { received_on: r.received_on, state: r.label(), answer: r.answer }),
        _ => {
            store::record_failed_query(&state.db, &address_key, &receipt_key).await?;
            Err(ApiError::LoginFailed(WRONG.into()))
        }
    }
}
