//! 三重一大: validation, scope checks and the steps shared by the API and the pages.
//!
//! A meeting is read through its unit (仅本人: a meeting the person should attend). Recording
//! or changing one needs `decision:write`, its unit in the writer's scope, and every person it
//! names seen by the writer or of the unit (and its units above). Turning a failed check into
//! a finding needs `decision:convert` (the 纪检组).

use qingfeng_domain::decisions::register::{EntryKind, RegisterDraft, RegisterFields};
use qingfeng_domain::decisions::{checks, Body, Check, MeetingDraft, MeetingFields, MemberFields, TopicCategory};
use qingfeng_domain::findings::{Category, FindingDraft, Severity, Source};
use qingfeng_domain::text::parse_ymd;
use qingfeng_store::decisions::register::{self as reg, RegisterEntry, RegisterFilter};
use qingfeng_store::decisions::{self as store, Meeting, MeetingFilter};
use qingfeng_store::fulfilment::today;
use qingfeng_store::org::{branches, units};
use qingfeng_store::{now, Scope, StoreError};

use crate::auth::Principal;
use crate::features::findings::checked_api::Checked;
use crate::features::findings::from_checks::failed_check;
use crate::features::findings::service::{check_responsible, check_unit_scope};
use crate::features::home::service::{Section, TodoNotice};
use crate::http::{ApiError, ApiResult, Params};
use crate::AppState;

/// The query parameters [`meeting_filter`] reads.
pub const MEETING_FILTERS: &[&str] = &["year", "unit", "include_sub", "body", "category", "failed", "q"];
/// The query parameters [`register_filter`] reads.
pub const REGISTER_FILTERS: &[&str] = &["year", "unit", "include_sub", "kind", "flagged", "q"];

fn year_param(params: &Params) -> ApiResult<Option<i32>> {
    match params.int("year")? {
        Some(y) if (2000..=2100).contains(&y) => Ok(Some(y as i32)),
        Some(_) => Err(ApiError::bad_request("参数 year 应为 2000 至 2100 之间的年份", Some("year"))),
        None => Ok(None),
    }
}

fn keyed<T>(params: &Params, key: &str, parse: fn(&str) -> Option<T>, list: fn() -> String) -> ApiResult<Option<T>> {
    match params.str(key) {
        None => Ok(None),
        Some(s) => parse(&s)
            .map(Some)
            .ok_or_else(|| ApiError::bad_request(format!("参数 {key} 应为{}之一", list()), Some(key))),
    }
}

/// The list's filters from the query string.
pub fn meeting_filter(params: &Params) -> ApiResult<MeetingFilter> {
    Ok(MeetingFilter {
        year: year_param(params)?,
        unit_id: params.int("unit")?,
        include_sub: params.bool("include_sub")?.unwrap_or(true),
        body: keyed(params, "body", Body::parse, Body::label_list)?,
        failed: params.bool("failed")?.unwrap_or(false),
        category: keyed(params, "category", TopicCategory::parse, TopicCategory::label_list)?,
        q: params.str("q"),
    })
}

/// The register's filters from the query string.
pub fn register_filter(params: &Params) -> ApiResult<RegisterFilter> {
    Ok(RegisterFilter {
        year: year_param(params)?,
        unit_id: params.int("unit")?,
        include_sub: params.bool("include_sub")?.unwrap_or(true),
        kind: keyed(params, "kind", EntryKind::parse, EntryKind::label_list)?,
        flagged: params.bool("flagged")?.unwrap_or(false),
        q: params.str("q"),
    })
}

/// A party branch's 支委会 or 党员大会 entered without members: its committee or its members on
/// the day are the members who should attend (present until marked absent).
async fn fill_members(state: &AppState, f: &MeetingFields) -> ApiResult<MeetingFields> {
    let mut f = f.clone();
    let (Some(unit_id), Some(body), Ok(day)) = (f.unit_id, Body::parse(&f.body), parse_ymd(f.held_on.trim())) else {
        return Ok(f);
    };
    if !f.members.is_empty() || !matches!(body, Body::BranchCommittee | Body::BranchAssembly) {
        return Ok(f);
    }
    let unit = match units::get(&state.db, unit_id).await {
        Ok(u) if u.kind == "branch" => u,
        _ => return Ok(f),
    };
    let people: Vec<i64> = if body == Body::BranchCommittee {
        branches::committee_on(&state.db, unit.id, day).await?.iter().map(|c| c.person_id).collect()
    } else {
        branches::members_on(&state.db, unit.id, day).await?.iter().map(|m| m.person_id).collect()
    };
    f.members = people.into_iter().map(|id| MemberFields { person_id: Some(id), ..Default::default() }).collect();
    Ok(f)
}

/// Validates a meeting for the caller: its unit in scope, every person it names visible to the
/// caller or of the unit and its units above.
pub async fn validate(state: &AppState, p: &Principal, f: &MeetingFields) -> ApiResult<MeetingDraft> {
    let f = fill_members(state, f).await?;
    let d = f.validate(today())?;
    check_unit_scope(state, p, d.unit_id).await?;
    let unit = units::get(&state.db, d.unit_id).await?;
    for m in &d.members {
        check_responsible(state, p, &unit.path, "members", "应到会人员", Some(m.person_id)).await?;
    }
    check_responsible(state, p, &unit.path, "recorder_id", "记录人", d.recorder_id).await?;
    Ok(d)
}

