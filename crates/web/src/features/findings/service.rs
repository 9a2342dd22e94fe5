//! 问题清单, 整改措施 and 专项整治: validation, scope checks and who may take each step of the
//! flow 登记 → 反馈 → 整改 → 申请验收销号 → 验收销号 / 退回 → 回头看, shared by the API and the pages.
//!
//! A finding is in scope through its unit (仅本人: where the person answers for it or for one of its
//! measures). Feedback, sign-off, return and look-back belong to the discipline-inspection group:
//! the built-in `supervisor` role, or a custom role that lists `finding:sign_off` itself — an
//! administrator's `*` is not enough.

use qingfeng_domain::access::{builtin_role, Permission};
use qingfeng_domain::findings::{
    allowed, Action, CampaignDraft, Category, FeedbackFields, FindingDraft, FindingFields, FindingState,
    LookBackFields, LookBackFilter, MeasureFields, Origin, ReturnFields, Severity, SignOffFields, SignOffRequestFields,
    Source, UpdateFields,
};
use qingfeng_store::findings::{self as store, Finding, FindingFilter, Measure, MeasureFilter};
use qingfeng_store::fulfilment::today;
use qingfeng_store::{now, StoreError};

use crate::auth::{role_grants, Principal};
use crate::features::accounts::grants::check_units_in_scope;
use crate::http::{ApiError, ApiResult, Params};
use crate::AppState;

pub const SIGN_OFF_REFUSED: &str = "只有纪检监察组可以验收销号";

/// Whether the caller acts as the discipline-inspection group: holds the built-in `supervisor`
/// role, or a custom role that explicitly lists `finding:sign_off` (`*` does not count).
pub async fn is_discipline_group(state: &AppState, p: &Principal) -> ApiResult<bool> {
    if p.roles.iter().any(|r| r == "supervisor") {
        return Ok(true);
    }
    let grants = role_grants(&state.db, &p.roles).await?;
    // the built-in administrator holds every permission, but is not the group
    Ok(grants.iter().any(|g| builtin_role(&g.key).is_none() && g.permissions.contains(&Permission::FindingSignOff)))
}

async fn require_group(state: &AppState, p: &Principal, message: &str) -> ApiResult<()> {
    if is_discipline_group(state, p).await? {
        Ok(())
    } else {
        Err(ApiError::Forbidden(message.into()))
    }
}

fn bad_param(key: &str, allowed: String) -> ApiError {
    ApiError::bad_request(format!("参数 {key} 应为{allowed}之一"), Some(key))
}

const GROUPS: &[&str] = &["形式主义官僚主义", "享乐主义奢靡之风", "主体责任落实", "六项纪律", "作风建设"];

/// The query parameters [`finding_filter`] reads: the list page keeps them across its links and
/// the OpenAPI document lists them for the list and the export.
pub const FINDING_FILTERS: &[&str] = &[
    "state",
    "category",
    "group",
    "source",
    "severity",
    "origin",
    "unit",
    "include_sub",
    "campaign",
    "overdue",
    "look_back",
    "recurrence",
    "person",
    "risk_point",
    "q",
    "from",
    "to",
    "voided",
];

/// The filters of the 问题清单 from the query string (keys or Chinese labels).
pub fn finding_filter(params: &Params) -> ApiResult<FindingFilter> {
    let state = match params.str("state") {
        None => None,
        Some(s) => Some(FindingState::parse(&s).ok_or_else(|| bad_param("state", FindingState::label_list()))?),
    };
    let category =
        match params.str("category") {
            None => None,
            Some(s) => Some(Category::parse_loose(&s).ok_or_else(|| {
                ApiError::bad_request(format!("参数 category“{s}”不在问题类别字典中"), Some("category"))
            })?),
        };
    let group = match params.str("group") {
        None => None,
        Some(g) if GROUPS.contains(&g.as_str()) => Some(g),
        Some(_) => return Err(bad_param("group", GROUPS.join("、"))),
    };
    let source = match params.str("source") {
        None => None,
        Some(s) => Some(Source::parse(&s).ok_or_else(|| bad_param("source", Source::label_list()))?),
    };
    let severity = match params.str("severity") {
        None => None,
        Some(s) => Some(Severity::parse(&s).ok_or_else(|| bad_param("severity", Severity::label_list()))?),
    };
    let origin = match params.str("origin") {
        None => None,
        Some(s) => Some(Origin::parse(&s).ok_or_else(|| bad_param("origin", "supervision、self".into()))?),
    };
    let look_back = match params.str("look_back") {
        None => None,
        Some(s) => {
            Some(LookBackFilter::from_key(&s).ok_or_else(|| bad_param("look_back", LookBackFilter::key_list()))?)
        }
    };
    Ok(FindingFilter {
        state,
        category,
        group,
        source,
        severity,
        origin,
        unit_id: params.int("unit")?,
        include_sub: params.bool("include_sub")?.unwrap_or(true),
        campaign_id: params.int("campaign")?,
        overdue: params.bool("overdue")?.unwrap_or(false),
        look_back,
        recurrence: params.bool("recurrence")?.unwrap_or(false),
        person_id: params.int("person")?,
        risk_point_id: params.int("risk_point")?,
        q: params.str("q"),
        from: params.date("from")?,
        to: params.date("to")?,
        voided: qingfeng_store::query::Voided::only(params.bool("voided")?.unwrap_or(false)),
    })
}

