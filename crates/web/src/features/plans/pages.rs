//! 任务分解: the year's work plans, a plan's task tree with states, the forms to deploy plans and
//! (sub-)tasks, the task page with its progress updates, and the 任务分解表 import.

use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{Datelike, FixedOffset};
use qingfeng_domain::plans::{PlanFields, TaskFields, TaskState, UpdateFields};
use qingfeng_domain::FieldErrors;
use qingfeng_store::org::{people, units, PersonFilter};
use qingfeng_store::plans::{self, can_deploy_under, can_edit, Task, WorkPlan};

use super::service::{fields_of, write_error};
use super::sheets;
use crate::auth::Principal;
use crate::http::import_flow::UploadFlow;
use crate::http::ApiError;
use crate::http::Params;
use crate::http::{render, see_other, FormPairs, FormTarget, Nav, Opt, PageError, PagePath, PageResult};
use crate::sheets::ImportReport;
use crate::AppState;

const ACTIVE: &str = "plans";

fn cst() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

fn invalid_status(mut res: Response) -> Response {
    *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    res
}

/// Field errors to show on a form, or the error as a page.
fn field_errors(e: ApiError, field_for_refusal: &str) -> Result<FieldErrors, PageError> {
    match e {
        ApiError::Invalid(f) => Ok(f),
        ApiError::Forbidden(m) => {
            let mut f = FieldErrors::default();
            f.push(field_for_refusal, m);
            Ok(f)
        }
        other => Err(PageError(other)),
    }
}

/// The CSS class of a state tag: green when completed, red when overdue.
fn state_class(key: &str) -> &'static str {
    match TaskState::from_key(key) {
        Some(TaskState::Completed) => "ok",
        Some(TaskState::Overdue) => "late",
        Some(TaskState::InProgress) => "doing",
        _ => "",
    }
}

/// A row of the task tree.
pub struct TaskRow {
    pub id: i64,
    pub number: String,
    pub title: String,
    pub depth: i64,
    pub lead_unit: String,
    pub person: String,
    pub support: String,
    pub deadline: String,
    pub business_work: String,
    pub latest: String,
    pub state_label: String,
    pub state_class: &'static str,
    pub completed_late: bool,
    pub can_deploy: bool,
}

impl TaskRow {
    fn new(t: &Task, p: &Principal) -> Self {
        TaskRow {
            id: t.id,
            number: t.number.clone(),
            title: t.title.clone(),
            depth: t.depth.min(6),
            lead_unit: t.lead_unit_name.clone(),
            person: t.lead_person_name.clone().unwrap_or_default(),
            support: t.support_units.iter().map(|u| u.name.as_str()).collect::<Vec<_>>().join("、"),
            deadline: t.deadline.to_string(),
            business_work: t.business_work.clone(),
            latest: t.latest_update.clone().unwrap_or_default(),
            state_label: t.state_label.clone(),
            state_class: state_class(&t.state),
            completed_late: t.completed_late,
            can_deploy: p.can("plan:write") && can_deploy_under(&p.scope, t),
        }
    }
}

pub struct PlanItem {
    pub id: i64,
    pub year: i64,
    pub title: String,
    pub unit: String,
    pub counts: String,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "plans/plans.html")]
struct PlansPage {
    nav: Nav,
    plans: Vec<PlanItem>,
    selected: Option<WorkPlan>,
    tasks: Vec<TaskRow>,
    states: Vec<Opt>,
    state: String,
    can_write: bool,
    can_add_top: bool,
    can_export: bool,
    can_import: bool,
}

