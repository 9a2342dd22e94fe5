//! 党风廉政意见回复: the 纪检组 drafts the standard reply from a person's file (measures in their
//! 影响期, clues under check, findings being rectified), edits it and signs it out; a signed
//! reply is frozen. Readers: whoever may read files (the 纪检组, 组织人事), within their scope.

use chrono::NaiveDate;
use qingfeng_domain::access::Permission;
use qingfeng_domain::findings::FindingState;
use qingfeng_domain::integrity::{conclusion, reply_body, MeasureFact, ReplyFacts, ReplyFields};
use qingfeng_domain::time::office_today;
use qingfeng_store::findings::{self, FindingFilter};
use qingfeng_store::integrity::{self as store, IntegrityReply};
use qingfeng_store::org::people::{self, Person};
use qingfeng_store::{audit, clues, Scope, StoreError};

use super::service::{discipline_records, may_reply, open, Viewer};
use crate::auth::Principal;
use crate::http::{ApiError, ApiResult};
use crate::AppState;

/// The facts a reply about `person` states as of `as_of`.
pub async fn facts(state: &AppState, person: &Person, as_of: NaiveDate) -> ApiResult<ReplyFacts> {
    let measures = discipline_records(state, person.id, as_of)
        .await?
        .into_iter()
        .map(|r| MeasureFact {
            label: r.measure_label,
            decided_on: r.decided_on,
            deciding_body: r.deciding_body,
            effect_until: r.effect_until,
        })
        .collect();
    let f = FindingFilter { person_id: Some(person.id), ..Default::default() };
    let open: Vec<_> = findings::list(&state.db, &Scope::all(), &f, None, as_of)
        .await?
        .items
        .into_iter()
        .filter(|x| x.state != FindingState::SignedOff.key())
        .collect();
    Ok(ReplyFacts {
        person_name: person.name.clone(),
        post: format!("{}{}", person.unit_name, person.title),
        as_of,
        measures,
        open_clues: Some(clues::open_for_person(&state.db, person.id).await?.len() as u32),
        open_findings: open.len() as u32,
        overdue_findings: open.iter().filter(|x| x.overdue).count() as u32,
    })
}

async fn require_group(state: &AppState, p: &Principal) -> ApiResult<()> {
    if may_reply(state, p).await? {
        Ok(())
    } else {
        Err(ApiError::Forbidden("只有纪检监察组可以起草和签发党风廉政意见回复".into()))
    }
}

/// Drafts a reply about `person`: the standard wording unless a text is given.
pub async fn generate(state: &AppState, p: &Principal, person: i64, f: &ReplyFields) -> ApiResult<i64> {
    require_group(state, p).await?;
    let (person, viewer) = open(state, p, person).await?;
    if viewer != Viewer::Group {
        return Err(ApiError::Forbidden("不能为本人起草党风廉政意见回复".into()));
    }
    let mut f = f.validate(false)?;
    let today = office_today();
    let facts = facts(state, &person, today).await?;
    if f.body.is_empty() {
        f.body = reply_body(&facts);
    }
    Ok(store::create(&state.db, &p.actor(), person.id, person.unit_id, &f, today, conclusion(&facts)).await?)
}

/// A reply the caller may read; for anyone else a 404 and an audit row.
pub async fn get(state: &AppState, p: &Principal, id: i64) -> ApiResult<IntegrityReply> {
    let found = if p.can(Permission::IntegrityRead) {
        store::get(&state.db, &p.scope, id).await
    } else {
        Err(StoreError::NotFound)
    };
    match found {
        Err(StoreError::NotFound) => {
            audit::refused_view(&state.db, &p.actor(), "integrity_reply", id).await?;
            Err(ApiError::NotFound)
        }
        other => Ok(other?),
    }
}

/// The reply's editable fields (for the form and a merge patch).
pub fn fields_of(r: &IntegrityReply) -> ReplyFields {
    ReplyFields { addressee: r.addressee.clone(), purpose: r.purpose.clone(), body: r.body.clone() }
}

/// Saves an edit of a draft (a signed reply is refused: 409).
pub async fn update(state: &AppState, p: &Principal, id: i64, f: &ReplyFields) -> ApiResult<()> {
    require_group(state, p).await?;
    let before = get(state, p, id).await?;
    let f = f.validate(true)?;
    Ok(store::update(&state.db, &p.actor(), &before, &f).await?)
}

/// Signs a draft out today in the caller's name.
pub async fn sign(state: &AppState, p: &Principal, id: i64) -> ApiResult<()> {
    require_group(state, p).await?;
    let before = get(state, p, id).await?;
    let signer = match p.person_id {
        Some(pid) => people::get(&state.db, &Scope::all(), pid).await.map_or_else(|_| p.username.clone(), |x| x.name),
        None => p.username.clone(),
    };
    Ok(store::sign(&state.db, &p.actor(), &before, &signer, office_today()).await?)
}