/// 三重一大 meetings as a record with checks: what the JSON handlers of [`crate::features::findings::checked_api`]
/// and the pages call.
pub struct Meetings;

impl Checked for Meetings {
    type Record = Meeting;
    type Fields = MeetingFields;

    async fn get(state: &AppState, scope: &Scope, id: i64) -> ApiResult<Meeting> {
        Ok(store::get(&state.db, scope, id).await?)
    }

    fn fields(record: &Meeting) -> MeetingFields {
        record.fields()
    }

    /// The dry run: every check of the meeting as entered; nothing is written.
    async fn dry_run(state: &AppState, p: &Principal, f: &MeetingFields) -> ApiResult<Vec<Check>> {
        Ok(checks(&validate(state, p, f).await?))
    }

    /// Records a meeting.
    async fn create(state: &AppState, p: &Principal, f: &MeetingFields) -> ApiResult<i64> {
        let d = validate(state, p, f).await?;
        Ok(store::create(&state.db, &p.actor(), &d, now()).await?)
    }

    /// Changes a meeting the caller may write.
    async fn edit(state: &AppState, p: &Principal, m: &Meeting, f: &MeetingFields) -> ApiResult<()> {
        if !p.scope.covers_unit(m.unit_id, &m.unit_path) {
            return Err(ApiError::Forbidden("该会议的单位不在您的数据范围内，不能修改".into()));
        }
        let d = validate(state, p, f).await?;
        Ok(store::update(&state.db, &p.actor(), m, &d, now()).await?)
    }

    /// 转为问题: a failed check of a meeting in the caller's scope becomes a finding of the 纪检组.
    async fn convert(state: &AppState, p: &Principal, id: i64, rule: &str) -> ApiResult<i64> {
        let m = store::get(&state.db, &p.scope, id).await?;
        let c = failed_check(&m.checks, rule, "三重一大会议", "该会议")?;
        let d = finding_for(&m, c);
        Ok(store::link_finding(&state.db, &p.actor(), id, rule, &d, now()).await?)
    }
}

/// The finding a failed check becomes: the meeting's unit, 监督检查, 组织纪律, citing the rule.
fn finding_for(m: &Meeting, c: &Check) -> FindingDraft {
    FindingDraft {
        unit_id: m.unit_id,
        source: Source::Inspection,
        category: Category::Organizational,
        description: format!(
            "三重一大决策：{} {} {}（{}）未通过 {} 检查：{}。依据：{}。",
            m.unit_name, m.held_on, m.body_label, m.place, c.rule, c.message, c.source
        ),
        severity: Severity::General,
        found_on: today(),
        responsible_leader_id: Some(m.chair_id),
        responsible_person_id: None,
        campaign_id: None,
        risk_point_id: None,
    }
}

/// Validates a register entry for the caller: its unit in scope, the topic it points at in a
/// meeting the caller sees.
pub async fn validate_entry(state: &AppState, p: &Principal, f: &RegisterFields) -> ApiResult<RegisterDraft> {
    let d = f.validate(today())?;
    check_unit_scope(state, p, d.unit_id).await?;
    if let Some(t) = d.topic_id {
        if !store::topic_in_scope(&state.db, &p.scope, t).await? {
            return Err(StoreError::field("topic_id", format!("会议议题（编号 {t}）不存在或不在您的数据范围内")).into());
        }
    }
    Ok(d)
}

/// Enters a register entry.
pub async fn create_entry(state: &AppState, p: &Principal, f: &RegisterFields) -> ApiResult<i64> {
    let d = validate_entry(state, p, f).await?;
    Ok(reg::create(&state.db, &p.actor(), &d, now()).await?)
}

/// Changes a register entry in the caller's scope.
pub async fn edit_entry(state: &AppState, p: &Principal, e: &RegisterEntry, f: &RegisterFields) -> ApiResult<()> {
    if !p.scope.covers_unit(e.unit_id, &e.unit_path) {
        return Err(ApiError::Forbidden("该台账记录的单位不在您的数据范围内，不能修改".into()));
    }
    let d = validate_entry(state, p, f).await?;
    Ok(reg::update(&state.db, &p.actor(), e, &d, now()).await?)
}

/// The dashboard's 三重一大 section: this year's meetings whose checks fail (newest first) and,
/// as one line, the register entries that need a collective decision and have none.
pub async fn alerts(state: &AppState, p: &Principal) -> ApiResult<Section<TodoNotice>> {
    let since = super::pages::this_year_start();
    let failed = store::year_failures(&state.db, &p.scope, since).await?;
    let flagged = RegisterFilter { flagged: true, ..Default::default() };
    let unrecorded =
        reg::list(&state.db, &p.scope, &flagged, Some(qingfeng_store::Paging::new(Some(1), Some(1)))).await?.total;
    let mut items: Vec<TodoNotice> = failed
        .iter()
        .map(|m| TodoNotice {
            id: m.id,
            title: format!(
                "{} {}{}：{} 未通过",
                m.held_on,
                m.unit_name,
                m.body_label,
                m.failed_rules.replace(',', "、")
            ),
            link: format!("/decisions/{}#checks", m.id),
        })
        .collect();
    let total = items.len() as i64 + i64::from(unrecorded > 0);
    if unrecorded > 0 {
        items.push(TodoNotice {
            id: 0,
            title: format!("大额资金与任免台账：{unrecorded} 条达到限额或属人事任免，没有集体决策记录（R-DEC-8）"),
            link: "/decisions/register?flagged=true".into(),
        });
    }
    Ok(Section { total, items })
}