async fn plans_page(state: &AppState, p: &Principal, selected_id: Option<i64>, params: &Params) -> PageResult {
    let all = plans::all_plans(&state.db, &p.scope).await?;
    let selected = match selected_id {
        Some(id) => Some(plans::get_plan(&state.db, &p.scope, id).await?),
        None => all.first().cloned(),
    };
    let filter = params.str("state").and_then(|s| TaskState::parse(&s));
    let tasks = match &selected {
        Some(plan) => plans::plan_tasks(&state.db, &p.scope, plan.id)
            .await?
            .iter()
            .filter(|t| filter.is_none_or(|f| f.key() == t.state))
            .map(|t| TaskRow::new(t, p))
            .collect(),
        None => vec![],
    };
    let items = all
        .iter()
        .map(|x| PlanItem {
            id: x.id,
            year: x.year,
            title: x.title.clone(),
            unit: x.unit_name.clone(),
            counts: format!("{} 项任务，已完成 {}，逾期 {}", x.task_count, x.completed_count, x.overdue_count),
            active: selected.as_ref().is_some_and(|s| s.id == x.id),
        })
        .collect();
    let mut states = vec![Opt::new("", "全部状态", filter.is_none())];
    states.extend(TaskState::ALL.iter().map(|s| Opt::new(s.key(), s.label(), filter == Some(*s))));
    render(&PlansPage {
        nav: Nav::new(p, ACTIVE),
        plans: items,
        can_add_top: p.can("plan:write")
            && selected.as_ref().is_some_and(|s| p.scope.covers_unit(s.unit_id, &s.unit_path)),
        selected,
        tasks,
        states,
        state: filter.map(|f| f.key().to_string()).unwrap_or_default(),
        can_write: p.can("plan:write"),
        can_export: p.can("task:export"),
        can_import: p.can("task:import"),
    })
}

/// `GET /plans`: the plans in scope, with the newest one opened.
pub async fn page(State(state): State<AppState>, p: Principal, params: Params) -> PageResult {
    plans_page(&state, &p, None, &params).await
}

/// `GET /plans/{id}`
pub async fn plan(
    State(state): State<AppState>,
    p: Principal,
    PagePath(id): PagePath<i64>,
    params: Params,
) -> PageResult {
    plans_page(&state, &p, Some(id), &params).await
}

// ------------------------------------------------------------------ plan form

/// The plan form's values as typed.
pub struct PlanInput {
    pub year: String,
    pub title: String,
}

#[derive(Template)]
#[template(path = "plans/plan_form.html")]
struct PlanForm {
    nav: Nav,
    f: PlanInput,
    units: Vec<Opt>,
    errors: FieldErrors,
}

async fn unit_opts(
    state: &AppState,
    p: &Principal,
    selected: &[i64],
    keep: &[(i64, String)],
) -> Result<Vec<Opt>, PageError> {
    let all = units::all(&state.db, &p.scope).await?;
    let mut opts: Vec<Opt> = all
        .iter()
        .map(|u| Opt::new(u.id, format!("{}{}", "　".repeat(u.depth()), u.name), selected.contains(&u.id)))
        .collect();
    // units already on the record but outside the scope stay choosable, so saving keeps them
    for (id, name) in keep {
        if !all.iter().any(|u| u.id == *id) {
            opts.push(Opt::new(id, name, selected.contains(id)));
        }
    }
    Ok(opts)
}

async fn plan_form(
    state: &AppState,
    p: &Principal,
    f: PlanInput,
    unit: Option<i64>,
    errors: FieldErrors,
) -> PageResult {
    let units = unit_opts(state, p, &unit.into_iter().collect::<Vec<_>>(), &[]).await?;
    let res = render(&PlanForm { nav: Nav::new(p, ACTIVE), f, units, errors: errors.clone() })?;
    Ok(if errors.is_empty() { res } else { invalid_status(res) })
}

fn parse_id(errors: &mut FieldErrors, field: &str, label: &str, value: &str) -> Option<i64> {
    match value.trim() {
        "" => None,
        s => s.parse().map(Some).unwrap_or_else(|_| {
            errors.push(field, format!("{label}无效"));
            None
        }),
    }
}

