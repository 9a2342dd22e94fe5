//! 问题整改 pages: the 问题清单 with filters, a finding with its timeline, measures and updates and
//! the form of every step the user may take, the new/edit finding form, campaigns (专项整治) and a
//! campaign's progress, the rectification dashboard, and the finding-list import.

use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use qingfeng_domain::findings::{
    CampaignFields, Category, FeedbackFields, FindingFields, FindingState, LookBackFields, MeasureFields, Origin,
    ReturnFields, Severity, SignOffFields, SignOffRequestFields, Source, UpdateFields,
};
use qingfeng_domain::FieldErrors;
use qingfeng_store::findings::{self as store, Finding, Measure, Stats, Tally};
use qingfeng_store::fulfilment::{this_year, today};
use qingfeng_store::org::{people, units, PersonFilter};
use qingfeng_store::plans::TaskFilter;
use qingfeng_store::{now, Db, Paging, QueryBuilder, Scope};

use super::service::{
    actions_for, apply_edit, campaign_view, feedback_step, finding_filter, is_discipline_group, look_back_step,
    measure_step, origin_for, progress_step, request_step, return_step, sign_off_step, validate_finding,
};
use super::sheets;
use crate::auth::Principal;
use crate::http::import_flow::UploadFlow;
use crate::http::ApiError;
use crate::http::Params;
use crate::http::{render, see_other, FormPairs, FormTarget, Nav, Opt, PageError, PagePath, PageResult};
use crate::sheets::ImportReport;
use crate::AppState;

fn with_status(mut res: Response, status: StatusCode) -> Response {
    *res.status_mut() = status;
    res
}

/// The CSS class of a state tag.
pub fn state_class(state: &str) -> &'static str {
    match FindingState::from_key(state) {
        Some(FindingState::Recorded) => "grey",
        Some(FindingState::FedBack) => "blue",
        Some(FindingState::Rectifying) => "doing",
        Some(FindingState::SignOffRequested) => "yellow",
        Some(FindingState::SignedOff) => "green",
        None => "",
    }
}

fn rate_text(t: &Tally) -> String {
    t.rate.map(|r| format!("{r:.1}%")).unwrap_or_else(|| "—".into())
}

fn local(t: chrono::DateTime<chrono::Utc>) -> String {
    crate::time::local_time(t)
}

// ------------------------------------------------------------------ 问题清单

pub struct Row {
    pub id: i64,
    pub found_on: String,
    pub unit: String,
    pub category: String,
    pub description: String,
    pub source: String,
    pub severity: String,
    pub state_label: String,
    pub state_class: &'static str,
    pub measures: String,
    pub overdue: bool,
    pub recurrence_of: Option<i64>,
    pub look_back: String,
}

fn row(f: &Finding) -> Row {
    let short: String = f.description.chars().take(60).collect();
    Row {
        id: f.id,
        found_on: f.found_on.to_string(),
        unit: f.unit_name.clone(),
        category: Category::from_key(&f.category).map(Category::short_label).unwrap_or("").to_string(),
        description: if short.chars().count() < f.description.chars().count() { format!("{short}…") } else { short },
        source: f.source_label.clone(),
        severity: f.severity_label.clone(),
        state_label: f.state_label.clone(),
        state_class: state_class(&f.state),
        measures: if f.measure_count > 0 {
            format!("{}/{}", f.measure_count - f.open_measures, f.measure_count)
        } else {
            "—".into()
        },
        overdue: f.overdue,
        recurrence_of: f.recurrence_of,
        look_back: f.look_back_label.clone().unwrap_or_default(),
    }
}

#[derive(Template)]
#[template(path = "findings/findings.html")]
struct ListPage {
    nav: Nav,
    rows: Vec<Row>,
    states: Vec<Opt>,
    categories: Vec<Opt>,
    sources: Vec<Opt>,
    units: Vec<Opt>,
    campaigns: Vec<Opt>,
    q: String,
    overdue: bool,
    filtered_note: String,
    query: String,
    total: i64,
    page: i64,
    pages: i64,
    can_write: bool,
    can_export: bool,
    can_import: bool,
    can_campaigns: bool,
}

