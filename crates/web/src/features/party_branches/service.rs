//! 党支部: the branches a reader sees, one branch's members and committee on a day, and the
//! changes (add or remove a member, set a committee post), each checked against the writer's
//! scope: the branch and every person named must be inside it.

use chrono::NaiveDate;
use qingfeng_domain::dict::{BranchPost, PersonStatus, PoliticalStatus};
use qingfeng_domain::text::{date_error, parse_ymd, trim_all};
use qingfeng_store::org::branches::{self, Branch, Member, Post};
use qingfeng_store::org::{people, Person, PersonFilter};
use qingfeng_store::{StoreError, StoreResult};
use serde::{Deserialize, Serialize};

use crate::auth::Principal;
use crate::http::ApiResult;
use crate::AppState;

/// A branch with its members and committee on a day.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BranchDetail {
    #[serde(flatten)]
    pub branch: Branch,
    /// the day the roll is for
    pub on: NaiveDate,
    /// the members that day the reader may open, the committee first
    pub members: Vec<Member>,
    /// members that day outside the reader's scope (counted, not shown)
    pub hidden_members: usize,
    /// the committee that day: 书记, 副书记, 委员
    pub committee: Vec<Post>,
}

/// A member added to or removed from a branch.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct MemberChange {
    pub person_id: i64,
    /// the day the change takes effect, "YYYY-MM-DD" (default today)
    pub date: String,
}

/// A committee post set (or cleared) for a member.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct PostChange {
    pub person_id: i64,
    /// 书记, 副书记, 委员 (key or label); empty to take the member off the committee
    pub post: String,
    /// the day the change takes effect, "YYYY-MM-DD" (default today)
    pub date: String,
}

pub async fn list(state: &AppState, p: &Principal) -> ApiResult<Vec<Branch>> {
    Ok(branches::list(&state.db, &p.scope).await?)
}

/// A branch in the reader's scope, with its roll on `on` (today when None).
pub async fn detail(state: &AppState, p: &Principal, id: i64, on: Option<NaiveDate>) -> ApiResult<BranchDetail> {
    let branch = branches::get(&state.db, &p.scope, id).await?;
    let on = on.unwrap_or_else(qingfeng_store::fulfilment::today);
    let (members, hidden_members) = branches::members_visible(&state.db, &p.scope, id, on).await?;
    let committee = branches::committee_on(&state.db, id, on).await?;
    Ok(BranchDetail { branch, on, members, hidden_members, committee })
}

/// The day a change takes effect: given and not after today, or today.
pub fn change_day(v: &str) -> StoreResult<NaiveDate> {
    let today = qingfeng_store::fulfilment::today();
    let v = trim_all(v);
    if v.is_empty() {
        return Ok(today);
    }
    match parse_ymd(v) {
        Ok(d) if d <= today => Ok(d),
        Ok(_) => Err(StoreError::field("date", "变动日期不能晚于今天")),
        Err(e) => Err(StoreError::field("date", date_error("变动日期", v, e, "2026-01-01"))),
    }
}

/// The branch (in scope) and the person (in scope) a change names.
async fn targets(state: &AppState, p: &Principal, branch_id: i64, person_id: i64) -> ApiResult<(Branch, Person)> {
    let branch = branches::get(&state.db, &p.scope, branch_id).await?;
    let person = match people::get(&state.db, &p.scope, person_id).await {
        Err(StoreError::NotFound) => {
            return Err(
                StoreError::field("person_id", format!("人员（编号 {person_id}）不存在或不在您的数据范围内")).into()
            )
        }
        other => other?,
    };
    Ok((branch, person))
}

pub async fn add_member(state: &AppState, p: &Principal, branch_id: i64, c: &MemberChange) -> ApiResult<()> {
    let on = change_day(&c.date)?;
    let (branch, person) = targets(state, p, branch_id, c.person_id).await?;
    if person.party_branch_id == Some(branch.id) {
        return Err(StoreError::field("person_id", format!("{}已是{}的党员", person.name, branch.name)).into());
    }
    branches::move_person(&state.db, &p.actor(), person.id, Some(branch.id), on).await?;
    Ok(())
}

pub async fn remove_member(state: &AppState, p: &Principal, branch_id: i64, c: &MemberChange) -> ApiResult<()> {
    let on = change_day(&c.date)?;
    let (branch, person) = targets(state, p, branch_id, c.person_id).await?;
    if person.party_branch_id != Some(branch.id) {
        return Err(StoreError::field("person_id", format!("{}不是{}的党员", person.name, branch.name)).into());
    }
    branches::move_person(&state.db, &p.actor(), person.id, None, on).await?;
    Ok(())
}

pub async fn set_post(state: &AppState, p: &Principal, branch_id: i64, c: &PostChange) -> ApiResult<()> {
    let on = change_day(&c.date)?;
    let word = trim_all(&c.post);
    let post = match word {
        "" => None,
        w => Some(BranchPost::parse(w).ok_or_else(|| {
            StoreError::field("post", format!("支委职务“{w}”无效，应为{}之一", BranchPost::label_list()))
        })?),
    };
    let (branch, person) = targets(state, p, branch_id, c.person_id).await?;
    branches::appoint(&state.db, &p.actor(), branch.id, person.id, post, on).await?;
    Ok(())
}

/// The party members in the writer's scope who could join the branch (active, not in it yet).
pub async fn candidates(state: &AppState, p: &Principal, branch_id: i64) -> ApiResult<Vec<Person>> {
    let filter = PersonFilter { status: Some(PersonStatus::Active.key().into()), ..Default::default() };
    Ok(people::list_all(&state.db, &p.scope, &filter)
        .await?
        .into_iter()
        .filter(|x| PoliticalStatus::parse(&x.political_status).is_some_and(|s| s.is_party_member()))
        .filter(|x| x.party_branch_id != Some(branch_id))
        .collect())
}