/// `GET /plans/new`
pub async fn new_plan(State(state): State<AppState>, p: Principal) -> PageResult {
    let year = chrono::Utc::now().with_timezone(&cst()).year();
    let own_unit = match p.person_id {
        Some(pid) => people::get(&state.db, &p.scope, pid).await.ok().map(|x| x.unit_id),
        None => None,
    };
    let f = PlanInput { year: year.to_string(), title: format!("{year}年党风廉政建设工作要点") };
    plan_form(&state, &p, f, own_unit, FieldErrors::default()).await
}

/// `POST /plans/new`
pub async fn create_plan(State(state): State<AppState>, p: Principal, form: FormPairs) -> PageResult {
    let mut errors = FieldErrors::default();
    let year = match form.get("year").trim().parse::<i64>() {
        Ok(y) => Some(y),
        Err(_) => {
            errors.push("year", "年度应为四位数字，如 2026");
            None
        }
    };
    let unit_id = parse_id(&mut errors, "unit_id", "部署单位", &form.get("unit_id"));
    let input = PlanInput { year: form.get("year"), title: form.get("title") };
    let result: Result<WorkPlan, ApiError> = async {
        errors.clone().into_result()?;
        let draft = PlanFields { year, unit_id, title: form.get("title") }.validate()?;
        Ok(plans::create_plan(&state.db, &p.actor(), &p.scope, &draft).await?)
    }
    .await;
    match result {
        Ok(plan) => Ok(see_other(format!("/plans/{}", plan.id))),
        Err(e) => plan_form(&state, &p, input, unit_id, field_errors(e, "unit_id")?).await,
    }
}

// ------------------------------------------------------------------ task form

#[derive(Template)]
#[template(path = "plans/task_form.html")]
struct TaskForm {
    nav: Nav,
    heading: String,
    action: String,
    cancel: String,
    plan: WorkPlan,
    f: TaskFields,
    errors: FieldErrors,
    parents: Vec<Opt>,
    units: Vec<Opt>,
    supports: Vec<Opt>,
    people: Vec<Opt>,
}

// a form page is its frame (heading, action, cancel), its plan, its values, its errors and the task edited
async fn task_form(
    state: &AppState,
    p: &Principal,
    target: FormTarget,
    plan: WorkPlan,
    f: TaskFields,
    errors: FieldErrors,
    editing: Option<&Task>,
) -> PageResult {
    let FormTarget { heading, action, cancel } = target;
    let tasks = plans::plan_tasks(&state.db, &p.scope, plan.id).await?;
    let mut parents = vec![Opt::new("", "（无，一级任务）", f.parent_id.is_none())];
    for t in &tasks {
        // a task cannot move under itself or its sub-tasks
        let own = editing.is_some_and(|e| t.id == e.id || t.number.starts_with(&format!("{}.", e.number)));
        let current = f.parent_id == Some(t.id);
        if current || (!own && can_deploy_under(&p.scope, t)) {
            parents.push(Opt::new(t.id, format!("{}　{}", t.number, t.title), current));
        }
    }
    let keep_units: Vec<(i64, String)> = editing
        .map(|t| {
            t.support_units
                .iter()
                .map(|u| (u.id, u.name.clone()))
                .chain([(t.lead_unit_id, t.lead_unit_name.clone())])
                .collect()
        })
        .unwrap_or_default();
    let units = unit_opts(state, p, &f.lead_unit_id.into_iter().collect::<Vec<_>>(), &keep_units).await?;
    let supports = unit_opts(state, p, &f.support_unit_ids, &keep_units).await?;
    let mut people_opts = vec![Opt::new("", "（不指定）", f.lead_person_id.is_none())];
    let all_people = people::list_all(&state.db, &p.scope, &PersonFilter::default()).await?;
    for x in &all_people {
        people_opts.push(Opt::new(x.id, format!("{}（{}）", x.name, x.unit_name), f.lead_person_id == Some(x.id)));
    }
    if let Some(t) = editing {
        if let (Some(id), Some(name)) = (t.lead_person_id, &t.lead_person_name) {
            if !all_people.iter().any(|x| x.id == id) {
                people_opts.push(Opt::new(id, name, f.lead_person_id == Some(id)));
            }
        }
    }
    let res = render(&TaskForm {
        nav: Nav::new(p, ACTIVE),
        heading,
        action,
        cancel,
        plan,
        f,
        errors: errors.clone(),
        parents,
        units,
        supports,
        people: people_opts,
    })?;
    Ok(if errors.is_empty() { res } else { invalid_status(res) })
}