const KEEP: &[&str] = &[
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
    "q",
    "from",
    "to",
];

async fn unit_options(db: &Db, scope: &Scope, selected: Option<i64>) -> Result<Vec<Opt>, PageError> {
    Ok(units::all(db, scope)
        .await?
        .iter()
        .map(|u| Opt::new(u.id, format!("{}{}", "　".repeat(u.depth()), u.name), selected == Some(u.id)))
        .collect())
}

async fn campaign_options(db: &Db, selected: Option<i64>) -> Result<Vec<Opt>, PageError> {
    Ok(store::list_campaigns(db, None, Some(Paging::new(Some(1), Some(200))))
        .await?
        .items
        .iter()
        .map(|c| Opt::new(c.id, &c.name, selected == Some(c.id)))
        .collect())
}

fn category_options(selected: Option<Category>) -> Vec<Opt> {
    Category::ALL.iter().map(|c| Opt::new(c.key(), c.label(), selected == Some(*c))).collect()
}

pub async fn page(State(state): State<AppState>, p: Principal, params: Params) -> PageResult {
    let filter = finding_filter(&params)?;
    let page = store::list(&state.db, &p.scope, &filter, Some(params.paging()?), today()).await?;
    let keep: Vec<(&str, String)> = KEEP.iter().filter_map(|k| params.str(k).map(|v| (*k, v))).collect();
    // filters the form does not show, named so the user sees why the list is narrowed
    let mut notes = Vec::new();
    if let Some(g) = &filter.group {
        notes.push(format!("类别：{g}"));
    }
    if let Some(s) = filter.severity {
        notes.push(format!("严重程度：{}", s.label()));
    }
    if let Some(o) = filter.origin {
        notes.push(o.label().to_string());
    }
    match filter.look_back.as_deref() {
        Some("held") => notes.push("回头看：整改成果巩固".into()),
        Some("recurred") => notes.push("回头看：问题反弹".into()),
        Some("due") => notes.push("已到回头看时间".into()),
        Some("done") => notes.push("已回头看".into()),
        _ => {}
    }
    if filter.recurrence {
        notes.push("回头看后重新登记的反弹问题".into());
    }
    if filter.person_id.is_some() {
        notes.push("指定责任人".into());
    }
    render(&ListPage {
        nav: Nav::new(&p, "findings"),
        rows: page.items.iter().map(row).collect(),
        states: FindingState::ALL.iter().map(|s| Opt::new(s.key(), s.label(), filter.state == Some(*s))).collect(),
        categories: category_options(filter.category),
        sources: Source::ALL.iter().map(|s| Opt::new(s.key(), s.label(), filter.source == Some(*s))).collect(),
        units: unit_options(&state.db, &p.scope, filter.unit_id).await?,
        campaigns: campaign_options(&state.db, filter.campaign_id).await?,
        q: params.str("q").unwrap_or_default(),
        overdue: filter.overdue,
        filtered_note: notes.join("，"),
        query: serde_urlencoded::to_string(keep).unwrap_or_default(),
        pages: ((page.total + page.per_page - 1) / page.per_page).max(1),
        total: page.total,
        page: page.page,
        can_write: p.can("finding:write"),
        can_export: p.can("finding:export"),
        can_import: p.can("finding:import"),
        can_campaigns: p.can("campaign:read"),
    })
}

// ------------------------------------------------------------------ new / edit

#[derive(Template)]
#[template(path = "findings/form.html")]
struct FindingForm {
    nav: Nav,
    heading: String,
    action: String,
    cancel: String,
    self_check: bool,
    today: String,
    f: FindingFields,
    errors: FieldErrors,
    units: Vec<Opt>,
    sources: Vec<Opt>,
    categories: Vec<Opt>,
    severities: Vec<Opt>,
    leaders: Vec<Opt>,
    persons: Vec<Opt>,
    campaigns: Vec<Opt>,
}