/// What the caller may do with a finding now: the flow's allowed steps the caller's role covers.
pub async fn actions_for(state: &AppState, p: &Principal, f: &Finding) -> ApiResult<Vec<&'static str>> {
    let group = is_discipline_group(state, p).await?;
    let mut out = Vec::new();
    for a in allowed(&f.facts()) {
        let (key, ok) = match a {
            Action::Edit => ("edit", p.can(Permission::FindingWrite) && (group || f.origin() == Origin::SelfCheck)),
            Action::Feedback => ("feedback", group && p.can(Permission::FindingWrite)),
            Action::AddMeasure => ("add_measure", p.can(Permission::RectificationWrite)),
            Action::ReportProgress => ("report_progress", p.can(Permission::RectificationWrite) && f.open_measures > 0),
            Action::RequestSignOff => ("request_sign_off", p.can(Permission::RectificationWrite)),
            Action::SignOff => ("sign_off", group),
            Action::Return => ("return", group),
            Action::LookBack(_) => ("look_back", group),
        };
        if ok && !out.contains(&key) {
            out.push(key);
        }
    }
    Ok(out)
}

/// Who records a finding decides its origin: the group records supervision findings; anyone
/// else with `finding:write` records the unit's own (自查) findings.
pub async fn origin_for(state: &AppState, p: &Principal) -> ApiResult<Origin> {
    Ok(if is_discipline_group(state, p).await? { Origin::Supervision } else { Origin::SelfCheck })
}

/// The finding's unit must be in the caller's scope.
pub async fn check_unit_scope(state: &AppState, p: &Principal, unit_id: i64) -> ApiResult<()> {
    match qingfeng_store::org::units::get(&state.db, unit_id).await {
        Ok(u) if p.scope.covers_unit(u.id, &u.path) => Ok(()),
        Ok(_) => Err(StoreError::field("unit_id", "责任单位不在您的数据范围内").into()),
        Err(StoreError::NotFound) => {
            Err(StoreError::field("unit_id", format!("责任单位（编号 {unit_id}）不存在")).into())
        }
        Err(e) => Err(e.into()),
    }
}

/// Validates a new or changed finding for the caller.
pub async fn validate_finding(
    state: &AppState,
    p: &Principal,
    f: &FindingFields,
    origin: Origin,
    before: Option<&Finding>,
) -> ApiResult<FindingDraft> {
    let d = f.validate(today(), origin)?;
    check_unit_scope(state, p, d.unit_id).await?;
    let unit = qingfeng_store::org::units::get(&state.db, d.unit_id).await?;
    let (leader_before, person_before) =
        before.map_or((None, None), |b| (b.responsible_leader_id, b.responsible_person_id));
    if d.responsible_leader_id != leader_before {
        check_responsible(state, p, &unit.path, "responsible_leader_id", "责任领导", d.responsible_leader_id).await?;
    }
    if d.responsible_person_id != person_before {
        check_responsible(state, p, &unit.path, "responsible_person_id", "责任人", d.responsible_person_id).await?;
    }
    Ok(d)
}

/// A person named responsible for a finding or a measure is someone the caller sees, or someone
/// of the finding's unit, its units below or its units above (the leaders who answer for it).
pub(crate) async fn check_responsible(
    state: &AppState,
    p: &Principal,
    unit_path: &str,
    field: &str,
    label: &str,
    person_id: Option<i64>,
) -> ApiResult<()> {
    let Some(pid) = person_id else { return Ok(()) };
    let row = qingfeng_store::org::people::unit_of(&state.db, pid).await?;
    let Some((uid, path)) = row else {
        return Err(StoreError::field(field, format!("{label}（编号 {pid}）不存在")).into());
    };
    let related = path.starts_with(unit_path) || unit_path.starts_with(path.as_str());
    if related || p.scope.covers_unit(uid, &path) || p.scope.person_id == Some(pid) {
        return Ok(());
    }
    Err(StoreError::field(field, format!("{label}（编号 {pid}）不在您的数据范围内，也不属于责任单位及其上级")).into())
}