fn task_fields_from_form(plan_id: i64, form: &FormPairs) -> (TaskFields, FieldErrors) {
    let mut errors = FieldErrors::default();
    let parent_id = parse_id(&mut errors, "parent_id", "上级任务", &form.get("parent_id"));
    let lead_unit_id = parse_id(&mut errors, "lead_unit_id", "牵头单位", &form.get("lead_unit_id"));
    let lead_person_id = parse_id(&mut errors, "lead_person_id", "责任人", &form.get("lead_person_id"));
    let support_unit_ids: Vec<i64> =
        form.all("support_unit_ids").iter().filter_map(|s| s.trim().parse().ok()).collect();
    let sort_order = match form.get("sort_order").trim() {
        "" => 0,
        s => s.parse().unwrap_or_else(|_| {
            errors.push("sort_order", "排序号应为整数");
            0
        }),
    };
    let f = TaskFields {
        plan_id: Some(plan_id),
        parent_id,
        title: form.get("title"),
        lead_unit_id,
        lead_person_id,
        support_unit_ids,
        deadline: form.get("deadline"),
        business_work: form.get("business_work"),
        sort_order,
    };
    (f, errors)
}

/// `GET /plans/{id}/tasks/new?parent=`
pub async fn new_task(
    State(state): State<AppState>,
    p: Principal,
    PagePath(id): PagePath<i64>,
    params: Params,
) -> PageResult {
    let plan = plans::get_plan(&state.db, &p.scope, id).await?;
    let parent = match params.int("parent")? {
        Some(pid) => Some(plans::get_task(&state.db, &p.scope, pid).await?),
        None => None,
    };
    let f = TaskFields {
        plan_id: Some(id),
        parent_id: parent.as_ref().map(|t| t.id),
        // a sub-task is led by a unit below the parent's lead unit; start from the parent's
        lead_unit_id: parent.as_ref().map(|t| t.lead_unit_id),
        deadline: parent.as_ref().map(|t| t.deadline.to_string()).unwrap_or_default(),
        ..Default::default()
    };
    let heading = match &parent {
        Some(t) => format!("分解任务：{} {}", t.number, t.title),
        None => "新增任务".to_string(),
    };
    let action = format!("/plans/{id}/tasks/new");
    let cancel = format!("/plans/{id}");
    task_form(&state, &p, FormTarget::new(heading, action, cancel), plan, f, FieldErrors::default(), None).await
}

/// `POST /plans/{id}/tasks/new`
pub async fn create_task(
    State(state): State<AppState>,
    p: Principal,
    PagePath(id): PagePath<i64>,
    form: FormPairs,
) -> PageResult {
    let plan = plans::get_plan(&state.db, &p.scope, id).await?;
    let (f, errors) = task_fields_from_form(id, &form);
    let result: Result<Task, ApiError> = async {
        errors.into_result()?;
        let draft = f.validate()?;
        plans::create_task(&state.db, &p.actor(), &p.scope, &draft).await.map_err(write_error)
    }
    .await;
    match result {
        Ok(t) => Ok(see_other(format!("/plans/{id}#task-{}", t.id))),
        Err(e) => {
            let errors = field_errors(e, "parent_id")?;
            let (action, cancel) = (format!("/plans/{id}/tasks/new"), format!("/plans/{id}"));
            task_form(&state, &p, FormTarget::new("新增任务", action, cancel), plan, f, errors, None).await
        }
    }
}

