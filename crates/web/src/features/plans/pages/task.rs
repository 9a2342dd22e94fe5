//! Tasks: the task page with its progress, and the new and edit forms.

use askama::Template;
use qingfeng_domain::access::Permission;
use qingfeng_domain::plans::{TaskFields, UpdateFields};
use qingfeng_domain::time::{office_minute, office_today};
use qingfeng_domain::FieldErrors;
use qingfeng_store::org::{people, PersonFilter};
use qingfeng_store::plans::{self, can_deploy_under, can_edit, Task, WorkPlan};

use super::plan::TaskRow;
use super::{field_errors, invalid_status, parse_id, state_class, unit_opts, ACTIVE};
use crate::auth::{Ctx, Principal};
use crate::features::plans::service::{fields_of, write_error};
use crate::http::ApiError;
use crate::http::Params;
use crate::http::{render, see_other, FormPairs, FormTarget, Nav, Opt, PageError, PagePath, PageResult};
use crate::AppState;

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
pub async fn new_task(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, params: Params) -> PageResult {
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
pub async fn create_task(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, form: FormPairs) -> PageResult {
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
pub async fn edit_task(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>) -> PageResult {
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
pub async fn update_task(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, form: FormPairs) -> PageResult {
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
    let today = office_today();
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
            at: office_minute(u.created_at),
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
        can_update: p.can(Permission::PlanWrite),
        can_edit: p.can(Permission::PlanWrite) && can_edit(&p.scope, &t),
        can_deploy: p.can(Permission::PlanWrite) && can_deploy_under(&p.scope, &t),
        past_deadline: t.completed_on.is_none() && today > t.deadline,
        t,
    })?;
    Ok(if errors.is_empty() { res } else { invalid_status(res) })
}

/// `GET /tasks/{id}`
pub async fn task(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>) -> PageResult {
    task_page(&state, &p, id, None, FieldErrors::default()).await
}

/// `POST /tasks/{id}/updates`
pub async fn add_update(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, form: FormPairs) -> PageResult {
    plans::get_task(&state.db, &p.scope, id).await?;
    let f = UpdateFields {
        update_date: form.get("update_date"),
        text: form.get("text"),
        evidence: form.get("evidence"),
        completes: form.get("completes") == "true",
        late_reason: form.get("late_reason"),
    };
    match plans::add_update(&state.db, &p.actor(), id, &f, office_today()).await {
        Ok(_) => Ok(see_other(format!("/tasks/{id}#updates"))),
        Err(e) => {
            let errors = field_errors(e.into(), "text")?;
            task_page(&state, &p, id, Some(f), errors).await
        }
    }
}