/// People offered as responsible leader or person: those in the operator's scope (the whole
/// organisation for the group), active, capped.
async fn people_options(state: &AppState, p: &Principal) -> Result<Vec<(i64, String)>, PageError> {
    let pf = PersonFilter { status: Some("active".into()), ..Default::default() };
    let list = people::list(&state.db, &p.scope, &pf, Paging::new(Some(1), Some(Paging::MAX_PER_PAGE))).await?;
    Ok(list.items.into_iter().map(|x| (x.id, format!("{}（{}）", x.name, x.unit_name))).collect())
}

fn person_opts(all: &[(i64, String)], selected: Option<i64>) -> Vec<Opt> {
    all.iter().map(|(id, l)| Opt::new(id, l, selected == Some(*id))).collect()
}

async fn finding_form(
    state: &AppState,
    p: &Principal,
    target: FormTarget,
    origin: Origin,
    f: FindingFields,
    errors: FieldErrors,
) -> PageResult {
    let FormTarget { heading, action, cancel } = target;
    let people_list = people_options(state, p).await?;
    let self_check = origin == Origin::SelfCheck;
    let source = Source::parse(&f.source);
    let category = Category::parse_loose(&f.category);
    let severity = Severity::parse(&f.severity);
    let failed = !errors.is_empty();
    let page = FindingForm {
        nav: Nav::new(p, "findings"),
        heading,
        action,
        cancel,
        self_check,
        today: today().to_string(),
        units: unit_options(&state.db, &p.scope, f.unit_id).await?,
        sources: Source::ALL
            .iter()
            .filter(|s| !self_check || **s == Source::SelfCheck)
            .map(|s| Opt::new(s.key(), s.label(), source == Some(*s)))
            .collect(),
        categories: category_options(category),
        severities: Severity::ALL.iter().map(|s| Opt::new(s.key(), s.label(), severity == Some(*s))).collect(),
        leaders: person_opts(&people_list, f.responsible_leader_id),
        persons: person_opts(&people_list, f.responsible_person_id),
        campaigns: campaign_options(&state.db, f.campaign_id).await?,
        f,
        errors,
    };
    let res = render(&page)?;
    Ok(if failed { with_status(res, StatusCode::UNPROCESSABLE_ENTITY) } else { res })
}

fn fields_from(form: &FormPairs) -> FindingFields {
    let id = |k: &str| form.get(k).trim().parse::<i64>().ok();
    FindingFields {
        unit_id: id("unit_id"),
        source: form.get("source"),
        category: form.get("category"),
        description: form.get("description"),
        severity: form.get("severity"),
        found_on: form.get("found_on"),
        responsible_leader_id: id("responsible_leader_id"),
        responsible_person_id: id("responsible_person_id"),
        campaign_id: id("campaign_id"),
    }
}

fn form_errors(e: ApiError) -> Result<FieldErrors, PageError> {
    match e {
        ApiError::Invalid(f) => Ok(f),
        other => Err(PageError(other)),
    }
}

pub async fn new_form(State(state): State<AppState>, p: Principal, params: Params) -> PageResult {
    let origin = origin_for(&state, &p).await?;
    let mut f = FindingFields {
        found_on: today().to_string(),
        unit_id: params.int("unit")?,
        campaign_id: params.int("campaign")?,
        severity: Severity::General.key().into(),
        ..Default::default()
    };
    if origin == Origin::SelfCheck {
        f.source = Source::SelfCheck.key().into();
        if f.unit_id.is_none() {
            if let Some(me) = p.person_id {
                f.unit_id = people::get(&state.db, &Scope::all(), me).await.ok().map(|m| m.unit_id);
            }
        }
    }
    let heading = if origin == Origin::SelfCheck { "登记自查问题" } else { "登记问题" };
    finding_form(&state, &p, FormTarget::new(heading, "/findings/new", "/findings"), origin, f, FieldErrors::default())
        .await
}

