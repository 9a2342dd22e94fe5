//! One finding: its steps, measures and progress, and the forms of each step.

use askama::Template;
use axum::http::StatusCode;
use qingfeng_domain::access::Permission;
use qingfeng_domain::findings::{
    Category, EvidencePart, FeedbackFields, FindingState, LookBackFields, MeasureFields, ReturnFields, SignOffFields,
    SignOffRequestFields, UpdateFields,
};
use qingfeng_domain::FieldErrors;
use qingfeng_store::findings::{self as store, Finding, Measure};
use qingfeng_store::fulfilment::today;
use qingfeng_store::Db;

use super::{leader_opts, local, person_opts, state_class, with_status, Pick};
use crate::auth::{Ctx, Principal};
use crate::features::findings::service::{
    actions_for, evidence_step, feedback_step, is_discipline_group, look_back_step, measure_step, progress_step,
    request_step, return_step, sign_off_step,
};
use crate::http::{
    human_size, read_attachment, render, see_other, FormPairs, Nav, Opt, PageError, PagePath, PageResult,
};
use crate::http::{ApiError, ApiResult};
use crate::AppState;

pub struct StepView {
    pub label: String,
    pub note: String,
    pub who: String,
    pub at: String,
}

pub struct UpdateView {
    pub date: String,
    pub text: String,
    pub evidence: String,
    pub completes: bool,
    pub who: String,
}

pub struct MeasureView {
    pub m: Measure,
    pub leader: String,
    pub status_class: &'static str,
    pub updates: Vec<UpdateView>,
}

/// What the user typed into one of the step forms, kept when the form comes back with errors.
#[derive(Default)]
pub struct StepDraft {
    pub text: String,
    pub deadline: String,
    pub leader: Option<i64>,
    pub person: Option<i64>,
    pub measure_id: Option<i64>,
    pub update_date: String,
    pub completes: bool,
    pub evidence: String,
    pub note: String,
    pub reason: String,
    pub result: String,
}

#[derive(Default)]
pub struct Can {
    pub edit: bool,
    pub feedback: bool,
    pub add_measure: bool,
    pub report: bool,
    pub request: bool,
    pub sign_off: bool,
    pub ret: bool,
    pub look_back: bool,
}

impl Can {
    fn any_group(&self) -> bool {
        self.sign_off || self.ret || self.look_back || self.feedback
    }
}

#[derive(Template)]
#[template(path = "findings/finding.html")]
struct FindingPage {
    nav: Nav,
    f: Finding,
    category_group: &'static str,
    state_class: &'static str,
    steps: Vec<StepView>,
    measures: Vec<MeasureView>,
    recurrences: Vec<(i64, String)>,
    can: Can,
    is_group: bool,
    leaders: Vec<Opt>,
    persons: Vec<Opt>,
    open_measures: Vec<Opt>,
    form: &'static str,
    errors: FieldErrors,
    flash: Option<String>,
    d: StepDraft,
    today: String,
    look_back_months: u32,
    evidence: Vec<EvidenceView>,
    /// the caller may add evidence now (rectification in progress, 整改 permission)
    can_evidence: bool,
    /// every measure, for the evidence form
    all_measures: Vec<Opt>,
}

/// An evidence file as the page lists it.
struct EvidenceView {
    id: i64,
    part: &'static str,
    measure: String,
    filename: String,
    size: String,
    who: String,
    at: String,
}

async fn evidence_views(state: &AppState, id: i64, measures: &[MeasureView]) -> ApiResult<Vec<EvidenceView>> {
    let files = store::evidence(&state.db, id).await?;
    Ok(files
        .into_iter()
        .map(|e| EvidenceView {
            id: e.id,
            part: EvidencePart::from_key(&e.part).map_or("", EvidencePart::label),
            measure: e
                .measure_id
                .and_then(|m| measures.iter().find(|v| v.m.id == m))
                .map(|v| v.m.text.clone())
                .unwrap_or_default(),
            filename: e.filename,
            size: human_size(e.size),
            who: e.uploader,
            at: local(e.created_at),
        })
        .collect())
}

/// People offered for a measure: those of the finding's unit and below, and of the units above
/// it (where the 分管领导 sit).
async fn measure_people(db: &Db, f: &Finding) -> Result<Vec<Pick>, PageError> {
    let rows = qingfeng_store::findings::measure_people(db, &f.unit_path).await?;
    Ok(rows.into_iter().map(|(id, name, unit, roles, title)| Pick::new(id, &name, &unit, &roles, &title)).collect())
}