/// Checks and applies a change of a recorded finding (API and form).
pub async fn apply_edit(state: &AppState, p: &Principal, f: &Finding, fields: &FindingFields) -> ApiResult<()> {
    if f.origin() == Origin::Supervision && !is_discipline_group(state, p).await? {
        return Err(ApiError::Forbidden("纪检监察组登记的问题只能由纪检监察组修改".into()));
    }
    qingfeng_domain::findings::transition(&f.facts(), Action::Edit).map_err(|r| ApiError::Conflict(r.0))?;
    let d = validate_finding(state, p, fields, f.origin(), Some(f)).await?;
    store::update(&state.db, &p.actor(), f.id, &f.draft(), &d, now()).await?;
    Ok(())
}

// The steps, shared by the API and the pages: each checks who acts and the scope, then asks
// the store (which asks the state machine).

/// 反馈 (the group).
pub async fn feedback_step(state: &AppState, p: &Principal, id: i64, fields: &FeedbackFields) -> ApiResult<()> {
    let f = store::get(&state.db, &p.scope, id, today()).await?;
    require_group(state, p, "只有纪检监察组可以反馈问题").await?;
    let note = fields.validate()?;
    Ok(store::feedback(&state.db, &p.actor(), f.id, &note, now()).await?)
}

/// 制定整改措施: one measure of the unit's plan.
pub async fn measure_step(state: &AppState, p: &Principal, id: i64, fields: &MeasureFields) -> ApiResult<i64> {
    let f = store::get(&state.db, &p.scope, id, today()).await?;
    let d = fields.validate(f.found_on)?;
    check_responsible(state, p, &f.unit_path, "responsible_leader_id", "责任领导", d.responsible_leader_id).await?;
    check_responsible(state, p, &f.unit_path, "responsible_person_id", "责任人", Some(d.responsible_person_id)).await?;
    Ok(store::add_measure(&state.db, &p.actor(), f.id, &d, now()).await?)
}

/// 报告整改进展 on a measure in scope.
pub async fn progress_step(state: &AppState, p: &Principal, measure_id: i64, fields: &UpdateFields) -> ApiResult<i64> {
    let m = store::get_measure(&state.db, &p.scope, measure_id, today()).await?;
    let d = fields.validate(m.found_on, today())?;
    Ok(store::add_update(&state.db, &p.actor(), m.id, &d, now()).await?)
}

/// 申请验收销号 with the evidence. Asking before the plan exists (or with open measures) is a
/// refused step, whatever the form holds.
pub async fn request_step(state: &AppState, p: &Principal, id: i64, fields: &SignOffRequestFields) -> ApiResult<()> {
    let f = store::get(&state.db, &p.scope, id, today()).await?;
    qingfeng_domain::findings::transition(&f.facts(), Action::RequestSignOff).map_err(|r| ApiError::Conflict(r.0))?;
    let (evidence, note) = fields.validate()?;
    Ok(store::request_sign_off(&state.db, &p.actor(), f.id, &evidence, &note, now()).await?)
}

/// 验收销号 (the group).
pub async fn sign_off_step(state: &AppState, p: &Principal, id: i64, fields: &SignOffFields) -> ApiResult<()> {
    let f = store::get(&state.db, &p.scope, id, today()).await?;
    require_group(state, p, SIGN_OFF_REFUSED).await?;
    let note = fields.validate()?;
    store::sign_off(&state.db, &p.actor(), f.id, &note, now()).await?;
    Ok(())
}

/// 退回整改 with a reason (the group).
pub async fn return_step(state: &AppState, p: &Principal, id: i64, fields: &ReturnFields) -> ApiResult<()> {
    let f = store::get(&state.db, &p.scope, id, today()).await?;
    require_group(state, p, "只有纪检监察组可以退回整改").await?;
    qingfeng_domain::findings::transition(&f.facts(), Action::Return).map_err(|r| ApiError::Conflict(r.0))?;
    let reason = fields.validate()?;
    Ok(store::return_finding(&state.db, &p.actor(), f.id, &reason, now()).await?)
}

