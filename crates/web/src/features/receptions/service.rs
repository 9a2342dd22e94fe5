//! 公务接待: validation, scope checks and the steps shared by the API and the pages.
//!
//! A reception is read through its host unit (仅本人: one the reader recorded). Recording or
//! changing one needs `reception:write` and its host unit in the writer's scope. Turning a
//! failed check into a finding needs `reception:convert` (the 纪检组). The scanned 公函 is a
//! private attachment of the reception, read and added through the reception.

use axum::extract::Multipart;
use qingfeng_domain::findings::{Category, FindingDraft, Severity, Source};
use qingfeng_domain::receptions::{checks, ReceptionDraft, ReceptionFields};
use qingfeng_domain::rules::Check;
use qingfeng_store::fulfilment::today;
use qingfeng_store::private_files::{self, PrivateFile};
use qingfeng_store::receptions::{self as store, Reception, ReceptionFilter, LETTER_FILES};
use qingfeng_store::{now, Scope, StoreError};

use crate::auth::Principal;
use crate::features::findings::checked_api::Checked;
use crate::features::findings::from_checks::failed_check;
use crate::features::findings::service::check_unit_scope;
use crate::http::{read_attachment, ApiError, ApiResult, Params};
use crate::AppState;

/// The query parameters [`filter`] reads.
pub const FILTERS: &[&str] = &["year", "unit", "include_sub", "failed", "q"];

/// The register's filters from the query string.
pub fn filter(params: &Params) -> ApiResult<ReceptionFilter> {
    let year = match params.int("year")? {
        Some(y) if (2000..=2100).contains(&y) => Some(y as i32),
        Some(_) => return Err(ApiError::bad_request("参数 year 应为 2000 至 2100 之间的年份", Some("year"))),
        None => None,
    };
    Ok(ReceptionFilter {
        year,
        unit_id: params.int("unit")?,
        include_sub: params.bool("include_sub")?.unwrap_or(true),
        failed: params.bool("failed")?.unwrap_or(false),
        q: params.str("q"),
    })
}

/// Validates a reception for the caller: its host unit in the caller's scope.
pub async fn validate(state: &AppState, p: &Principal, f: &ReceptionFields) -> ApiResult<ReceptionDraft> {
    let d = f.validate()?;
    check_unit_scope(state, p, d.unit_id).await?;
    Ok(d)
}

/// The finding category a failed rule points at: meals over the standard or with alcohol are
/// 违规公款吃喝, everything else 提供或接受超标准接待.
pub fn category_for(rule: &str) -> Category {
    match rule {
        "R-REC-3" | "R-REC-6" | "R-REC-7" => Category::PublicDining,
        _ => Category::Reception,
    }
}

/// 公务接待 as a record with checks: what the JSON handlers of [`crate::features::findings::checked_api`]
/// and the pages call.
pub struct Receptions;

impl Checked for Receptions {
    type Record = Reception;
    type Fields = ReceptionFields;

    async fn get(state: &AppState, scope: &Scope, id: i64) -> ApiResult<Reception> {
        Ok(store::get(&state.db, scope, id).await?)
    }

    fn fields(record: &Reception) -> ReceptionFields {
        record.fields()
    }

    /// The dry run: every check of the reception as entered, against the settings in force;
    /// nothing is written.
    async fn dry_run(state: &AppState, p: &Principal, f: &ReceptionFields) -> ApiResult<Vec<Check>> {
        let d = validate(state, p, f).await?;
        Ok(checks(&d, &store::settings(&state.db).await?))
    }

    /// Records a reception.
    async fn create(state: &AppState, p: &Principal, f: &ReceptionFields) -> ApiResult<i64> {
        let d = validate(state, p, f).await?;
        Ok(store::create(&state.db, &p.actor(), &d, now()).await?)
    }

    /// Changes a reception the caller may write.
    async fn edit(state: &AppState, p: &Principal, r: &Reception, f: &ReceptionFields) -> ApiResult<()> {
        if !p.scope.covers_unit(r.unit_id, &r.unit_path) {
            return Err(ApiError::Forbidden("该接待的单位不在您的数据范围内，不能修改".into()));
        }
        let d = validate(state, p, f).await?;
        Ok(store::update(&state.db, &p.actor(), r, &d, now()).await?)
    }

    /// 转为问题: a failed check of a reception in the caller's scope becomes a finding.
    async fn convert(state: &AppState, p: &Principal, id: i64, rule: &str) -> ApiResult<i64> {
        let r = store::get(&state.db, &p.scope, id).await?;
        let c = failed_check(&r.checks, rule, "公务接待", "该接待")?;
        let d = finding_for(&r, c);
        Ok(store::link_finding(&state.db, &p.actor(), id, rule, &d, now()).await?)
    }
}

/// The finding a failed check becomes: the host unit, 监督检查, citing the rule, its source and
/// the reception (its page is the evidence).
fn finding_for(r: &Reception, c: &Check) -> FindingDraft {
    let letter = if r.letter_ref.is_empty() {
        "无公函".to_string()
    } else {
        format!("公函 {}（{}）", r.letter_ref, r.letter_unit)
    };
    FindingDraft {
        unit_id: r.unit_id,
        source: Source::Inspection,
        category: category_for(&c.rule),
        description: format!(
            "公务接待：{} {} 至 {} 接待{}（{}，接待对象 {} 人，合计 {} 元）未通过 {} 检查：{}。依据：{}。接待记录 /receptions/{}",
            r.unit_name,
            r.starts_on,
            r.ends_on,
            if r.purpose.is_empty() { String::new() } else { format!("“{}”", r.purpose) },
            letter,
            r.guest_count,
            r.total(),
            c.rule,
            c.message,
            c.source,
            r.id
        ),
        severity: Severity::General,
        found_on: today(),
        responsible_leader_id: None,
        responsible_person_id: None,
        campaign_id: None,
        risk_point_id: None,
    }
}

/// Adds the scanned 公函 (or another document) to a reception the caller may write; the upload
/// is read within the attachment limits (type and 10MB).
pub async fn add_file(state: &AppState, p: &Principal, id: i64, m: Multipart) -> ApiResult<PrivateFile> {
    let r = store::get(&state.db, &p.scope, id).await?;
    if !p.scope.covers_unit(r.unit_id, &r.unit_path) {
        return Err(ApiError::Forbidden("该接待的单位不在您的数据范围内，不能添加附件".into()));
    }
    let a = read_attachment(m).await?;
    Ok(private_files::add(&state.db, &p.actor(), LETTER_FILES, id, &a.filename, a.content_type, a.bytes).await?)
}

/// A file of a reception the reader may open (404 otherwise, and for another record's file).
pub async fn file(state: &AppState, p: &Principal, id: i64, file_id: i64) -> ApiResult<(PrivateFile, Vec<u8>)> {
    store::get(&state.db, &p.scope, id).await?;
    let meta = private_files::meta(&state.db, file_id).await?;
    if meta.record_kind != LETTER_FILES || meta.record_id != id {
        return Err(StoreError::NotFound.into());
    }
    let content = private_files::content(&state.db, file_id).await?;
    Ok((meta, content))
}