pub async fn create(State(state): State<AppState>, p: Principal, form: FormPairs) -> PageResult {
    let origin = origin_for(&state, &p).await?;
    let f = fields_from(&form);
    let result = match validate_finding(&state, &p, &f, origin, None).await {
        Ok(d) => store::create(&state.db, &p.actor(), &d, origin, now()).await.map_err(ApiError::from),
        Err(e) => Err(e),
    };
    match result {
        Ok(id) => Ok(see_other(format!("/findings/{id}"))),
        Err(e) => {
            let heading = if origin == Origin::SelfCheck { "登记自查问题" } else { "登记问题" };
            finding_form(&state, &p, FormTarget::new(heading, "/findings/new", "/findings"), origin, f, form_errors(e)?)
                .await
        }
    }
}

pub async fn edit_form(State(state): State<AppState>, p: Principal, PagePath(id): PagePath<i64>) -> PageResult {
    let f = store::get(&state.db, &p.scope, id, today()).await?;
    if f.state() != FindingState::Recorded {
        return Err(PageError(ApiError::Conflict("问题已反馈，不能再修改；只有已登记、尚未反馈的问题可以修改".into())));
    }
    finding_form(
        &state,
        &p,
        FormTarget::new(format!("修改问题（编号 {id}）"), format!("/findings/{id}/edit"), format!("/findings/{id}")),
        f.origin(),
        f.fields(),
        FieldErrors::default(),
    )
    .await
}

pub async fn edit(
    State(state): State<AppState>,
    p: Principal,
    PagePath(id): PagePath<i64>,
    form: FormPairs,
) -> PageResult {
    let f = store::get(&state.db, &p.scope, id, today()).await?;
    let fields = fields_from(&form);
    match apply_edit(&state, &p, &f, &fields).await {
        Ok(()) => Ok(see_other(format!("/findings/{id}"))),
        Err(e) => {
            finding_form(
                &state,
                &p,
                FormTarget::new(
                    format!("修改问题（编号 {id}）"),
                    format!("/findings/{id}/edit"),
                    format!("/findings/{id}"),
                ),
                f.origin(),
                fields,
                form_errors(e)?,
            )
            .await
        }
    }
}

// ------------------------------------------------------------------ one finding

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
}

/// People offered for a measure: those of the finding's unit and below, and of the units above
/// it (where the 分管领导 sit).
async fn measure_people(db: &Db, f: &Finding) -> Result<Vec<(i64, String)>, PageError> {
    let ancestors: Vec<i64> = f.unit_path.split('/').filter_map(|s| s.parse().ok()).collect();
    let (lo, hi) = qingfeng_store::query::subtree_range(&f.unit_path);
    let mut q = QueryBuilder::new();
    q.and("p.status = 'active'", vec![]);
    let lo_m = q.bind(lo);
    let hi_m = q.bind(hi);
    let marks: Vec<String> = ancestors.iter().map(|a| q.bind(*a)).collect();
    let anc = if marks.is_empty() { "1 = 0".to_string() } else { format!("u.id IN ({})", marks.join(", ")) };
    let rows: Vec<(i64, String, String)> = db
        .fetch_all(
            &format!(
                "SELECT p.id, p.name, u.name FROM people p JOIN units u ON u.id = p.unit_id{} AND ((u.path >= {lo_m} AND u.path < {hi_m}) OR {anc}) \
                 ORDER BY u.sort_path, p.id LIMIT 400",
                q.where_clause()
            ),
            q.args(),
        )
        .await?;
    Ok(rows.into_iter().map(|(id, name, unit)| (id, format!("{name}（{unit}）"))).collect())
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
    let actions = actions_for(state, p, &f).await?;
    let has = |k: &str| actions.contains(&k);
    let can = Can {
        edit: has("edit"),
        feedback: has("feedback"),
        add_measure: has("add_measure"),
        report: has("report_progress"),
        request: has("request_sign_off"),
        sign_off: has("sign_off"),
        ret: has("return"),
        look_back: has("look_back"),
    };
    let updates = store::updates(db, id).await?;
    let measures: Vec<MeasureView> = store::measures(db, id, today())
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
                    who: u.username.clone().unwrap_or_default(),
                })
                .collect(),
            m,
        })
        .collect();
    let people_list = if can.add_measure { measure_people(db, &f).await? } else { vec![] };
    let open_measures = measures
        .iter()
        .filter(|m| m.m.completed_on.is_none())
        .map(|m| Opt::new(m.m.id, &m.m.text, d.measure_id == Some(m.m.id)))
        .collect();
    let steps = store::steps(db, id)
        .await?
        .into_iter()
        .map(|s| StepView { label: s.label, note: s.note, who: s.username, at: local(s.at) })
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
        leaders: person_opts(&people_list, d.leader),
        persons: person_opts(&people_list, d.person),
        open_measures,
        form,
        errors,
        flash,
        d,
        today: today().to_string(),
        look_back_months: store::look_back_setting(db).await?,
        f,
    };
    let res = render(&page)?;
    Ok(match status {
        Some(s) => with_status(res, s),
        None => res,
    })
}