/// 回头看 (the group): the new finding's id when the problem recurred.
pub async fn look_back_step(
    state: &AppState,
    p: &Principal,
    id: i64,
    fields: &LookBackFields,
) -> ApiResult<Option<i64>> {
    let f = store::get(&state.db, &p.scope, id, today()).await?;
    require_group(state, p, "只有纪检监察组可以开展回头看").await?;
    let (result, note) = fields.validate()?;
    Ok(store::look_back(&state.db, &p.actor(), f.id, result, &note, now()).await?)
}

// ------------------------------------------------------------------ campaigns

/// A campaign's units must lie inside the caller's scope and its tasks be ones the caller sees.
pub async fn check_campaign_scope(state: &AppState, p: &Principal, d: &CampaignDraft) -> ApiResult<()> {
    check_units_in_scope(&state.db, &p.scope, "unit_ids", "参加单位", &d.unit_ids).await?;
    for t in &d.task_ids {
        match qingfeng_store::plans::get_task(&state.db, &p.scope, *t).await {
            Ok(_) => {}
            Err(StoreError::NotFound) => {
                return Err(StoreError::field("task_ids", format!("任务（编号 {t}）不存在或不在您的数据范围内")).into())
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

/// A campaign with its units, linked tasks (those the caller sees) and its progress over the
/// findings in the caller's scope.
pub struct CampaignView {
    pub campaign: store::Campaign,
    pub units: Vec<store::CampaignUnit>,
    pub tasks: Vec<qingfeng_store::plans::Task>,
    pub progress: store::Stats,
    pub overdue_measures: Vec<Measure>,
}

pub async fn campaign_view(state: &AppState, p: &Principal, id: i64) -> ApiResult<CampaignView> {
    let db = &state.db;
    let campaign = store::get_campaign(db, id).await?;
    let mut tasks = Vec::new();
    for t in store::campaign_task_ids(db, id).await? {
        match qingfeng_store::plans::get_task(db, &p.scope, t).await {
            Ok(task) => tasks.push(task),
            Err(StoreError::NotFound) => {}
            Err(e) => return Err(e.into()),
        }
    }
    let filter = FindingFilter { campaign_id: Some(id), include_sub: true, ..Default::default() };
    let overdue = MeasureFilter { campaign_id: Some(id), overdue: true, ..Default::default() };
    Ok(CampaignView {
        units: store::campaign_units(db, id).await?,
        tasks,
        progress: store::stats(db, &p.scope, &filter, today()).await?,
        overdue_measures: store::list_measures(db, &p.scope, &overdue, None, today()).await?.items,
        campaign,
    })
}

/// The query parameters [`measure_filter`] reads.
pub const MEASURE_FILTERS: &[&str] = &["finding", "unit", "campaign", "person", "overdue", "open", "q"];

pub fn measure_filter(params: &Params) -> ApiResult<MeasureFilter> {
    Ok(MeasureFilter {
        finding_id: params.int("finding")?,
        unit_id: params.int("unit")?,
        campaign_id: params.int("campaign")?,
        person_id: params.int("person")?,
        overdue: params.bool("overdue")?.unwrap_or(false),
        open: params.bool("open")?.unwrap_or(false),
        q: params.str("q"),
    })
}

/// 整改佐证材料: a file for a measure, its progress or the sign-off request of a finding in
/// scope. The form names the part (`part`) and, for a measure or its progress, the measure.
pub async fn evidence_step(
    state: &AppState,
    p: &Principal,
    id: i64,
    upload: crate::http::AttachmentUpload,
) -> ApiResult<store::Evidence> {
    use qingfeng_domain::findings::EvidencePart;
    let f = store::get(&state.db, &p.scope, id, today()).await?;
    let part_text = upload.fields.get("part").map(String::as_str).unwrap_or("");
    let part = EvidencePart::parse(part_text).ok_or_else(|| {
        ApiError::bad_request(format!("材料类别应为{}之一", EvidencePart::label_list()), Some("part"))
    })?;
    let measure_id = match upload.fields.get("measure_id").map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => {
            Some(s.parse::<i64>().map_err(|_| ApiError::bad_request("整改措施编号应为整数", Some("measure_id")))?)
        }
    };
    let file = store::NewEvidence {
        part,
        measure_id,
        filename: &upload.filename,
        content_type: upload.content_type,
        content: upload.bytes,
    };
    Ok(store::add_evidence(&state.db, &p.actor(), f.id, file).await?)
}

/// One evidence file, if its finding is in the caller's scope.
pub async fn evidence_file(state: &AppState, p: &Principal, id: i64) -> ApiResult<(store::Evidence, Vec<u8>)> {
    let (meta, content) = store::evidence_file(&state.db, id).await?;
    store::get(&state.db, &p.scope, meta.finding_id, today()).await?;
    Ok((meta, content))
}
