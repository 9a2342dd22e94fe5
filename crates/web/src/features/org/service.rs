//! Units and people: scope checks and field handling shared by the API and the pages.

use qingfeng_domain::access::Permission;
use qingfeng_domain::org::UnitFields;
use qingfeng_domain::org::{PersonDraft, PersonFields};
use qingfeng_store::org::branches::Seat;
use qingfeng_store::org::units::{self, Unit};
use qingfeng_store::org::{Person, PersonFilter};

use crate::auth::Principal;
use crate::features::accounts::grants::check_units_in_scope;
use crate::http::Params;
use crate::http::{ApiError, ApiResult};
use crate::AppState;

/// A person as the API answers one: with the units in their charge (分管) and, on its own
/// page, their transfer history.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct PersonView {
    #[serde(flatten)]
    pub person: Person,
    /// ids of the units the person is in charge of (分管)
    pub in_charge_of: Vec<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transfers: Option<Vec<qingfeng_store::org::people::Transfer>>,
}

impl PersonView {
    /// The person as `p` may see them ([`shown_to`]), with their 分管 units.
    pub async fn load(state: &AppState, p: &Principal, person: Person) -> ApiResult<Self> {
        let in_charge_of = qingfeng_store::org::people::in_charge_of(&state.db, person.id).await?;
        Ok(PersonView { person: shown_to(p, person), in_charge_of, transfers: None })
    }
}

/// Whether `p` sees 身份证号 whole: those who manage people (新增、修改人员) do, everyone
/// else sees them masked.
pub fn sees_id_numbers(p: &Principal) -> bool {
    p.can(Permission::PersonWrite)
}

/// A person as `p` may see them: the 身份证号 masked (`110***********123X`) unless `p`
/// manages people.
pub fn shown_to(p: &Principal, mut person: Person) -> Person {
    if !sees_id_numbers(p) {
        person.id_number = person.id_number.as_deref().map(qingfeng_domain::id_number::mask);
    }
    person
}

/// A unit by id, or 404 when it does not exist or lies outside the caller's scope.
pub async fn unit_in_scope(state: &AppState, p: &Principal, id: i64) -> ApiResult<Unit> {
    let u = units::get(&state.db, id).await?;
    if p.scope.covers_unit(u.id, &u.path) {
        Ok(u)
    } else {
        Err(ApiError::NotFound)
    }
}

/// The parent chosen for a create or move must itself be in scope; a root needs full scope.
pub fn check_parent_scope(p: &Principal, parent: Option<&Unit>) -> ApiResult<()> {
    match parent {
        Some(u) if !p.scope.covers_unit(u.id, &u.path) => Err(ApiError::Forbidden("上级单位不在您的数据范围内".into())),
        None if !p.scope.all => Err(ApiError::Forbidden("只有拥有全部数据权限的账号可以新增顶级单位".into())),
        _ => Ok(()),
    }
}

pub fn unit_fields_of(u: &Unit) -> UnitFields {
    UnitFields {
        name: u.name.clone(),
        code: u.code.clone(),
        kind: u.kind.clone(),
        parent_id: u.parent_id,
        sort_order: u.sort_order,
    }
}

pub(crate) async fn parent_of(state: &AppState, parent_id: Option<i64>) -> ApiResult<Option<Unit>> {
    match parent_id {
        None => Ok(None),
        Some(id) => match units::get(&state.db, id).await {
            Ok(u) => Ok(Some(u)),
            Err(qingfeng_store::StoreError::NotFound) => {
                Err(qingfeng_store::StoreError::field("parent_id", format!("上级单位（编号 {id}）不存在")).into())
            }
            Err(e) => Err(e.into()),
        },
    }
}

pub fn person_fields_of(p: &Person, in_charge: Option<Vec<i64>>) -> PersonFields {
    PersonFields {
        name: p.name.clone(),
        gender: p.gender.clone(),
        unit_id: Some(p.unit_id),
        title: p.title.clone(),
        // the dictionary name when there is one: it maps back to the same level
        rank: if p.rank_name.is_empty() { p.rank.clone() } else { p.rank_name.clone() },
        rank_name: p.rank_name.clone(),
        political_status: p.political_status.clone(),
        roles: p.roles.split(',').filter(|s| !s.is_empty()).map(str::to_string).collect(),
        status: p.status.clone(),
        birth_date: p.birth_date.map(|d| d.to_string()).unwrap_or_default(),
        party_join_date: p.party_join_date.map(|d| d.to_string()).unwrap_or_default(),
        id_number: p.id_number.clone().unwrap_or_default(),
        exercises_public_power: p.exercises_public_power,
        supervision_override: p.supervision_override,
        supervision_override_reason: p.supervision_override_reason.clone(),
        in_charge_of: in_charge,
        party_branch_id: p.party_branch_id,
        branch_post: p.party_branch_post.clone().unwrap_or_default(),
    }
}

/// The query parameters [`filter_from`] reads: the people list and its export.
pub const PERSON_FILTERS: &[&str] = &["unit", "include_sub", "status", "rank", "supervised", "q", "voided"];

pub fn filter_from(params: &Params) -> Result<PersonFilter, ApiError> {
    Ok(PersonFilter {
        q: params.str("q"),
        unit_id: params.int("unit")?,
        include_sub: params.bool("include_sub")?.unwrap_or(true),
        status: params.str("status"),
        rank: params.str("rank"),
        in_supervision_scope: params.bool("supervised")?,
        without_account: params.bool("without_account")?.unwrap_or(false),
        voided: qingfeng_store::query::Voided::only(params.bool("voided")?.unwrap_or(false)),
    })
}

/// The 所在党支部 and 支委职务 of the fields as the store applies them; a branch newly chosen
/// must be one the caller's scope reaches (leaving one only narrows).
pub async fn seat_in_scope(state: &AppState, p: &Principal, f: &PersonFields, current: Option<i64>) -> ApiResult<Seat> {
    let (branch, post) = f.branch_seat()?;
    if let Some(b) = branch.filter(|b| Some(*b) != current) {
        match qingfeng_store::org::branches::get(&state.db, &p.scope, b).await {
            Ok(_) => {}
            Err(qingfeng_store::StoreError::NotFound) => {
                return Err(qingfeng_store::StoreError::field(
                    "party_branch_id",
                    format!("党支部（编号 {b}）不存在或不在您的数据范围内"),
                )
                .into())
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(Seat { branch, post: Some(post) })
}

/// Checks what a validated draft points at: its unit and 分管 units must be in the caller's scope.
/// `in_charge` is the new 分管 list (None: unchanged); `current_in_charge` the person's list
/// before the change, whose units may stay even when the caller cannot see them (dropping one
/// only narrows), while every unit added must be inside the caller's scope.
pub async fn check_draft_scope(
    state: &AppState,
    p: &Principal,
    d: &PersonDraft,
    in_charge: Option<&[i64]>,
    current_in_charge: &[i64],
) -> ApiResult<()> {
    let added: Vec<i64> =
        in_charge.unwrap_or_default().iter().copied().filter(|u| !current_in_charge.contains(u)).collect();
    check_units_in_scope(&state.db, &p.scope, "in_charge_of", "分管单位", &added).await?;
    match unit_in_scope(state, p, d.unit_id).await {
        Ok(_) => {}
        Err(ApiError::NotFound) => {
            return Err(qingfeng_store::StoreError::field(
                "unit_id",
                format!("所在单位（编号 {}）不存在或不在您的数据范围内", d.unit_id),
            )
            .into())
        }
        Err(e) => return Err(e),
    }
    Ok(())
}