/// The steps the caller may take on the finding now.
async fn can_of(state: &AppState, p: &Principal, f: &Finding) -> ApiResult<Can> {
    let actions = actions_for(state, p, f).await?;
    let has = |k: &str| actions.contains(&k);
    Ok(Can {
        edit: has("edit"),
        feedback: has("feedback"),
        add_measure: has("add_measure"),
        report: has("report_progress"),
        request: has("request_sign_off"),
        sign_off: has("sign_off"),
        ret: has("return"),
        look_back: has("look_back"),
    })
}

/// The finding's measures, each with its progress updates.
async fn measure_views(state: &AppState, id: i64) -> ApiResult<Vec<MeasureView>> {
    let db = &state.db;
    let updates = store::updates(db, id).await?;
    Ok(store::measures(db, id, today())
        .await?
        .into_iter()
        .map(|m| MeasureView {
            leader: m.responsible_leader_name.clone().unwrap_or_else(|| "—".into()),
            status_class: if m.completed_on.is_some() {
                "green"
            } else if m.overdue {
                "late"
            } else {
                "doing"
            },
            updates: updates
                .iter()
                .filter(|u| u.measure_id == m.id)
                .map(|u| UpdateView {
                    date: u.update_date.to_string(),
                    text: u.text.clone(),
                    evidence: u.evidence.clone(),
                    completes: u.completes,
                    who: u.name.clone().unwrap_or_default(),
                })
                .collect(),
            m,
        })
        .collect())
}

async fn finding_page(
    state: &AppState,
    p: &Principal,
    id: i64,
    form: &'static str,
    errors: FieldErrors,
    flash: Option<String>,
    d: StepDraft,
) -> PageResult {
    let db = &state.db;
    let f = store::get(db, &p.scope, id, today()).await?;
    let can = can_of(state, p, &f).await?;
    let measures = measure_views(state, id).await?;
    let people_list = if can.add_measure { measure_people(db, &f).await? } else { vec![] };
    let open_measures = measures
        .iter()
        .filter(|m| m.m.completed_on.is_none())
        .map(|m| Opt::new(m.m.id, &m.m.text, d.measure_id == Some(m.m.id)))
        .collect();
    let all_measures = measures.iter().map(|m| Opt::new(m.m.id, &m.m.text, false)).collect();
    let evidence = evidence_views(state, id, &measures).await?;
    let can_evidence = p.can(Permission::RectificationWrite)
        && FindingState::from_key(&f.state).is_some_and(qingfeng_domain::findings::evidence_open);
    let steps = store::steps(db, id)
        .await?
        .into_iter()
        .map(|s| StepView { label: s.label, note: s.note, who: s.name, at: local(s.at) })
        .collect();
    let status = if flash.is_some() {
        Some(StatusCode::CONFLICT)
    } else if !errors.is_empty() {
        Some(StatusCode::UNPROCESSABLE_ENTITY)
    } else {
        None
    };
    let page = FindingPage {
        nav: Nav::new(p, "findings"),
        // the group in brackets where the label does not already start with it (政治纪律（六项纪律）)
        category_group: Category::from_key(&f.category)
            .filter(|c| !c.label().starts_with(c.group()))
            .map(Category::group)
            .unwrap_or(""),
        state_class: state_class(&f.state),
        steps,
        measures,
        recurrences: store::recurrences(db, id)
            .await?
            .into_iter()
            .map(|(rid, s)| (rid, FindingState::from_key(&s).map(FindingState::label).unwrap_or("").to_string()))
            .collect(),
        is_group: can.any_group() || is_discipline_group(state, p).await?,
        can,
        // a new measure starts from the finding's own leader and person
        leaders: leader_opts(&people_list, d.leader.or(f.responsible_leader_id)),
        persons: person_opts(&people_list, d.person.or(f.responsible_person_id)),
        open_measures,
        form,
        errors,
        flash,
        d,
        today: today().to_string(),
        look_back_months: store::look_back_setting(db).await?,
        evidence,
        can_evidence,
        all_measures,
        f,
    };
    let res = render(&page)?;
    Ok(match status {
        Some(s) => with_status(res, s),
        None => res,
    })
}

pub async fn finding(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>) -> PageResult {
    finding_page(&state, &p, id, "", FieldErrors::default(), None, StepDraft::default()).await
}

/// The answer to a step form: back to the finding, or the page with the form's errors or the
/// refusal shown.
async fn after_step<T>(
    state: &AppState,
    p: &Principal,
    id: i64,
    form: &'static str,
    d: StepDraft,
    result: Result<T, ApiError>,
) -> PageResult {
    match result {
        Ok(_) => Ok(see_other(format!("/findings/{id}#{form}"))),
        Err(ApiError::Invalid(errors)) => finding_page(state, p, id, form, errors, None, d).await,
        Err(ApiError::Conflict(m) | ApiError::BadRequest { message: m, .. }) => {
            finding_page(state, p, id, form, FieldErrors::default(), Some(m), d).await
        }
        Err(ApiError::Forbidden(m)) => {
            let res = finding_page(state, p, id, form, FieldErrors::default(), Some(m), d).await?;
            Ok(with_status(res, StatusCode::FORBIDDEN))
        }
        Err(other) => Err(PageError(other)),
    }
}

