//! 个人有关事项: who reads a report (the person and the 纪检监察组; anyone else is told it does
//! not exist), who may file for whom, the settings the due days come from, the review and the
//! list of people who must report. `filer_for`, `is_group` and the attachment checks serve the
//! 婚丧喜庆 reports as well.

use chrono::Datelike;
use qingfeng_domain::access::Permission;
use qingfeng_domain::personal::{PersonalReportFields, ReportKind, Review, ReviewFields, EVENT_DAYS_SETTING};
use qingfeng_domain::time::office_today;
use qingfeng_store::personal_reports::{self as store, Obligation, PersonalReport, Reader, ReportFilter};
use qingfeng_store::private_files::{self, PrivateFile};
use qingfeng_store::{notify, org::people, settings, StoreError};
use serde::Serialize;

use crate::auth::Principal;
use axum::extract::Multipart;

use crate::http::{read_attachment, ApiError, ApiResult, Params};
use crate::AppState;

/// The record kind of a report's attachments.
pub const FILES: &str = "personal_report";
/// The query parameters [`report_filter`] reads.
pub const REPORT_FILTERS: &[&str] = &["year", "kind", "person", "review", "late"];

/// The 纪检监察组 (or whoever holds its right to read and review these reports).
pub fn is_group(p: &Principal) -> bool {
    p.can(Permission::PersonalReportReview)
}

/// What the caller may read: the group every report in its scope, anyone else their own.
pub fn reader(p: &Principal) -> Reader<'_> {
    if is_group(p) {
        Reader::Group(&p.scope)
    } else {
        // an account without a person owns no reports: id 0 matches none
        Reader::Own(p.person_id.unwrap_or(0))
    }
}

/// Whose report is being filed: the caller's own (no `person_id`, or their own), or — for the
/// 纪检监察组 only — someone in its scope. Anyone else filing for another person is refused (403).
pub async fn filer_for(state: &AppState, p: &Principal, person_id: Option<i64>) -> ApiResult<i64> {
    match (person_id, p.person_id) {
        (None, Some(own)) => Ok(own),
        (Some(id), Some(own)) if id == own => Ok(own),
        (None, None) => Err(StoreError::field("person_id", "您的账号未关联人员，请选择报告人").into()),
        (Some(_), _) if !is_group(p) => {
            Err(ApiError::Forbidden("只能填报本人的报告；代为登记他人的报告须由纪检监察组办理".into()))
        }
        (Some(id), _) => match people::get(&state.db, &p.scope, id).await {
            Ok(person) => Ok(person.id),
            Err(StoreError::NotFound) => {
                Err(StoreError::field("person_id", format!("报告人（编号 {id}）不存在或不在您的数据范围内")).into())
            }
            Err(e) => Err(e.into()),
        },
    }
}

pub fn report_filter(params: &Params) -> ApiResult<ReportFilter> {
    let kind = match params.str("kind") {
        None => None,
        Some(k) => Some(ReportKind::parse(&k).ok_or_else(|| {
            ApiError::bad_request(format!("报告类型应为{}之一", ReportKind::label_list()), Some("kind"))
        })?),
    };
    let review = match params.str("review") {
        None => None,
        Some(r) if r == "pending" => Some(r),
        Some(r) => Some(
            Review::parse(&r)
                .ok_or_else(|| ApiError::bad_request("核查结果应为 pending、如实或不如实", Some("review")))?
                .key()
                .to_string(),
        ),
    };
    Ok(ReportFilter {
        year: params.int("year")?,
        kind,
        person_id: params.int("person")?,
        review,
        late: params.bool("late")?,
    })
}

/// Files a report dated today; the due day comes from the settings in force.
pub async fn create(state: &AppState, p: &Principal, f: &PersonalReportFields) -> ApiResult<i64> {
    let person = filer_for(state, p, f.person_id).await?;
    let month_day = notify::annual_month_day(&state.db).await?;
    let days = settings::number(&state.db, EVENT_DAYS_SETTING, qingfeng_domain::personal::DEFAULT_EVENT_DAYS).await?;
    let d = f.validate(office_today(), month_day, days)?;
    Ok(store::create(&state.db, &p.actor(), person, &d).await?)
}

/// A report with its attachments, as the reader may see it (404 for anyone else).
#[derive(Serialize, utoipa::ToSchema)]
pub struct ReportDetail {
    #[serde(flatten)]
    pub report: PersonalReport,
    pub attachments: Vec<PrivateFile>,
}

