//! 信访举报 for the 纪检组: the inbox, reports entered by hand (来信, 来访, 12388, 上级转办),
//! acceptance into the clue register, evidence files and, for the holder of the dedicated
//! permission only, the reporter's identity. Anyone else asking for a report or an identity gets
//! a 404 (as if it did not exist) and leaves an audit row.

use qingfeng_domain::access::Permission;
use qingfeng_domain::petitions::{Identity, PetitionDraft, PetitionFields, Source};
use qingfeng_domain::time::office_today;
use qingfeng_store::petitions::{self as store, Petition, PetitionFilter, EVIDENCE};
use qingfeng_store::private_files::{self, PrivateFile};
use qingfeng_store::{Page, Paging, StoreError};
use serde::{Deserialize, Serialize};

use crate::auth::Principal;
use crate::features::findings::service::is_discipline_group;
use crate::http::{ApiError, ApiResult, Params};
use crate::AppState;

/// The query parameters [`filter`] reads.
pub const FILTERS: &[&str] = &["state", "source", "q"];

/// Whether the caller is the 纪检组 reading reports and clues (the built-in administrator holds
/// every permission but is not the group).
pub async fn is_group(state: &AppState, p: &Principal) -> ApiResult<bool> {
    Ok(p.can(Permission::PetitionRead) && is_discipline_group(state, p).await?)
}

/// The group, or a 404 with an audit row naming what was asked for (`entity`, `id`; 0 for a list).
pub async fn require_group(state: &AppState, p: &Principal, entity: &str, id: i64) -> ApiResult<()> {
    if is_group(state, p).await? {
        return Ok(());
    }
    store::log_refused_view(&state.db, &p.actor(), entity, id).await?;
    Err(ApiError::NotFound)
}

pub fn filter(params: &Params) -> ApiResult<PetitionFilter> {
    let state = match params.str("state").as_deref() {
        None => None,
        Some(s @ ("received" | "accepted")) => Some(s.to_string()),
        Some("待受理") => Some("received".into()),
        Some("已受理") => Some("accepted".into()),
        Some(_) => {
            return Err(ApiError::bad_request("参数 state 应为 received（待受理）或 accepted（已受理）", Some("state")))
        }
    };
    let source = match params.str("source") {
        None => None,
        Some(s) => Some(Source::parse(&s).ok_or_else(|| {
            ApiError::bad_request(format!("参数 source 应为{}之一", Source::label_list()), Some("source"))
        })?),
    };
    Ok(PetitionFilter { state, source, q: params.str("q") })
}

pub async fn list(
    state: &AppState,
    p: &Principal,
    params: &Params,
    paging: Option<Paging>,
) -> ApiResult<Page<Petition>> {
    require_group(state, p, "petition", 0).await?;
    Ok(store::list(&state.db, &p.scope, &filter(params)?, paging).await?)
}

/// A report the group may read; a 404 and an audit row for anyone else.
pub async fn get(state: &AppState, p: &Principal, id: i64) -> ApiResult<Petition> {
    require_group(state, p, "petition", id).await?;
    match store::get(&state.db, &p.scope, id).await {
        Err(StoreError::NotFound) => {
            store::log_refused_view(&state.db, &p.actor(), "petition", id).await?;
            Err(ApiError::NotFound)
        }
        other => Ok(other?),
    }
}

/// The unit of a person the group matched a report to, checked against the writer's scope.
async fn person_unit(state: &AppState, p: &Principal, person_id: Option<i64>) -> ApiResult<Option<i64>> {
    let Some(pid) = person_id else { return Ok(None) };
    match qingfeng_store::org::people::get(&state.db, &p.scope, pid).await {
        Ok(person) => Ok(Some(person.unit_id)),
        Err(_) => {
            Err(StoreError::field("person_id", format!("被反映人（编号 {pid}）不存在或不在您的数据范围内")).into())
        }
    }
}

/// Validates a report entered by hand (the person, if matched, in the writer's scope).
pub async fn validate(state: &AppState, p: &Principal, f: &PetitionFields) -> ApiResult<(PetitionDraft, Option<i64>)> {
    let d = f.validate(office_today(), false)?;
    let unit = person_unit(state, p, d.person_id).await?;
    Ok((d, unit))
}

/// Records a report entered by hand (来信, 来访, 12388, 上级转办).
pub async fn create(state: &AppState, p: &Principal, f: &PetitionFields) -> ApiResult<i64> {
    require_group(state, p, "petition", 0).await?;
    let (d, unit) = validate(state, p, f).await?;
    let key = state.config.reporter_key.as_ref();
    Ok(store::create(&state.db, &p.actor(), &d, unit, key, None, Vec::new()).await?)
}

/// Accepting a report: into a new clue, or into an existing one about the same matter.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct AcceptFields {
    /// the existing clue (id) it joins; none: a new clue is registered
    pub into_clue: Option<i64>,
    /// the person the report is about, when the group matches one (sets the clue's data scope)
    pub person_id: Option<i64>,
}

/// The clue a report became.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Accepted {
    pub clue_id: i64,
}

pub async fn accept(state: &AppState, p: &Principal, id: i64, f: &AcceptFields) -> ApiResult<i64> {
    let mut t = get(state, p, id).await?;
    if f.person_id.is_some() && f.person_id != t.person_id {
        t.unit_id = person_unit(state, p, f.person_id).await?;
        t.person_id = f.person_id;
        qingfeng_store::petitions::match_person(&state.db, &p.actor(), t.id, t.person_id, t.unit_id).await?;
    }
    if let Some(cid) = f.into_clue {
        let c = crate::features::clues::service::get(state, p, cid).await.map_err(|_| {
            ApiError::from(StoreError::field("into_clue", format!("线索（编号 {cid}）不存在或不在您的数据范围内")))
        })?;
        if !matches!(c.state.as_str(), "pending" | "inquiring" | "checking" | "shelved") {
            return Err(
                StoreError::field("into_clue", format!("{}{}，不能再并入举报", c.register_no, c.state_label)).into()
            );
        }
    }
    Ok(store::accept(&state.db, &p.actor(), &t, f.into_clue).await?)
}

/// The reporter's identity: only for the group's holders of `petition:reporter`; each view is
/// audited. Anyone else: 404 and an audit row.
pub async fn identity(state: &AppState, p: &Principal, id: i64) -> ApiResult<Option<Identity>> {
    if !(p.can(Permission::ReporterIdentity) && is_group(state, p).await?) {
        store::log_refused_view(&state.db, &p.actor(), "petition_identity", id).await?;
        return Err(ApiError::NotFound);
    }
    get(state, p, id).await?;
    Ok(store::identity(&state.db, &p.actor(), state.config.reporter_key.as_ref(), id).await?)
}

pub async fn files(state: &AppState, p: &Principal, id: i64) -> ApiResult<Vec<PrivateFile>> {
    get(state, p, id).await?;
    Ok(private_files::list(&state.db, EVIDENCE, id).await?)
}

/// An evidence file of a report the reader may open (404 for another record's file).
pub async fn file(state: &AppState, p: &Principal, id: i64, file_id: i64) -> ApiResult<(PrivateFile, Vec<u8>)> {
    get(state, p, id).await?;
    let meta = private_files::meta(&state.db, file_id).await?;
    if meta.record_kind != EVIDENCE || meta.record_id != id {
        return Err(StoreError::NotFound.into());
    }
    Ok((meta, private_files::content(&state.db, file_id).await?))
}