/// `GET /tasks/{id}/edit`
pub async fn edit_task(State(state): State<AppState>, p: Principal, PagePath(id): PagePath<i64>) -> PageResult {
    let t = plans::get_task(&state.db, &p.scope, id).await?;
    if !can_edit(&p.scope, &t) {
        return Err(PageError(ApiError::Forbidden("只有部署该任务的单位可以修改任务".into())));
    }
    let plan = plans::get_plan(&state.db, &qingfeng_store::Scope::all(), t.plan_id).await?;
    let heading = format!("修改任务：{} {}", t.number, t.title);
    let (action, cancel) = (format!("/tasks/{id}/edit"), format!("/tasks/{id}"));
    task_form(
        &state,
        &p,
        FormTarget::new(heading, action, cancel),
        plan,
        fields_of(&t),
        FieldErrors::default(),
        Some(&t),
    )
    .await
}

/// `POST /tasks/{id}/edit`
pub async fn update_task(
    State(state): State<AppState>,
    p: Principal,
    PagePath(id): PagePath<i64>,
    form: FormPairs,
) -> PageResult {
    let t = plans::get_task(&state.db, &p.scope, id).await?;
    let (f, errors) = task_fields_from_form(t.plan_id, &form);
    let result: Result<Task, ApiError> = async {
        errors.into_result()?;
        let draft = f.validate()?;
        plans::update_task(&state.db, &p.actor(), &p.scope, id, &draft).await.map_err(write_error)
    }
    .await;
    match result {
        Ok(_) => Ok(see_other(format!("/tasks/{id}"))),
        Err(ApiError::Forbidden(m)) => Err(PageError(ApiError::Forbidden(m))),
        Err(e) => {
            let errors = field_errors(e, "parent_id")?;
            let plan = plans::get_plan(&state.db, &qingfeng_store::Scope::all(), t.plan_id).await?;
            let heading = format!("修改任务：{} {}", t.number, t.title);
            let (action, cancel) = (format!("/tasks/{id}/edit"), format!("/tasks/{id}"));
            task_form(&state, &p, FormTarget::new(heading, action, cancel), plan, f, errors, Some(&t)).await
        }
    }
}

// ------------------------------------------------------------------ task page

pub struct UpdateRow {
    pub date: String,
    pub text: String,
    pub evidence: String,
    pub completes: bool,
    pub late_reason: String,
    pub who: String,
    pub at: String,
}