pub async fn finding(State(state): State<AppState>, p: Principal, PagePath(id): PagePath<i64>) -> PageResult {
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
        Err(ApiError::Conflict(m)) => finding_page(state, p, id, form, FieldErrors::default(), Some(m), d).await,
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

pub async fn feedback(
    State(state): State<AppState>,
    p: Principal,
    PagePath(id): PagePath<i64>,
    form: FormPairs,
) -> PageResult {
    let fields = FeedbackFields { note: form.get("note") };
    let r = feedback_step(&state, &p, id, &fields).await;
    after_step(&state, &p, id, "feedback", StepDraft { note: fields.note, ..Default::default() }, r).await
}

pub async fn measure(
    State(state): State<AppState>,
    p: Principal,
    PagePath(id): PagePath<i64>,
    form: FormPairs,
) -> PageResult {
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

pub async fn progress(
    State(state): State<AppState>,
    p: Principal,
    PagePath(id): PagePath<i64>,
    form: FormPairs,
) -> PageResult {
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

pub async fn request_sign_off(
    State(state): State<AppState>,
    p: Principal,
    PagePath(id): PagePath<i64>,
    form: FormPairs,
) -> PageResult {
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

pub async fn sign_off(
    State(state): State<AppState>,
    p: Principal,
    PagePath(id): PagePath<i64>,
    form: FormPairs,
) -> PageResult {
    let fields = SignOffFields { note: form.get("note") };
    let r = sign_off_step(&state, &p, id, &fields).await;
    after_step(&state, &p, id, "verify", StepDraft { note: fields.note, ..Default::default() }, r).await
}

pub async fn return_finding(
    State(state): State<AppState>,
    p: Principal,
    PagePath(id): PagePath<i64>,
    form: FormPairs,
) -> PageResult {
    let fields = ReturnFields { reason: form.get("reason") };
    let r = return_step(&state, &p, id, &fields).await;
    after_step(&state, &p, id, "verify", StepDraft { reason: fields.reason, ..Default::default() }, r).await
}

pub async fn look_back(
    State(state): State<AppState>,
    p: Principal,
    PagePath(id): PagePath<i64>,
    form: FormPairs,
) -> PageResult {
    let fields = LookBackFields { result: form.get("result"), note: form.get("note") };
    match look_back_step(&state, &p, id, &fields).await {
        Ok(Some(new_id)) => Ok(see_other(format!("/findings/{new_id}"))),
        r => {
            let d = StepDraft { result: fields.result, note: fields.note, ..Default::default() };
            after_step(&state, &p, id, "look-back", d, r).await
        }
    }
}

// ------------------------------------------------------------------ dashboard

pub struct TallyRow {
    pub label: String,
    /// query for the drill-down links, e.g. "category=gifts"
    pub q: String,
    pub total: u64,
    pub signed_off: u64,
    pub due: u64,
    pub rate: String,
    pub open: u64,
    pub overdue_findings: u64,
    pub overdue_measures: u64,
}

fn tally_row(label: &str, q: String, t: &Tally) -> TallyRow {
    TallyRow {
        label: label.to_string(),
        q,
        total: t.total,
        signed_off: t.signed_off,
        due: t.due,
        rate: rate_text(t),
        open: t.open,
        overdue_findings: t.overdue_findings,
        overdue_measures: t.overdue_measures,
    }
}

#[derive(Template)]
#[template(path = "findings/stats.html")]
struct Dashboard {
    nav: Nav,
    as_of: String,
    /// "&unit=3&campaign=1": the dashboard's own filters, kept by every drill-down link
    base_q: String,
    /// "&campaign=1": kept by the unit rows (which name their own unit)
    campaign_q: String,
    api: String,
    units: Vec<Opt>,
    campaigns: Vec<Opt>,
    total: TallyRow,
    states: Vec<(String, String, u64, &'static str)>,
    groups: Vec<TallyRow>,
    categories: Vec<TallyRow>,
    sources: Vec<TallyRow>,
    by_unit: Vec<TallyRow>,
    lb_signed_off: u64,
    lb_done: u64,
    lb_held: u64,
    lb_recurred: u64,
    lb_due: u64,
    lb_reopened: u64,
    lb_rate: String,
    look_back_months: u32,
    can_campaigns: bool,
}

fn dashboard_rows(s: &Stats) -> (Vec<TallyRow>, Vec<TallyRow>, Vec<TallyRow>, Vec<TallyRow>) {
    let enc = |k: &str, v: &str| serde_urlencoded::to_string([(k, v)]).unwrap_or_default();
    (
        s.by_group.iter().map(|g| tally_row(&g.label, enc("group", &g.key), &g.tally)).collect(),
        s.by_category.iter().map(|c| tally_row(&c.label, enc("category", &c.key), &c.tally)).collect(),
        s.by_source.iter().map(|c| tally_row(&c.label, enc("source", &c.key), &c.tally)).collect(),
        s.by_unit
            .iter()
            .map(|u| tally_row(&u.unit_name, format!("unit={}&include_sub=false", u.unit_id), &u.tally))
            .collect(),
    )
}

pub async fn dashboard(State(state): State<AppState>, p: Principal, params: Params) -> PageResult {
    let filter = finding_filter(&params)?;
    let s = store::stats(&state.db, &p.scope, &filter, today()).await?;
    let keep: Vec<(&str, String)> =
        ["unit", "campaign"].iter().filter_map(|k| params.str(k).map(|v| (*k, v))).collect();
    let base = serde_urlencoded::to_string(&keep).unwrap_or_default();
    let base_q = if base.is_empty() { String::new() } else { format!("&{base}") };
    let campaign_q = filter.campaign_id.map(|c| format!("&campaign={c}")).unwrap_or_default();
    let (groups, categories, sources, by_unit) = dashboard_rows(&s);
    render(&Dashboard {
        nav: Nav::new(&p, "finding-stats"),
        as_of: s.as_of.to_string(),
        api: format!("/api/v1/findings/stats?{base}"),
        units: unit_options(&state.db, &p.scope, filter.unit_id).await?,
        campaigns: campaign_options(&state.db, filter.campaign_id).await?,
        total: tally_row("合计", String::new(), &s.total),
        states: s.by_state.iter().map(|c| (c.state.clone(), c.label.clone(), c.count, state_class(&c.state))).collect(),
        groups,
        categories,
        sources,
        by_unit,
        lb_signed_off: s.look_back.signed_off,
        lb_done: s.look_back.done,
        lb_held: s.look_back.held,
        lb_recurred: s.look_back.recurred,
        lb_due: s.look_back.due_now,
        lb_reopened: s.look_back.reopened,
        lb_rate: s.look_back.recurrence_rate.map(|r| format!("{r:.1}%")).unwrap_or_else(|| "—".into()),
        look_back_months: store::look_back_setting(&state.db).await?,
        can_campaigns: p.can("campaign:read"),
        base_q,
        campaign_q,
    })
}

// ------------------------------------------------------------------ campaigns

pub struct CampaignRow {
    pub id: i64,
    pub name: String,
    pub period: String,
    pub units: i64,
    pub tasks: i64,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "findings/campaigns.html")]
struct CampaignsPage {
    nav: Nav,
    rows: Vec<CampaignRow>,
    can_write: bool,
    f: CampaignFields,
    errors: FieldErrors,
    units: Vec<Opt>,
    tasks: Vec<Opt>,
}

async fn campaigns_page(state: &AppState, p: &Principal, f: CampaignFields, errors: FieldErrors) -> PageResult {
    let today = today();
    let list = store::list_campaigns(&state.db, None, Some(Paging::new(Some(1), Some(200)))).await?;
    let can_write = p.can("campaign:write");
    let (unit_opts, task_opts) = if can_write {
        let units = units::all(&state.db, &p.scope)
            .await?
            .iter()
            .map(|u| Opt::new(u.id, format!("{}{}", "　".repeat(u.depth()), u.name), f.unit_ids.contains(&u.id)))
            .collect();
        let tf = TaskFilter { year: Some(this_year()), include_sub: true, ..Default::default() };
        let tasks = qingfeng_store::plans::list_tasks(&state.db, &p.scope, &tf, Paging::new(Some(1), Some(200)))
            .await?
            .items
            .iter()
            .map(|t| Opt::new(t.id, format!("{}（{}）", t.title, t.lead_unit_name), f.task_ids.contains(&t.id)))
            .collect();
        (units, tasks)
    } else {
        (vec![], vec![])
    };
    let failed = !errors.is_empty();
    let res = render(&CampaignsPage {
        nav: Nav::new(p, "findings"),
        rows: list
            .items
            .iter()
            .map(|c| CampaignRow {
                id: c.id,
                name: c.name.clone(),
                period: format!("{} 至 {}", c.start_date, c.end_date),
                units: c.unit_count,
                tasks: c.task_count,
                active: c.start_date <= today && today <= c.end_date,
            })
            .collect(),
        can_write,
        f,
        errors,
        units: unit_opts,
        tasks: task_opts,
    })?;
    Ok(if failed { with_status(res, StatusCode::UNPROCESSABLE_ENTITY) } else { res })
}

pub async fn campaigns(State(state): State<AppState>, p: Principal) -> PageResult {
    let t = today();
    let f = CampaignFields {
        start_date: t.to_string(),
        end_date: chrono::NaiveDate::from_ymd_opt(chrono::Datelike::year(&t), 12, 31).unwrap_or(t).to_string(),
        ..Default::default()
    };
    campaigns_page(&state, &p, f, FieldErrors::default()).await
}

pub async fn create_campaign(State(state): State<AppState>, p: Principal, form: FormPairs) -> PageResult {
    let ids = |k: &str| form.all(k).iter().filter_map(|s| s.parse().ok()).collect::<Vec<i64>>();
    let f = CampaignFields {
        name: form.get("name"),
        start_date: form.get("start_date"),
        end_date: form.get("end_date"),
        goals: form.get("goals"),
        unit_ids: ids("unit_ids"),
        task_ids: ids("task_ids"),
    };
    let result = match f.validate() {
        Ok(d) => match super::service::check_campaign_scope(&state, &p, &d).await {
            Ok(()) => store::create_campaign(&state.db, &p.actor(), &d, now()).await.map_err(ApiError::from),
            Err(e) => Err(e),
        },
        Err(e) => Err(ApiError::Invalid(e)),
    };
    match result {
        Ok(id) => Ok(see_other(format!("/campaigns/{id}"))),
        Err(e) => campaigns_page(&state, &p, f, form_errors(e)?).await,
    }
}

pub struct TaskRow {
    pub id: i64,
    pub title: String,
    pub plan: String,
    pub lead: String,
    pub deadline: String,
    pub state: String,
    pub state_label: String,
    pub latest: String,
}

#[derive(Template)]
#[template(path = "findings/campaign.html")]
struct CampaignPage {
    nav: Nav,
    id: i64,
    name: String,
    period: String,
    goals: String,
    units: String,
    tasks: Vec<TaskRow>,
    total: TallyRow,
    states: Vec<(String, String, u64, &'static str)>,
    by_unit: Vec<TallyRow>,
    categories: Vec<TallyRow>,
    /// (finding id, measure, unit, person, deadline)
    overdue: Vec<(i64, String, String, String, String)>,
    can_write_finding: bool,
}

pub async fn campaign(State(state): State<AppState>, p: Principal, PagePath(id): PagePath<i64>) -> PageResult {
    let v = campaign_view(&state, &p, id).await?;
    let s = &v.progress;
    let (_, categories, _, by_unit) = dashboard_rows(s);
    let c = &v.campaign;
    render(&CampaignPage {
        nav: Nav::new(&p, "findings"),
        id,
        name: c.name.clone(),
        period: format!("{} 至 {}", c.start_date, c.end_date),
        goals: c.goals.clone(),
        units: v.units.iter().map(|u| u.name.as_str()).collect::<Vec<_>>().join("、"),
        tasks: v
            .tasks
            .iter()
            .map(|t| TaskRow {
                id: t.id,
                title: t.title.clone(),
                plan: t.plan_title.clone(),
                lead: t.lead_unit_name.clone(),
                deadline: t.deadline.to_string(),
                state: t.state.clone(),
                state_label: t.state_label.clone(),
                latest: t.latest_update.clone().unwrap_or_default(),
            })
            .collect(),
        total: tally_row("合计", String::new(), &s.total),
        states: s.by_state.iter().map(|c| (c.state.clone(), c.label.clone(), c.count, state_class(&c.state))).collect(),
        by_unit,
        categories,
        overdue: v
            .overdue_measures
            .iter()
            .map(|m| {
                (
                    m.finding_id,
                    m.text.clone(),
                    m.unit_name.clone(),
                    m.responsible_person_name.clone(),
                    m.deadline.to_string(),
                )
            })
            .collect(),
        can_write_finding: p.can("finding:write"),
    })
}

// ------------------------------------------------------------------ import

#[derive(Template)]
#[template(path = "org/import.html")]
struct ImportPage {
    nav: Nav,
    heading: &'static str,
    action: &'static str,
    template_url: &'static str,
    message: Option<String>,
    message_class: &'static str,
    report: Option<ImportReport>,
    pending: Option<String>,
}

const IMPORT_ACTION: &str = "/findings/import";
const IMPORT_KIND: &str = "findings";

pub async fn import_page(p: Principal) -> PageResult {
    render(&ImportPage {
        nav: Nav::new(&p, "findings"),
        heading: "问题清单导入（巡察、审计等反馈的问题）",
        action: IMPORT_ACTION,
        template_url: "/api/v1/findings/import-template.xlsx",
        message: None,
        message_class: "",
        report: None,
        pending: None,
    })
}

/// Upload → validate → confirm to write the valid findings (see [`UploadFlow`]).
pub async fn import_submit(State(state): State<AppState>, p: Principal, multipart: Multipart) -> PageResult {
    let origin = origin_for(&state, &p).await?;
    let flow = UploadFlow { kind: IMPORT_KIND.into(), action: IMPORT_ACTION.into(), nav: Nav::new(&p, "findings") };
    let (db, p) = (&state.db, &p);
    flow.run(db, p, multipart, "个问题", move |bytes, commit| async move {
        sheets::import(db, &p.actor(), &p.scope, origin, &bytes, commit).await
    })
    .await
}