pub async fn detail(state: &AppState, p: &Principal, id: i64) -> ApiResult<ReportDetail> {
    let report = store::get(&state.db, reader(p), id).await?;
    let attachments = private_files::list(&state.db, FILES, id).await?;
    Ok(ReportDetail { report, attachments })
}

/// The 纪检组's review of a report in its scope.
pub async fn review(state: &AppState, p: &Principal, id: i64, f: &ReviewFields) -> ApiResult<()> {
    store::get(&state.db, Reader::Group(&p.scope), id).await?;
    let (result, note) = f.validate()?;
    Ok(store::review(&state.db, &p.actor(), id, result, &note).await?)
}

/// Adds the uploaded file (multipart `file`) to a record the caller has opened and is the
/// person of, or supervises.
pub async fn add_file(
    state: &AppState,
    p: &Principal,
    kind: &str,
    record_id: i64,
    person_id: i64,
    m: Multipart,
) -> ApiResult<PrivateFile> {
    if !is_group(p) && p.person_id != Some(person_id) {
        return Err(ApiError::Forbidden("只有本人和纪检监察组可以添加附件".into()));
    }
    let a = read_attachment(m).await?;
    Ok(private_files::add(&state.db, &p.actor(), kind, record_id, &a.filename, a.content_type, a.bytes).await?)
}

/// The page answer of an upload: back to the record, with the refusal named when there is one.
pub fn after_upload(result: ApiResult<PrivateFile>, back: &str) -> crate::http::PageResult {
    match result {
        Ok(_) => Ok(crate::http::see_other(back)),
        Err(ApiError::BadRequest { message, .. } | ApiError::Forbidden(message)) => {
            Ok(crate::http::see_other(format!("{back}?message={}", crate::http::percent_encode(&message))))
        }
        Err(e) => Err(e.into()),
    }
}

/// An attachment with its content, if the reader may open its record (404 otherwise).
pub async fn file(state: &AppState, p: &Principal, id: i64) -> ApiResult<(PrivateFile, Vec<u8>)> {
    let meta = private_files::meta(&state.db, id).await?;
    match meta.record_kind.as_str() {
        FILES => {
            store::get(&state.db, reader(p), meta.record_id).await?;
        }
        _ => {
            crate::features::family_events::service::readable(state, p, meta.record_id).await?;
        }
    }
    let content = private_files::content(&state.db, id).await?;
    Ok((meta, content))
}

/// The year a request names, this year by default.
pub fn year_of(params: &Params) -> ApiResult<i64> {
    Ok(params.int("year")?.unwrap_or_else(|| i64::from(office_today().year())))
}

/// Who must report in the reader's scope and whether the year's annual report is in.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Obligations {
    pub year: i64,
    pub due: chrono::NaiveDate,
    pub people: Vec<Obligation>,
    /// how many have not filed the annual report
    pub missing: usize,
}

pub async fn obligations(state: &AppState, p: &Principal, year: i64) -> ApiResult<Obligations> {
    let people = store::obligations(&state.db, &p.scope, year).await?;
    let md = notify::annual_month_day(&state.db).await?;
    let due = qingfeng_domain::personal::annual_due(year as i32, md);
    let missing = people.iter().filter(|o| o.report_id.is_none()).count();
    Ok(Obligations { year, due, people, missing })
}

/// Marks a person in scope as having to report, with the reason.
pub async fn mark(state: &AppState, p: &Principal, person_id: i64, reason: &str) -> ApiResult<()> {
    let reason = qingfeng_domain::text::trim_all(reason);
    if reason.is_empty() || reason.chars().count() > 200 {
        return Err(StoreError::field("reason", "请写明列为报告对象的理由（200 字以内）").into());
    }
    people::get(&state.db, &p.scope, person_id).await.map_err(|_| {
        ApiError::from(StoreError::field("person_id", format!("人员（编号 {person_id}）不存在或不在您的数据范围内")))
    })?;
    Ok(store::mark(&state.db, &p.actor(), person_id, reason).await?)
}

pub async fn unmark(state: &AppState, p: &Principal, person_id: i64) -> ApiResult<()> {
    people::get(&state.db, &p.scope, person_id).await?;
    Ok(store::unmark(&state.db, &p.actor(), person_id).await?)
}