fn opt_id(form: &FormPairs, key: &str) -> Option<i64> {
    form.get(key).trim().parse().ok()
}

pub async fn feedback(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, form: FormPairs) -> PageResult {
    let fields = FeedbackFields { note: form.get("note") };
    let r = feedback_step(&state, &p, id, &fields).await;
    after_step(&state, &p, id, "feedback", StepDraft { note: fields.note, ..Default::default() }, r).await
}

pub async fn measure(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, form: FormPairs) -> PageResult {
    let fields = MeasureFields {
        text: form.get("text"),
        responsible_leader_id: opt_id(&form, "responsible_leader_id"),
        responsible_person_id: opt_id(&form, "responsible_person_id"),
        deadline: form.get("deadline"),
    };
    let r = measure_step(&state, &p, id, &fields).await;
    let d = StepDraft {
        text: fields.text,
        deadline: fields.deadline,
        leader: fields.responsible_leader_id,
        person: fields.responsible_person_id,
        ..Default::default()
    };
    after_step(&state, &p, id, "measure", d, r).await
}

pub async fn progress(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, form: FormPairs) -> PageResult {
    let fields = UpdateFields {
        update_date: form.get("update_date"),
        text: form.get("text"),
        evidence: form.get("evidence"),
        completes: form.get("completes") == "true",
    };
    let measure_id = opt_id(&form, "measure_id");
    let r = match measure_id {
        // the measure must belong to this finding
        Some(mid) => match store::get_measure(&state.db, &p.scope, mid, today()).await {
            Ok(m) if m.finding_id == id => progress_step(&state, &p, mid, &fields).await,
            Ok(_) | Err(qingfeng_store::StoreError::NotFound) => {
                let mut e = FieldErrors::default();
                e.push("measure_id", "请选择本问题的一项整改措施");
                Err(ApiError::Invalid(e))
            }
            Err(e) => Err(e.into()),
        },
        None => {
            let mut e = FieldErrors::default();
            e.push("measure_id", "请选择要报告进展的整改措施");
            Err(ApiError::Invalid(e))
        }
    };
    let d = StepDraft {
        measure_id,
        update_date: fields.update_date,
        text: fields.text,
        evidence: fields.evidence,
        completes: fields.completes,
        ..Default::default()
    };
    after_step(&state, &p, id, "progress", d, r).await
}

pub async fn request_sign_off(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, form: FormPairs) -> PageResult {
    let fields = SignOffRequestFields { evidence: form.get("evidence"), note: form.get("note") };
    let r = request_step(&state, &p, id, &fields).await;
    after_step(
        &state,
        &p,
        id,
        "request",
        StepDraft { evidence: fields.evidence, note: fields.note, ..Default::default() },
        r,
    )
    .await
}

pub async fn sign_off(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, form: FormPairs) -> PageResult {
    let fields = SignOffFields { note: form.get("note") };
    let r = sign_off_step(&state, &p, id, &fields).await;
    after_step(&state, &p, id, "verify", StepDraft { note: fields.note, ..Default::default() }, r).await
}

pub async fn return_finding(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, form: FormPairs) -> PageResult {
    let fields = ReturnFields { reason: form.get("reason") };
    let r = return_step(&state, &p, id, &fields).await;
    after_step(&state, &p, id, "verify", StepDraft { reason: fields.reason, ..Default::default() }, r).await
}

pub async fn look_back(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, form: FormPairs) -> PageResult {
    let fields = LookBackFields { result: form.get("result"), note: form.get("note") };
    match look_back_step(&state, &p, id, &fields).await {
        Ok(Some(new_id)) => Ok(see_other(format!("/findings/{new_id}"))),
        r => {
            let d = StepDraft { result: fields.result, note: fields.note, ..Default::default() };
            after_step(&state, &p, id, "look-back", d, r).await
        }
    }
}

/// `POST /findings/{id}/evidence` (multipart): 上传整改佐证材料.
pub async fn evidence(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, m: axum::extract::Multipart) -> PageResult {
    let r = match read_attachment(m).await {
        Ok(upload) => evidence_step(&state, &p, id, upload).await,
        Err(e) => Err(e),
    };
    after_step(&state, &p, id, "evidence", StepDraft::default(), r).await
}
