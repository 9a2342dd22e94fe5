//! 问题线索 for the 纪检组: the register with its filters, the four dispositions (the 函询
//! reply due 15 working days on, by the holiday calendar), the conclusion, merging duplicates,
//! and turning a clue into a finding through the findings flow. Anyone else asking for a clue
//! gets a 404 and leaves an audit row.

use qingfeng_domain::findings::{FindingFields, Origin};
use qingfeng_domain::petitions::{ClueState, ConcludeFields, DisposeFields, Disposition, Source, REPLY_DAYS_SETTING};
use qingfeng_domain::time::office_today;
use qingfeng_store::clues::{self as store, Clue, ClueFilter, ClueStep};
use qingfeng_store::petitions::{self as petitions, Petition};
use qingfeng_store::{holidays, settings, Page, Paging, StoreError};
use serde::{Deserialize, Serialize};

use crate::auth::Principal;
use crate::features::findings::service::validate_finding;
use crate::features::petitions::service::require_group;
use crate::http::{ApiError, ApiResult, Params};
use crate::AppState;

/// The query parameters [`filter`] reads.
pub const FILTERS: &[&str] = &["state", "disposition", "source", "year", "person", "overdue", "q"];

fn bad(key: &str, allowed: String) -> ApiError {
    ApiError::bad_request(format!("参数 {key} 应为{allowed}之一"), Some(key))
}

pub fn filter(params: &Params) -> ApiResult<ClueFilter> {
    let state = match params.str("state") {
        Some(s) => Some(ClueState::parse(&s).ok_or_else(|| bad("state", ClueState::label_list()))?),
        None => None,
    };
    let disposition = match params.str("disposition") {
        Some(s) => Some(Disposition::parse(&s).ok_or_else(|| bad("disposition", Disposition::label_list()))?),
        None => None,
    };
    let source = match params.str("source") {
        Some(s) => Some(Source::parse(&s).ok_or_else(|| bad("source", Source::label_list()))?),
        None => None,
    };
    Ok(ClueFilter {
        state,
        disposition,
        source,
        year: params.int("year")?,
        person_id: params.int("person")?,
        overdue_on: params.bool("overdue")?.unwrap_or(false).then(office_today),
        q: params.str("q"),
    })
}

pub async fn list(state: &AppState, p: &Principal, params: &Params, paging: Option<Paging>) -> ApiResult<Page<Clue>> {
    require_group(state, p, "clue", 0).await?;
    Ok(store::list(&state.db, &p.scope, &filter(params)?, paging, office_today()).await?)
}

/// A clue the group may read; a 404 and an audit row for anyone else.
pub async fn get(state: &AppState, p: &Principal, id: i64) -> ApiResult<Clue> {
    require_group(state, p, "clue", id).await?;
    match store::get(&state.db, &p.scope, id, office_today()).await {
        Err(StoreError::NotFound) => {
            petitions::log_refused_view(&state.db, &p.actor(), "clue", id).await?;
            Err(ApiError::NotFound)
        }
        other => Ok(other?),
    }
}

/// A clue with its reports (the originals, also of merged duplicates) and its steps.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ClueDetail {
    #[serde(flatten)]
    pub clue: Clue,
    pub petitions: Vec<Petition>,
    pub steps: Vec<ClueStep>,
}

pub async fn detail(state: &AppState, p: &Principal, id: i64) -> ApiResult<ClueDetail> {
    let clue = get(state, p, id).await?;
    let root = clue.merged_into.unwrap_or(clue.id);
    Ok(ClueDetail {
        petitions: petitions::of_clue(&state.db, root).await?,
        steps: store::steps(&state.db, id).await?,
        clue,
    })
}

/// Chooses a disposition. 谈话函询: the reply is due the setting's number of working days on
/// (15 by default), counted on the holiday calendar; 初步核实: the deadline given.
pub async fn dispose(state: &AppState, p: &Principal, id: i64, f: &DisposeFields) -> ApiResult<()> {
    let c = get(state, p, id).await?;
    let today = office_today();
    let d = f.validate(today)?;
    let due_on = match d.disposition {
        Disposition::TalkInquiry => {
            let days = settings::number(&state.db, REPLY_DAYS_SETTING.0, REPLY_DAYS_SETTING.1).await?;
            Some(holidays::calendar(&state.db).await?.add_working_days(today, days))
        }
        _ => d.due_on,
    };
    Ok(store::dispose(&state.db, &p.actor(), &c, &d, due_on).await?)
}

pub async fn conclude(state: &AppState, p: &Principal, id: i64, f: &ConcludeFields) -> ApiResult<()> {
    let c = get(state, p, id).await?;
    let (result, answer) = f.validate()?;
    Ok(store::conclude(&state.db, &p.actor(), &c, &result, &answer).await?)
}

/// Merging a duplicate into the clue about the same matter.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct MergeFields {
    /// the clue (id) this one duplicates
    pub into: Option<i64>,
}

pub async fn merge(state: &AppState, p: &Principal, id: i64, f: &MergeFields) -> ApiResult<()> {
    let dup = get(state, p, id).await?;
    let Some(into_id) = f.into else {
        return Err(StoreError::field("into", "请填写要并入的线索编号").into());
    };
    let into = get(state, p, into_id).await.map_err(|_| {
        ApiError::from(StoreError::field("into", format!("线索（编号 {into_id}）不存在或不在您的数据范围内")))
    })?;
    Ok(store::merge(&state.db, &p.actor(), &dup, &into).await?)
}

/// Turns a clue into a finding of the findings flow (its unit, category and words as a finding
/// recorded by the 纪检组 would have them; the reporter is never named).
pub async fn to_finding(state: &AppState, p: &Principal, id: i64, f: &FindingFields) -> ApiResult<i64> {
    let c = get(state, p, id).await?;
    if c.state() == ClueState::Merged {
        return Err(ApiError::Conflict(format!("{}已并入其他线索，请在该线索上转为问题", c.register_no)));
    }
    let mut f = f.clone();
    if f.source.trim().is_empty() {
        f.source = qingfeng_domain::findings::Source::Petition.label().into();
    }
    if f.found_on.trim().is_empty() {
        f.found_on = office_today().to_string();
    }
    if f.description.trim().is_empty() {
        f.description = format!("{}：{}", c.register_no, c.summary);
    }
    let d = validate_finding(state, p, &f, Origin::Supervision, None).await?;
    Ok(store::to_finding(&state.db, &p.actor(), &c, &d).await?)
}