#[derive(Template)]
#[template(path = "plans/task.html")]
struct TaskPage {
    nav: Nav,
    t: Task,
    state_class: &'static str,
    facts: Vec<(&'static str, String)>,
    children: Vec<TaskRow>,
    updates: Vec<UpdateRow>,
    f: UpdateFields,
    errors: FieldErrors,
    can_update: bool,
    can_edit: bool,
    can_deploy: bool,
    /// The deadline has passed and the task is not completed: a late reason will be asked.
    past_deadline: bool,
}

async fn task_page(
    state: &AppState,
    p: &Principal,
    id: i64,
    f: Option<UpdateFields>,
    errors: FieldErrors,
) -> PageResult {
    let t = plans::get_task(&state.db, &p.scope, id).await?;
    let today = plans::today();
    let all = plans::plan_tasks(&state.db, &p.scope, t.plan_id).await?;
    let children = all.iter().filter(|c| c.parent_id == Some(t.id)).map(|c| TaskRow::new(c, p)).collect();
    let updates = plans::updates(&state.db, id)
        .await?
        .into_iter()
        .map(|u| UpdateRow {
            date: u.update_date.to_string(),
            text: u.text,
            evidence: u.evidence,
            completes: u.completes,
            late_reason: u.late_reason,
            who: u.username.unwrap_or_default(),
            at: u.created_at.with_timezone(&cst()).format("%Y-%m-%d %H:%M").to_string(),
        })
        .collect();
    let mut facts = vec![
        ("工作要点", format!("{}（{}年）", t.plan_title, t.plan_year)),
        ("序号", t.number.clone()),
        ("牵头单位", t.lead_unit_name.clone()),
        ("责任人", t.lead_person_name.clone().unwrap_or_default()),
        ("配合单位", t.support_units.iter().map(|u| u.name.as_str()).collect::<Vec<_>>().join("、")),
        ("完成时限", t.deadline.to_string()),
        ("同部署业务工作", t.business_work.clone()),
    ];
    if let Some(c) = t.completed_on {
        facts.push(("完成日期", if t.completed_late { format!("{c}（逾期完成）") } else { c.to_string() }));
    }
    let f = f.unwrap_or_else(|| UpdateFields { update_date: today.to_string(), ..Default::default() });
    let res = render(&TaskPage {
        nav: Nav::new(p, ACTIVE),
        state_class: state_class(&t.state),
        facts,
        children,
        updates,
        f,
        errors: errors.clone(),
        can_update: p.can("plan:write"),
        can_edit: p.can("plan:write") && can_edit(&p.scope, &t),
        can_deploy: p.can("plan:write") && can_deploy_under(&p.scope, &t),
        past_deadline: t.completed_on.is_none() && today > t.deadline,
        t,
    })?;
    Ok(if errors.is_empty() { res } else { invalid_status(res) })
}

/// `GET /tasks/{id}`
pub async fn task(State(state): State<AppState>, p: Principal, PagePath(id): PagePath<i64>) -> PageResult {
    task_page(&state, &p, id, None, FieldErrors::default()).await
}

/// `POST /tasks/{id}/updates`
pub async fn add_update(
    State(state): State<AppState>,
    p: Principal,
    PagePath(id): PagePath<i64>,
    form: FormPairs,
) -> PageResult {
    plans::get_task(&state.db, &p.scope, id).await?;
    let f = UpdateFields {
        update_date: form.get("update_date"),
        text: form.get("text"),
        evidence: form.get("evidence"),
        completes: form.get("completes") == "true",
        late_reason: form.get("late_reason"),
    };
    match plans::add_update(&state.db, &p.actor(), id, &f, plans::today()).await {
        Ok(_) => Ok(see_other(format!("/tasks/{id}#updates"))),
        Err(e) => {
            let errors = field_errors(e.into(), "text")?;
            task_page(&state, &p, id, Some(f), errors).await
        }
    }
}

// ------------------------------------------------------------------ import

#[derive(Template)]
#[template(path = "plans/import.html")]
struct ImportPage {
    nav: Nav,
    plan: WorkPlan,
    action: String,
    message: Option<String>,
    message_class: &'static str,
    report: Option<ImportReport>,
    pending: Option<String>,
}

/// `GET /plans/{id}/import`
pub async fn import_page(State(state): State<AppState>, p: Principal, PagePath(id): PagePath<i64>) -> PageResult {
    let plan = plans::get_plan(&state.db, &p.scope, id).await?;
    render(&ImportPage {
        nav: Nav::new(&p, ACTIVE),
        action: format!("/plans/{id}/import"),
        plan,
        message: None,
        message_class: "",
        report: None,
        pending: None,
    })
}

/// `POST /plans/{id}/import`: validate an upload (keeping it for the confirmation), or confirm.
pub async fn import_submit(
    State(state): State<AppState>,
    p: Principal,
    PagePath(id): PagePath<i64>,
    multipart: Multipart,
) -> PageResult {
    let plan = plans::get_plan(&state.db, &p.scope, id).await?;
    let flow =
        UploadFlow { kind: format!("tasks:{id}"), action: format!("/plans/{id}/import"), nav: Nav::new(&p, ACTIVE) };
    let (db, p, plan) = (&state.db, &p, &plan);
    flow.run(db, p, multipart, "项任务", move |bytes, commit| async move {
        sheets::tasks_import(db, &p.actor(), &p.scope, plan, &bytes, commit).await
    })
    .await
}
