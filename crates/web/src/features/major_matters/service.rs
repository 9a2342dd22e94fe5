//! 重大事项请示报告: the filters, who may read an interference record, and saving a record or
//! an answer with every id checked against the writer's scope.

use qingfeng_domain::major_matters::{
    AnswerFields, MatterDraft, MatterFields, MatterKind, ANSWER_DAYS_DEFAULT, ANSWER_DAYS_SETTING,
};
use qingfeng_domain::time::office_today;
use qingfeng_store::major_matters::{self as store, MatterFilter, MatterRow, Restricted};
use qingfeng_store::org::people;
use qingfeng_store::{Page, Paging, Scope, StoreError};

use crate::auth::Principal;
use crate::features::findings::service::is_discipline_group;
use crate::features::org::service::unit_in_scope;
use crate::http::{ApiError, ApiResult, Params};
use crate::AppState;

/// The query parameters [`matter_filter`] reads.
pub const MATTER_FILTERS: &[&str] = &["kind", "year", "state", "q"];

/// `state`: `unanswered` (请示 not yet answered), `overdue` (answer overdue), `no_meeting`
/// (三重一大 请示 with no later meeting of the unit).
pub async fn matter_filter(state: &AppState, p: &Principal, params: &Params) -> ApiResult<MatterFilter> {
    let kind =
        match params.str("kind") {
            None => None,
            Some(k) => Some(MatterKind::parse(&k).ok_or_else(|| {
                ApiError::bad_request(format!("类别应为{}之一", MatterKind::label_list()), Some("kind"))
            })?),
        };
    let mut f = MatterFilter {
        kind,
        year: params.int("year")?,
        q: params.str("q"),
        restricted: restricted_for(state, p).await?,
        ..Default::default()
    };
    match params.str("state").as_deref() {
        None | Some("") => {}
        Some("unanswered") => f.unanswered = true,
        Some("overdue") => f.overdue_on = Some(office_today()),
        Some("no_meeting") => f.without_meeting = true,
        Some(_) => return Err(ApiError::bad_request("状态应为 unanswered、overdue 或 no_meeting", Some("state"))),
    }
    Ok(f)
}

/// Interference records: every one for the 纪检组, one's own for anyone else.
pub async fn restricted_for(state: &AppState, p: &Principal) -> ApiResult<Restricted> {
    Ok(if is_discipline_group(state, p).await? { Restricted::All } else { Restricted::Own(p.account_id) })
}

pub async fn list(
    state: &AppState,
    p: &Principal,
    params: &Params,
    paging: Option<Paging>,
) -> ApiResult<Page<MatterRow>> {
    let f = matter_filter(state, p, params).await?;
    Ok(store::list(&state.db, &p.scope, &f, paging, office_today()).await?)
}

/// A record the reader may see; an interference record is read outside the data scope by the
/// 纪检组 and by its author, and by nobody else (404, as if it did not exist).
pub async fn get(state: &AppState, p: &Principal, id: i64) -> ApiResult<MatterRow> {
    let restricted = restricted_for(state, p).await?;
    let scope = if restricted == Restricted::All { Scope::all() } else { p.scope.clone() };
    match store::get(&state.db, &scope, restricted, id, office_today()).await {
        Err(StoreError::NotFound) if restricted != Restricted::All => own_interference(state, p, id).await,
        other => Ok(other?),
    }
}

/// An interference record its author filed about a unit outside their scope.
async fn own_interference(state: &AppState, p: &Principal, id: i64) -> ApiResult<MatterRow> {
    let m = store::get(&state.db, &Scope::all(), Restricted::Own(p.account_id), id, office_today()).await?;
    if m.kind == MatterKind::Interference.key() && m.account_id == Some(p.account_id) {
        Ok(m)
    } else {
        Err(ApiError::NotFound)
    }
}

