//! A unit's leadership group for the talk coverage: its 主要负责人, its 班子成员 and, for each
//! of them, the heads (内设机构负责人, by [`person_level`]) of the divisions in their charge.

use qingfeng_domain::dict::{parse_roles, ResponsibilityRole};
use qingfeng_domain::responsibility::{person_level, Level};
use qingfeng_store::org::{people, units, Person, PersonFilter};
use qingfeng_store::{Paging, StoreError};

use super::service::CoveragePerson;
use crate::auth::Principal;
use crate::http::{ApiError, ApiResult};
use crate::AppState;

pub struct Group {
    pub unit_id: i64,
    pub unit_name: String,
    pub principals: Vec<CoveragePerson>,
    pub leaders: Vec<CoveragePerson>,
    /// (leader, heads of the divisions in the leader's charge)
    pub heads: Vec<(i64, Vec<CoveragePerson>)>,
}

fn roles_of(p: &Person) -> Vec<ResponsibilityRole> {
    parse_roles(&p.roles).unwrap_or_default()
}

fn person(p: &Person, part: &str) -> CoveragePerson {
    CoveragePerson { id: p.id, name: p.name.clone(), part: part.to_string() }
}

async fn active_in(state: &AppState, pr: &Principal, unit_id: i64) -> ApiResult<Vec<Person>> {
    let f = PersonFilter { unit_id: Some(unit_id), status: Some("active".into()), ..Default::default() };
    Ok(people::list(&state.db, &pr.scope, &f, Paging::new(Some(1), Some(500))).await?.items)
}

pub async fn group(state: &AppState, pr: &Principal, unit_id: i64) -> ApiResult<Group> {
    let unit = match units::get(&state.db, unit_id).await {
        Ok(u) if pr.scope.covers_unit(u.id, &u.path) => u,
        Ok(_) | Err(StoreError::NotFound) => {
            return Err(ApiError::bad_request("单位不存在或不在您的数据范围内", Some("unit")));
        }
        Err(e) => return Err(e.into()),
    };
    let members = active_in(state, pr, unit.id).await?;
    let principals: Vec<CoveragePerson> = members
        .iter()
        .filter(|m| roles_of(m).contains(&ResponsibilityRole::Principal))
        .map(|m| person(m, "主要负责人"))
        .collect();
    let leaders: Vec<&Person> = members
        .iter()
        .filter(|m| {
            let r = roles_of(m);
            r.contains(&ResponsibilityRole::LeadershipMember) && !r.contains(&ResponsibilityRole::Principal)
        })
        .collect();
    let mut heads = Vec::new();
    for leader in &leaders {
        let mut theirs = Vec::new();
        for division in people::in_charge_of(&state.db, leader.id).await? {
            for h in active_in(state, pr, division).await? {
                if person_level(&roles_of(&h), &h.title) == Level::Middle
                    && !theirs.iter().any(|x: &CoveragePerson| x.id == h.id)
                {
                    theirs.push(person(&h, &format!("{}负责人", h.unit_name)));
                }
            }
        }
        heads.push((leader.id, theirs));
    }
    Ok(Group {
        unit_id: unit.id,
        unit_name: unit.name,
        principals,
        leaders: leaders.iter().map(|m| person(m, "班子成员")).collect(),
        heads,
    })
}