/// The refusal of a unit outside the writer's scope (or one that does not exist).
fn unit_refused(id: i64) -> ApiError {
    StoreError::field("unit_id", format!("单位（编号 {id}）不存在或不在您的数据范围内")).into()
}

async fn answer_days(state: &AppState) -> ApiResult<i64> {
    Ok(qingfeng_store::settings::number(&state.db, ANSWER_DAYS_SETTING, ANSWER_DAYS_DEFAULT).await?)
}

/// Checks a request or report: its fields, then that the unit and the person lie in the
/// writer's scope (named as their fields when not).
async fn checked(state: &AppState, p: &Principal, f: &MatterFields) -> ApiResult<MatterDraft> {
    let d = f.validate(office_today())?;
    if d.kind == MatterKind::Interference {
        return Err(StoreError::field("kind", "插手干预记录请从“记录插手干预”登记").into());
    }
    if unit_in_scope(state, p, d.unit_id).await.is_err() {
        return Err(unit_refused(d.unit_id));
    }
    if people::get(&state.db, &p.scope, d.person_id).await.is_err() {
        let msg = format!("请示报告人（编号 {}）不存在或不在您的数据范围内", d.person_id);
        return Err(StoreError::field("person_id", msg).into());
    }
    Ok(d)
}

pub async fn create(state: &AppState, p: &Principal, f: &MatterFields) -> ApiResult<i64> {
    let d = checked(state, p, f).await?;
    let due = d.answer_due(answer_days(state).await?);
    Ok(store::create(&state.db, &p.actor(), &d, due).await?)
}

/// Records a leader's interference. Anyone signed in may: the record names the author's own
/// person and unit (a person with unit scope may name a unit in it), and goes to the 纪检组.
pub async fn record_interference(state: &AppState, p: &Principal, f: &MatterFields) -> ApiResult<i64> {
    let me = p.person_id.ok_or_else(|| ApiError::Forbidden("您的账号没有关联人员，无法登记插手干预记录".into()))?;
    let me = people::get(&state.db, &Scope::all(), me).await?;
    let f = MatterFields {
        kind: MatterKind::Interference.key().into(),
        person_id: Some(me.id),
        unit_id: Some(f.unit_id.unwrap_or(me.unit_id)),
        ..f.clone()
    };
    let d = f.validate(office_today())?;
    if d.unit_id != me.unit_id && unit_in_scope(state, p, d.unit_id).await.is_err() {
        return Err(unit_refused(d.unit_id));
    }
    Ok(store::create(&state.db, &p.actor(), &d, None).await?)
}

/// Saves an edit of a request or report in the writer's scope (the answer is kept).
pub async fn update(state: &AppState, p: &Principal, id: i64, f: &MatterFields) -> ApiResult<()> {
    let current = store::get(&state.db, &p.scope, Restricted::None, id, office_today()).await?;
    let before = current.draft().ok_or(ApiError::NotFound)?;
    let d = checked(state, p, f).await?;
    let due = d.answer_due(answer_days(state).await?);
    Ok(store::update(&state.db, &p.actor(), id, &before, &d, due).await?)
}

/// Records the answer to a 请示 in the writer's scope.
pub async fn answer(state: &AppState, p: &Principal, id: i64, f: &AnswerFields) -> ApiResult<()> {
    let m = store::get(&state.db, &p.scope, Restricted::None, id, office_today()).await?;
    if m.kind != MatterKind::Request.key() {
        return Err(ApiError::Conflict(format!("{}不需要批复，只有请示登记批复", m.kind_label)));
    }
    let a = f.validate(m.submitted_on, office_today())?;
    Ok(store::answer(&state.db, &p.actor(), id, &a).await?)
}

/// The stored record's fields, for the edit form and a merge patch.
pub async fn fields_of(state: &AppState, p: &Principal, id: i64) -> ApiResult<MatterFields> {
    let m = store::get(&state.db, &p.scope, Restricted::None, id, office_today()).await?;
    m.draft().map(|d| d.fields()).ok_or(ApiError::NotFound)
}
